from __future__ import annotations

import json
import sqlite3
import sys
import threading

import pytest
from pytestqt.qtbot import QtBot

from drivers.idcard.demo import DEMO_CARDS
from kiosk.session import State
from tests.conftest import FakeClock
from tests.rigs.central import CentralServer
from tests.ui.helpers import (
    all_texts,
    clipped_labels,
    service_tile,
    small_buttons,
    tap,
    visible_texts,
)
from ui.theme import px_from_mm
from ui.window import KioskWindow

CARD = DEMO_CARDS[0]  # 张伟


def identify(qtbot: QtBot, window: KioskWindow) -> None:
    assert window.journey.demo_panel is not None
    tap(qtbot, window.journey.demo_panel.card_buttons[0])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.menu, timeout=3000)


def assert_no_trace_of_the_resident(window: KioskWindow) -> None:
    texts = all_texts(window, props=window.journey.demo_panel)
    assert "张*" not in texts and CARD.name not in texts
    assert CARD.id_number[-4:] not in texts
    session = window.core.session
    assert (session.resident, session.service_id, session.failure) == (None, None, None)


def test_a_demo_card_tap_identifies_the_resident(qtbot: QtBot, window: KioskWindow) -> None:
    assert window.journey.demo_panel is not None
    tap(qtbot, window.journey.demo_panel.card_buttons[0])
    identifying = window.journey.identifying
    qtbot.waitUntil(lambda: window.stack.currentWidget() is identifying, timeout=3000)
    assert "正在读取身份证" in window.journey.identifying.heading.text()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.menu, timeout=3000)
    assert window.core.session.state is State.IDENTIFIED
    assert window.journey.menu.greeting.text() == "您好，张*"
    masked = CARD.id_number[:6] + "*" * 8 + CARD.id_number[-4:]
    assert masked in window.journey.menu.id_line.text()
    assert CARD.id_number not in visible_texts(window)
    qtbot.waitUntil(lambda: clipped_labels(window) == [])
    dpi = window.core.config.screen.dpi
    assert small_buttons(window.journey.menu, px_from_mm(18, dpi)) == []


def test_the_number_keys_place_and_lift_demo_cards(qtbot: QtBot, window: KioskWindow) -> None:
    from PySide6.QtCore import Qt

    qtbot.keyClick(window, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.menu, timeout=3000)
    assert window.journey.menu.greeting.text() == "您好，李*英"
    qtbot.keyClick(window, Qt.Key.Key_0)
    assert window.core.demo_card_slot is not None
    qtbot.waitUntil(lambda: not window.core.demo_card_slot.holding)


def test_exit_wipes_every_trace_of_the_resident(qtbot: QtBot, window: KioskWindow) -> None:
    identify(qtbot, window)
    tap(qtbot, window.journey.menu.exit_button)
    assert window.stack.currentWidget() is window.attract
    assert_no_trace_of_the_resident(window)


def test_a_service_then_done_then_exit(qtbot: QtBot, window: KioskWindow) -> None:
    identify(qtbot, window)
    tap(qtbot, service_tile(qtbot, window, "si-contrib"))
    assert window.stack.currentWidget() is window.journey.records
    assert window.journey.records.heading.text() in ("社保缴费查询", "养老保险缴费记录")
    tap(qtbot, window.journey.records.back_button)
    assert window.stack.currentWidget() is window.journey.menu
    tap(qtbot, service_tile(qtbot, window, "si-cert"))
    window.core.session.complete_service()
    assert window.stack.currentWidget() is window.journey.done
    tap(qtbot, window.journey.done.finish_button)
    assert window.stack.currentWidget() is window.attract
    assert_no_trace_of_the_resident(window)


def test_an_unreadable_card_shows_the_error_and_home_wipes(
    qtbot: QtBot, window: KioskWindow
) -> None:
    assert window.journey.demo_panel is not None
    tap(qtbot, window.journey.demo_panel.fail_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.error, timeout=3000)
    assert window.journey.error.body.text() == "读卡失败，请将证件平放不要移动"
    tap(qtbot, window.journey.error.home_button)
    assert window.stack.currentWidget() is window.attract
    assert window.journey.error.body.text() == ""


