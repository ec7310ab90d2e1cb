"""The card monitor over the real serial driver and the SAM simulator on a pseudo-terminal."""

from __future__ import annotations

import queue
from collections.abc import Iterator

import pytest

from drivers.idcard.demo import DEMO_CARDS
from drivers.idcard.sam_serial import SamSerialReader
from drivers.idcard.simulator import SamSimulator
from drivers.idcard.status import SamStatusError
from kiosk.devices.card_monitor import (
    CardEvent,
    CardInserted,
    CardMonitor,
    CardRead,
    CardRemoved,
    ReadFailed,
)
from kiosk.devices.status import DeviceStatus, Level

POLL_S = 0.02
WAIT_S = 5.0
Events = queue.Queue[CardEvent | DeviceStatus]


@pytest.fixture
def events(simulator: SamSimulator) -> Iterator[Events]:
    received: Events = queue.Queue()
    reader = SamSerialReader(simulator.port)
    monitor = CardMonitor(reader, POLL_S)
    monitor.on_card_event(received.put)
    monitor.on_status(received.put)
    monitor.start()
    yield received
    monitor.stop()
    reader.close()


def next_event(events: Events) -> CardEvent | DeviceStatus:
    return events.get(timeout=WAIT_S)


def assert_quiet(events: Events) -> None:
    with pytest.raises(queue.Empty):
        events.get(timeout=20 * POLL_S)


def test_a_placement_is_read_exactly_once(simulator: SamSimulator, events: Events) -> None:
    simulator.place(DEMO_CARDS[0])
    assert next_event(events) == CardInserted()
    read = next_event(events)
    assert isinstance(read, CardRead)
    assert (read.card.name, read.card.id_number) == (DEMO_CARDS[0].name, DEMO_CARDS[0].id_number)
    assert read.sam_id == "05.01-20101028-0012345678-0000001904"
    assert_quiet(events)  # the card stays: no second read
    simulator.lift()
    assert next_event(events) == CardRemoved()
    simulator.place(DEMO_CARDS[1])
    assert next_event(events) == CardInserted()
    read = next_event(events)
    assert isinstance(read, CardRead) and read.card.name == DEMO_CARDS[1].name


def test_a_failed_read_is_reported_and_not_retried(simulator: SamSimulator, events: Events) -> None:
    simulator.fail_next(0x30, 0x41)
    simulator.place(DEMO_CARDS[1])
    assert next_event(events) == CardInserted()
    failed = next_event(events)
    assert isinstance(failed, ReadFailed) and isinstance(failed.error, SamStatusError)
    assert failed.error.status == 0x41
    assert failed.error.resident_message == "读卡失败，请将证件平放不要移动"
    assert_quiet(events)


def test_an_unplugged_reader_goes_offline_and_comes_back(
    simulator: SamSimulator, events: Events
) -> None:
    simulator.unplug()
    status = next_event(events)
    assert isinstance(status, DeviceStatus) and status.level is Level.OFFLINE
    assert simulator.port in status.reason
    simulator.replug()
    assert next_event(events) == DeviceStatus("idcard", Level.OK, "")
    simulator.place(DEMO_CARDS[2])
    assert next_event(events) == CardInserted()


def test_a_sam_that_fails_its_self_test_is_degraded_not_a_crash(
    simulator: SamSimulator, events: Events
) -> None:
    simulator.fail_next(0x20, 0x60)
    status = next_event(events)
    assert isinstance(status, DeviceStatus) and status.level is Level.DEGRADED
    assert "SW3 0x60" in status.reason
    assert next_event(events) == DeviceStatus("idcard", Level.OK, "")
