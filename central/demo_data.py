"""Deterministic demo data: residents, their records, the catalog and the demo device.

The same seed gives the same residents on every machine, so tests and demos can name them.
The three residents on the kiosk's demo ID cards (drivers/idcard/demo.py) are among them,
matched by ID number; a test checks that both lists agree.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from central.demo_applications import (
    add_application_services,
    add_demo_applications,
    add_demo_users,
)
from central.models import Device, Helper, LedgerEntry, Notice, Resident, Service
from kiosk.api.demo import DEMO_DEVICE_ID, DEMO_DEVICE_SECRET

SEED = 20261125
RESIDENT_COUNT = 200
AREA_CODE = "511321"  # 四川省南充市南部县
TOWN = "四川省南部县大桥镇"
VILLAGES = ("青龙村", "石桥村", "桂花村", "白果村", "新河村")
TODAY = dt.date(2026, 11, 25)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

# (name, gender, birth date, ID number, village) of the kiosk's demo cards.
CARD_RESIDENTS = (
    ("张伟", "男", dt.date(1985, 6, 12), "511321198506120030", "青龙村"),
    ("李秀英", "女", dt.date(1946, 2, 3), "511321194602030029", "青龙村"),
    ("欧阳娜娜", "女", dt.date(2001, 10, 30), "511321200110300043", "石桥村"),
)
# A resident without a demo card, reached by 手机验证码 (the kiosk's demo panel names him).
SMS_RESIDENT = ("王建国", "男", dt.date(1958, 4, 9), "511321195804090016", "石桥村")
SMS_RESIDENT_PHONE = "13908170000"
DEMO_HELPER = ("刘桂芳", "13908171111")  # 帮办员 of the demo villages

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉梅红建国德福春林海燕志芬"
    "琴云莲凤珍兵辉成祥"
)


def check_character(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def _resident(rng: random.Random, serial: int) -> dict[str, object]:
    gender = rng.choice("男女")
    age = rng.randint(18, 98)
    born = dt.date(TODAY.year - age, rng.randint(1, 12), rng.randint(1, 28))
    if (born.month, born.day) > (TODAY.month, TODAY.day):
        born = born.replace(year=born.year - 1)  # the birthday is still to come: still `age`
    sequence = serial * 2 + (1 if gender == "男" else 0)  # GB 11643: odd for men
    first17 = f"{AREA_CODE}{born:%Y%m%d}{sequence % 1000:03d}"
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return {
        "id_number": first17 + check_character(first17),
        "name": rng.choice(SURNAMES) + given,
        "gender": gender,
        "birth_date": born,
        "village": rng.choice(VILLAGES),
        "phone": "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9)),
    }


def _age(born: dt.date) -> int:
    return TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))


def _months(count: int) -> list[dt.date]:
    year, month = TODAY.year, TODAY.month
    days = []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        days.append(dt.date(year, month, 15))
    return sorted(days)


def _ledger(
    rng: random.Random, resident_id: int, born: dt.date, flags: list[str]
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []

    def add(ledger: str, day: dt.date, item: str, fen: int, **detail: int | str) -> None:
        rows.append(
            {
                "resident_id": resident_id,
                "ledger": ledger,
                "day": day,
                "item": item,
                "amount_fen": fen,
                "detail": detail,
            }
        )

    age = _age(born)
    base = rng.randrange(300_000, 600_000, 10_000)
    for day in _months(120):
        if _age(born) - (TODAY.year - day.year) >= 18:
            add(
                "si",
                day,
                "城乡居民基本养老保险",
                base * 8 // 100,
                base_fen=base,
                employer_fen=base * 16 // 100,
            )
    balance = rng.randrange(20_000, 200_000, 100)
    for day in _months(24):
        credit = rng.randrange(3_000, 12_000, 100)
        balance += credit
        add("mi", day, "个人账户划入", credit, balance_fen=balance)
        if rng.random() < 0.5:
            spent = min(balance, rng.randrange(1_000, 30_000, 100))
            balance -= spent
            add(
                "mi",
                day + dt.timedelta(days=6),
                rng.choice(("门诊", "药店购药", "住院")),
                -spent,
                balance_fen=balance,
            )
    for year in range(TODAY.year - 5, TODAY.year + 1):
        mu = rng.randint(2, 8)
        add("subsidy", dt.date(year, 6, 20), "耕地地力保护补贴", mu * 10_500, area_mu=mu)
    pension_fen = 18_800 + rng.randint(0, 40) * 100
    for day in _months(120):
        if age - (TODAY.year - day.year) >= 80:
            add("subsidy", day, "高龄津贴", 10_000 if age < 90 else 30_000)
        if "dibao" in flags:
            add("subsidy", day, "低保金", 52_000)
        if age - (TODAY.year - day.year) >= 60:
            add("pension", day, "城乡居民基本养老金", pension_fen)
    return rows


SERVICES = (
    (
        "si-contrib",
        "records",
        "社保缴费查询",
        "Social insurance contributions",
        "查询养老保险历年缴费记录",
        "Your pension contribution history",
        "records",
        "idcard_or_sms",
    ),
    (
        "mi-account",
        "records",
        "医保账户查询",
        "Medical insurance account",
        "查询医保个人账户余额与消费",
        "Balance and spending of your account",
        "health",
        "idcard",
    ),
    (
        "subsidy",
        "records",
        "补贴发放查询",
        "Subsidy payments",
        "查询耕地地力保护补贴、高龄津贴、低保金",
        "Farm subsidies, old-age allowance, dibao",
        "money",
        "idcard",
    ),
    (
        "pension",
        "records",
        "养老金领取查询",
        "Pension payments",
        "查询每月养老金到账情况",
        "Monthly pension payments received",
        "pension",
        "idcard",
    ),
    (
        "si-cert",
        "certificate",
        "社会保险参保证明",
        "Social insurance certificate",
        "打印本人参保缴费证明",
        "Print proof of your insurance",
        "certificate",
        "idcard",
    ),
    (
        "si-detail",
        "certificate",
        "个人缴费明细",
        "Contribution statement",
        "打印近十年养老保险缴费明细",
        "Print ten years of contributions",
        "certificate",
        "idcard",
    ),
    (
        "dibao-cert",
        "certificate",
        "低保/特困供养证明",
        "Minimum living allowance certificate",
        "打印低保或特困供养证明",
        "Print proof of dibao or extreme-poverty support",
        "certificate",
        "idcard",
    ),
    (
        "elder-allowance-cert",
        "certificate",
        "高龄津贴领取证明",
        "Old-age allowance certificate",
        "打印高龄津贴领取证明",
        "Print proof of old-age allowance",
        "certificate",
        "idcard",
    ),
    (
        "residence-cert",
        "certificate",
        "居住证明",
        "Residence certificate",
        "打印本人居住证明",
        "Print a certificate of residence",
        "certificate",
        "idcard",
    ),
)


def _sms_person() -> dict[str, object]:
    name, gender, born, number, village = SMS_RESIDENT
    return {
        "id_number": number,
        "name": name,
        "gender": gender,
        "birth_date": born,
        "village": village,
        "phone": SMS_RESIDENT_PHONE,
    }


def _add_sms_resident(session: Session) -> None:
    """A demo database seeded before the SMS resident joined the demo gets him now."""
    person = _sms_person()
    if session.scalar(select(Resident.id).where(Resident.id_number == person["id_number"])):
        return
    born = SMS_RESIDENT[2]
    resident_id = (session.scalar(select(func.max(Resident.id))) or 0) + 1
    flags = ["elderly"] if _age(born) >= 60 else []
    session.execute(insert(Resident), [person | {"id": resident_id, "flags": flags}])
    session.execute(insert(LedgerEntry), _ledger(random.Random(SEED), resident_id, born, flags))


def found_in(session: Session) -> list[str]:
    """What of the demo this database holds: its device (with a secret everyone knows) and
    its residents, by their fixed ID numbers. Empty: none of it."""
    found = []
    if session.get(Device, DEMO_DEVICE_ID) is not None:
        found.append(f"the demo device {DEMO_DEVICE_ID}, whose secret is public")
    numbers = [number for *_, number, _village in CARD_RESIDENTS] + [SMS_RESIDENT[3]]
    residents = session.scalar(
        select(func.count()).select_from(Resident).where(Resident.id_number.in_(numbers))
    )
    if residents:
        found.append("the demo residents")
    from central.accounts import password_matches
    from central.demo_applications import DEMO_PASSWORD
    from central.models import User

    for user in session.scalars(select(User).where(User.username == "admin")):
        if password_matches(DEMO_PASSWORD, user.password_hash):
            found.append("the demo account admin, whose password is public")
    return found


def seed(session: Session) -> bool:
    """Add the demo data to an empty database; returns False when it is already there."""
    if session.scalar(select(func.count()).select_from(Resident)):
        _add_sms_resident(session)
        _add_helper(session)
        add_application_services(session)
        session.flush()
        add_demo_users(session)
        add_demo_applications(session)
        return False
    rng = random.Random(SEED)
    people = [
        {
            "id_number": number,
            "name": name,
            "gender": gender,
            "birth_date": born,
            "village": village,
            "phone": f"1380817{index:04d}",
        }
        for index, (name, gender, born, number, village) in enumerate(CARD_RESIDENTS)
    ]
    people += [_resident(rng, serial) for serial in range(RESIDENT_COUNT)]
    people.append(_sms_person())  # last: the draws above stay what they were before him
    ledger: list[dict[str, object]] = []
    for resident_id, person in enumerate(people, start=1):
        born = person["birth_date"]
        assert isinstance(born, dt.date)
        flags = ["elderly"] if _age(born) >= 60 else []
        if rng.random() < 0.08 or person["id_number"] == CARD_RESIDENTS[1][3]:
            flags.append("dibao")
        person.update(id=resident_id, flags=flags)
        ledger += _ledger(rng, resident_id, born, flags)
    session.execute(insert(Resident), people)
    session.execute(insert(LedgerEntry), ledger)
    for sort, (sid, kind, zh, en, dzh, den, icon, ident) in enumerate(SERVICES):
        session.add(
            Service(
                id=sid,
                kind=kind,
                title_zh=zh,
                title_en=en,
                description_zh=dzh,
                description_en=den,
                icon=icon,
                identification=ident,
                sort=sort,
            )
        )
    session.add_all(
        [
            Notice(
                id="n-medical-2027",
                text_zh="城乡居民医保2027年度缴费已开始，截止日期为12月31日。",
                text_en="Rural and urban medical insurance for 2027: pay by 31 December.",
            ),
            Notice(
                id="n-help",
                text_zh="本机24小时开放，如需帮助请拨打村委会电话 0817-5500123。",
                text_en="Open 24 hours. For help call the village committee: 0817-5500123.",
            ),
            Notice(
                id="a-maintenance",
                level="info",
                text_zh="12月1日凌晨2点至4点系统维护，期间暂停服务。",
                text_en="Maintenance on 1 December, 02:00–04:00: services pause.",
            ),
        ]
    )
    if session.get(Device, DEMO_DEVICE_ID) is None:
        session.add(
            Device(id=DEMO_DEVICE_ID, secret=DEMO_DEVICE_SECRET, created_at=dt.datetime.now(dt.UTC))
        )
    _add_helper(session)
    session.flush()
    add_application_services(session)
    session.flush()
    add_demo_users(session)
    session.flush()
    add_demo_applications(session)
    return True


def _add_helper(session: Session) -> None:
    """The demo villages' 帮办员, who calls back within half an hour (databases seeded before
    help requests existed get her too)."""
    if session.scalar(select(func.count()).select_from(Helper)) == 0:
        session.add(Helper(kiosk_id=None, name=DEMO_HELPER[0], phone=DEMO_HELPER[1]))
