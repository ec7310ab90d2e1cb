"""The diagnostics screen as a technician's finger reaches it: a long press on the corner, the
PIN on the keypad (wrong ones counted, five lock it), refused during a resident's session, each
device's test against the demo's simulators and the demo centre, and nothing left behind when
the technician leaves."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from drivers.idcard.demo import DEMO_CARDS
from kiosk.app import Core
from kiosk.config import Config
from kiosk.demo import DEMO_TECH_PIN
from kiosk.pin import hash_pin
from kiosk.services.diagnostics import Check, Gate, GateAnswer
from kiosk.session import State
from tests.conftest import FakeClock
from tests.kiosk.test_voice import Speaker
from tests.rigs.central import CentralServer
from tests.ui.helpers import all_texts, clipped_labels, small_buttons, tap, visible_texts
from tests.ui.test_voice_journey import open_window, with_player
from ui.screens.diagnostics import PinScreen
from ui.theme import px_from_mm
from ui.window import KioskWindow

PIN = "802417"
HOLD_S = 2.0  # the least the configuration allows; the default is 5 s
CARD = DEMO_CARDS[0]


@pytest.fixture
def technician_config(config: Config, tmp_path: Path) -> Config:
    speaker = Speaker(tmp_path / "speaker.log")
    technician = dataclasses.replace(
        config.technician, pin_hash=hash_pin(PIN, iterations=1000), hold_s=HOLD_S
    )
    return with_player(dataclasses.replace(config, technician=technician), speaker.command)


@pytest.fixture
def kiosk(
    qtbot: QtBot, technician_config: Config, clock: FakeClock
) -> Iterator[tuple[KioskWindow, Core]]:
    window, core = open_window(qtbot, technician_config, clock)
    yield window, core
    core.stop()


def hold_corner(qtbot: QtBot, window: KioskWindow, seconds: float) -> None:
    """A finger on the technicians' corner for `seconds`, then lifted. Through the window, as
    the screen delivers it: the widget under the finger may be rebuilt while it is held."""
    point = window.journey.corner.press_point()
    surface = window.windowHandle()
    qtbot.mousePress(surface, Qt.MouseButton.LeftButton, pos=point)
    qtbot.wait(round(seconds * 1000))
    qtbot.mouseRelease(surface, Qt.MouseButton.LeftButton, pos=point)


def type_pin(qtbot: QtBot, window: KioskWindow, pin: str) -> None:
    pad = window.journey.pin
    for digit in pin:
        tap(qtbot, pad.keypad.keys[digit])
    tap(qtbot, pad.confirm_button)


def open_diagnostics(qtbot: QtBot, window: KioskWindow) -> None:
    hold_corner(qtbot, window, HOLD_S + 0.3)
    assert window.stack.currentWidget() is window.journey.pin
    type_pin(qtbot, window, PIN)
    screen = window.journey.diagnostics
    qtbot.waitUntil(lambda: window.stack.currentWidget() is screen, timeout=5000)
    qtbot.waitUntil(lambda: screen.snapshot is not None, timeout=5000)


def test_a_short_press_does_nothing_and_a_long_one_asks_for_the_pin(
    qtbot: QtBot, kiosk: tuple[KioskWindow, Core]
) -> None:
    window, _core = kiosk
    hold_corner(qtbot, window, HOLD_S / 2)
    assert window.stack.currentWidget() is window.attract
    hold_corner(qtbot, window, HOLD_S + 0.3)
    pad = window.journey.pin
    assert window.stack.currentWidget() is pad
    assert "终端维护登录" in visible_texts(pad)
    assert not pad.confirm_button.isEnabled()  # fewer than six digits
    tap(qtbot, pad.back_button)
    assert window.stack.currentWidget() is window.attract


def test_five_wrong_pins_lock_the_pad_with_the_time_to_wait(
    qtbot: QtBot, kiosk: tuple[KioskWindow, Core]
) -> None:
    window, _core = kiosk
    hold_corner(qtbot, window, HOLD_S + 0.3)
    pad = window.journey.pin
    for left in (4, 3, 2, 1):
        type_pin(qtbot, window, "111111")
        qtbot.waitUntil(lambda n=left: f"还可尝试 {n} 次" in pad.message.text(), timeout=5000)
        assert pad.entry.text().strip() == ""  # typed afresh
    type_pin(qtbot, window, "111111")
    qtbot.waitUntil(lambda: "请 10 分钟后再试" in pad.message.text(), timeout=5000)
    assert not pad.keypad.keys["1"].isEnabled() and not pad.confirm_button.isEnabled()
    tap(qtbot, pad.back_button)
    hold_corner(qtbot, window, HOLD_S + 0.3)  # back again: still locked
    assert window.stack.currentWidget() is pad and "分钟后再试" in pad.message.text()
    assert not pad.keypad.keys["1"].isEnabled()


def test_the_corner_does_nothing_during_a_residents_session(
    qtbot: QtBot, kiosk: tuple[KioskWindow, Core]
) -> None:
    window, core = kiosk
    assert window.journey.demo_panel is not None
    tap(qtbot, window.journey.demo_panel.card_buttons[0])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.menu, timeout=5000)
    hold_corner(qtbot, window, HOLD_S + 0.3)
    assert window.stack.currentWidget() is window.journey.menu
    assert core.session.state is State.IDENTIFIED


def test_a_card_on_the_pin_pad_starts_the_residents_session(
    qtbot: QtBot, kiosk: tuple[KioskWindow, Core]
) -> None:
    window, core = kiosk
    hold_corner(qtbot, window, HOLD_S + 0.3)
    assert window.journey.demo_panel is not None
    tap(qtbot, window.journey.demo_panel.card_buttons[0])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.menu, timeout=5000)
    assert core.session.state is State.IDENTIFIED


def test_every_device_test_from_the_screen(
    qtbot: QtBot, kiosk: tuple[KioskWindow, Core], technician_config: Config
) -> None:
    window, core = kiosk
    open_diagnostics(qtbot, window)
    screen = window.journey.diagnostics
    for device in ("printer", "receipt", "speech", "central"):
        tap(qtbot, screen.rows[device][3])
    for check in (Check.PRINTER, Check.RECEIPT, Check.SPEECH, Check.CENTRAL):
        qtbot.waitUntil(lambda c=check: c in screen.results, timeout=20_000)
        assert screen.results[check].ok, screen.results[check]
    assert "ms; clock offset" in screen.results[Check.CENTRAL].detail
    assert "playing" in screen.results[Check.SPEECH].detail
    prints = sorted(p.name for p in (technician_config.state_dir / "demo-prints").iterdir())
    assert any("test_page" in name for name in prints), prints

    # The card test: a card now is the technician's, shown masked, and starts no session.
    tap(qtbot, screen.rows["idcard"][3])
    assert "请放置身份证" in screen.rows["idcard"][2].text()
    assert window.journey.demo_panel is not None
    tap(qtbot, window.journey.demo_panel.card_buttons[0])
    qtbot.waitUntil(lambda: Check.IDCARD in screen.results, timeout=5000)
    shown = screen.rows["idcard"][2].text()
    assert "张*" in shown and CARD.id_number[:6] + "********" + CARD.id_number[-4:] in shown
    assert CARD.id_number not in all_texts(window)
    assert core.session.state is State.IDLE and window.stack.currentWidget() is screen
    assert "测试通过" in shown

    qtbot.waitUntil(lambda: clipped_labels(screen) == [])
    assert small_buttons(screen, px_from_mm(18, technician_config.screen.dpi)) == []

    tap(qtbot, screen.leave_button)
    assert window.stack.currentWidget() is window.attract
    assert "张*" not in all_texts(window, props=window.journey.demo_panel)
    assert screen.results == {} and screen.log_view.toPlainText() == ""


def test_the_system_and_log_pages_show_facts_and_no_personal_data(
    qtbot: QtBot, kiosk: tuple[KioskWindow, Core]
) -> None:
    import logging

    window, _core = kiosk
    logging.getLogger("test").warning("a stray 511321198506120030 and 13800138000")
    open_diagnostics(qtbot, window)
    screen = window.journey.diagnostics
    tap(qtbot, screen.tab_buttons[1])
    system = screen.system.text()
    assert "软件版本：0.1.0" in system and "待发送事件" in system and "idcard:" in system
    assert "可访问" in system
    tap(qtbot, screen.tab_buttons[2])
    log = screen.log_view.toPlainText()
    assert "a stray [ID] and [PHONE]" in log
    assert "diagnostics.opened" in log  # the audit trail's line for this very visit


def test_demo_mode_without_a_configured_pin_shows_its_own(
    qtbot: QtBot, config: Config, clock: FakeClock
) -> None:
    technician = dataclasses.replace(config.technician, hold_s=HOLD_S)
    window, core = open_window(qtbot, dataclasses.replace(config, technician=technician), clock)
    try:
        panel = window.journey.demo_panel
        assert panel is not None
        assert (
            f"密码 {DEMO_TECH_PIN}" in panel.technician.text()
            and "左上角" in panel.technician.text()
        )
        hold_corner(qtbot, window, HOLD_S + 0.3)
        type_pin(qtbot, window, DEMO_TECH_PIN)
        qtbot.waitUntil(
            lambda: window.stack.currentWidget() is window.journey.diagnostics, timeout=5000
        )
    finally:
        core.stop()


def test_a_pad_refused_says_why_and_takes_no_key(qtbot: QtBot) -> None:
    pad = PinScreen()
    qtbot.addWidget(pad)
    pad.open(GateAnswer(Gate.NO_PIN))
    assert "未设置维护密码" in pad.message.text()
    assert not any(key.isEnabled() for key in pad.keypad.keys.values())
    pad.open(GateAnswer(Gate.LOCKED, 0, 61))
    assert "请 2 分钟后再试" in pad.message.text()


def test_the_audit_trail_reaches_the_centre(
    qtbot: QtBot, kiosk: tuple[KioskWindow, Core], central_server: CentralServer
) -> None:
    window, core = kiosk
    before = len(central_server.received("audit"))
    hold_corner(qtbot, window, HOLD_S + 0.3)
    type_pin(qtbot, window, "000000")
    qtbot.waitUntil(lambda: "还可尝试" in window.journey.pin.message.text(), timeout=5000)
    tap(qtbot, window.journey.pin.back_button)
    open_diagnostics(qtbot, window)
    tap(qtbot, window.journey.diagnostics.leave_button)
    assert core.outbox is not None and core.outbox.flush(10)
    received = central_server.received("audit")[before:]
    assert [event["kind"] for event in received] == [
        "diagnostics.pin_pad",
        "diagnostics.pin_wrong",
        "diagnostics.pin_pad",
        "diagnostics.opened",
        "diagnostics.closed",
    ]
    assert received[1]["details"] == {"attempt": 1}
    assert received[-1]["details"] == {"reason": "left"}
