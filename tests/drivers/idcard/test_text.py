"""The 256-byte text block: hand-built blocks for each kind of card, then properties.

The blocks are built here from the offsets in the SDT reference (§5), not with
`encode_text_block`, so a wrong offset in the module's tables cannot hide behind the same
wrong offset in the test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.idcard.base import CardType, IdCard, IdCardError
from drivers.idcard.id_number import check_character
from drivers.idcard.text import (
    ETHNICITIES,
    GENDERS,
    TEXT_BLOCK_BYTES,
    CardDataError,
    decode_text_block,
    encode_text_block,
)

SPACE = b" \x00"


def block(fields: dict[int, str], padding: bytes = SPACE) -> bytes:
    """256 bytes of `padding`, with each text written as UCS-2LE at its byte offset."""
    raw = bytearray(padding * (256 // len(padding)))
    for offset, text in fields.items():
        encoded = text.encode("utf-16-le")
        raw[offset : offset + len(encoded)] = encoded
    return bytes(raw)


RESIDENT_FIELDS = {
    0: "张三丰",  # 姓名 0/30
    30: "1",  # 性别 30/2
    32: "46",  # 民族 32/4
    36: "19491231",  # 出生 36/16
    52: "北京市东城区景山前街4号",  # 住址 52/70
    122: "11010519491231002X",  # 公民身份号码 122/36
    158: "北京市公安局东城分局",  # 签发机关 158/30
    188: "20160301",  # 有效期起 188/16
    204: "长期",  # 有效期止 204/16
}

HMT_NUMBER = "81000019900101123" + check_character("81000019900101123")
HMT_FIELDS = {
    0: "陈大文",
    30: "2",
    36: "19900101",
    52: "广东省深圳市福田区福华一路1号",
    122: HMT_NUMBER,
    158: "深圳市公安局",
    188: "20200615",
    204: "20250615",
    220: "H12345678",  # 通行证号码 220/18
    238: "03",  # 签发次数 238/4
    248: "J",
}

FOREIGN_2017_FIELDS = {
    0: "SMITH, JOHN",  # 英文姓名 0/120
    120: "1",  # 性别 120/2
    122: "USA310012345678",  # 永久居留证号码 122/30
    152: "USA",  # 国籍 152/6
    158: "史密斯",  # 中文姓名 158/30
    188: "20170801",
    204: "20270801",
    220: "19800101",  # 出生 220/16
    236: "01",  # 证件版本号 236/4
    240: "1100",  # 当次申请受理机关代码 240/8
    248: "I",
}

ENGLISH_2023 = "ALEXANDRA KATHERINE WORTHINGTON-ST JOHN SMYTH"
FOREIGN_2023_NUMBER = "91115619850523000" + check_character("91115619850523000")
FOREIGN_2023_FIELDS = {
    0: "沃亚历",  # 中文姓名 0/30
    30: "2",
    32: "01",  # 换证次数 32/4
    36: "19850523",
    52: ENGLISH_2023[:35],  # 英文姓名 52/70, characters 1–35 (ends in a space)
    122: FOREIGN_2023_NUMBER,  # 证件号码 122/36
    158: "国家移民管理局",
    188: "20230101",
    204: "20330101",
    220: ENGLISH_2023[35:],  # 英文姓名备用 220/22, characters 36–46
    242: "GBR",  # 国籍/地区代码 242/6
    248: "Y",
    250: "000",  # 既往版本证件号码关联项 250/6
}


def test_a_resident_block_decodes_to_the_fields_printed_on_the_card() -> None:
    raw = block(RESIDENT_FIELDS)

    card = decode_text_block(raw, photo=b"WLfacePhoto")

    assert card.card_type is CardType.RESIDENT
    assert card.name == "张三丰"
    assert card.gender == "男"
    assert card.ethnicity == "德昂"
    assert card.birth_date == dt.date(1949, 12, 31)
    assert card.address == "北京市东城区景山前街4号"
    assert card.id_number == "11010519491231002X"
    assert card.issuer == "北京市公安局东城分局"
    assert card.valid_from == dt.date(2016, 3, 1)
    assert card.valid_until is None
    assert card.extra == {}
    assert card.raw_text == raw
    assert card.photo == b"WLfacePhoto"


def test_a_resident_card_with_an_end_date_and_a_lower_case_x_decodes() -> None:
    raw = block(RESIDENT_FIELDS | {30: "2", 32: "01", 122: "11010519491231002x", 204: "20360301"})

    card = decode_text_block(raw)

    assert (card.gender, card.ethnicity) == ("女", "汉")
    assert card.id_number == "11010519491231002X"
    assert card.valid_until == dt.date(2036, 3, 1)


def test_a_j_block_decodes_as_a_hmt_residence_permit() -> None:
    card = decode_text_block(block(HMT_FIELDS))

    assert card.card_type is CardType.HMT_RESIDENCE
    assert card.name == "陈大文"
    assert card.gender == "女"
    assert card.ethnicity == ""
    assert card.birth_date == dt.date(1990, 1, 1)
    assert card.address == "广东省深圳市福田区福华一路1号"
    assert card.id_number == HMT_NUMBER
    assert card.issuer == "深圳市公安局"
    assert card.valid_from == dt.date(2020, 6, 15)
    assert card.valid_until == dt.date(2025, 6, 15)
    assert card.extra == {"pass_number": "H12345678", "issue_count": "03"}


def test_an_i_block_decodes_as_a_2017_foreign_permanent_residence_card() -> None:
    card = decode_text_block(block(FOREIGN_2017_FIELDS))

    assert card.card_type is CardType.FOREIGN_2017
    assert card.name == "史密斯"
    assert card.gender == "男"
    assert (card.ethnicity, card.address, card.issuer) == ("", "", "")
    assert card.id_number == "USA310012345678"
    assert card.birth_date == dt.date(1980, 1, 1)
    assert card.valid_from == dt.date(2017, 8, 1)
    assert card.valid_until == dt.date(2027, 8, 1)
    assert card.extra == {
        "english_name": "SMITH, JOHN",
        "nationality": "USA",
        "card_version": "01",
        "authority_code": "1100",
    }


def test_an_i_card_without_a_chinese_name_is_named_in_english() -> None:
    fields = FOREIGN_2017_FIELDS | {158: ""}

    assert decode_text_block(block(fields)).name == "SMITH, JOHN"


def test_a_y_block_decodes_with_the_english_name_joined_from_both_parts() -> None:
    card = decode_text_block(block(FOREIGN_2023_FIELDS))

    assert card.card_type is CardType.FOREIGN_2023
    assert card.name == "沃亚历"
    assert card.gender == "女"
    assert (card.ethnicity, card.address) == ("", "")
    assert card.birth_date == dt.date(1985, 5, 23)
    assert card.id_number == FOREIGN_2023_NUMBER
    assert card.issuer == "国家移民管理局"
    assert card.valid_from == dt.date(2023, 1, 1)
    assert card.valid_until == dt.date(2033, 1, 1)
    assert card.extra == {
        "english_name": ENGLISH_2023,
        "nationality": "GBR",
        "renewal_count": "01",
        "previous_number_link": "000",
    }


def test_a_y_number_that_does_not_start_with_9_is_not_checked() -> None:
    card = decode_text_block(block(FOREIGN_2023_FIELDS | {122: "ABC123456789012"}))

    assert card.id_number == "ABC123456789012"


def test_a_y_number_that_starts_with_9_must_pass_gb_11643() -> None:
    wrong = FOREIGN_2023_NUMBER[:17] + ("0" if FOREIGN_2023_NUMBER[17] != "0" else "1")

    with pytest.raises(CardDataError) as caught:
        decode_text_block(block(FOREIGN_2023_FIELDS | {122: wrong}))

    assert caught.value.technician_message == "text block: 证件号码 check character wrong"


def test_trailing_nul_padding_is_stripped_like_spaces() -> None:
    card = decode_text_block(block(RESIDENT_FIELDS, padding=b"\x00\x00"))

    assert card.name == "张三丰"
    assert card.address == "北京市东城区景山前街4号"
    assert card.issuer == "北京市公安局东城分局"
    assert card.valid_until is None


def test_a_wrong_check_character_raises_without_showing_the_number() -> None:
    number = "110105194912310021"  # the standard's example ends in X

    with pytest.raises(CardDataError) as caught:
        decode_text_block(block(RESIDENT_FIELDS | {122: number}))

    message = caught.value.technician_message
    assert message == "text block: 公民身份号码 check character wrong"
    assert number not in message
    assert number[:17] not in message
    assert number not in str(caught.value)


def test_a_resident_number_that_is_not_eighteen_characters_raises() -> None:
    with pytest.raises(CardDataError, match="公民身份号码 not 17 digits and a check character"):
        decode_text_block(block(RESIDENT_FIELDS | {122: "1101051949123"}))


def test_a_card_data_error_sends_the_resident_to_the_window() -> None:
    assert issubclass(CardDataError, IdCardError)
    assert CardDataError.resident_message == "证件信息校验失败，请到村便民服务站窗口办理"


@pytest.mark.parametrize("size", [0, 255, 257, 512])
def test_a_block_of_the_wrong_size_raises(size: int) -> None:
    with pytest.raises(CardDataError, match="256 bytes expected"):
        decode_text_block(b"\x20\x00" * (size // 2) + b"\x20" * (size % 2))


@pytest.mark.parametrize(
    ("offset", "text", "message"),
    [
        (36, "19491332", "text block: 出生 not YYYYMMDD"),
        (36, "1949123", "text block: 出生 not YYYYMMDD"),
        (36, "１９４９１２３１", "text block: 出生 not YYYYMMDD"),
        (36, "", "text block: 出生 not YYYYMMDD"),
        (188, "2016-3-1", "text block: 有效期起 not YYYYMMDD"),
        (188, "长期", "text block: 有效期起 not YYYYMMDD"),
        (204, "长久", "text block: 有效期止 not YYYYMMDD or 长期"),
        (204, "00000000", "text block: 有效期止 not YYYYMMDD or 长期"),
    ],
)
def test_a_bad_date_raises_and_names_only_the_field(offset: int, text: str, message: str) -> None:
    with pytest.raises(CardDataError) as caught:
        decode_text_block(block(RESIDENT_FIELDS | {offset: text}))

    assert caught.value.technician_message == message


def test_text_that_is_not_ucs2_raises() -> None:
    raw = bytearray(block(RESIDENT_FIELDS))
    raw[2:4] = b"\x00\xd8"  # a lone high surrogate in 姓名

    with pytest.raises(CardDataError) as caught:
        decode_text_block(bytes(raw))

    assert caught.value.technician_message == "text block: 姓名 not UCS-2LE"


def test_unknown_ethnicity_and_gender_codes_show_as_their_digits() -> None:
    card = decode_text_block(block(RESIDENT_FIELDS | {30: "5", 32: "77"}))

    assert (card.gender, card.ethnicity) == ("5", "77")


def test_the_code_tables_hold_what_the_reference_lists() -> None:
    assert dict(GENDERS) == {"0": "未知的性别", "1": "男", "2": "女", "9": "未说明的性别"}
    assert len(ETHNICITIES) == 58
    assert [ETHNICITIES[code] for code in ("01", "10", "29", "46", "56", "97", "98")] == [
        "汉",
        "朝鲜",
        "柯尔克孜",
        "德昂",
        "基诺",
        "其他",
        "外国血统中国籍人士",
    ]


def test_encoding_the_resident_card_gives_the_hand_built_block() -> None:
    raw = block(RESIDENT_FIELDS)

    assert encode_text_block(decode_text_block(raw)) == raw


def test_encoding_the_j_card_gives_the_hand_built_block() -> None:
    raw = block(HMT_FIELDS)

    assert encode_text_block(decode_text_block(raw)) == raw


def test_encoding_a_field_too_long_for_its_width_raises() -> None:
    card = decode_text_block(block(RESIDENT_FIELDS))

    with pytest.raises(ValueError, match="姓名 longer than 15 characters"):
        encode_text_block(dataclasses.replace(card, name="张" * 16))


def test_encoding_an_ethnicity_without_a_code_raises() -> None:
    card = decode_text_block(block(RESIDENT_FIELDS))

    with pytest.raises(ValueError, match="民族 has no code"):
        encode_text_block(dataclasses.replace(card, ethnicity="火星"))


def test_encoding_a_foreign_card_is_refused() -> None:
    card = decode_text_block(block(FOREIGN_2017_FIELDS))

    with pytest.raises(ValueError, match="cannot encode"):
        encode_text_block(card)


CJK = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)


@st.composite
def id_numbers(draw: st.DrawFn, prefix: str = "") -> str:
    rest = draw(
        st.text(alphabet="0123456789", min_size=17 - len(prefix), max_size=17 - len(prefix))
    )
    return prefix + rest + check_character(prefix + rest)


@st.composite
def resident_cards(draw: st.DrawFn) -> IdCard:
    return IdCard(
        name=draw(st.text(alphabet=CJK, min_size=1, max_size=15)),
        gender=draw(st.sampled_from(sorted(GENDERS.values()))),
        ethnicity=draw(st.sampled_from([*sorted(ETHNICITIES.values()), "77"])),
        birth_date=draw(st.dates()),
        address=draw(st.text(alphabet=st.one_of(CJK, st.sampled_from("0123456789-")), max_size=35)),
        id_number=draw(id_numbers()),
        issuer=draw(st.text(alphabet=CJK, min_size=1, max_size=15)),
        valid_from=draw(st.dates()),
        valid_until=draw(st.none() | st.dates()),
    )


@st.composite
def hmt_cards(draw: st.DrawFn) -> IdCard:
    card = draw(resident_cards())
    return dataclasses.replace(
        card,
        ethnicity="",
        id_number=draw(id_numbers(prefix=draw(st.sampled_from(["81", "82", "83"])))),
        card_type=CardType.HMT_RESIDENCE,
        extra={
            "pass_number": draw(st.text(alphabet="HM0123456789", min_size=9, max_size=9)),
            "issue_count": draw(st.text(alphabet="0123456789", min_size=2, max_size=2)),
        },
    )


@given(resident_cards())
def test_a_resident_card_survives_encode_then_decode(card: IdCard) -> None:
    raw = encode_text_block(card)

    assert len(raw) == TEXT_BLOCK_BYTES
    assert decode_text_block(raw) == dataclasses.replace(card, raw_text=raw)


@given(hmt_cards())
def test_a_j_card_survives_encode_then_decode(card: IdCard) -> None:
    raw = encode_text_block(card)

    assert decode_text_block(raw) == dataclasses.replace(card, raw_text=raw)


def assert_decodes_or_raises_card_data_error(raw: bytes) -> None:
    try:
        card = decode_text_block(raw)
    except CardDataError:
        return
    assert card.raw_text == raw


@given(st.binary(min_size=TEXT_BLOCK_BYTES, max_size=TEXT_BLOCK_BYTES))
def test_any_256_bytes_decode_or_raise_card_data_error(raw: bytes) -> None:
    assert_decodes_or_raises_card_data_error(raw)


@given(st.binary(max_size=2 * TEXT_BLOCK_BYTES))
def test_any_bytes_at_all_decode_or_raise_card_data_error(raw: bytes) -> None:
    assert_decodes_or_raises_card_data_error(raw)


@given(
    st.sampled_from([RESIDENT_FIELDS, HMT_FIELDS, FOREIGN_2017_FIELDS, FOREIGN_2023_FIELDS]),
    st.lists(
        st.tuples(st.integers(0, TEXT_BLOCK_BYTES - 1), st.integers(0, 255)),
        max_size=8,
    ),
)
def test_a_damaged_real_block_decodes_or_raises_card_data_error(
    fields: dict[int, str], damage: list[tuple[int, int]]
) -> None:
    raw = bytearray(block(fields))
    for offset, value in damage:
        raw[offset] = value

    assert_decodes_or_raises_card_data_error(bytes(raw))
