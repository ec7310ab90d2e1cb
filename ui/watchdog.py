"""systemd's notify protocol: READY=1 once the first frame is on screen, then WATCHDOG=1 from a
timer on the Qt event loop. A GUI thread that freezes stops the pings, and systemd (with
`WatchdogSec=` in the unit, deploy/kiosk.service) kills the kiosk and starts it again.

The protocol is a datagram to the AF_UNIX socket named by `$NOTIFY_SOCKET` (a leading `@` is
Linux's abstract namespace); `$WATCHDOG_USEC` is the deadline, pinged at half of it. Without
`$NOTIFY_SOCKET` (not under systemd) this does nothing. A dozen lines of socket code rather than
the `sdnotify` package, which swallows send errors: a ping that cannot be sent is logged once.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

if TYPE_CHECKING:
    import socket

log = logging.getLogger(__name__)

PINGS_PER_DEADLINE = 2  # systemd's advice: ping at half the watchdog interval


class SystemdNotifier(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._address = _address(os.environ.get("NOTIFY_SOCKET", ""))
        self._socket: socket.socket | None = None
        self._failed = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.ping)
        # WATCHDOG_PID is not checked: under cage the main process is cage, and the kiosk, its
        # child, is the one that pings (NotifyAccess=all in the unit).
        self.interval_ms = _ping_interval_ms(os.environ.get("WATCHDOG_USEC", ""))

    @property
    def active(self) -> bool:
        return self._address is not None

    def ready(self) -> None:
        """The first frame is on screen: READY=1, and the watchdog's pings from now on."""
        self._send("READY=1\nSTATUS=attract screen shown")
        if self.interval_ms:
            self.ping()
            self._timer.start(self.interval_ms)

    def ping(self) -> None:
        self._send("WATCHDOG=1")

    def stopping(self) -> None:
        self._timer.stop()
        self._send("STOPPING=1")

    def _send(self, message: str) -> None:
        if self._address is None:
            return
        try:
            if self._socket is None:
                import socket  # here, after the first frame: not on the path to it

                self._socket = socket.socket(
                    socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC
                )
            self._socket.sendto(message.encode(), self._address)
        except OSError as error:
            if not self._failed:  # once: a dead socket would fill the log at every ping
                log.error("cannot notify systemd at %s: %s", self._address, error)
                self._failed = True


def _address(notify_socket: str) -> str | bytes | None:
    if not notify_socket:
        return None
    if notify_socket.startswith("@"):
        return b"\0" + notify_socket[1:].encode()
    return notify_socket


def _ping_interval_ms(watchdog_usec: str) -> int:
    try:
        usec = int(watchdog_usec)
    except ValueError:
        return 0
    return max(1, usec // 1000 // PINGS_PER_DEADLINE) if usec > 0 else 0
