from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from drivers.idcard.base import NoCardError
from drivers.idcard.demo import DEMO_CARDS
from kiosk.app import Core
from kiosk.services.identification import age_on
from kiosk.session import State

WAIT_S = 3.0


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_S
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.01)


def started(core: Core) -> Core:
    assert core.card_monitor is not None and core.demo_reader is not None
    core.card_monitor.on_card_event(core.identification.handle)
    core.start()
    return core


def test_a_card_identifies_the_resident_with_masked_data(core: Core) -> None:
    started(core).demo_reader.place(DEMO_CARDS[1])  # type: ignore[union-attr]
    wait_until(lambda: core.session.state is State.IDENTIFIED)
    resident = core.session.resident
    assert resident is not None
    assert resident.display_name == "李*英"
    assert (
        resident.masked_id
        == DEMO_CARDS[1].id_number[:6] + "********" + DEMO_CARDS[1].id_number[-4:]
    )


def test_card_left_on_reader_does_not_start_a_new_session(core: Core) -> None:
    reader = started(core).demo_reader
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
    reader = started(core).demo_reader
    assert reader is not None
    reader.fail_next_read(NoCardError("SW3 0x41: no card after select"))
    reader.place(DEMO_CARDS[0])
    wait_until(lambda: core.session.state is State.ERROR)
    failure = core.session.failure
    assert failure is not None
    assert failure.resident_message == NoCardError.resident_message
    assert failure.technician_message == "SW3 0x41: no card after select"


def test_a_second_card_during_a_session_is_ignored(core: Core) -> None:
    reader = started(core).demo_reader
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


def test_age_counts_birthdays() -> None:
    born = dt.date(1946, 2, 3)
    assert age_on(born, dt.date(2026, 2, 2)) == 79
    assert age_on(born, dt.date(2026, 2, 3)) == 80
