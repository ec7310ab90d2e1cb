from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import build_core
from kiosk.config import Config
from tests.ui.helpers import (
    clipped_labels,
    distinct_colours,
    missing_glyphs,
    small_buttons,
    tap,
    visible_labels,
    visible_texts,
)
from ui.fonts import chinese_font_family
from ui.theme import ELDER, NORMAL, px_from_mm, px_from_pt
from ui.window import KioskWindow


def test_attract_screen_shows_the_prompt_in_chinese(window: KioskWindow) -> None:
    assert window.stack.currentWidget() is window.attract
    image = window.grab().toImage()
    assert distinct_colours(image) > 20, "the screen looks blank"
    assert window.attract.prompt.text() == "请将身份证放在感应区"
    texts = visible_texts(window)
    for expected in ("长辈模式", "语言", "服务预览", "演示模式"):
        assert expected in texts
    strip = window.attract.announcements
    assert strip.tag.text() == "提醒", "alerts come first"
    assert any("城乡居民医保" in text for text in strip.texts)
    for widget in visible_labels(window):
        assert missing_glyphs(widget) == "", f"tofu in {widget.text()!r}"


def test_nothing_on_the_attract_screen_is_clipped_or_too_small(window: KioskWindow) -> None:
    dpi = window.core.config.screen.dpi
    assert clipped_labels(window) == []
    assert small_buttons(window.attract, px_from_mm(18, dpi)) == []


def test_the_clock_shows_the_time_and_a_chinese_date(window: KioskWindow) -> None:
    assert len(window.header.clock.text()) == 5 and window.header.clock.text()[2] == ":"
    assert "年" in window.header.date.text() and "星期" in window.header.date.text()


def test_elder_mode_swaps_the_tokens_for_larger_type_and_targets(
    qtbot: QtBot, window: KioskWindow
) -> None:
    normal_size = window.attract.prompt.font().pixelSize()
    tap(qtbot, window.attract.elder_button)
    assert window.core.session.preferences.elder_mode
    assert window.attract.elder_button.text() == "标准模式"
    dpi = window.core.config.screen.dpi
    assert window.attract.prompt.font().pixelSize() == px_from_pt(ELDER.display_pt, dpi)
    assert normal_size == px_from_pt(NORMAL.display_pt, dpi)
    qtbot.waitUntil(lambda: small_buttons(window.attract, px_from_mm(ELDER.touch_mm, dpi)) == [])
    qtbot.waitUntil(lambda: clipped_labels(window) == [])
    background = window.attract.grab().toImage().pixelColor(5, 5)
    assert background.name() == ELDER.background.lower()
    tap(qtbot, window.attract.elder_button)
    assert not window.core.session.preferences.elder_mode


def test_the_language_button_switches_to_english_and_back(
    qtbot: QtBot, window: KioskWindow
) -> None:
    tap(qtbot, window.attract.language_button)
    assert window.attract.prompt.text() == "Please place your ID card on the reader"
    assert any("Rural and urban medical insurance" in t for t in window.attract.announcements.texts)
    qtbot.waitUntil(lambda: "Government Service Kiosk" in window.header.site.text())
    qtbot.waitUntil(lambda: clipped_labels(window) == [])
    tap(qtbot, window.attract.language_button)
    assert window.attract.prompt.text() == "请将身份证放在感应区"
    qtbot.waitUntil(lambda: "政务服务自助终端" in window.header.site.text())


def test_the_service_preview_lists_the_catalog_and_comes_back(
    qtbot: QtBot, window: KioskWindow
) -> None:
    tap(qtbot, window.attract.preview_button)
    assert window.stack.currentWidget() is window.journey.preview
    preview = window.journey.preview
    services = [s.title["zh_CN"] for s in window.core.catalog.current.services]
    titles: list[str] = []
    while len(titles) < len(services):  # nine a page, 更多业务 for the next
        qtbot.waitUntil(lambda: all(t.isVisible() for t in preview.grid.tiles.values()))
        assert len(preview.grid.tiles) <= 9 and clipped_labels(window) == []
        titles += [tile.title.text() for tile in preview.grid.tiles.values()]
        if len(titles) < len(services):
            tap(qtbot, preview.more_button)
    assert titles == services
    tap(qtbot, window.journey.preview.back_button)
    assert window.stack.currentWidget() is window.attract


