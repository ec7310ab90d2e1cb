"""Fixtures shared by the whole suite: a config in a private state dir, the demo core."""

from __future__ import annotations

import os

# Before anything imports Qt: no display here, and Qt aborts without one.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import logs
from kiosk.app import Core, build_core
from kiosk.config import Config, from_mapping


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return from_mapping(
        {
            "kiosk": {"state_dir": str(tmp_path / "state")},
            "devices": {"card_poll_interval_s": 0.05},
            "session": {"idle_timeout_s": 60, "timeout_warning_s": 15},
        },
        environ={},
    )


@pytest.fixture
def core(config: Config, clock: FakeClock) -> Iterator[Core]:
    core = build_core(config, demo=True, clock=clock)
    yield core
    core.stop()


@pytest.fixture(autouse=True)
def _remove_kiosk_log_handlers() -> Iterator[None]:
    """`logs.configure` installs handlers on the root logger; take them off after each test."""
    yield
    logs.remove_handlers()
