"""The contract every resident ID card reader meets, and the card it returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from drivers.errors import DeviceError


class IdCardError(DeviceError):
    """A read that failed. Both messages are plain text; the UI translates the resident's."""

    resident_message = "读取身份证失败，请重新放置身份证"


class NoCardError(IdCardError):
    """The card left the field between detection and read."""

    resident_message = "未能读取身份证，请将身份证平放在感应区，不要移动"


class ReaderUnavailableError(IdCardError):
    """The reader does not answer, or its port is gone."""

    resident_message = "身份证读卡器暂时无法使用，请联系工作人员"


class CardType(StrEnum):
    RESIDENT = "resident"  # 居民身份证
    HMT_RESIDENCE = "hmt_residence"  # 港澳台居民居住证 (type 'J')
    FOREIGN_2017 = "foreign_2017"  # 外国人永久居留身份证, 2017 (type 'I')
    FOREIGN_2023 = "foreign_2023"  # 外国人永久居留身份证, 2023 (type 'Y')


@dataclass(frozen=True, slots=True)
class IdCard:
    """The fields printed on an identity card. Lives in memory only, never on disk.

    For the cards without some field (a foreign card has no ethnicity, an address only on
    the resident and 港澳台 cards) the field is "". `extra` holds what only one kind has
    (English name, nationality, 通行证号码, 签发次数 …); `raw_text` the 256-byte block as read.
    """

    name: str
    gender: str
    ethnicity: str
    birth_date: dt.date
    address: str
    id_number: str
    issuer: str
    valid_from: dt.date
    valid_until: dt.date | None  # None: 长期 (no end date)
    photo: bytes = field(default=b"", repr=False)
    card_type: CardType = CardType.RESIDENT
    extra: dict[str, str] = field(default_factory=dict, repr=False)
    raw_text: bytes = field(default=b"", repr=False)

    def __repr__(self) -> str:
        # Never let a stray `log.debug("%r", card)` print the resident.
        return f"IdCard(id_number=[{len(self.id_number)} chars], …)"


class IdCardReader(Protocol):
    """A reader as the kiosk's card monitor uses it. Blocking calls, one thread at a time."""

    def find_card(self) -> bool:
        """True when a card lies in the field. Raises `ReaderUnavailableError`."""
        ...

    def read_card(self) -> IdCard:
        """Select and read the card in the field. Raises `IdCardError` (or a subclass)."""
        ...

    def sam_id(self) -> str:
        """The reader's SAM module id, which the centre records with each identification."""
        ...

    def close(self) -> None: ...
