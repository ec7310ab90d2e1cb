from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import Core, build_core
from kiosk.config import Config
from tests.conftest import FakeClock
from ui.executor import QtExecutor
from ui.fonts import chinese_font_family
from ui.window import KioskWindow


@pytest.fixture
def core(qapp: object, config: Config, clock: FakeClock) -> Iterator[Core]:
    """The demo core as the touchscreen builds it: the centre's answers on the GUI thread."""
    executor = QtExecutor()
    core = build_core(config, demo=True, clock=clock, executor=executor)
    yield core
    core.stop()
    executor.drain(5)


@pytest.fixture
def window(qtbot: QtBot, core: Core) -> Iterator[KioskWindow]:
    window = KioskWindow.with_core(core, chinese_font_family(), kiosk_mode=False)
    qtbot.addWidget(window)
    window.setFixedSize(core.config.screen.width_px, core.config.screen.height_px)
    window.show()
    qtbot.waitExposed(window)
    core.start()
    qtbot.waitUntil(lambda: bool(core.catalog.current.services), timeout=10_000)
    yield window
    core.stop()


@pytest.fixture(scope="session")
def tour(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`kiosk --demo --tour` run once, as a reviewer runs it: its folder of PNGs, with the
    layout findings of every screen (layout.json). About 50 s: shared by the tests that read
    the screens."""
    base = tmp_path_factory.mktemp("tour")
    shots = base / "shots"
    done = subprocess.run(
        [sys.executable, "-m", "ui.app", "--demo", "--tour", str(shots)],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "KIOSK_STATE_DIR": str(base / "state")},
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return shots
