"""手机验证码 on the touchscreen, by taps like a finger's: the ID keypad with its live check,
the code keypad, a wrong code, the demo panel's code, the menu an SMS session may use."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from drivers.idcard.demo import DEMO_CARDS
from kiosk.services.sms_sign_in import SmsStep
from kiosk.session import Preferences, State
from tests.rigs.central import CentralServer
from tests.ui.helpers import (
    clipped_buttons,
    clipped_labels,
    service_tile,
    small_buttons,
    tap,
    visible_texts,
)
from ui.theme import px_from_mm, tokens_for
from ui.widgets import DELETE_KEY, Keypad
from ui.window import KioskWindow

RESIDENT = DEMO_CARDS[0]  # 张伟, 138****0000
WRONG_LAST = RESIDENT.id_number[:17] + "1"


def type_on(qtbot: QtBot, keypad: Keypad, text: str) -> None:
    for key in text:
        tap(qtbot, keypad.keys[key])


def demo_code(window: KioskWindow) -> str:
    assert window.journey.demo_panel is not None
    return window.journey.demo_panel._sms[0]


def open_sign_in(qtbot: QtBot, window: KioskWindow) -> None:
    tap(qtbot, window.attract.sign_in_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.sign_in)
    assert window.core.session.state is State.IDENTIFYING


@pytest.fixture(autouse=True)
def _no_code_sent_yet(central_server: CentralServer) -> None:
    central_server.forget_sms_codes(RESIDENT.id_number)


@pytest.mark.parametrize(
    ("elder", "language", "bad_check", "wrong_code"),
    [
        (False, "zh_CN", "身份证号码最后一位校验不符", "验证码不正确"),
        (True, "en", "does not match", "The code is wrong"),
    ],
)
def test_sign_in_by_sms_code_with_taps(
    qtbot: QtBot,
    window: KioskWindow,
    elder: bool,
    language: str,
    bad_check: str,
    wrong_code: str,
) -> None:
    window.core.session.set_preferences(Preferences(elder, language))
    open_sign_in(qtbot, window)
    screen = window.journey.sign_in
    dpi = window.core.config.screen.dpi
    keypad = screen.id_keypad
    type_on(qtbot, keypad, RESIDENT.id_number[:16])
    assert not keypad.keys["X"].isEnabled()  # X only as the 18th character
    type_on(qtbot, keypad, WRONG_LAST[16:])
    assert bad_check in screen.message.text()
    assert not screen.send_button.isEnabled()
    assert screen.exit_button.isVisible()  # 退出 on every screen of a session
    assert small_buttons(screen, px_from_mm(tokens_for(elder, 0).touch_mm, dpi) - 2) == []
    qtbot.waitUntil(lambda: clipped_labels(screen) == [] and clipped_buttons(screen) == [])

    tap(qtbot, keypad.keys[DELETE_KEY])
    assert screen.message.text() == ""
    type_on(qtbot, keypad, RESIDENT.id_number[17])
    tap(qtbot, screen.send_button)
    sms = window.core.sms
    qtbot.waitUntil(lambda: sms.view is not None and sms.view.step is SmsStep.CODE)
    code = demo_code(window)
    assert len(code) == 6
    assert "138****0000" in screen.info.text() and "511321********0030" in screen.info.text()
    assert RESIDENT.id_number not in visible_texts(window.stack)
    assert screen.code_keypad.isVisible() and not screen.id_keypad.isVisible()
    assert not screen.resend_button.isEnabled()  # the centre's minute counts down first
    qtbot.waitUntil(lambda: clipped_labels(screen) == [] and clipped_buttons(screen) == [])

    type_on(qtbot, screen.code_keypad, "000000" if code != "000000" else "111111")
    qtbot.waitUntil(lambda: wrong_code in screen.message.text())
    assert screen.typed == ""  # the wrong code is cleared for the next try
    assert window.core.session.state is State.IDENTIFYING

    type_on(qtbot, screen.code_keypad, code)  # no 确认 needed after the sixth digit
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.menu)
    assert window.core.identification.method == "sms"
    for service in window.core.catalog.current.services:
        tile = service_tile(qtbot, window, service.id)
        assert tile.isEnabled() == (service.identification != "idcard"), service.id
    idcard_only = next(
        s for s in window.core.catalog.current.services if s.identification == "idcard"
    )
    reason = "此项业务需刷身份证办理" if language == "zh_CN" else "ID card"
    assert reason in service_tile(qtbot, window, idcard_only.id).description.text()

    if window.journey.menu.group is not None:
        tap(qtbot, window.journey.menu.exit_button)  # 返回: from a group to the groups
    tap(qtbot, window.journey.menu.exit_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.attract)
    assert screen.typed == "" and window.core.sms.view is None
    assert demo_code(window) == ""


def test_a_card_laid_while_typing_signs_in_by_card(qtbot: QtBot, window: KioskWindow) -> None:
    open_sign_in(qtbot, window)
    type_on(qtbot, window.journey.sign_in.id_keypad, "5113")
    assert window.journey.demo_panel is not None
    tap(qtbot, window.journey.demo_panel.card_buttons[1])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.menu, timeout=5000)
    assert window.core.identification.method == "idcard"
    assert window.journey.sign_in.typed == "" and window.core.sms.view is None


def test_exit_from_the_keypad_wipes_what_was_typed(qtbot: QtBot, window: KioskWindow) -> None:
    open_sign_in(qtbot, window)
    type_on(qtbot, window.journey.sign_in.id_keypad, RESIDENT.id_number[:10])
    tap(qtbot, window.journey.sign_in.exit_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.attract)
    assert window.core.session.state is State.IDLE
    assert window.journey.sign_in.typed == ""
    assert RESIDENT.id_number[:10] not in window.journey.sign_in.entry.text().replace(" ", "")
