from __future__ import annotations

from collections.abc import Iterator

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
    window.resize(core.config.screen.width_px, core.config.screen.height_px)
    window.show()
    qtbot.waitExposed(window)
    core.start()
    qtbot.waitUntil(lambda: bool(core.catalog.current.services), timeout=10_000)
    yield window
    core.stop()
