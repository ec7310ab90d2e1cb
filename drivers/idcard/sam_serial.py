"""The resident ID card reader's SAM module over a serial port (pyserial).

An `IdCardReader`: blocking calls, one thread at a time (the kiosk's card monitor). The port
is opened on first use and again after it vanished (a USB reader unplugged): every call on a
closed port tries to reopen it, and the monitor's back-off paces those tries.
Timeouts follow reference/idcard-sdt.md §8: an overall deadline per command, and a gap
timeout between bytes once an answer has started.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable

import serial

from drivers.errors import SERIAL_PORT_ERRORS
from drivers.idcard import frames
from drivers.idcard.base import IdCard, IdCardError, ReaderUnavailableError
from drivers.idcard.frames import Answer, Outcome
from drivers.idcard.status import SW3_EMPTY, SW3_FOUND, SW3_NO_CARD, SW3_SUCCESS, status_error
from drivers.idcard.text import decode_text_block

log = logging.getLogger(__name__)

BAUD_DEFAULT = 115_200
BAUDS_TO_SCAN = (115_200, 57_600, 38_400, 19_200, 9_600)
COMMAND_TIMEOUT_S = 0.5
READ_TIMEOUT_S = 3.0  # text + photo: 1295 bytes, 112 ms on the wire at 115200
GAP_TIMEOUT_S = 0.05  # silence inside an answer that has started

# (CMD, PARA) of reference §3
FIND = (0x20, 0x01)
SELECT = (0x20, 0x02)
READ = (0x30, 0x01)  # text + photo
READ_WITH_FINGERPRINTS = (0x30, 0x10)  # text + photo + fingerprint templates
READ_APPENDED_ADDRESS = (0x30, 0x03)
RESET = (0x10, 0xFF)
SAM_ID = (0x12, 0xFF)
STATUS = (0x11, 0xFF)


class ReaderCommunicationError(IdCardError):
    """Garbled frames: a bad checksum, an impossible length, an answer cut short."""

    resident_message = "读卡器通信异常，请稍后重试"


class ReaderTimeoutError(ReaderUnavailableError):
    """The reader said nothing, or stopped in the middle of an answer."""


def _split(data: bytes, fields: int) -> tuple[bytes, ...]:
    """Split a read answer by its big-endian length fields (TL PL [FL]), never by offsets."""
    head = 2 * fields
    if len(data) < head:
        raise ReaderCommunicationError(f"read answer has {len(data)} bytes, fewer than its lengths")
    lengths = [int.from_bytes(data[i : i + 2], "big") for i in range(0, head, 2)]
    if head + sum(lengths) != len(data):
        raise ReaderCommunicationError(
            f"read answer: lengths {lengths} disagree with {len(data) - head} data bytes"
        )
    parts, start = [], head
    for length in lengths:
        parts.append(data[start : start + length])
        start += length
    return tuple(parts) + (b"",) * (3 - fields)


def format_sam_id(raw: bytes) -> str:
    """`A.B-C-D-E` (§3): A = d[0], B = d[2], C, D, E little-endian uint32 of d[4:8], d[8:12],
    d[12:16]. Public drivers disagree on the padding; this pads D and E to 10 digits."""
    c, d, e = (int.from_bytes(raw[i : i + 4], "little") for i in (4, 8, 12))
    return f"{raw[0]:02d}.{raw[2]:02d}-{c}-{d:010d}-{e:010d}"


class SamSerialReader:
    def __init__(
        self,
        port: str,
        baud: int = BAUD_DEFAULT,
        *,
        command_timeout_s: float = COMMAND_TIMEOUT_S,
        read_timeout_s: float = READ_TIMEOUT_S,
        open_port: Callable[..., serial.Serial] = serial.Serial,
    ) -> None:
        self.port = port
        self.baud = baud
        self._command_timeout_s = command_timeout_s
        self._read_timeout_s = read_timeout_s
        self._open_port = open_port
        self._serial: serial.Serial | None = None
        self._sam_id: str | None = None

    # --- IdCardReader --------------------------------------------------------------------

    def find_card(self) -> bool:
        answer = self._exchange(*FIND, name="find card", timeout_s=self._command_timeout_s)
        if answer.sw3 == SW3_FOUND:
            return True
        if answer.sw3 == SW3_NO_CARD:
            return False
        raise status_error(answer.sw3, "find card")

    def read_card(self) -> IdCard:
        self._expect(SELECT, "select card", self._command_timeout_s)
        data = self._expect(READ, "read text and photo", self._read_timeout_s).data
        text, photo = _split(data, fields=2)[:2]
        return decode_text_block(text, photo=photo)

    def read_card_with_fingerprints(self) -> tuple[IdCard, bytes]:
        """The card and its fingerprint templates (b"" when the card has none); opaque."""
        self._expect(SELECT, "select card", self._command_timeout_s)
        data = self._expect(
            READ_WITH_FINGERPRINTS, "read with fingerprints", self._read_timeout_s
        ).data
        text, photo, fingerprints = _split(data, fields=3)
        return decode_text_block(text, photo=photo), fingerprints

    def read_appended_address(self) -> str | None:
        """The 追加住址 a police station added after issue, or None (SW3 0x91: empty)."""
        answer = self._exchange(
            *READ_APPENDED_ADDRESS, name="read appended address", timeout_s=self._read_timeout_s
        )
        if answer.sw3 == SW3_EMPTY:
            return None
        if answer.sw3 != SW3_SUCCESS:
            raise status_error(answer.sw3, "read appended address")
        return answer.data.decode("utf-16-le", errors="replace").rstrip(" \x00")

    def reset_sam(self) -> None:
        self._expect(RESET, "reset SAM", self._command_timeout_s)

    def sam_id(self) -> str:
        if self._sam_id is None:
            raw = self._expect(SAM_ID, "read SAM id", self._command_timeout_s).data
            if len(raw) != 16:
                raise ReaderCommunicationError(f"SAM id has {len(raw)} bytes, not 16")
            self._sam_id = format_sam_id(raw)
        return self._sam_id

    def check_status(self) -> None:
        """The SAM's self-check (11 FF); raises when it is not well."""
        self._expect(STATUS, "status", self._command_timeout_s)

    def close(self) -> None:
        if self._serial is not None:
            with contextlib.suppress(*SERIAL_PORT_ERRORS):
                self._serial.close()  # a vanished port may refuse even this
            self._serial = None
            self._sam_id = None

    # --- the exchange --------------------------------------------------------------------

    def _expect(self, command: tuple[int, int], name: str, timeout_s: float) -> Answer:
        answer = self._exchange(*command, name=name, timeout_s=timeout_s)
        if answer.sw3 != SW3_SUCCESS:
            raise status_error(answer.sw3, name)
        return answer

    def _port(self) -> serial.Serial:
        if self._serial is None:
            try:
                self._serial = self._open_port(self.port, self.baud, timeout=GAP_TIMEOUT_S)
            except (serial.SerialException, OSError) as error:
                raise ReaderUnavailableError(f"{self.port}: cannot open: {error}") from error
            log.info("ID card reader opened on %s at %d bd", self.port, self.baud)
        return self._serial

    def _exchange(self, command: int, parameter: int, *, name: str, timeout_s: float) -> Answer:
        port = self._port()
        try:
            port.reset_input_buffer()  # a late answer to an earlier command is stale now
            port.write(frames.encode_command(command, parameter))
            return self._read_answer(port, name, timeout_s)
        except SERIAL_PORT_ERRORS as error:
            self.close()  # vanished: reopen on the next call
            raise ReaderUnavailableError(f"{self.port}: {name}: {error}") from error

    def _read_answer(self, port: serial.Serial, name: str, timeout_s: float) -> Answer:
        deadline = time.monotonic() + timeout_s
        buffer = b""
        while True:
            decoded = frames.decode(buffer, frames.MIN_ANSWER_LEN)
            if decoded.outcome is Outcome.FRAME:
                return frames.answer_from_body(decoded.body)
            if decoded.outcome is Outcome.BAD_CHECKSUM:  # a whole answer arrived damaged
                raise ReaderCommunicationError(f"SAM {name}: {decoded.outcome.value}")
            if decoded.outcome in (Outcome.SKIPPED, Outcome.BAD_LENGTH):
                # Noise, or a preamble-like run in it: resynchronise on the next preamble.
                log.warning(
                    "SAM %s: skipped %d bytes (%s)", name, decoded.consumed, decoded.outcome.value
                )
                buffer = buffer[decoded.consumed :]
                continue
            chunk = port.read(frames.bytes_needed(buffer))
            if chunk:
                buffer += chunk
            elif buffer.startswith(frames.PREAMBLE):
                raise ReaderTimeoutError(f"SAM {name}: answer stopped after {len(buffer)} bytes")
            if time.monotonic() > deadline:
                raise ReaderTimeoutError(f"SAM {name}: no answer within {timeout_s} s")