def test_idle_timeout_warns_with_a_countdown_then_ends_the_session(
    qtbot: QtBot, window: KioskWindow, clock: FakeClock
) -> None:
    identify(qtbot, window)
    clock.advance(48)
    qtbot.waitUntil(window.journey.overlay.isVisible, timeout=2500)
    assert "您还在吗" in window.journey.overlay.heading.text()
    assert "12 秒后将自动退出" in window.journey.overlay.body.text()
    dpi = window.core.config.screen.dpi
    assert small_buttons(window.journey.overlay, px_from_mm(18, dpi)) == []
    clock.advance(12)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.attract, timeout=2500)
    assert not window.journey.overlay.isVisible()
    assert_no_trace_of_the_resident(window)


def test_continue_calls_off_the_countdown(
    qtbot: QtBot, window: KioskWindow, clock: FakeClock
) -> None:
    identify(qtbot, window)
    clock.advance(50)
    qtbot.waitUntil(window.journey.overlay.isVisible, timeout=2500)
    tap(qtbot, window.journey.overlay.continue_button)
    assert not window.journey.overlay.isVisible()
    clock.advance(30)
    qtbot.wait(1200)
    assert window.core.session.state is State.IDENTIFIED


def test_an_exception_in_a_worker_shows_the_crash_screen_and_wipes(
    qtbot: QtBot, window: KioskWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    window.core.crash.install()
    identify(qtbot, window)

    def worker() -> None:
        raise RuntimeError(f"central answered garbage for {CARD.id_number}")

    thread = threading.Thread(target=worker, name="http-worker")
    thread.start()
    thread.join()
    crash_screen = window.journey.crash_screen
    qtbot.waitUntil(lambda: window.stack.currentWidget() is crash_screen, timeout=2000)
    report_id = window.core.crash.last_report_id
    assert report_id is not None and len(report_id) == 6
    assert window.journey.crash_screen.heading.text() == "系统暂时无法使用，请联系工作人员"
    assert report_id in window.journey.crash_screen.body.text()
    assert window.core.session.state is State.IDLE
    assert_no_trace_of_the_resident(window)
    log_text = window.core.log_file.read_text(encoding="utf-8")
    assert f"report {report_id}, thread http-worker" in log_text
    assert "RuntimeError: central answered garbage for [ID]" in log_text
    assert CARD.id_number not in log_text
    # A card placed while the crash screen shows starts nothing.
    assert window.core.demo_card_slot is not None
    window.core.demo_card_slot.lift()
    qtbot.wait(200)
    tap_target = window.core.demo_card_slot
    tap_target.place(DEMO_CARDS[1])
    qtbot.wait(800)
    assert window.core.session.state is State.IDLE
    assert window.stack.currentWidget() is window.journey.crash_screen


def test_a_rating_ends_the_session_and_reaches_the_centre(
    qtbot: QtBot, window: KioskWindow, central_server: CentralServer
) -> None:
    identify(qtbot, window)
    session_id = window.core.identification.session_id
    tap(qtbot, service_tile(qtbot, window, "pension"))
    window.core.session.complete_service()
    assert window.stack.currentWidget() is window.journey.done
    assert [b.text() for b in window.journey.done.rating_buttons.values()] == [
        "非常满意",
        "满意",
        "基本满意",
        "不满意",
        "非常不满意",
    ]
    tap(qtbot, window.journey.done.rating_buttons[4])
    tap(qtbot, window.journey.rating.submit_button)
    assert window.stack.currentWidget() is window.journey.thanks
    assert_no_trace_of_the_resident(window)
    database = central_server.log_path.parent / "central.sqlite3"

    def stored() -> list[tuple[str, str]]:
        with sqlite3.connect(database) as db:
            return db.execute(
                "SELECT subject, body FROM received_events WHERE kind = 'rating'"
            ).fetchall()

    qtbot.waitUntil(lambda: any(session_id in body for _, body in stored()), timeout=10_000)
    subject, body = next(row for row in stored() if session_id in row[1])
    assert subject == "pension" and json.loads(body)["score"] == 4
