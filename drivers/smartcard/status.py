"""ISO 7816-4 status words (reference/smartcards.md §3) as typed errors.

A status a retry cannot fix (6982/6985: the card wants a SAM or PIN this terminal does not
have) has its own type so that callers never retry it.
"""

from __future__ import annotations

from drivers.smartcard.base import SmartCardError

SW_OK = 0x9000
SW1_MORE_DATA = 0x61  # 61xx: xx bytes wait for GET RESPONSE
SW1_WRONG_LE = 0x6C  # 6Cxx: re-send with Le = xx


class StatusWordError(SmartCardError):
    """The card refused a command with a status word other than 9000."""

    def __init__(self, sw: int, command: str, meaning: str) -> None:
        super().__init__(f"{command}: SW {sw:04X} {meaning}")
        self.sw = sw
        self.command = command


class CardFileNotFoundError(StatusWordError):
    """6A82: the file or application does not exist on this card."""

    resident_message = "这不是社会保障卡，请插入社会保障卡"


class RecordNotFoundError(StatusWordError):
    """6A83: the record is not on the card (an optional field the issuer left out)."""


class SecurityStatusError(StatusWordError):
    """6982/6985: the card demands external authentication (a PSAM/SAM) or a PIN.

    Unsupported on this terminal; never retried, never brute-forced.
    """

    resident_message = "此证件暂时无法在本机办理，请到村便民服务站窗口办理"


class CardBlockedError(StatusWordError):
    """6283/6A81: the file is invalidated or the function blocked."""

    resident_message = "此证件暂时无法在本机办理，请到村便民服务站窗口办理"


class CommandRejectedError(StatusWordError):
    """6700/6A86/6B00/6D00/6E00 …: the card does not understand the command (wrong profile)."""

    resident_message = "此证件暂时无法在本机办理，请到村便民服务站窗口办理"


# SW → (error type, technician's meaning); exact words first, then SW1 families.
STATUS_WORDS: dict[int, tuple[type[StatusWordError], str]] = {
    0x6283: (CardBlockedError, "selected file invalidated (卡片已锁定/文件失效)"),
    0x6700: (CommandRejectedError, "wrong length Lc/Le"),
    0x6982: (SecurityStatusError, "security status not satisfied (needs SAM/PIN)"),
    0x6985: (SecurityStatusError, "conditions of use not satisfied (needs SAM/PIN)"),
    0x6A81: (CardBlockedError, "function not supported (card blocked)"),
    0x6A82: (CardFileNotFoundError, "file or application not found"),
    0x6A83: (RecordNotFoundError, "record not found"),
    0x6A86: (CommandRejectedError, "incorrect P1-P2"),
    0x6B00: (CommandRejectedError, "wrong parameters P1-P2 (offset outside EF)"),
    0x6D00: (CommandRejectedError, "INS not supported"),
    0x6E00: (CommandRejectedError, "CLA not supported"),
}
SW1_FAMILIES: dict[int, tuple[type[StatusWordError], str]] = {
    0x62: (StatusWordError, "warning, non-volatile memory unchanged"),
    0x63: (StatusWordError, "warning, non-volatile memory changed"),
    0x64: (StatusWordError, "execution error, memory unchanged"),
    0x65: (StatusWordError, "execution error, memory changed"),
    0x67: (CommandRejectedError, "wrong length"),
    0x68: (CommandRejectedError, "function in CLA not supported"),
    0x69: (SecurityStatusError, "command not allowed"),
    0x6A: (CommandRejectedError, "wrong parameters"),
    0x6C: (CommandRejectedError, "wrong Le (not corrected)"),
    0x6F: (StatusWordError, "no precise diagnosis"),
}


def status_error(sw: int, command: str) -> StatusWordError:
    """The typed error for a failing status word."""
    kind, meaning = STATUS_WORDS.get(sw) or SW1_FAMILIES.get(
        sw >> 8, (StatusWordError, "unknown status word")
    )
    return kind(sw, command, meaning)


def raise_for_status(sw: int, command: str) -> None:
    """Raise the typed error unless `sw` is 9000."""
    if sw != SW_OK:
        raise status_error(sw, command)
