"""A virtual 社会保障卡 for vsmartcard's vpcd: the device, not the driver.

Run it in its own process (platform.md: in pyscard's process, interpreter exit hangs):

    python -m drivers.smartcard.virtual_card --port 35963 [--name 张伟 …]

It connects to vpcd over TCP, which inserts the card in `Virtual PCD 00 00` (the port + 1 is
the second slot); exiting removes it. Frames are a 2-byte big-endian length and a payload; a
1-byte payload is a control code (reference/smartcards.md §2). The card answers the
profile of `drivers.smartcard.social_security` from a small file system of demo data.
"""

from __future__ import annotations

import argparse
import socket
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from drivers.smartcard.social_security import (
    APPLICATION_NAME,
    BIRTH_DATE,
    CARD_NUMBER,
    CARD_VERSION,
    GENDER,
    NAME,
    SFI_HOLDER_INFO,
    SOCIAL_SECURITY_NUMBER,
    VALID_TO,
)

VPCD_PORT_DEFAULT = 35963  # 0x8C7B, vpcd's default CHANNELID
CONNECT_TIMEOUT_S = 5.0
# TS 3B (direct), T0 6A: TB1 TC1 present, 10 historical bytes; no TD1, so T=0 like real 社保卡
ATR = bytes.fromhex("3B6A0000") + b"SSCARD-SIM"

POWER_OFF, POWER_ON, RESET, GET_ATR = 0x00, 0x01, 0x02, 0x04  # vpcd control codes

SW_OK = b"\x90\x00"
SW_SECURITY = b"\x69\x82"
SW_NOT_FOUND = b"\x6a\x82"
SW_NO_RECORD = b"\x6a\x83"
SW_WRONG_P1P2 = b"\x6a\x86"
SW_NO_INS = b"\x6d\x00"
SW_NO_CLA = b"\x6e\x00"

FCI = bytes([0x6F, 0x11, 0x84, 0x0F]) + APPLICATION_NAME  # returned after SELECT in --t0 mode


@dataclass
class CardFiles:
    """The social security application's records, by tag: (SFI, value)."""

    records: dict[int, tuple[int, bytes]]
    has_application: bool = True
    require_sam: bool = False  # EF06 answers 6982, as on a card that wants a PSAM
    t0_get_response: bool = False  # SELECT answers 61xx, the FCI waits for GET RESPONSE
    selected: bool = False
    pending: bytes = b""
    log: TextIO | None = field(default=None, repr=False)

    def execute(self, apdu: bytes) -> bytes:
        answer = self._answer(apdu)
        if self.log is not None:
            self.log.write(f"{apdu.hex()} {answer[-2:].hex()}\n")
        return answer

    def _answer(self, apdu: bytes) -> bytes:
        if len(apdu) < 4:
            return b"\x67\x00"
        cla, ins, p1, p2 = apdu[:4]
        if cla != 0x00:
            return SW_NO_CLA
        if ins == 0xA4:
            return self._select(apdu)
        if ins == 0xB2:
            return self._read_record(p1, p2, apdu[4] if len(apdu) == 5 else None)
        if ins == 0xC0:
            return self._get_response(apdu[4] if len(apdu) == 5 else 0)
        return SW_NO_INS

    def _select(self, apdu: bytes) -> bytes:
        self.selected = False
        if apdu[2] != 0x04 or len(apdu) < 5:
            return SW_NOT_FOUND
        name = apdu[5 : 5 + apdu[4]]
        if not self.has_application or name != APPLICATION_NAME:
            return SW_NOT_FOUND
        self.selected = True
        if self.t0_get_response:
            self.pending = FCI
            return bytes([0x61, len(FCI)])
        return SW_OK

    def _get_response(self, le: int) -> bytes:
        if not self.pending:
            return b"\x69\x85"
        if le != len(self.pending):
            return bytes([0x6C, len(self.pending)])
        answer, self.pending = self.pending, b""
        return answer + SW_OK

    def _read_record(self, tag: int, p2: int, le: int | None) -> bytes:
        if not self.selected:
            return SW_NOT_FOUND
        if p2 & 0x07 != 0x04:  # only P2 mode 100: P1 is a record number (= the tag)
            return SW_WRONG_P1P2
        sfi = p2 >> 3
        if self.require_sam and sfi == SFI_HOLDER_INFO:
            return SW_SECURITY
        found = self.records.get(tag)
        if found is None or found[0] != sfi:
            return SW_NO_RECORD
        record = bytes([tag, len(found[1])]) + found[1]
        if le != len(record):
            return bytes([0x6C, len(record)])  # wrong Le: 6C + the right one
        return record + SW_OK


