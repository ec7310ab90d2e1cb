"""申请 and 办件查询 on the touchscreen, tapped like a finger: the demo kiosk, the demo centre,
SANE's test device for the materials and the demo's receipt folder for the 受理回执."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.services.applying import Step
from kiosk.session import Preferences
from tests.ui.helpers import clipped_buttons, clipped_labels, service_tile, tap, visible_texts
from tests.ui.test_session_screens import identify
from ui import keyboard
from ui.screens.apply import ApplyScreen
from ui.theme import MM_PER_INCH
from ui.window import KioskWindow

STEP_MS = 20_000  # a capture on SANE's test device takes about a second on this machine


def at(window: KioskWindow, step: Step) -> bool:
    view = window.journey.apply.view
    return (
        window.stack.currentWidget() is window.journey.apply
        and view is not None
        and (view.step is step)
    )


def forward(qtbot: QtBot, screen: ApplyScreen) -> None:
    qtbot.waitUntil(lambda: screen.forward_button.isEnabled(), timeout=STEP_MS)
    tap(qtbot, screen.forward_button)


def capture(qtbot: QtBot, screen: ApplyScreen, pages: int) -> None:
    for page in range(pages):
        qtbot.waitUntil(lambda: screen.capture_button.isEnabled(), timeout=STEP_MS)
        tap(qtbot, screen.capture_button)
        qtbot.waitUntil(
            lambda p=page: (
                screen.view is not None
                and not screen.view.capturing
                and len(screen.view.pages.get(screen.view.current_material.key, ())) == p + 1
            ),  # type: ignore[union-attr]
            timeout=STEP_MS,
        )


def looks_right(window: KioskWindow, qtbot: QtBot) -> None:
    qtbot.wait(50)  # the layout settles on the next turn of the loop
    assert clipped_labels(window.journey.apply) == []
    assert clipped_buttons(window.journey.apply) == []


def test_a_resident_applies_with_two_scanned_materials_and_gets_a_receipt(
    qtbot: QtBot, window: KioskWindow
) -> None:
    screen = window.journey.apply
    identify(qtbot, window)
    tap(qtbot, service_tile(qtbot, window, "senior-allowance"))
    qtbot.waitUntil(lambda: at(window, Step.NEEDS))
    texts = visible_texts(screen)
    assert "居民身份证（数据共享，无需携带）" in texts and "户口簿（现场拍摄，最多 2 页）" in texts
    looks_right(window, qtbot)
    forward(qtbot, screen)  # 开始申请
    qtbot.waitUntil(lambda: at(window, Step.FORM))
    assert screen.question_title.text() == "联系电话"
    assert "已登记的信息会自动填写" in screen.question_hint.text()
    looks_right(window, qtbot)
    forward(qtbot, screen)  # the phone on file: nothing to type
    assert screen.question_title.text() == "办理结果如何领取？"
    forward(qtbot, screen)  # 自取, as chosen
    qtbot.waitUntil(lambda: at(window, Step.CAPTURE))
    forward(qtbot, screen)  # without a page: refused in words
    assert screen.problem.text() == "请拍摄这项材料"
    capture(qtbot, screen, 2)
    assert not screen.capture_button.isEnabled()  # two pages at most
    assert len(screen.thumbnails) == 2
    looks_right(window, qtbot)
    tap(qtbot, screen.retake_button)  # the last page again
    qtbot.waitUntil(lambda: screen.view is not None and not screen.view.capturing, timeout=STEP_MS)
    assert len(screen.view.pages["household_book"]) == 2  # type: ignore[union-attr]
    forward(qtbot, screen)
    capture(qtbot, screen, 1)  # the bank card
    forward(qtbot, screen)
    qtbot.waitUntil(lambda: at(window, Step.REVIEW))
    qtbot.waitUntil(lambda: "已拍摄 2 页" in visible_texts(screen))  # rows show on the next turn
    texts = visible_texts(screen)
    assert "已拍摄 1 页" in texts and "已登记的信息" in texts and "自取：" in texts
    looks_right(window, qtbot)
    forward(qtbot, screen)  # 提交申请
    qtbot.waitUntil(lambda: at(window, Step.SUBMITTED), timeout=STEP_MS)
    submitted = screen.view.submitted  # type: ignore[union-attr]
    assert submitted is not None and submitted.application_no in screen.message_number.text()
    assert "/progress/" in submitted.progress_url
    qtbot.waitUntil(lambda: "受理回执已打印" in screen.message_detail.text(), timeout=STEP_MS)
    looks_right(window, qtbot)
    controls = window.core.demo_controls
    assert controls is not None and controls.print_folder is not None
    slips = sorted(controls.print_folder.glob(f"receipt-{submitted.application_no}-*.pdf"))
    assert slips, "no 受理回执 in the demo's print folder"
    text = subprocess.run(
        ["pdftotext", str(slips[-1]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "受理回执" in text and submitted.application_no in text and "户口簿" in text
    # What the kiosk kept: nothing but the number; the pages went to the centre.
    assert screen.view is not None and screen.view.pages == {}


def test_a_text_question_is_typed_on_the_pinyin_keyboard(qtbot: QtBot, window: KioskWindow) -> None:
    if not keyboard.available():
        raise AssertionError("pyside6-addons is a dependency: the keyboard must be there")
    screen = window.journey.apply
    qtbot.waitUntil(lambda: screen.keyboard is not None, timeout=5000)
    identify(qtbot, window)
    tap(qtbot, service_tile(qtbot, window, "disability-subsidy"))
    qtbot.waitUntil(lambda: at(window, Step.NEEDS))
    forward(qtbot, screen)
    assert screen.question_title.text() == "残疾人证号"
    qtbot.waitUntil(lambda: screen.keyboard is not None and screen.keyboard.isVisible())
    screen.text_field.setFocus()
    assert screen.keyboard is not None
    keyboard.type_keys(screen.keyboard, "canlian ")
    qtbot.waitUntil(
        lambda: screen.view is not None and screen.view.answers.get("card_no") == "残联"
    )
    assert screen.text_field.text() == "残联"
    # What was typed stays out of the pinyin engine's user dictionary, a file that outlives
    # the session (Qt Virtual Keyboard's own tests: ImhSensitiveData disables it).
    assert screen.text_field.inputMethodHints() & Qt.InputMethodHint.ImhSensitiveData


def apply_in_the_elder_look(qtbot: QtBot, window: KioskWindow) -> ApplyScreen:
    """A resident in 长辈模式 opens 残疾人两项补贴: its first page, what they will need."""
    screen = window.journey.apply
    qtbot.waitUntil(lambda: screen.keyboard is not None, timeout=5000)
    identify(qtbot, window)
    window.core.session.set_preferences(Preferences(elder_mode=True))
    tap(qtbot, service_tile(qtbot, window, "disability-subsidy"))
    qtbot.waitUntil(lambda: at(window, Step.NEEDS))
    return screen


@dataclass(frozen=True)
class KeyRow:
    """A row of keys as drawn, in mm."""

    height: float
    gap_above: float
    narrowest_key: float
    between_first_keys: QPoint  # in the panel: the middle of the gap after the row's first key


def key_rows(panel: QWidget, dpi: float) -> list[KeyRow]:
    """The rows of keys the panel draws: a line of pixels is in a row when most of it is
    unlike the panel's background (the rows are separated by lines of background)."""
    image = panel.grab().toImage()
    background = image.pixelColor(1, 1).getRgb()[:3]

    def is_key(x: int, y: int) -> bool:
        colour = image.pixelColor(x, y).getRgb()[:3]
        return any(abs(a - b) > 8 for a, b in zip(colour, background, strict=True))

    def runs(flags: list[bool]) -> list[tuple[int, int]]:  # (start, length) of each True run
        found, start = [], -1
        for i, flag in enumerate([*flags, False]):
            if flag and start < 0:
                start = i
            elif not flag and start >= 0:
                found.append((start, i - start))
                start = -1
        return found

    xs = range(0, image.width(), 4)
    in_row = [sum(is_key(x, y) for x in xs) > len(xs) / 2 for y in range(image.height())]
    rows, previous_end = [], 0
    for top, height in runs(in_row):
        above_labels = top + height // 8  # a label's anti-aliased edge can match the background
        keys = runs([is_key(x, above_labels) for x in range(image.width())])
        (first_x, first_width), (second_x, _) = keys[:2]
        rows.append(
            KeyRow(
                mm_from_px(height, dpi),
                mm_from_px(top - previous_end, dpi),
                mm_from_px(min(width for _, width in keys), dpi),
                QPoint((first_x + first_width + second_x) // 2, top + height // 2),
            )
        )
        previous_end = top + height
    return rows


def mm_from_px(px: float, dpi: float) -> float:
    return px * MM_PER_INCH / dpi


def test_the_elder_keyboard_has_keys_24_mm_tall(qtbot: QtBot, window: KioskWindow) -> None:
    """长辈模式's 24 mm targets, measured on the keys Qt Virtual Keyboard draws: four rows
    under the address field, each key at least 24 mm tall and wide, and a tap between two keys
    presses one; the standard look keeps Qt's own shape, with smaller keys."""
    screen = apply_in_the_elder_look(qtbot, window)
    forward(qtbot, screen)
    panel = screen.keyboard
    assert panel is not None
    qtbot.waitUntil(panel.isVisible)
    dpi = window.config.screen.dpi
    qtbot.waitUntil(lambda: len(key_rows(panel, dpi)) == 4)
    elder = key_rows(panel, dpi)
    assert min(row.height for row in elder) >= 24, elder
    assert min(row.narrowest_key for row in elder) >= 24, elder
    # The keyboard's own 2 mm between keys is no dead zone: each key's whole cell answers.
    keyboard.use_language(panel, "en")  # letters straight into the field
    screen.text_field.setFocus()
    where = panel.mapTo(window, elder[0].between_first_keys)
    QTest.mouseClick(
        window.windowHandle(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where
    )
    qtbot.waitUntil(lambda: screen.text_field.text() in ("q", "w"))
    window.core.session.set_preferences(Preferences(elder_mode=False))
    qtbot.waitUntil(lambda: panel.height() < 390)
    qtbot.waitUntil(lambda: len(key_rows(panel, dpi)) == 4)
    standard = key_rows(panel, dpi)
    assert max(row.height for row in standard) < min(row.height for row in elder)


def squeezed(window: KioskWindow) -> list[str]:
    """The parts of the applying screen given less height than they need: the window is the
    screen and never grows, so a page too tall loses its bottom (empty when all fits)."""
    parts = [window.journey.apply, *window.journey.apply.findChildren(QWidget)]
    return [
        f"{type(part).__name__} {part.property('role')}: {part.height()} px for "
        f"{part.minimumSizeHint().height()}"
        for part in parts
        if part.isVisible() and part.minimumSizeHint().height() > part.height() + 1
    ]


def test_every_application_page_fits_the_screen_in_the_elder_look(
    qtbot: QtBot, window: KioskWindow
) -> None:
    """长辈模式's type and 24 mm targets are larger; the pages must still fit 1080 lines, the
    keyboard's text question and the capture page with its pages the tallest of them."""
    screen = apply_in_the_elder_look(qtbot, window)
    looks_right(window, qtbot)
    assert squeezed(window) == []
    forward(qtbot, screen)  # the certificate number: the pinyin keyboard
    qtbot.waitUntil(lambda: screen.keyboard is not None and screen.keyboard.isVisible())
    looks_right(window, qtbot)
    assert squeezed(window) == []
    keyboard.type_keys(screen.keyboard, "canlian ")  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: screen.text_field.text() == "残联")
    forward(qtbot, screen)  # the phone on file
    looks_right(window, qtbot)
    assert squeezed(window) == []
    forward(qtbot, screen)
    qtbot.waitUntil(
        lambda: "post" in screen.choice_buttons and screen.choice_buttons["post"].isVisible()
    )
    tap(qtbot, screen.choice_buttons["post"])  # 邮寄到家: the address on the keyboard, the
    qtbot.waitUntil(lambda: screen.keyboard is not None and screen.keyboard.isVisible())
    looks_right(window, qtbot)  # tallest page: two choices above the field and the keys
    assert squeezed(window) == []
    keyboard.type_keys(screen.keyboard, "qinghe cun ")  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: bool(screen.text_field.text()))
    forward(qtbot, screen)
    qtbot.waitUntil(lambda: at(window, Step.CAPTURE))
    capture(qtbot, screen, 2)
    looks_right(window, qtbot)
    assert squeezed(window) == []
    forward(qtbot, screen)
    qtbot.waitUntil(lambda: at(window, Step.REVIEW))
    looks_right(window, qtbot)
    assert squeezed(window) == []
