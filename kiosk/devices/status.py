"""What a device reports about itself, for the screens and for technicians."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

log = logging.getLogger(__name__)


class Level(StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    """`reason` is for a technician (读卡器无响应, 缺纸 …); empty when all is well."""

    device: str
    level: Level
    reason: str = ""


class StatusReporter:
    """A device's current status: changes are logged once (for the technician) and passed
    to the listeners (the screens, through the UI's bridge); repeats are not."""

    def __init__(self, device: str, what: str, initial: DeviceStatus | None = None) -> None:
        self._what = what  # "ID card reader", "A4 printer" …: for the log line
        self._status = initial or DeviceStatus(device, Level.OK)
        self._listeners: list[Callable[[DeviceStatus], None]] = []
        self._lock = threading.Lock()

    @property
    def status(self) -> DeviceStatus:
        return self._status

    def on_status(self, listener: Callable[[DeviceStatus], None]) -> None:
        self._listeners.append(listener)

    def set(self, level: Level, reason: str = "") -> DeviceStatus:
        with self._lock:
            current = self._status
            if (level, reason) == (current.level, current.reason):
                return current
            self._status = DeviceStatus(current.device, level, reason)
        log.log(
            logging.INFO if level is Level.OK else logging.WARNING,
            "%s is %s %s",
            self._what,
            level,
            reason,
        )
        for listener in self._listeners:
            listener(self._status)
        return self._status
