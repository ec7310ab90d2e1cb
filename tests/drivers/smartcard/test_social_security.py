"""The profile, the status-word table and the virtual card's file system, without pcscd."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.smartcard.base import CardDataError, NotSocialSecurityCardError
from drivers.smartcard.pcsc import with_le
from drivers.smartcard.social_security import (
    NAME,
    SocialSecurityCardReader,
    decode_bcd_date,
    decode_text,
    parse_record,
)
from drivers.smartcard.status import (
    CardFileNotFoundError,
    CommandRejectedError,
    RecordNotFoundError,
    SecurityStatusError,
    StatusWordError,
    status_error,
)
from drivers.smartcard.virtual_card import CardFiles, demo_files


class CardDouble:
    """A `CardConnection` that answers from the virtual card's file system, in process."""

    reader_name = "double"
    atr = b""

    def __init__(self, files: CardFiles) -> None:
        self.files = files

    def transmit(self, apdu: bytes) -> tuple[bytes, int]:
        answer = self.files.execute(apdu)
        return answer[:-2], int.from_bytes(answer[-2:], "big")

    def close(self) -> None:
        return None


def zhang_wei(*, has_application: bool = True, require_sam: bool = False) -> CardFiles:
    records = demo_files("A12345678", "51132119850612003x", "张伟", "1", "19850612", "20351231")
    return CardFiles(records, has_application=has_application, require_sam=require_sam)


@pytest.mark.parametrize(
    ("sw", "kind"),
    [
        (0x6A82, CardFileNotFoundError),
        (0x6A83, RecordNotFoundError),
        (0x6982, SecurityStatusError),
        (0x6985, SecurityStatusError),
        (0x6E00, CommandRejectedError),
        (0x6D00, CommandRejectedError),
        (0x6F12, StatusWordError),
        (0x1234, StatusWordError),
    ],
)
def test_every_status_word_family_has_a_typed_error_with_both_messages(
    sw: int, kind: type[StatusWordError]
) -> None:
    error = status_error(sw, "READ RECORD")
    assert type(error) is kind and error.sw == sw
    assert f"{sw:04X}" in error.technician_message and error.resident_message


def test_a_sam_protected_card_tells_the_resident_this_terminal_cannot_read_it() -> None:
    message = status_error(0x6982, "x").resident_message
    assert message == "此证件暂时无法在本机办理，请到村便民服务站窗口办理"


def test_le_is_added_or_replaced_for_every_short_apdu_case() -> None:
    assert with_le(bytes.fromhex("00b2072c"), 0x0B).hex() == "00b2072c0b"
    assert with_le(bytes.fromhex("00b2072c00"), 0x0B).hex() == "00b2072c0b"
    assert with_le(bytes.fromhex("00a4040002aabb"), 0x10).hex() == "00a4040002aabb10"
    assert with_le(bytes.fromhex("00a4040002aabb00"), 0x10).hex() == "00a4040002aabb10"


def test_text_and_dates_decode_as_the_reference_describes() -> None:
    assert decode_text("张伟".encode("gbk") + b"\x00" * 26) == "张伟"
    assert decode_text(b"A12345678 ") == "A12345678"
    assert decode_bcd_date(bytes.fromhex("19850612")) == dt.date(1985, 6, 12)
    assert decode_bcd_date(bytes.fromhex("00000000")) is None
    assert decode_bcd_date(b"\xff\xff\xff\xff") is None


@given(st.binary(max_size=40))
def test_a_record_parses_or_is_a_card_data_error(record: bytes) -> None:
    try:
        value = parse_record(NAME, record)
    except CardDataError:
        return
    assert record[0] == NAME.tag and value == record[2 : 2 + record[1]]


def test_the_profile_reads_every_field_and_upper_cases_the_check_letter() -> None:
    card = SocialSecurityCardReader(CardDouble(zhang_wei())).read()
    assert card.social_security_number == "51132119850612003X"
    assert (card.name, card.gender, card.card_version) == ("张伟", "男", "3.00")


def test_a_missing_optional_record_leaves_the_field_empty() -> None:
    files = zhang_wei()
    del files.records[0x0A], files.records[0x0D]
    card = SocialSecurityCardReader(CardDouble(files)).read()
    assert (card.gender, card.birth_date) == ("", None)


def test_the_profile_stops_at_the_first_6982() -> None:
    files = zhang_wei(require_sam=True)
    with pytest.raises(SecurityStatusError):
        SocialSecurityCardReader(CardDouble(files)).read()


def test_no_application_is_not_a_social_security_card() -> None:
    with pytest.raises(NotSocialSecurityCardError):
        SocialSecurityCardReader(CardDouble(zhang_wei(has_application=False))).read()
