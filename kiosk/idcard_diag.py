"""`kiosk-diag idcard`: read one card, or find the port and rate where a SAM answers.

For technicians only: this is the one place that prints a full ID number (never a log).
"""

from __future__ import annotations

import datetime as dt
import glob
from typing import Any

from drivers.idcard.base import CardType, IdCard, IdCardError
from drivers.idcard.sam_serial import BAUDS_TO_SCAN, SamSerialReader

# The JSON names of the card kinds (the contract with other tools).
CARD_TYPE_NAMES = {
    CardType.RESIDENT: "resident",
    CardType.HMT_RESIDENCE: "gat",
    CardType.FOREIGN_2017: "foreign",
    CardType.FOREIGN_2023: "foreign2023",
}
EXTRA_KEYS = {
    "english_name": "en_name",
    "nationality": "nationality",
    "pass_number": "pass_number",
    "issue_count": "issue_count",
}
PORT_PATTERNS = ("/dev/ttyUSB*", "/dev/ttyACM*", "/dev/ttyS[0-3]")


def card_json(card: IdCard) -> dict[str, Any]:
    def iso(day: dt.date | None) -> str | None:
        return day.isoformat() if day else None

    data: dict[str, Any] = {
        "card_type": CARD_TYPE_NAMES[card.card_type],
        "name": card.name,
        "gender": card.gender,
        "ethnicity": card.ethnicity,
        "birth_date": iso(card.birth_date),
        "address": card.address,
        "id_number": card.id_number,
        "authority": card.issuer,
        "valid_from": iso(card.valid_from),
        "valid_to": iso(card.valid_until),
    }
    data.update({EXTRA_KEYS[k]: v for k, v in card.extra.items() if k in EXTRA_KEYS})
    return data


def read_one(port: str, baud: int) -> IdCard:
    """Raises IdCardError with a one-line reason: no card, a device error, no answer."""
    reader = SamSerialReader(port, baud)
    try:
        if not reader.find_card():
            raise IdCardError(f"{port}: no card on the reader")
        return reader.read_card()
    finally:
        reader.close()


def serial_ports() -> list[str]:
    """The serial ports a kiosk's devices may sit on: USB adapters and the first four UARTs."""
    return sorted({p for pattern in PORT_PATTERNS for p in glob.glob(pattern)})


def scan(ports: list[str] | None = None) -> list[dict[str, Any]]:
    """Every port × rate where a SAM answers its id (12 FF), 115200 first (§1)."""
    found = []
    for port in ports or serial_ports():
        for baud in BAUDS_TO_SCAN:
            reader = SamSerialReader(port, baud)
            try:
                found.append({"port": port, "baud": baud, "sam_id": reader.sam_id()})
                break
            except IdCardError:
                continue
            finally:
                reader.close()
    return found
