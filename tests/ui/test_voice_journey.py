"""The voice through a resident's journey, tapped as a finger would: each screen says its prompt
in Mandarin (or English) through the real engine and a stand-in player that keeps time like
aplay (tests/rigs/speaker.py), a new screen cuts the old prompt off, 再听一遍 and 音量 work, and
the resident's details never outlive the session. Elder mode is offered to residents of 60."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.app import Core, build_core
from kiosk.config import Config
from kiosk.session import State
from kiosk.voice import Said, speakable
from tests.conftest import FakeClock
from tests.kiosk.test_voice import Speaker
from tests.ui.helpers import service_tile, tap
from ui.executor import QtExecutor
from ui.fonts import chinese_font_family
from ui.window import KioskWindow


def with_player(config: Config, command: tuple[str, ...]) -> Config:
    player = " ".join(f"'{part}'" for part in command)
    return dataclasses.replace(config, voice=dataclasses.replace(config.voice, player=player))


@pytest.fixture
def speaker(tmp_path: Path) -> Speaker:
    return Speaker(tmp_path / "speaker.log")


def open_window(qtbot: QtBot, config: Config, clock: FakeClock) -> tuple[KioskWindow, Core]:
    executor = QtExecutor()
    core = build_core(config, demo=True, clock=clock, executor=executor)
    window = KioskWindow.with_core(core, chinese_font_family(), kiosk_mode=False)
    qtbot.addWidget(window)
    window.setFixedSize(config.screen.width_px, config.screen.height_px)
    window.show()
    qtbot.waitExposed(window)
    core.start()
    qtbot.waitUntil(lambda: bool(core.catalog.current.services), timeout=10_000)
    return window, core


@pytest.fixture
def voiced(
    qtbot: QtBot, config: Config, clock: FakeClock, speaker: Speaker
) -> Iterator[tuple[KioskWindow, list[Said]]]:
    window, core = open_window(qtbot, with_player(config, speaker.command), clock)
    heard: list[Said] = []
    window.journey.bridge.voice_said.connect(heard.append)
    yield window, heard
    core.stop()


def heard_ids(heard: list[Said]) -> list[str]:
    return [said.prompt_id for said in heard]


def test_the_standard_look_is_silent_until_one_tap_turns_the_voice_on(
    qtbot: QtBot, voiced: tuple[KioskWindow, list[Said]], speaker: Speaker
) -> None:
    window, heard = voiced
    bar = window.journey.voice_bar
    assert bar.toggle_button.isVisible() and bar.toggle_button.text() == "语音播报"
    assert not bar.repeat_button.isVisible()
    time.sleep(0.3)
    assert speaker.lines("start") == []
    tap(qtbot, bar.toggle_button)
    qtbot.waitUntil(lambda: heard_ids(heard) == ["attract"], timeout=5000)
    assert bar.repeat_button.isVisible() and bar.toggle_button.text() == "关闭语音"
    speaker.wait_for("first", 1)


def test_elder_mode_speaks_every_screen_and_a_new_screen_cuts_the_old_prompt_off(
    qtbot: QtBot, voiced: tuple[KioskWindow, list[Said]], speaker: Speaker
) -> None:
    window, heard = voiced
    journey = window.journey
    tap(qtbot, window.attract.elder_button)
    qtbot.waitUntil(lambda: heard_ids(heard) == ["attract"], timeout=5000)
    playing = journey.voice._player._process
    assert playing is not None and playing.poll() is None
    changed = time.monotonic()
    tap(qtbot, window.attract.preview_button)
    while playing.poll() is None:  # the attract prompt lasts seconds: it must stop now
        assert time.monotonic() - changed < 0.2, "the attract prompt still plays"
        qtbot.wait(2)
    qtbot.waitUntil(lambda: heard_ids(heard)[-1:] == ["preview"], timeout=5000)
    tap(qtbot, journey.preview.back_button)
    assert journey.demo_panel is not None
    tap(qtbot, journey.demo_panel.card_buttons[0])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is journey.menu, timeout=5000)
    qtbot.waitUntil(lambda: heard_ids(heard)[-1:] == ["menu"], timeout=5000)
    assert heard[-1].text == "张*，您好。请选择要办理的业务。"  # the greeting, once
    assert speakable(heard[-1].text, "zh_CN") == "张，您好。请选择要办理的业务。"

    tap(qtbot, service_tile(qtbot, window, "si-contrib"))
    qtbot.waitUntil(lambda: heard_ids(heard)[-1:] == ["records"], timeout=10_000)
    said = speakable(heard[-1].text, "zh_CN")
    assert "第一页，共" in said and not any(ch.isdigit() for ch in said), said

    tap(qtbot, journey.records.read_button)
    qtbot.waitUntil(lambda: heard_ids(heard)[-1:] == ["records_row"], timeout=5000)
    rows = heard[-1].text
    assert rows.startswith("第1条：缴费月份 ") and "个人缴费 ¥" in rows
    spoken = speakable(rows, "zh_CN")
    assert "¥" not in spoken and "元" in spoken and "年" in spoken

    count = len(speaker.lines("first"))
    tap(qtbot, journey.voice_bar.repeat_button)  # 再听一遍
    speaker.wait_for("first", count + 1)
    assert heard[-1].prompt_id == "records_row"

    tap(qtbot, journey.records.back_button)
    qtbot.waitUntil(lambda: heard_ids(heard)[-1:] == ["menu_group"], timeout=5000)
    assert sum("张*" in said.text for said in heard) == 1  # the name: in the greeting only


def test_volume_steps_show_on_the_bar_and_end_with_the_session(
    qtbot: QtBot, voiced: tuple[KioskWindow, list[Said]]
) -> None:
    window, _heard = voiced
    bar, voice = window.journey.voice_bar, window.journey.voice
    assert voice is not None
    tap(qtbot, window.attract.elder_button)
    qtbot.waitUntil(bar.louder_button.isVisible)  # a turn after the page's new look
    for _ in range(5):
        if bar.louder_button.isEnabled():
            tap(qtbot, bar.louder_button)
    assert voice.volume == 1.0 and not bar.louder_button.isEnabled()
    tap(qtbot, bar.quieter_button)
    assert voice.volume == 0.8
    tap(qtbot, window.attract.elder_button)  # the standard look: the voice goes off
    assert not voice.enabled
    qtbot.waitUntil(lambda: not bar.repeat_button.isVisible())


def test_the_countdown_before_a_timeout_is_said(
    qtbot: QtBot, voiced: tuple[KioskWindow, list[Said]], clock: FakeClock
) -> None:
    window, heard = voiced
    core = window.core
    tap(qtbot, window.attract.elder_button)
    assert window.journey.demo_panel is not None
    tap(qtbot, window.journey.demo_panel.card_buttons[0])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.menu, timeout=5000)
    warning_s = core.session.warning_s
    assert warning_s == 2 * core.config.session.timeout_warning_s  # elders: twice as long
    clock.advance(core.session.idle_timeout_s - warning_s + 1)
    qtbot.waitUntil(lambda: heard_ids(heard)[-1:] == ["timeout_warning"], timeout=5000)
    assert f"{warning_s - 1}秒后将自动退出" in heard[-1].text


def test_the_session_ends_and_takes_what_was_said_with_it(
    qtbot: QtBot, voiced: tuple[KioskWindow, list[Said]]
) -> None:
    window, heard = voiced
    journey, voice = window.journey, window.journey.voice
    assert voice is not None and journey.demo_panel is not None
    tap(qtbot, window.attract.elder_button)
    tap(qtbot, journey.demo_panel.card_buttons[0])
    qtbot.waitUntil(lambda: heard_ids(heard)[-1:] == ["menu"], timeout=5000)
    assert "张*" in journey.demo_panel.said.text()
    tap(qtbot, journey.menu.exit_button)
    qtbot.waitUntil(lambda: window.core.session.state is State.IDLE)
    assert voice.current is None or "张" not in voice.current.text
    assert not voice.enabled  # the next resident finds the standard look, silent
    assert "张" not in journey.demo_panel.said.text()


def test_without_a_player_the_kiosk_works_and_says_voice_is_unavailable(
    qtbot: QtBot, config: Config, clock: FakeClock
) -> None:
    window, core = open_window(qtbot, with_player(config, ("no-such-player",)), clock)
    try:
        bar = window.journey.voice_bar
        assert not bar.toggle_button.isEnabled()
        assert bar.toggle_button.text() == "语音播报不可用"
        statuses = {status.device: status for status in core.device_statuses()}
        assert "no-such-player" in statuses["speech"].reason
        tap(qtbot, window.attract.elder_button)  # elder mode still works, silently
        assert window.core.session.preferences.elder_mode
        assert not bar.repeat_button.isVisible()
    finally:
        core.stop()


@pytest.mark.parametrize("accept", [True, False])
def test_elder_mode_is_offered_to_a_resident_of_60_or_more_for_the_session_only(
    qtbot: QtBot, voiced: tuple[KioskWindow, list[Said]], accept: bool
) -> None:
    window, _heard = voiced
    journey = window.journey
    assert journey.demo_panel is not None
    tap(qtbot, journey.demo_panel.card_buttons[0])  # 张伟, born 1985: no offer
    qtbot.waitUntil(lambda: window.stack.currentWidget() is journey.menu, timeout=5000)
    assert not journey.elder_offer.isVisible()
    tap(qtbot, journey.menu.exit_button)
    tap(qtbot, journey.demo_panel.lift_button)
    qtbot.wait(round(window.core.config.devices.card_poll_interval_s * 4000))  # seen lifted
    tap(qtbot, journey.demo_panel.card_buttons[1])  # 李秀英, born 1946
    qtbot.waitUntil(journey.elder_offer.isVisible, timeout=5000)
    assert journey.elder_offer.heading.text() == "是否切换到长辈模式？"
    button = journey.elder_offer.accept_button if accept else journey.elder_offer.decline_button
    tap(qtbot, button)
    preferences = window.core.session.preferences
    assert (preferences.elder_mode, preferences.voice) == (accept, accept)
    assert not journey.elder_offer.isVisible()
    if accept:
        assert journey.menu.group_tiles  # the grouped menu: six choices at most
    tap(qtbot, journey.menu.exit_button)
    qtbot.waitUntil(lambda: window.core.session.state is State.IDLE)
    assert not window.core.session.preferences.elder_mode  # kept for that session only
