from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from drivers.idcard.demo import DEMO_CARDS
from kiosk.app import Core, build_core
from kiosk.config import Config
from kiosk.session import State
from tests.conftest import FakeClock
from tests.rigs.central import CentralServer

WAIT_S = 5.0


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def started(core: Core) -> Core:
    assert core.card_monitor is not None and core.demo_card_slot is not None
    core.card_monitor.on_card_event(core.identification.handle)
    core.start()
    return core


def test_a_card_opens_a_session_at_the_centre(core: Core) -> None:
    started(core).demo_card_slot.place(DEMO_CARDS[1])  # type: ignore[union-attr]
    wait_until(lambda: core.session.state is State.IDENTIFIED)
    resident = core.session.resident
    assert resident is not None
    assert (resident.display_name, resident.masked_id) == ("李*英", "511321********0029")
    assert resident.age is not None and resident.age >= 80
    assert core.identification.token and core.identification.session_id


def test_ending_the_session_forgets_the_token_and_closes_it_at_the_centre(
    core: Core, central_server: CentralServer
) -> None:
    started(core).demo_card_slot.place(DEMO_CARDS[0])  # type: ignore[union-attr]
    wait_until(lambda: core.session.state is State.IDENTIFIED)
    token = core.identification.token
    assert token is not None
    core.session.exit()
    assert core.identification.token is None
    from kiosk.api.errors import ResidentSessionEndedError

    client = central_server.client()

    def closed() -> bool:
        try:
            client.records(token, "pension")
        except ResidentSessionEndedError:
            return True
        return False

    wait_until(closed)


def test_card_left_on_reader_does_not_start_a_new_session(core: Core) -> None:
    reader = started(core).demo_card_slot
    assert reader is not None
    reader.place(DEMO_CARDS[0])
    wait_until(lambda: core.session.state is State.IDENTIFIED)
    core.session.exit()
    time.sleep(0.3)  # several polls with the card still there
    assert core.session.state is State.IDLE
    reader.lift()
    time.sleep(0.15)
    reader.place(DEMO_CARDS[0])
    wait_until(lambda: core.session.state is not State.IDLE)


def test_an_unreadable_card_puts_the_session_in_error_with_both_messages(core: Core) -> None:
    reader = started(core).demo_card_slot
    assert reader is not None
    reader.fail_next(0x30, 0x41)  # the read: 读证/卡操作失败
    reader.place(DEMO_CARDS[0])
    wait_until(lambda: core.session.state is State.ERROR)
    failure = core.session.failure
    assert failure is not None
    assert failure.resident_message == "读卡失败，请将证件平放不要移动"
    assert failure.technician_message.startswith("SAM read text and photo: SW3 0x41")


def test_a_card_the_centre_refuses_shows_the_centres_reason(core: Core) -> None:
    reader = started(core).demo_card_slot
    assert reader is not None
    reader.place(dataclasses.replace(DEMO_CARDS[0], name="张三"))  # the chip disagrees
    wait_until(lambda: core.session.state is State.ERROR)
    failure = core.session.failure
    assert failure is not None
    assert failure.resident_message == "身份证信息核验失败，请到窗口办理"
    assert "403 card_mismatch" in failure.technician_message


def test_when_the_centre_is_down_the_resident_is_told_so(
    tmp_path: Path, config: Config, clock: FakeClock
) -> None:
    from kiosk.demo_central import free_loopback_port

    down = dataclasses.replace(
        config,
        central=dataclasses.replace(
            config.central, url=f"http://127.0.0.1:{free_loopback_port()}", retries=0
        ),
    )
    core = started(build_core(down, demo=True, clock=clock))
    try:
        assert core.demo_card_slot is not None
        core.demo_card_slot.place(DEMO_CARDS[0])
        wait_until(lambda: core.session.state is State.ERROR)
        failure = core.session.failure
        assert failure is not None
        assert failure.resident_message == "暂时无法连接服务中心，请稍后再试"
        assert "ConnectionError" in failure.technician_message
    finally:
        core.stop()


def test_a_second_card_during_a_session_is_ignored(core: Core) -> None:
    reader = started(core).demo_card_slot
    assert reader is not None
    reader.place(DEMO_CARDS[0])
    wait_until(lambda: core.session.state is State.IDENTIFIED)
    core.session.choose_service("si-contrib")
    reader.lift()
    time.sleep(0.15)
    reader.place(DEMO_CARDS[2])
    time.sleep(0.6)
    assert core.session.state is State.IN_SERVICE
    assert core.session.resident is not None and core.session.resident.display_name == "张*"


@pytest.mark.parametrize("card", DEMO_CARDS, ids=lambda c: c.name)
def test_every_demo_card_is_a_resident_of_the_demo_centre(core: Core, card: object) -> None:
    started(core).demo_card_slot.place(card)  # type: ignore[union-attr, arg-type]
    wait_until(lambda: core.session.state is State.IDENTIFIED)
