"""The ID card monitor: polls a reader on its own thread and reports each placement once."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

from drivers.errors import DeviceError
from drivers.idcard.base import IdCard, IdCardError, IdCardReader, ReaderUnavailableError
from drivers.smartcard.base import SocialSecurityCard
from kiosk.devices.status import DeviceStatus, Level, StatusReporter

log = logging.getLogger(__name__)

DEVICE_NAME = "idcard"
RETRY_BACKOFF_MAX_S = 5.0


@dataclass(frozen=True, slots=True)
class CardInserted:
    """A card arrived; its read has started."""


@dataclass(frozen=True, slots=True)
class CardRead:
    card: IdCard
    sam_id: str  # the reader's SAM, read on the monitor's thread like every reader call


@dataclass(frozen=True, slots=True)
class ReadFailed:
    error: DeviceError  # an ID card or a social security card that could not be read


@dataclass(frozen=True, slots=True)
class CardRemoved:
    """The card left the field."""


@dataclass(frozen=True, slots=True)
class SocialCardRead:
    """A 社会保障卡 read in a PC/SC reader (kiosk/devices/smartcard_service.py)."""

    card: SocialSecurityCard


CardEvent = CardInserted | CardRead | SocialCardRead | ReadFailed | CardRemoved


class CardMonitor:
    """Asks `reader.find_card()` every `poll_interval_s` and reads each placement exactly once.

    A card that stays on the reader produces no further events until it is lifted, so a card
    forgotten after a session cannot start the next one. Listeners run on the monitor thread;
    the UI's adapter turns them into Qt signals.
    """

    def __init__(self, reader: IdCardReader, poll_interval_s: float) -> None:
        self._reader = reader
        self._poll_interval_s = poll_interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._card_listeners: list[Callable[[CardEvent], None]] = []
        self._reporter = StatusReporter(DEVICE_NAME, "ID card reader")

    @property
    def status(self) -> DeviceStatus:
        return self._reporter.status

    def on_card_event(self, listener: Callable[[CardEvent], None]) -> None:
        self._card_listeners.append(listener)

    def on_status(self, listener: Callable[[DeviceStatus], None]) -> None:
        self._reporter.on_status(listener)

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="card-monitor", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def _run(self) -> None:
        card_present = False
        backoff_s = self._poll_interval_s
        while not self._stop.is_set():
            try:
                present = self._reader.find_card()
            except IdCardError as error:
                # Gone (unplugged, silent): offline. Answering but unwell (a SAM fault,
                # garbled frames): degraded. Either way, ask again later, less often.
                gone = isinstance(error, ReaderUnavailableError)
                self._reporter.set(
                    Level.OFFLINE if gone else Level.DEGRADED, error.technician_message
                )
                backoff_s = min(backoff_s * 2, RETRY_BACKOFF_MAX_S)
                self._stop.wait(backoff_s)
                continue
            backoff_s = self._poll_interval_s
            self._reporter.set(Level.OK, "")
            if present and not card_present:
                card_present = True
                self._emit(CardInserted())
                self._emit(self._read())
            elif not present and card_present:
                card_present = False
                self._emit(CardRemoved())
            self._stop.wait(self._poll_interval_s)

    def _read(self) -> CardRead | ReadFailed:
        try:
            return CardRead(self._reader.read_card(), self._reader.sam_id())
        except IdCardError as error:
            log.warning("ID card read failed: %s", error.technician_message)
            return ReadFailed(error)

    def _emit(self, event: CardEvent) -> None:
        log.debug("card event %s", type(event).__name__)
        for listener in self._card_listeners:
            listener(event)
