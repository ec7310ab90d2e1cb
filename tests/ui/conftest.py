from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import Core
from ui.fonts import chinese_font_family
from ui.window import KioskWindow


@pytest.fixture
def window(qtbot: QtBot, core: Core) -> Iterator[KioskWindow]:
    window = KioskWindow(core, chinese_font_family(), kiosk_mode=False)
    qtbot.addWidget(window)
    window.resize(core.config.screen.width_px, core.config.screen.height_px)
    window.show()
    qtbot.waitExposed(window)
    core.start()
    yield window
    core.stop()
