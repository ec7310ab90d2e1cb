"""好差评 on the touchscreen after a printed certificate: a bad score asks why (optional taps),
a good one does not, both take two taps, and a thank-you page ends the session."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.session import Preferences, State
from tests.rigs.central import CentralServer
from tests.ui.helpers import clipped_buttons, clipped_labels, tap, visible_texts
from tests.ui.test_certificate_screens import open_certificate_service
from tests.ui.test_session_screens import assert_no_trace_of_the_resident
from ui.window import KioskWindow


def print_and_reach_done(
    qtbot: QtBot, window: KioskWindow, title: str = "社会保险参保证明"
) -> None:
    open_certificate_service(qtbot, window, title)
    tap(qtbot, window.journey.certificate.print_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.done, timeout=15_000)


def test_a_bad_score_asks_why_and_the_reasons_reach_the_centre(
    qtbot: QtBot, window: KioskWindow, central_server: CentralServer
) -> None:
    print_and_reach_done(qtbot, window)
    session_id = window.core.identification.session_id or ""
    tap(qtbot, window.journey.done.rating_buttons[2])  # 不满意
    screen = window.journey.rating
    assert window.stack.currentWidget() is screen
    assert screen.heading.text() == "您的评价：不满意"
    assert screen.reasons_prompt.isVisible() and screen.tag_buttons["slow"].isVisible()
    tap(qtbot, screen.tag_buttons["slow"])
    tap(qtbot, screen.tag_buttons["print_error"])
    tap(qtbot, screen.tag_buttons["print_error"])  # changed their mind
    assert screen.tag_buttons["slow"].text() == "✓ 办理时间长"
    qtbot.waitUntil(lambda: clipped_labels(screen) == [] and clipped_buttons(screen) == [])
    tap(qtbot, screen.submit_button)
    assert window.stack.currentWidget() is window.journey.thanks
    assert window.core.session.state is State.IDLE
    assert_no_trace_of_the_resident(window)
    assert window.core.outbox is not None and window.core.outbox.flush(10)
    [rating] = central_server.ratings(session_id)
    assert (rating["service_id"], rating["score"], rating["tags"]) == ("si-cert", 2, ["slow"])
    qtbot.mouseClick(window.journey.thanks, Qt.MouseButton.LeftButton)  # a tap: straight on
    assert window.stack.currentWidget() is window.attract


def test_a_good_score_takes_as_many_taps_and_asks_nothing(
    qtbot: QtBot, window: KioskWindow, central_server: CentralServer
) -> None:
    print_and_reach_done(qtbot, window)
    session_id = window.core.identification.session_id or ""
    tap(qtbot, window.journey.done.rating_buttons[1])  # 非常不满意 …
    tap(qtbot, window.journey.rating.back_button)  # … 重新选择
    assert window.stack.currentWidget() is window.journey.done
    tap(qtbot, window.journey.done.rating_buttons[5])  # 非常满意
    assert not window.journey.rating.reasons_prompt.isVisible()
    assert not any(choice.isVisible() for choice in window.journey.rating.tag_buttons.values())
    tap(qtbot, window.journey.rating.submit_button)
    assert window.stack.currentWidget() is window.journey.thanks
    assert window.core.outbox is not None and window.core.outbox.flush(10)
    [rating] = central_server.ratings(session_id)
    assert (rating["score"], rating["tags"]) == (5, [])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.attract, timeout=6000)


def test_the_thanks_speak_the_residents_language_then_the_kiosk_is_as_it_was(
    qtbot: QtBot, window: KioskWindow
) -> None:
    window.core.session.set_preferences(Preferences(elder_mode=True, language="en"))
    print_and_reach_done(qtbot, window, title="Social insurance certificate")
    tap(qtbot, window.journey.done.rating_buttons[5])
    tap(qtbot, window.journey.rating.submit_button)
    assert window.journey.thanks.heading.text() == "Thank you for your rating"
    assert window.core.session.preferences == Preferences()  # the session is over
    qtbot.mouseClick(window.journey.thanks, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.attract
    assert "请" in visible_texts(window.attract)  # the kiosk's own look and language again
