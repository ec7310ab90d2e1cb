"""The contract every smart card connection meets, its errors and the card it returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from drivers.errors import DeviceError


class SmartCardError(DeviceError):
    """A read that failed. Both messages are plain text; the UI translates the resident's."""

    resident_message = "读取社会保障卡失败，请重新插卡"


class PcscUnavailableError(SmartCardError):
    """No PC/SC service: pcscd is not running or its socket is unreachable."""

    resident_message = "读卡器故障，请联系工作人员"


class NoReaderError(SmartCardError):
    """pcscd runs but lists no reader (unplugged, or the named one is absent)."""

    resident_message = "读卡器故障，请联系工作人员"


class NoCardError(SmartCardError):
    """The reader is empty (or no card came before the timeout)."""

    resident_message = "请将社会保障卡插入读卡器"


class CardRemovedError(SmartCardError):
    """The card left the reader, or stopped answering, during an exchange."""

    resident_message = "读卡时卡片被取出，请重新插入社会保障卡"


class NotSocialSecurityCardError(SmartCardError):
    """The card has no social security application (a bank card, a SIM …)."""

    resident_message = "这不是社会保障卡，请插入社会保障卡"


class CardDataError(SmartCardError):
    """The card answered 9000 with a record that does not parse (wrong tag, short value)."""


@dataclass(frozen=True, slots=True)
class SocialSecurityCard:
    """The fields of a 社会保障卡 the kiosk reads. Lives in memory only, never on disk.

    `social_security_number` (社会保障号码) is the holder's ID number. Fields a card does
    not hold are "" or None.
    """

    card_number: str  # 卡号 (EF05 tag 07)
    social_security_number: str  # 社会保障号码 (EF06 tag 08)
    name: str  # 姓名 (EF06 tag 09)
    gender: str = ""  # 男 | 女 | "" (EF06 tag 0A)
    birth_date: dt.date | None = None  # EF06 tag 0D
    card_version: str = ""  # 规范版本, e.g. "2.00" (EF05 tag 03)
    valid_to: dt.date | None = None  # 卡有效期 (EF05 tag 06)

    def __repr__(self) -> str:
        # Never let a stray `log.debug("%r", card)` print the resident.
        return f"SocialSecurityCard(card_number=[{len(self.card_number)} chars], …)"


class CardConnection(Protocol):
    """A connection to one card, as the profile uses it. Blocking; one thread at a time."""

    @property
    def reader_name(self) -> str: ...

    @property
    def atr(self) -> bytes: ...

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        """Send a command APDU; answer (data, SW) with 61xx/6Cxx already handled.

        Raises `CardRemovedError` when the card is gone; never raises for a status word.
        """
        ...

    def close(self) -> None: ...
