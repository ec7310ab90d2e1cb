"""Social security cards (社会保障卡) in a PC/SC reader, as card events like the ID card's.

Each insertion is read once, on the watcher's thread: connect, read the social security
profile, report `SocialCardRead` or `ReadFailed`; a card without the application or one that
demands a SAM is a failure with its own resident message, never retried.
"""

from __future__ import annotations

import logging
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

log = logging.getLogger(__name__)


class SmartCardService:
    def __init__(self) -> None:
        self._listeners: list[Callable[[CardEvent], None]] = []
        self._watcher = SmartCardWatcher(
            on_card_inserted=self._inserted, on_card_removed=self._removed
        )

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
