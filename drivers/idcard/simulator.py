"""A SAM module on a pseudo-terminal, speaking the real frames at the real pace.

The driver under test opens `simulator.port` like any serial device; the simulator answers
each command of reference/idcard-sdt.md §3 with correct frames, writing at the configured
line rate (10 bit times a byte), and can be told to hold a card, have none, answer a status,
corrupt a checksum, go silent or vanish (the port closed, as a USB reader unplugged).
`port` is a stable symlink, so a reader that comes back is found at the same path.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time
import tty
from pathlib import Path

from drivers.idcard import frames
from drivers.idcard.base import IdCard
from drivers.idcard.frames import Outcome
from drivers.idcard.status import SW3_EMPTY, SW3_FOUND, SW3_NO_CARD, SW3_SUCCESS
from drivers.idcard.text import encode_text_block
from drivers.pty_line import heard

log = logging.getLogger(__name__)

PHOTO_BYTES = 1024
# The SAM's own time to read a card over RF before it answers (reference §8: the whole read
# takes 0.5-1 s, of which 112 ms on the wire); the demo shows the reading screen that long.
READ_PROCESSING_S = 0.3
BITS_PER_BYTE = 10  # start + 8 data + stop
CHUNK_BYTES = 64  # written at once, then the wire time of it is waited out
DEFAULT_SAM_ID = (
    bytes([5, 0, 1, 0])
    + (20101028).to_bytes(4, "little")
    + (12345678).to_bytes(4, "little")
    + (1904).to_bytes(4, "little")
)


class SamSimulator:
    def __init__(
        self,
        link: Path,
        baud: int = 115_200,
        sam_id: bytes = DEFAULT_SAM_ID,
        read_processing_s: float = READ_PROCESSING_S,
    ) -> None:
        self._read_processing_s = read_processing_s
        self.port = str(link)
        self._link = link
        self._baud = baud
        self._sam_id = sam_id
        self._lock = threading.Lock()
        self._card: IdCard | None = None
        self._text = b""
        self._photo = bytes(PHOTO_BYTES)
        self._next_status: dict[int, int] = {}  # command → SW3 for its next answer
        self._corrupt_next = False
        self._garbage = b""
        self._silent = False
        self._master = -1
        self._slave = -1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.commands: list[tuple[int, int]] = []  # every command received, for tests
        self.fingerprints = b""  # templates answered to 30 10 (two 512-byte ones, or none)
        self.appended_address = ""  # answered to 30 03; empty: SW3 0x91

    # --- the device's state, set by tests and the demo panel ------------------------------

    def place(self, card: IdCard, photo: bytes | None = None) -> None:
        """Lay `card` on the reader; raises ValueError now if it cannot be a card's text."""
        text = encode_text_block(card)
        with self._lock:
            self._card, self._text = card, text
            self._photo = photo if photo is not None else bytes(PHOTO_BYTES)

    def lift(self) -> None:
        with self._lock:
            self._card = None

    @property
    def holding(self) -> bool:
        """Whether a card lies on the simulated reader."""
        with self._lock:
            return self._card is not None

    def fail_next(self, command: int, sw3: int) -> None:
        """Answer the next `command` (0x20, 0x30 …) with status `sw3`."""
        with self._lock:
            self._next_status[command] = sw3

    def send_garbage_first(self, noise: bytes) -> None:
        """Put `noise` on the line before the next answer (line noise, a half frame …)."""
        with self._lock:
            self._garbage = noise

    def corrupt_next_checksum(self) -> None:
        with self._lock:
            self._corrupt_next = True

    def go_silent(self, silent: bool = True) -> None:
        with self._lock:
            self._silent = silent

    # --- plugging ------------------------------------------------------------------------

    def start(self) -> None:
        self._plug()
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, name="sam-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        self._unplug()
        self._link.unlink(missing_ok=True)

    def unplug(self) -> None:
        """Close the device side: the driver's next read or write fails with EIO."""
        with self._lock:
            self._unplug()

    def replug(self) -> None:
        with self._lock:
            self._plug()

    def _plug(self) -> None:
        self._master, self._slave = os.openpty()
        tty.setraw(self._master)
        tty.setraw(self._slave)
        self._link.unlink(missing_ok=True)
        self._link.symlink_to(os.ttyname(self._slave))

    def _unplug(self) -> None:
        for fd in (self._master, self._slave):
            if fd >= 0:
                os.close(fd)
        self._master = self._slave = -1

    # --- the device ------------------------------------------------------------------------

    def _serve(self) -> None:
        buffer = b""
        while not self._stop.is_set():
            master = self._master
            if master < 0:
                self._stop.wait(0.02)
                buffer = b""
                continue
            try:
                ready, _, _ = select.select([master], [], [], 0.05)
                if not ready:
                    continue
                buffer += heard(master, os.read(master, 4096), self._baud)
            except OSError:  # unplugged under our feet, or the driver closed its end
                self._stop.wait(0.02)
                continue
            while True:
                decoded = frames.decode(buffer, frames.MIN_COMMAND_LEN)
                buffer = buffer[decoded.consumed :]
                if decoded.outcome is Outcome.FRAME:
                    self._answer(master, frames.command_from_body(decoded.body))
                elif decoded.outcome is Outcome.BAD_CHECKSUM:
                    self._send(master, frames.encode_answer(0x10))  # §4: SAM got a bad CHK
                elif decoded.outcome is Outcome.INCOMPLETE:
                    break

    def _answer(self, master: int, command: frames.Command) -> None:
        key = (command.command, command.parameter)
        with self._lock:
            self.commands.append(key)
            if self._silent:
                return
            forced = self._next_status.pop(command.command, None)
            card, text, photo = self._card, self._text, self._photo
            corrupt, self._corrupt_next = self._corrupt_next, False
            garbage, self._garbage = self._garbage, b""
        if key == (0x30, 0x01) and card is not None and forced is None:
            time.sleep(self._read_processing_s)
        if forced is not None:
            frame = frames.encode_answer(forced)
        else:
            frame = self._normal_answer(key, card is not None, text, photo)
        if corrupt:
            frame = frame[:-1] + bytes([frame[-1] ^ 0xFF])
        self._send(master, garbage + frame)

    def _normal_answer(self, key: tuple[int, int], card: bool, text: bytes, photo: bytes) -> bytes:
        if key == (0x20, 0x01):
            return (
                frames.encode_answer(SW3_FOUND, bytes(4))
                if card
                else frames.encode_answer(SW3_NO_CARD)
            )
        if key == (0x20, 0x02):
            return (
                frames.encode_answer(SW3_SUCCESS, bytes(8)) if card else frames.encode_answer(0x81)
            )
        if key == (0x30, 0x01):
            if not card:
                return frames.encode_answer(0x41)
            lengths = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
            return frames.encode_answer(SW3_SUCCESS, lengths + text + photo)
        if key == (0x30, 0x10):
            if not card:
                return frames.encode_answer(0x41)
            fingerprints = self.fingerprints
            lengths = b"".join(len(part).to_bytes(2, "big") for part in (text, photo, fingerprints))
            return frames.encode_answer(SW3_SUCCESS, lengths + text + photo + fingerprints)
        if key == (0x30, 0x03):
            if not self.appended_address:
                return frames.encode_answer(SW3_EMPTY)
            return frames.encode_answer(
                SW3_SUCCESS, self.appended_address.ljust(35).encode("utf-16-le")
            )
        if key == (0x12, 0xFF):
            return frames.encode_answer(SW3_SUCCESS, self._sam_id)
        if key in ((0x10, 0xFF), (0x11, 0xFF)):
            return frames.encode_answer(SW3_SUCCESS)
        return frames.encode_answer(0x21)  # §4: bad command

    def _send(self, master: int, frame: bytes) -> None:
        """Write at the line rate: a 1295-byte answer takes 112 ms at 115200 bd."""
        for start in range(0, len(frame), CHUNK_BYTES):
            chunk = frame[start : start + CHUNK_BYTES]
            try:
                os.write(master, chunk)
            except OSError:
                return
            time.sleep(len(chunk) * BITS_PER_BYTE / self._baud)