def test_without_a_reader_the_attract_screen_says_so(qtbot: QtBot, config: Config) -> None:
    core = build_core(config, demo=False)
    window = KioskWindow.with_core(core, chinese_font_family(), kiosk_mode=False)
    qtbot.addWidget(window)
    assert window.attract.prompt.text() == "身份证读卡器暂时无法使用"
    assert window.journey.demo_panel is None
    assert not window.header.badge.isVisibleTo(window)


def test_kiosk_mode_is_full_screen_without_cursor_context_menu_or_close(
    qtbot: QtBot, config: Config
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    core = build_core(config, demo=True)
    window = KioskWindow.with_core(core, chinese_font_family(), kiosk_mode=True)
    qtbot.addWidget(window)
    try:
        window.showFullScreen()
        qtbot.waitExposed(window)
        assert window.isFullScreen()  # a full-screen window has no frame, under cage too
        qtbot.waitUntil(lambda: QApplication.overrideCursor() is not None)  # after the frame
        cursor = QApplication.overrideCursor()
        assert cursor is not None and cursor.shape() == Qt.CursorShape.BlankCursor
        assert window.contextMenuPolicy() == Qt.ContextMenuPolicy.NoContextMenu
        assert not window.close(), "kiosk mode must refuse to close"
        assert window.isVisible()
    finally:
        QApplication.restoreOverrideCursor()
        window.kiosk_mode = False
        window.close()


@pytest.mark.parametrize("dpi", [96.0, 160.0])
def test_touch_targets_are_physical_millimetres(dpi: float) -> None:
    assert px_from_mm(18, dpi) == round(18 * dpi / 25.4)


def test_with_a_pcsc_reader_the_attract_screen_mentions_the_social_security_card(
    qtbot: QtBot, config: Config
) -> None:
    import dataclasses

    with_reader = dataclasses.replace(
        config, devices=dataclasses.replace(config.devices, smartcard_reader="pcsc")
    )
    core = build_core(with_reader, demo=True)
    window = KioskWindow.with_core(core, chinese_font_family(), kiosk_mode=False)
    qtbot.addWidget(window)
    assert "社会保障卡" in window.attract.hint.text()
    assert [s.device for s in core.device_statuses()] == [
        "idcard",
        "smartcard",
        "receipt",
        "scanner",
        "printer",
        "speech",
    ]


def test_a_tap_anywhere_on_the_window_is_activity(qtbot: QtBot, window: KioskWindow) -> None:
    """Taps reach the window's QWindow first; the window watches them there (not on the
    application, where every paint of every widget would run Python)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    handle = window.windowHandle()
    assert handle is not None
    middle = window.attract.hint.mapTo(window, window.attract.hint.rect().center())
    with qtbot.waitSignal(window.activity, timeout=2000):
        QTest.mouseClick(handle, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, middle)


@pytest.mark.parametrize("kiosk_mode", [True, False])
def test_kiosk_mode_opens_no_context_menu_on_a_text_field(
    qtbot: QtBot, config: Config, kiosk_mode: bool
) -> None:
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    core = build_core(config, demo=True)
    window = KioskWindow.with_core(core, chinese_font_family(), kiosk_mode=kiosk_mode)
    qtbot.addWidget(window)
    field = QLineEdit(window.attract)  # as the address field of an application
    field.setGeometry(40, 40, 400, 60)
    field.raise_()  # above the screen's own parts
    try:
        window.show()
        qtbot.waitExposed(window)
        handle = window.windowHandle()
        assert handle is not None
        # Each case taps its own spot: two right clicks on one spot within the double-click
        # interval make the second a double click, which opens no menu.
        where = field.mapTo(window, QPoint(20 if kiosk_mode else 200, 30))
        assert window.childAt(where) is field
        QTest.mouseClick(handle, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, where)
        qtbot.wait(200)
        menu = QApplication.activePopupWidget()
        if menu is not None:
            menu.close()
        # The standard build opens Qt's edit menu (撤销, 粘贴 …); the kiosk opens none.
        assert (menu is None) is kiosk_mode
    finally:
        if kiosk_mode:
            QApplication.restoreOverrideCursor()
        window.kiosk_mode = False
        window.close()
        core.stop()