def demo_files(
    card_number: str, ssn: str, name: str, gender: str, birth_date: str, valid_to: str
) -> dict[int, tuple[int, bytes]]:
    """The records of a card: text padded to the field lengths, dates as BCD YYYYMMDD."""

    def text(value: bytes, length: int, pad: bytes = b"\x00") -> bytes:
        return value[:length].ljust(length, pad)

    return {
        CARD_VERSION.tag: (CARD_VERSION.sfi, b"3.00"),
        VALID_TO.tag: (VALID_TO.sfi, bytes.fromhex(valid_to)),
        CARD_NUMBER.tag: (CARD_NUMBER.sfi, text(card_number.encode("ascii"), 9, b" ")),
        SOCIAL_SECURITY_NUMBER.tag: (SOCIAL_SECURITY_NUMBER.sfi, text(ssn.encode("ascii"), 18)),
        NAME.tag: (NAME.sfi, text(name.encode("gbk"), NAME.length)),
        GENDER.tag: (GENDER.sfi, gender.encode("ascii")),
        BIRTH_DATE.tag: (BIRTH_DATE.sfi, bytes.fromhex(birth_date)),
    }


def _read_exactly(sock: socket.socket, count: int) -> bytes | None:
    chunks = b""
    while len(chunks) < count:
        chunk = sock.recv(count - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return chunks


def _connect(host: str, port: int) -> socket.socket:
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    while True:
        try:
            sock = socket.create_connection((host, port), timeout=CONNECT_TIMEOUT_S)
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    sock.settimeout(None)
    # platform.md: without both, every APDU waits ~43 ms for a delayed ACK
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
    return sock


def serve(sock: socket.socket, card: CardFiles) -> None:
    """Answer vpcd until it closes the connection."""
    while True:
        header = _read_exactly(sock, 2)
        if header is None:
            return
        payload = _read_exactly(sock, int.from_bytes(header, "big"))
        if payload is None:
            return
        if len(payload) == 1:
            if payload[0] == GET_ATR:
                answer = ATR
            else:  # power off / on / reset: no answer; a new session selects again
                card.selected, card.pending = False, b""
                continue
        else:
            answer = card.execute(payload)
        sock.sendall(len(answer).to_bytes(2, "big") + answer)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)  # QUICKACK is not sticky


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=VPCD_PORT_DEFAULT, help="vpcd slot port")
    parser.add_argument("--card-number", default="A12345678", help="卡号, 9 characters")
    parser.add_argument("--ssn", default="511321198506120030", help="社会保障号码")
    parser.add_argument("--name", default="张伟")
    parser.add_argument("--gender", default="1", choices=["1", "2"], help="1 男, 2 女")
    parser.add_argument("--birth-date", default="19850612", help="YYYYMMDD")
    parser.add_argument("--valid-to", default="20351231", help="YYYYMMDD")
    parser.add_argument("--no-application", action="store_true", help="a card without 社保应用")
    parser.add_argument("--require-sam", action="store_true", help="EF06 reads answer 6982")
    parser.add_argument("--t0", action="store_true", help="SELECT answers 61xx (GET RESPONSE)")
    parser.add_argument("--apdu-log", type=Path, help="append `apdu sw` hex lines here")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    log = args.apdu_log.open("a", buffering=1, encoding="ascii") if args.apdu_log else None
    card = CardFiles(
        records=demo_files(
            args.card_number, args.ssn, args.name, args.gender, args.birth_date, args.valid_to
        ),
        has_application=not args.no_application,
        require_sam=args.require_sam,
        t0_get_response=args.t0,
        log=log,
    )
    try:
        with _connect(args.host, args.port) as sock:
            serve(sock, card)
    except OSError as failed:
        print(f"virtual card: {failed}", file=sys.stderr)
        return 1
    finally:
        if log is not None:
            log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
