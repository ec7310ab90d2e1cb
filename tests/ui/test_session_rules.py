"""The session's rules on the touchscreen: 退出 on every screen of a session, a lifted card
keeps the session, the centre's expiry is a timeout (wipe, then a notice), never an error."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from drivers.idcard.demo import DEMO_CARDS
from kiosk.services.certificates import Stage
from kiosk.session import Event, Preferences, State
from tests.conftest import FakeClock
from tests.ui.helpers import service_tile, tap, visible_texts
from tests.ui.test_certificate_screens import open_certificate_service
from tests.ui.test_session_screens import assert_no_trace_of_the_resident, identify
from ui.screens.certificate import Phase
from ui.window import KioskWindow


def exit_button(page: QWidget) -> QPushButton:
    """The visible button that ends the session on this page."""
    [found] = [b for b in page.findChildren(QPushButton) if b.isVisible() and "退出" in b.text()]
    return found


def test_every_screen_of_a_session_has_a_visible_exit(qtbot: QtBot, window: KioskWindow) -> None:
    identify(qtbot, window)
    exit_button(window.journey.menu)
    tap(qtbot, service_tile(qtbot, window, "si-contrib"))
    exit_button(window.journey.records)
    tap(qtbot, window.journey.records.back_button)
    open_certificate_service(qtbot, window)  # identify() again is a no-op: already identified
    exit_button(window.journey.certificate)
    window.journey.certificate.show_progress(Stage.PRINTING)  # while a job runs too
    assert window.journey.certificate.phase is Phase.PRINTING
    exit_button(window.journey.certificate)
    window.journey.certificate.show_service("社会保险参保证明", "", "")
    tap(qtbot, window.journey.certificate.print_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.done, timeout=15_000)
    exit_button(window.journey.done)
    tap(qtbot, window.journey.done.rating_buttons[3])
    tap(qtbot, exit_button(window.journey.rating))
    assert window.stack.currentWidget() is window.attract
    assert window.core.session.state is State.IDLE
    assert_no_trace_of_the_resident(window)


def test_a_card_lifted_mid_session_does_not_end_it(qtbot: QtBot, window: KioskWindow) -> None:
    identify(qtbot, window)
    demo = window.core.demo_controls
    assert demo is not None
    demo.lift_card()
    qtbot.wait(500)  # ten polls of the reader
    assert window.core.session.state is State.IDENTIFIED
    assert window.stack.currentWidget() is window.journey.menu


def test_the_centre_ending_the_session_is_a_timeout_with_a_notice(
    qtbot: QtBot, window: KioskWindow
) -> None:
    identify(qtbot, window)
    events: list[Event] = []
    window.core.session.on_state_change(lambda old, new, event: events.append(event))
    central, token = window.core.central, window.core.identification.token
    assert central is not None and token is not None
    central.close_session(token)  # as when it expires at the centre
    tap(qtbot, service_tile(qtbot, window, "mi-account"))
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.attract, timeout=10_000)
    assert events[-1] is Event.TIMEOUT
    assert window.attract.notice.isVisible()
    assert "办理已超时" in window.attract.notice.text()
    assert_no_trace_of_the_resident(window)
    demo = window.core.demo_controls
    assert demo is not None
    demo.lift_card()
    qtbot.waitUntil(lambda: not demo.holding_a_card)
    qtbot.wait(200)  # the monitor sees the reader empty
    identify(qtbot, window)  # the next resident: the notice is gone
    assert not window.attract.notice.isVisible()


def test_an_idle_timeout_says_why_on_the_attract_screen(
    qtbot: QtBot, window: KioskWindow, clock: FakeClock
) -> None:
    identify(qtbot, window)
    clock.advance(61)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.attract, timeout=2500)
    assert window.attract.notice.isVisible()


def swap_cards(qtbot: QtBot, window: KioskWindow, number: int) -> None:
    demo = window.core.demo_controls
    assert demo is not None
    demo.lift_card()
    qtbot.wait(150)  # the monitor sees the reader empty
    demo.place_card(number)


def test_another_card_during_a_session_asks_before_anything_ends(
    qtbot: QtBot, window: KioskWindow
) -> None:
    identify(qtbot, window)
    swap_cards(qtbot, window, 1)  # the resident's own card again: no question
    qtbot.wait(500)
    assert not window.journey.swap_question.isVisible()

    swap_cards(qtbot, window, 2)
    qtbot.waitUntil(window.journey.swap_question.isVisible, timeout=3000)
    assert window.journey.swap_question.heading.text() == "是否结束当前业务？"
    tap(qtbot, window.journey.swap_question.keep_button)
    assert not window.journey.swap_question.isVisible()
    assert window.journey.menu.greeting.text() == "您好，张*"

    swap_cards(qtbot, window, 2)
    qtbot.waitUntil(window.journey.swap_question.isVisible, timeout=3000)
    token = window.core.identification.token
    tap(qtbot, window.journey.swap_question.swap_button)
    qtbot.waitUntil(lambda: window.journey.menu.greeting.text() == "您好，李*英", timeout=5000)
    assert window.core.identification.token != token
    assert "张*" not in visible_texts(window)


def test_the_question_goes_away_when_the_other_card_is_lifted(
    qtbot: QtBot, window: KioskWindow
) -> None:
    identify(qtbot, window)
    swap_cards(qtbot, window, 3)
    qtbot.waitUntil(window.journey.swap_question.isVisible, timeout=3000)
    demo = window.core.demo_controls
    assert demo is not None
    demo.lift_card()
    qtbot.waitUntil(lambda: not window.journey.swap_question.isVisible(), timeout=3000)
    assert window.core.session.state is State.IDENTIFIED


def test_a_refusal_of_the_centre_reads_in_english_when_english_is_chosen(
    qtbot: QtBot, window: KioskWindow
) -> None:
    window.core.session.set_preferences(Preferences(language="en"))
    reader = window.core.demo_card_slot
    assert reader is not None
    reader.place(dataclasses.replace(DEMO_CARDS[0], name="王五"))  # not the name on file
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.error, timeout=5000)
    body = window.journey.error.body.text()
    assert body == "Your ID card could not be verified; please ask at the counter"
    assert "身份证" not in visible_texts(window.journey.error)


def test_a_new_look_reaches_the_screen_at_once_and_every_other_part_soon(
    qtbot: QtBot, window: KioskWindow
) -> None:
    pages = [window.stack.widget(index) for index in range(window.stack.count())]
    parts = [*pages, window.journey.swap_question, window.journey.overlay]
    window.core.session.set_preferences(Preferences(elder_mode=True))
    assert window.header.styleSheet() and window.attract.styleSheet()  # on screen: at once
    qtbot.waitUntil(lambda: all(part.styleSheet() for part in parts), timeout=3000)
    window.core.session.set_preferences(Preferences(elder_mode=False))  # the start's look
    qtbot.waitUntil(lambda: not any(part.styleSheet() for part in parts), timeout=3000)
