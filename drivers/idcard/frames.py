"""The SAM module's serial frames (reference/idcard-sdt.md §2): pure functions on bytes.

Both directions: `AA AA AA 96 69 | Len(2, big-endian) | body | CHK`, where Len counts every
byte after itself (the checksum included) and CHK is the XOR of Len1 … last body byte.
A command's body is CMD PARA DATA; an answer's is SW1 SW2 SW3 DATA.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import reduce

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_BYTES = len(PREAMBLE) + 2
MAX_LEN = 0x0A00  # the largest answer (text + photo + fingerprint) is 0x090A (§3)
MIN_COMMAND_LEN = 3  # CMD PARA CHK
MIN_ANSWER_LEN = 4  # SW1 SW2 SW3 CHK


def checksum(covered: bytes) -> int:
    """XOR of the bytes from Len1 up to the last body byte."""
    return reduce(lambda acc, byte: acc ^ byte, covered, 0)


def _frame(body: bytes) -> bytes:
    covered = (len(body) + 1).to_bytes(2, "big") + body
    return PREAMBLE + covered + bytes([checksum(covered)])


def encode_command(command: int, parameter: int, data: bytes = b"") -> bytes:
    """`encode_command(0x20, 0x01)` → `AA AA AA 96 69 00 03 20 01 22` (find card)."""
    return _frame(bytes([command, parameter]) + data)


def encode_answer(sw3: int, data: bytes = b"", sw1: int = 0, sw2: int = 0) -> bytes:
    return _frame(bytes([sw1, sw2, sw3]) + data)


@dataclass(frozen=True, slots=True)
class Answer:
    sw1: int
    sw2: int
    sw3: int
    data: bytes


@dataclass(frozen=True, slots=True)
class Command:
    command: int
    parameter: int
    data: bytes


class Outcome(Enum):
    FRAME = "frame"  # a whole, valid frame: `body` holds it (without checksum)
    INCOMPLETE = "incomplete"  # read more; nothing consumed
    SKIPPED = "skipped"  # bytes before a preamble were thrown away (resynchronising)
    BAD_LENGTH = "bad length"  # a preamble with an impossible length: skipped past it
    BAD_CHECKSUM = "bad checksum"  # a whole frame whose checksum is wrong: consumed


@dataclass(frozen=True, slots=True)
class Decoded:
    outcome: Outcome
    consumed: int  # bytes to drop from the front of the buffer
    body: bytes = b""


def decode(buffer: bytes, min_len: int) -> Decoded:
    """Look at the front of `buffer` for one frame; never raises.

    The caller drops `consumed` bytes and calls again until INCOMPLETE: a stream with
    garbage, a torn frame or a bad checksum resynchronises on the next preamble.
    """
    start = buffer.find(PREAMBLE)
    if start < 0:
        # Keep a tail that could be the start of a preamble still arriving.
        keep = next(
            (n for n in range(len(PREAMBLE) - 1, 0, -1) if buffer.endswith(PREAMBLE[:n])), 0
        )
        skipped = len(buffer) - keep
        return Decoded(Outcome.SKIPPED if skipped else Outcome.INCOMPLETE, skipped)
    if start > 0:
        return Decoded(Outcome.SKIPPED, start)
    if len(buffer) < HEADER_BYTES:
        return Decoded(Outcome.INCOMPLETE, 0)
    length = int.from_bytes(buffer[5:7], "big")
    if not min_len <= length <= MAX_LEN:
        return Decoded(Outcome.BAD_LENGTH, 1)
    total = HEADER_BYTES + length
    if len(buffer) < total:
        return Decoded(Outcome.INCOMPLETE, 0)
    if checksum(buffer[5 : total - 1]) != buffer[total - 1]:
        return Decoded(Outcome.BAD_CHECKSUM, total)
    return Decoded(Outcome.FRAME, total, buffer[HEADER_BYTES : total - 1])


def answer_from_body(body: bytes) -> Answer:
    return Answer(body[0], body[1], body[2], body[3:])


def command_from_body(body: bytes) -> Command:
    return Command(body[0], body[1], body[2:])


def bytes_needed(buffer: bytes) -> int:
    """How many more bytes would complete the frame that starts `buffer` (at least 1)."""
    if len(buffer) < HEADER_BYTES or not buffer.startswith(PREAMBLE):
        return max(1, HEADER_BYTES - len(buffer))
    return max(1, HEADER_BYTES + int.from_bytes(buffer[5:7], "big") - len(buffer))
