from __future__ import annotations

import queue
import threading

import pytest

from drivers.idcard.base import IdCard, NoCardError, ReaderUnavailableError
from drivers.idcard.demo import DEMO_CARDS, DemoCardReader
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
WAIT_S = 3.0


class FlakyReader(DemoCardReader):
    """A demo reader whose port can be unplugged and plugged back."""

    def __init__(self) -> None:
        super().__init__(read_time_s=0.0)
        self.unplugged = threading.Event()

    def find_card(self) -> bool:
        if self.unplugged.is_set():
            raise ReaderUnavailableError("/dev/ttyUSB0: no such device")
        return super().find_card()


@pytest.fixture
def reader() -> FlakyReader:
    return FlakyReader()


@pytest.fixture
def events(reader: FlakyReader) -> queue.Queue[CardEvent | DeviceStatus]:
    received: queue.Queue[CardEvent | DeviceStatus] = queue.Queue()
    monitor = CardMonitor(reader, POLL_S)
    monitor.on_card_event(received.put)
    monitor.on_status(received.put)
    monitor.start()
    yield received
    monitor.stop()


def next_event(events: queue.Queue[CardEvent | DeviceStatus]) -> CardEvent | DeviceStatus:
    return events.get(timeout=WAIT_S)


def assert_quiet(events: queue.Queue[CardEvent | DeviceStatus]) -> None:
    with pytest.raises(queue.Empty):
        events.get(timeout=20 * POLL_S)


def test_a_placement_is_read_exactly_once(reader: FlakyReader, events: queue.Queue) -> None:
    card: IdCard = DEMO_CARDS[0]
    reader.place(card)
    assert next_event(events) == CardInserted()
    assert next_event(events) == CardRead(card, "demo-sam-0001")
    assert_quiet(events)  # the card stays: no second read
    reader.lift()
    assert next_event(events) == CardRemoved()
    reader.place(card)
    assert next_event(events) == CardInserted()
    assert next_event(events) == CardRead(card, "demo-sam-0001")


def test_a_failed_read_is_reported_and_not_retried(
    reader: FlakyReader, events: queue.Queue
) -> None:
    error = NoCardError("SW3 0x80: card moved")
    reader.fail_next_read(error)
    reader.place(DEMO_CARDS[1])
    assert next_event(events) == CardInserted()
    failed = next_event(events)
    assert isinstance(failed, ReadFailed) and failed.error is error
    assert_quiet(events)


def test_an_unplugged_reader_goes_offline_and_comes_back(
    reader: FlakyReader, events: queue.Queue
) -> None:
    reader.unplugged.set()
    status = next_event(events)
    assert status == DeviceStatus("idcard", Level.OFFLINE, "/dev/ttyUSB0: no such device")
    reader.unplugged.clear()
    assert next_event(events) == DeviceStatus("idcard", Level.OK, "")
    reader.place(DEMO_CARDS[2])
    assert next_event(events) == CardInserted()
