"""The 社会保障卡 profile: select the social security application, read its TLV records.

Layout from reference/smartcards.md §4 (reconstructed from public reader code): records are
`tag len value`; EF05 (SFI 5, 卡信息) holds tags 01–07, EF06 (SFI 6, 持卡人信息) tags 08–0D.
We read with READ RECORD, P1 = tag as record number, P2 = SFI<<3 | 4, Le = 2 + length, as
the simplified profile of the reference says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from drivers.smartcard.base import (
    CardConnection,
    CardDataError,
    NotSocialSecurityCardError,
    SocialSecurityCard,
)
from drivers.smartcard.status import (
    CardFileNotFoundError,
    RecordNotFoundError,
    raise_for_status,
)

# "sx1.sh." + GBK 社会保障: the DF name of the social security application ("SSSE")
APPLICATION_NAME = b"sx1.sh." + "社会保障".encode("gbk")
SELECT_APPLICATION = bytes([0x00, 0xA4, 0x04, 0x00, len(APPLICATION_NAME)]) + APPLICATION_NAME

SFI_CARD_INFO = 5  # EF05 卡信息
SFI_HOLDER_INFO = 6  # EF06 持卡人信息


@dataclass(frozen=True, slots=True)
class Field:
    tag: int
    sfi: int
    length: int  # value bytes; the record is 2 + length
    name: str


CARD_VERSION = Field(0x03, SFI_CARD_INFO, 4, "规范版本")
VALID_TO = Field(0x06, SFI_CARD_INFO, 4, "卡有效期")
CARD_NUMBER = Field(0x07, SFI_CARD_INFO, 9, "卡号")
SOCIAL_SECURITY_NUMBER = Field(0x08, SFI_HOLDER_INFO, 18, "社会保障号码")
NAME = Field(0x09, SFI_HOLDER_INFO, 30, "姓名")
GENDER = Field(0x0A, SFI_HOLDER_INFO, 1, "性别")
BIRTH_DATE = Field(0x0D, SFI_HOLDER_INFO, 4, "出生日期")

GENDERS = {"1": "男", "2": "女"}  # GB/T 2261.1


def read_record_apdu(field: Field, le: int | None = None) -> bytes:
    """READ RECORD `00 B2 <tag> <SFI<<3|4> <Le>` (P2 mode 100: P1 is a record number)."""
    le = 2 + field.length if le is None else le
    return bytes([0x00, 0xB2, field.tag, field.sfi << 3 | 4, le])


def parse_record(field: Field, record: bytes) -> bytes:
    """The value of a `tag len value` record; raises `CardDataError` on another tag or length."""
    if len(record) < 2 or record[0] != field.tag or len(record) < 2 + record[1]:
        raise CardDataError(f"{field.name}: malformed record {record.hex(' ')}")
    return record[2 : 2 + record[1]]


def decode_text(value: bytes) -> str:
    """ASCII or GBK text padded with 00/20/FF: `gb18030` is a superset of both."""
    return value.rstrip(b"\x00\x20\xff").decode("gb18030", errors="replace").strip()


def decode_bcd_date(value: bytes) -> dt.date | None:
    """BCD YYYYMMDD; None for an empty (00…/FF…) or impossible date."""
    digits = value.hex()
    if not digits.isdigit():
        return None
    try:
        return dt.datetime.strptime(digits, "%Y%m%d").date()
    except ValueError:
        return None


class SocialSecurityCardReader:
    """Reads a 社会保障卡 through any `CardConnection` (pyscard, or a test double).

    Raises `NotSocialSecurityCardError` when SELECT answers 6A82, `SecurityStatusError` when a
    read demands a SAM (6982, raised at the first such answer, never retried),
    `CardRemovedError` and the other `StatusWordError`s as they come.
    """

    def __init__(self, connection: CardConnection) -> None:
        self._connection = connection

    def select_application(self) -> None:
        _, sw = self._connection.transmit(SELECT_APPLICATION)
        try:
            raise_for_status(sw, "SELECT sx1.sh.社会保障")
        except CardFileNotFoundError as missing:
            raise NotSocialSecurityCardError(
                f"no social security application on the card in {self._connection.reader_name}"
                f" (SW {sw:04X})"
            ) from missing

    def read_field(self, field: Field) -> bytes:
        data, sw = self._connection.transmit(read_record_apdu(field))
        raise_for_status(sw, f"READ RECORD {field.name}")
        return parse_record(field, data)

    def _optional(self, field: Field) -> bytes | None:
        try:
            return self.read_field(field)
        except RecordNotFoundError:
            return None

    def read(self) -> SocialSecurityCard:
        self.select_application()
        card_number = decode_text(self.read_field(CARD_NUMBER))
        version = self._optional(CARD_VERSION)
        valid_to = self._optional(VALID_TO)
        ssn = decode_text(self.read_field(SOCIAL_SECURITY_NUMBER)).upper()
        name = decode_text(self.read_field(NAME))
        gender = self._optional(GENDER)
        birth = self._optional(BIRTH_DATE)
        return SocialSecurityCard(
            card_number=card_number,
            social_security_number=ssn,
            name=name,
            gender=GENDERS.get(decode_text(gender), "") if gender else "",
            birth_date=decode_bcd_date(birth) if birth else None,
            card_version=decode_text(version) if version else "",
            valid_to=decode_bcd_date(valid_to) if valid_to else None,
        )
