"""A receipt printer on a pseudo-terminal: answers DLE EOT from a configurable state and
records everything else it is sent, paced at the line rate. DLE EOT is answered wherever it
appears in the stream, as a real printer does (reference/printers.md §2)."""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from pathlib import Path

from drivers.pty_line import heard

BASE = 0x12  # the fixed bits of every status byte
BITS_PER_BYTE = 10


class ReceiptPrinterSimulator:
    def __init__(self, link: Path, baud: int = 115_200) -> None:
        self.port = str(link)
        self._link = link
        self._baud = baud
        self._lock = threading.Lock()
        self.paper = "ok"  # ok | near_end | end
        self.cover_open = False
        self.silent = False
        self._printed = bytearray()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._master = self._slave = -1

    @property
    def printed(self) -> bytes:
        with self._lock:
            return bytes(self._printed)

    def start(self) -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._master)
        tty.setraw(self._slave)
        self._link.unlink(missing_ok=True)
        self._link.symlink_to(os.ttyname(self._slave))
        self._thread = threading.Thread(target=self._serve, name="receipt-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._link.unlink(missing_ok=True)

    def _status(self, n: int) -> int:
        if n == 1:
            return BASE | (0x08 if self.cover_open or self.paper == "end" else 0)
        if n == 2:
            return BASE | (0x04 if self.cover_open else 0) | (0x20 if self.paper == "end" else 0)
        if n == 4:
            return BASE | {"ok": 0, "near_end": 0x0C, "end": 0x6C}[self.paper]
        return BASE

    def _serve(self) -> None:
        pending = b""
        while not self._stop.is_set():
            ready, _, _ = select.select([self._master], [], [], 0.05)
            if not ready:
                continue
            try:
                pending += heard(self._master, os.read(self._master, 4096), self._baud)
            except OSError:
                return
            while True:
                at = pending.find(b"\x10\x04")
                if at < 0 or len(pending) < at + 3:
                    keep = (
                        at
                        if at >= 0
                        else (len(pending) - 1 if pending.endswith(b"\x10") else len(pending))
                    )
                    with self._lock:
                        self._printed += pending[:keep]
                    pending = pending[keep:]
                    break
                with self._lock:
                    self._printed += pending[:at]
                n = pending[at + 2]
                pending = pending[at + 3 :]
                if not self.silent:
                    os.write(self._master, bytes([self._status(n)]))
                    time.sleep(BITS_PER_BYTE / self._baud)
