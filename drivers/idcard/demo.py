"""The demo ID cards: residents of the reference central service's demo data (same ID
numbers, names and birth dates), laid on the SAM simulator by the demo panel and the tests."""

from __future__ import annotations

import datetime as dt

from drivers.idcard.base import IdCard
from drivers.idcard.id_number import check_character


def _demo_card(name: str, gender: str, born: dt.date, first17: str, address: str) -> IdCard:
    issued = dt.date(2016, 3, 1)
    elderly = (issued.year - born.year) >= 46  # GB 11643: 长期 from the age of 46
    return IdCard(
        name=name,
        gender=gender,
        ethnicity="汉",
        birth_date=born,
        address=address,
        id_number=first17 + check_character(first17),
        issuer="南部县公安局",
        valid_from=issued,
        valid_until=None if elderly else dt.date(2036, 3, 1),
    )


DEMO_CARDS: tuple[IdCard, ...] = (
    _demo_card(
        "张伟", "男", dt.date(1985, 6, 12), "51132119850612003", "四川省南部县大桥镇青龙村3组21号"
    ),
    _demo_card(
        "李秀英", "女", dt.date(1946, 2, 3), "51132119460203002", "四川省南部县大桥镇青龙村5组8号"
    ),
    _demo_card(
        "欧阳娜娜",
        "女",
        dt.date(2001, 10, 30),
        "51132120011030004",
        "四川省南部县大桥镇石桥村1组2号",
    ),
)
