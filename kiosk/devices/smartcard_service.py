"""Social security cards (社会保障卡) in a PC/SC reader, as card events like the ID card's.

Each insertion is read once, on the watcher's thread: connect, read the social security
profile, report `SocialCardRead` or `ReadFailed`; a card without the application or one that
demands a SAM is a failure with its own resident message, never retried.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from drivers.smartcard.base import SmartCardError
from drivers.smartcard.monitor import SmartCardWatcher
from drivers.smartcard.pcsc import connect
from drivers.smartcard.social_security import SocialSecurityCardReader
from kiosk.devices.card_monitor import (
    CardEvent,
    CardInserted,
    CardRemoved,
    ReadFailed,
    SocialCardRead,
)
from kiosk.devices.status import DeviceStatus, Level

log = logging.getLogger(__name__)


DEVICE_NAME = "smartcard"


class SmartCardService:
    def __init__(self) -> None:
        self._listeners: list[Callable[[CardEvent], None]] = []
        self._readers: set[str] = set()
        self._lock = threading.Lock()
        self._watcher = SmartCardWatcher(
            on_reader_added=self._reader_added,
            on_reader_removed=self._reader_removed,
            on_card_inserted=self._inserted,
            on_card_removed=self._removed,
        )

    @property
    def status(self) -> DeviceStatus:
        """Offline while no PC/SC reader is seen (none plugged in, or pcscd not running)."""
        with self._lock:
            readers = sorted(self._readers)
        if not readers:
            return DeviceStatus(DEVICE_NAME, Level.OFFLINE, "no PC/SC reader (pcscd running?)")
        return DeviceStatus(DEVICE_NAME, Level.OK, "")

    def _reader_added(self, reader: str) -> None:
        log.info("PC/SC reader %s plugged in", reader)
        with self._lock:
            self._readers.add(reader)

    def _reader_removed(self, reader: str) -> None:
        log.warning("PC/SC reader %s gone", reader)
        with self._lock:
            self._readers.discard(reader)

    def on_card_event(self, listener: Callable[[CardEvent], None]) -> None:
        self._listeners.append(listener)

    def start(self) -> None:
        self._watcher.start()

    def stop(self) -> None:
        self._watcher.stop()

    def _inserted(self, reader: str, atr: bytes) -> None:
        self._emit(CardInserted())
        try:
            with connect(reader) as connection:
                card = SocialSecurityCardReader(connection).read()
        except SmartCardError as error:
            log.warning("social security card in %s not read: %s", reader, error.technician_message)
            self._emit(ReadFailed(error))
            return
        self._emit(SocialCardRead(card))

    def _removed(self, reader: str, atr: bytes) -> None:
        self._emit(CardRemoved())

    def _emit(self, event: CardEvent) -> None:
        for listener in self._listeners:
            listener(event)
