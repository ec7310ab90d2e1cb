"""The 256-byte text block a SAM reader returns, as an `IdCard`, and back.

The block is fixed-width UCS-2LE fields padded with spaces (reference: the SDT reference
`shared/reference/idcard-sdt.md`, §5 for the layouts, §6 for the code tables). Four kinds of
card share it and differ in layout; the 2-byte field at offset 248 says which. Each layout is a
table of (offset, length, name) so that a field that turns out to sit elsewhere moves in one
row, and every decoded card keeps the block as read in `IdCard.raw_text`.

How far each layout is confirmed (reference §5):

- 居民身份证: by three independent public parsers.
- 港澳台居民居住证 (J): field order from one SDK header; 220–255 not confirmed by a second
  parser.
- 外国人永久居留身份证, 2017 (I): sizes from one public header, order from the SDK header.
- 外国人永久居留身份证, 2023 (Y): **partly unverified**. A vendor demo confirms only 188/16,
  204/16, 220/22 and 242/6; the rest is a vendor manual's layout. This is why `raw_text` is
  always kept: a card decoded with a wrong offset can be decoded again from it.

Everything here is pure functions on bytes, so the decoder can be fuzzed and a device simulator
can build blocks with `encode_text_block`.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, NamedTuple

from drivers.idcard.base import CardType, IdCard, IdCardError
from drivers.idcard.id_number import is_valid

TEXT_BLOCK_BYTES: Final = 256

# GB/T 2261.1 (reference §6).
GENDERS: Final[Mapping[str, str]] = MappingProxyType(
    {"0": "未知的性别", "1": "男", "2": "女", "9": "未说明的性别"}
)

# GB 3304 (reference §6; 46 is 德昂, which one public table misspells, reference §9).
ETHNICITIES: Final[Mapping[str, str]] = MappingProxyType(
    {
        "01": "汉",
        "02": "蒙古",
        "03": "回",
        "04": "藏",
        "05": "维吾尔",
        "06": "苗",
        "07": "彝",
        "08": "壮",
        "09": "布依",
        "10": "朝鲜",
        "11": "满",
        "12": "侗",
        "13": "瑶",
        "14": "白",
        "15": "土家",
        "16": "哈尼",
        "17": "哈萨克",
        "18": "傣",
        "19": "黎",
        "20": "傈僳",
        "21": "佤",
        "22": "畲",
        "23": "高山",
        "24": "拉祜",
        "25": "水",
        "26": "东乡",
        "27": "纳西",
        "28": "景颇",
        "29": "柯尔克孜",
        "30": "土",
        "31": "达斡尔",
        "32": "仫佬",
        "33": "羌",
        "34": "布朗",
        "35": "撒拉",
        "36": "毛南",
        "37": "仡佬",
        "38": "锡伯",
        "39": "阿昌",
        "40": "普米",
        "41": "塔吉克",
        "42": "怒",
        "43": "乌孜别克",
        "44": "俄罗斯",
        "45": "鄂温克",
        "46": "德昂",
        "47": "保安",
        "48": "裕固",
        "49": "京",
        "50": "塔塔尔",
        "51": "独龙",
        "52": "鄂伦春",
        "53": "赫哲",
        "54": "门巴",
        "55": "珞巴",
        "56": "基诺",
        "97": "其他",
        "98": "外国血统中国籍人士",
    }
)

_PADDING: Final = " \x00"  # trailing spaces and NULs are padding (reference §5)
_SPACE: Final = " ".encode("utf-16-le")  # fields are padded with 20 00 (reference §5)
_LONG_TERM: Final = "长期"  # 有效期止 of a card without end date (reference §5)
_YYYYMMDD: Final = re.compile(r"[0-9]{8}")  # not \d: that also takes non-ASCII digits


class CardDataError(IdCardError):
    """The card answered, but its text block does not hold up.

    Raised for a block of the wrong size, a date that is not YYYYMMDD (or 长期 where allowed),
    an ID number that fails GB 11643, or bytes that are not UCS-2LE. Reading again gives the
    same block, so the resident is sent to the window instead of being asked to retry. The
    technician message names the field and the problem and never the value: it goes to logs,
    and every value on the card is personal data.
    """

    resident_message = "证件信息校验失败，请到村便民服务站窗口办理"


class _Field(NamedTuple):
    offset: int  # bytes from the start of the block
    length: int  # bytes, two per character
    name: str  # as printed on the card; the only thing an error message says about it
    key: str  # where decode_text_block puts it


# Reference §5, 居民身份证. 220/36 is reserved (spaces) and covers the type field at 248.
_RESIDENT_LAYOUT: Final = (
    _Field(0, 30, "姓名", "name"),
    _Field(30, 2, "性别", "gender"),
    _Field(32, 4, "民族", "ethnicity"),
    _Field(36, 16, "出生", "birth"),
    _Field(52, 70, "住址", "address"),
    _Field(122, 36, "公民身份号码", "id_number"),
    _Field(158, 30, "签发机关", "issuer"),
    _Field(188, 16, "有效期起", "valid_from"),
    _Field(204, 16, "有效期止", "valid_until"),
)

# Reference §5, 港澳台居民居住证 (J). 32/4, 242/6 and 250/6 reserved; 220–255 seen in one source.
_HMT_LAYOUT: Final = (
    _Field(0, 30, "姓名", "name"),
    _Field(30, 2, "性别", "gender"),
    _Field(36, 16, "出生", "birth"),
    _Field(52, 70, "住址", "address"),
    _Field(122, 36, "公民身份号码", "id_number"),
    _Field(158, 30, "签发机关", "issuer"),
    _Field(188, 16, "有效期起", "valid_from"),
    _Field(204, 16, "有效期止", "valid_until"),
    _Field(220, 18, "通行证号码", "pass_number"),
    _Field(238, 4, "签发次数", "issue_count"),
)

# Reference §5, 外国人永久居留身份证 2017 (I). No address, ethnicity or 签发机关; 250/6 reserved.
_FOREIGN_2017_LAYOUT: Final = (
    _Field(0, 120, "英文姓名", "english_name"),
    _Field(120, 2, "性别", "gender"),
    _Field(122, 30, "永久居留证号码", "id_number"),
    _Field(152, 6, "国籍", "nationality"),
    _Field(158, 30, "中文姓名", "name"),
    _Field(188, 16, "有效期起", "valid_from"),
    _Field(204, 16, "有效期止", "valid_until"),
    _Field(220, 16, "出生", "birth"),
    _Field(236, 4, "证件版本号", "card_version"),
    _Field(240, 8, "当次申请受理机关代码", "authority_code"),
)

# Reference §5, 外国人永久居留身份证 2023 (Y). Only 188/16, 204/16, 220/22 and 242/6 are
# confirmed; the other rows are the unverified vendor-manual layout.
_FOREIGN_2023_LAYOUT: Final = (
    _Field(0, 30, "中文姓名", "name"),
    _Field(30, 2, "性别", "gender"),
    _Field(32, 4, "换证次数", "renewal_count"),
    _Field(36, 16, "出生", "birth"),
    _Field(52, 70, "英文姓名", "english_name"),  # characters 1–35
    _Field(122, 36, "证件号码", "id_number"),
    _Field(158, 30, "签发机关", "issuer"),
    _Field(188, 16, "有效期起", "valid_from"),
    _Field(204, 16, "有效期止", "valid_until"),
    _Field(220, 22, "英文姓名备用", "english_name_more"),  # characters 36–46
    _Field(242, 6, "国籍/地区代码", "nationality"),
    _Field(250, 6, "既往版本证件号码关联项", "previous_number_link"),
)

_LAYOUTS: Final[Mapping[CardType, tuple[_Field, ...]]] = MappingProxyType(
    {
        CardType.RESIDENT: _RESIDENT_LAYOUT,
        CardType.HMT_RESIDENCE: _HMT_LAYOUT,
        CardType.FOREIGN_2017: _FOREIGN_2017_LAYOUT,
        CardType.FOREIGN_2023: _FOREIGN_2023_LAYOUT,
    }
)

# What only one kind has goes to IdCard.extra under these keys.
_EXTRA_KEYS: Final[Mapping[CardType, tuple[str, ...]]] = MappingProxyType(
    {
        CardType.RESIDENT: (),
        CardType.HMT_RESIDENCE: ("pass_number", "issue_count"),
        CardType.FOREIGN_2017: ("english_name", "nationality", "card_version", "authority_code"),
        CardType.FOREIGN_2023: (
            "english_name",
            "nationality",
            "renewal_count",
            "previous_number_link",
        ),
    }
)

# 248/2: card type, one UCS-2LE character; anything else is a resident card (reference §5).
_TYPE_SLICE: Final = slice(248, 250)
_CARD_TYPES: Final[Mapping[bytes, CardType]] = MappingProxyType(
    {
        b"I\x00": CardType.FOREIGN_2017,
        b"J\x00": CardType.HMT_RESIDENCE,
        b"Y\x00": CardType.FOREIGN_2023,
    }
)
_TYPE_CODES: Final[Mapping[CardType, bytes]] = MappingProxyType(
    {card_type: code for code, card_type in _CARD_TYPES.items()}
)

# The kinds whose number is GB 11643 (17 digits and a check character), and the prefix that
# marks it: the 2023 foreign card's 18-character number starts with 9; the 2017 card's
# 15-character number has no GB 11643 check at all.
_GB11643_PREFIXES: Final[Mapping[CardType, str]] = MappingProxyType(
    {CardType.RESIDENT: "", CardType.HMT_RESIDENCE: "", CardType.FOREIGN_2023: "9"}
)


def decode_text_block(raw: bytes, photo: bytes = b"") -> IdCard:
    """The card described by a 256-byte text block.

    `photo` is passed through (the reader sends it separately). Gender and ethnicity codes
    become names (an unknown code stays as its digits), dates become `datetime.date`, a
    valid-until of 长期 becomes None and the ID number is upper-cased. A field a kind does not
    have is ""; what only one kind has goes to `extra` (see the module docstring).

    Raises `CardDataError` for a block that is not 256 bytes of UCS-2LE, a date that is not
    YYYYMMDD, or an ID number that fails GB 11643 where the kind uses it.
    """
    if len(raw) != TEXT_BLOCK_BYTES:
        raise CardDataError(f"text block: {TEXT_BLOCK_BYTES} bytes expected, got {len(raw)}")
    card_type = _CARD_TYPES.get(bytes(raw[_TYPE_SLICE]), CardType.RESIDENT)
    layout = _LAYOUTS[card_type]
    names = {field.key: field.name for field in layout}
    unstripped = {field.key: _read_field(raw, field) for field in layout}
    if "english_name_more" in unstripped:
        # Y: 220/22 continues the English name of 52/70; join before stripping so that a space
        # at the end of the first part survives (reference §5).
        unstripped["english_name"] += unstripped.pop("english_name_more")
    text = {key: value.rstrip(_PADDING) for key, value in unstripped.items()}

    id_number = text["id_number"].upper()
    prefix = _GB11643_PREFIXES.get(card_type)
    if prefix is not None and id_number.startswith(prefix):
        _check_gb11643(id_number, names["id_number"])
    valid_until = text["valid_until"]
    return IdCard(
        name=text["name"] or text.get("english_name", ""),
        gender=GENDERS.get(text["gender"], text["gender"]),
        ethnicity=ETHNICITIES.get(text.get("ethnicity", ""), text.get("ethnicity", "")),
        birth_date=_parse_date(text["birth"], names["birth"]),
        address=text.get("address", ""),
        id_number=id_number,
        issuer=text.get("issuer", ""),
        valid_from=_parse_date(text["valid_from"], names["valid_from"]),
        valid_until=(
            None
            if valid_until == _LONG_TERM
            else _parse_date(valid_until, names["valid_until"], long_term_allowed=True)
        ),
        photo=photo,
        card_type=card_type,
        extra={key: text[key] for key in _EXTRA_KEYS[card_type]},
        raw_text=bytes(raw),
    )


def encode_text_block(card: IdCard) -> bytes:
    """The 256-byte block a reader would return for `card`, for a device simulator.

    Resident and 港澳台 (J) cards only. Gender and ethnicity names become their codes (a name
    not in the table that is all digits is written as is; "" leaves the field blank), dates
    become YYYYMMDD, a None valid-until becomes 长期, and every field is padded with spaces.
    Nothing is validated beyond what the layout needs, so a simulator can also build a card
    with a wrong check character. Decoding the result gives `card` back, as long as its text
    has no trailing spaces and its ID number is upper-case.

    Raises ValueError for another kind of card, a gender or ethnicity without a code, or a
    value too long for its field or outside UCS-2.
    """
    if card.card_type not in (CardType.RESIDENT, CardType.HMT_RESIDENCE):
        raise ValueError(f"cannot encode a {card.card_type} card")
    layout = _LAYOUTS[card.card_type]
    names = {field.key: field.name for field in layout}
    values = {key: card.extra.get(key, "") for key in _EXTRA_KEYS[card.card_type]}
    values |= {
        "name": card.name,
        "gender": _code_for(GENDERS, card.gender, names["gender"]),
        "birth": _format_date(card.birth_date),
        "address": card.address,
        "id_number": card.id_number,
        "issuer": card.issuer,
        "valid_from": _format_date(card.valid_from),
        "valid_until": (_LONG_TERM if card.valid_until is None else _format_date(card.valid_until)),
    }
    if "ethnicity" in names:
        values["ethnicity"] = _code_for(ETHNICITIES, card.ethnicity, names["ethnicity"])

    block = bytearray(_SPACE * (TEXT_BLOCK_BYTES // len(_SPACE)))
    for field in layout:
        _write_field(block, field, values[field.key])
    type_code = _TYPE_CODES.get(card.card_type)
    if type_code is not None:
        block[_TYPE_SLICE] = type_code
    return bytes(block)


def _read_field(raw: bytes, field: _Field) -> str:
    """The field's characters, padding included. UCS-2 has no surrogates, so any is an error.

    Decoded by hand rather than with the utf-16 codec so that no exception carrying the
    card's bytes is ever chained to the `CardDataError`.
    """
    units = struct.unpack(f"<{field.length // 2}H", raw[field.offset : field.offset + field.length])
    if any(0xD800 <= unit <= 0xDFFF for unit in units):
        raise CardDataError(f"text block: {field.name} not UCS-2LE")
    return "".join(map(chr, units))


def _write_field(block: bytearray, field: _Field, value: str) -> None:
    if any(ord(character) > 0xFFFF or 0xD800 <= ord(character) <= 0xDFFF for character in value):
        raise ValueError(f"{field.name} has a character outside UCS-2")
    encoded = value.encode("utf-16-le")
    if len(encoded) > field.length:
        raise ValueError(f"{field.name} longer than {field.length // 2} characters")
    block[field.offset : field.offset + len(encoded)] = encoded


def _parse_date(text: str, name: str, *, long_term_allowed: bool = False) -> dt.date:
    if _YYYYMMDD.fullmatch(text):
        try:
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass  # 8 digits, but not a day of the calendar
    expected = "YYYYMMDD or 长期" if long_term_allowed else "YYYYMMDD"
    raise CardDataError(f"text block: {name} not {expected}")


def _format_date(day: dt.date) -> str:
    # Not strftime("%Y"): it does not zero-pad years before 1000 on every platform.
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _check_gb11643(id_number: str, name: str) -> None:
    if len(id_number) != 18 or not (id_number[:17].isascii() and id_number[:17].isdigit()):
        raise CardDataError(f"text block: {name} not 17 digits and a check character")
    if not is_valid(id_number):
        raise CardDataError(f"text block: {name} check character wrong")


def _code_for(table: Mapping[str, str], name: str, field_name: str) -> str:
    if name == "":
        return ""
    for code, known in table.items():
        if known == name:
            return code
    if name.isascii() and name.isdigit():
        return name
    raise ValueError(f"{field_name} has no code")
