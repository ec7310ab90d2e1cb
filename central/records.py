"""Records services and certificate documents, built from a resident's ledger.

Each records service is a view of one ledger as a generic table (columns + rows + summary);
each certificate kind fills the generic document model. New services are rows of data and a
spec here, never a kiosk release.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.models import LedgerEntry, Resident
from kiosk.api.models import Cell, Column, Document, DocumentTable, KeyValue, RecordsAnswer, Text

ISSUER = "南部县人力资源和社会保障局"


def masked_id(id_number: str) -> str:
    """First 6 and last 4 characters, as a certificate or a greeting shows an ID number."""
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def masked_name(name: str) -> str:
    return name[0] + "*" * (len(name) - 2) + name[-1] if len(name) > 2 else name[0] + "*"


def yuan(fen: int) -> str:
    """Money as the contract carries it: a decimal string in yuan, exact ("1234.50")."""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def _grouped(amount: str) -> str:
    """ "42240.00" → "42,240.00", for sentences a resident reads."""
    return f"{Decimal(amount):,.2f}"


def _col(key: str, zh: str, en: str, kind: str) -> Column:
    return Column(key=key, title=Text(zh_CN=zh, en=en), kind=kind)  # type: ignore[arg-type]


@dataclass(frozen=True)
class RecordsSpec:
    ledger: str
    title: Text
    columns: list[Column]
    row: Callable[[LedgerEntry], dict[str, Cell]]


RECORDS: dict[str, RecordsSpec] = {
    "si-contrib": RecordsSpec(
        "si",
        Text(zh_CN="养老保险缴费记录", en="Pension contributions"),
        [
            _col("month", "缴费月份", "Month", "date"),
            _col("item", "险种", "Scheme", "text"),
            _col("base", "缴费基数", "Base", "money"),
            _col("personal", "个人缴费", "You paid", "money"),
        ],
        lambda e: {
            "month": e.day.strftime("%Y-%m"),
            "item": e.item,
            "base": yuan(int(e.detail.get("base_fen", 0))),
            "personal": yuan(e.amount_fen),
        },
    ),
    "mi-account": RecordsSpec(
        "mi",
        Text(zh_CN="医保个人账户明细", en="Medical insurance account"),
        [
            _col("date", "日期", "Date", "date"),
            _col("item", "摘要", "Entry", "text"),
            _col("amount", "金额", "Amount", "money"),
            _col("balance", "余额", "Balance", "money"),
        ],
        lambda e: {
            "date": e.day.isoformat(),
            "item": e.item,
            "amount": yuan(e.amount_fen),
            "balance": yuan(int(e.detail.get("balance_fen", 0))),
        },
    ),
    "subsidy": RecordsSpec(
        "subsidy",
        Text(zh_CN="补贴发放记录", en="Subsidy payments"),
        [
            _col("date", "发放日期", "Paid on", "date"),
            _col("item", "补贴项目", "Subsidy", "text"),
            _col("amount", "金额", "Amount", "money"),
        ],
        lambda e: {"date": e.day.isoformat(), "item": e.item, "amount": yuan(e.amount_fen)},
    ),
    "pension": RecordsSpec(
        "pension",
        Text(zh_CN="养老金发放记录", en="Pension payments"),
        [
            _col("month", "发放月份", "Month", "date"),
            _col("item", "项目", "Item", "text"),
            _col("amount", "金额", "Amount", "money"),
        ],
        lambda e: {"month": e.day.strftime("%Y-%m"), "item": e.item, "amount": yuan(e.amount_fen)},
    ),
}


def records(
    session: Session, service_id: str, resident_id: int, page: int, page_size: int
) -> RecordsAnswer:
    spec = RECORDS[service_id]
    where = (LedgerEntry.resident_id == resident_id, LedgerEntry.ledger == spec.ledger)
    total, amount = session.execute(
        select(func.count(), func.coalesce(func.sum(LedgerEntry.amount_fen), 0)).where(*where)
    ).one()
    entries = session.scalars(
        select(LedgerEntry)
        .where(*where)
        .order_by(LedgerEntry.day.desc(), LedgerEntry.id.desc())
        .offset((page - 1) * page_size)
        .limit(page_size)
    )
    summary = [
        Text(
            zh_CN=f"共 {total} 条记录，合计 {_grouped(yuan(amount))} 元",
            en=f"{total} entries, {_grouped(yuan(amount))} yuan in all",
        ),
    ]
    return RecordsAnswer(
        title=spec.title,
        columns=spec.columns,
        rows=[spec.row(e) for e in entries],
        total=total,
        page=page,
        page_size=page_size,
        summary=summary,
    )


def _ledger(
    session: Session, resident_id: int, ledger: str, item: str | None = None
) -> list[LedgerEntry]:
    query = select(LedgerEntry).where(
        LedgerEntry.resident_id == resident_id, LedgerEntry.ledger == ledger
    )
    if item:
        query = query.where(LedgerEntry.item == item)
    return list(session.scalars(query.order_by(LedgerEntry.day)))


def certificate_document(
    session: Session, service_id: str, resident: Resident, today: dt.date
) -> Document:
    """The document of one certificate kind for this resident, as of `today`."""
    recipient = [
        KeyValue(label="姓名", value=resident.name),
        KeyValue(label="性别", value=resident.gender),
        KeyValue(label="公民身份号码", value=masked_id(resident.id_number)),
        KeyValue(label="住址", value=f"四川省南部县大桥镇{resident.village}"),
    ]
    common = {
        "recipient": recipient,
        "issuer": ISSUER,
        "issue_date": today,
        "seal_text": ISSUER + "业务专用章",
        "notes": ["本证明仅证明截至开具日的情况。", "此证明可通过扫描二维码或输入验证码核验真伪。"],
    }
    si = _ledger(session, resident.id, "si")
    if service_id in ("si-cert", "si-detail"):
        months = len(si)
        first = si[0].day.strftime("%Y年%m月") if si else "—"
        paragraphs = [
            f"兹证明 {resident.name} 自{first}起参加城乡居民基本养老保险，"
            f"累计缴费 {months} 个月，截至开具之日参保状态正常。"
        ]
        tables = []
        if service_id == "si-detail":
            tables = [
                DocumentTable(
                    title="缴费明细",
                    columns=["缴费月份", "险种", "缴费基数（元）", "个人缴费（元）"],
                    rows=[
                        [
                            e.day.strftime("%Y-%m"),
                            e.item,
                            yuan(int(e.detail.get("base_fen", 0))),
                            yuan(e.amount_fen),
                        ]
                        for e in si
                    ],
                )
            ]
        title = "社会保险参保证明" if service_id == "si-cert" else "社会保险个人缴费明细"
        return Document(
            title=title,
            subtitle="（城乡居民基本养老保险）",
            paragraphs=paragraphs,
            fields=[KeyValue(label="累计缴费月数", value=str(months))],
            tables=tables,
            pages_hint=1 + len(si) // 40 if tables else 1,
            **common,
        )
    if service_id == "dibao-cert":
        paid = _ledger(session, resident.id, "subsidy", "低保金")
        state = "享受城乡居民最低生活保障待遇" if paid else "未享受城乡居民最低生活保障待遇"
        return Document(
            title="最低生活保障证明",
            paragraphs=[f"兹证明 {resident.name} {state}。"],
            fields=[KeyValue(label="近十年发放次数", value=str(len(paid)))],
            tables=[],
            pages_hint=1,
            **common,
        )
    if service_id == "elder-allowance-cert":
        paid = _ledger(session, resident.id, "subsidy", "高龄津贴")
        total = sum(e.amount_fen for e in paid)
        return Document(
            title="高龄津贴领取证明",
            paragraphs=[
                f"兹证明 {resident.name} 共领取高龄津贴 {len(paid)} 次，合计 {yuan(total)} 元。"
            ],
            fields=[KeyValue(label="合计金额（元）", value=yuan(total))],
            tables=[],
            pages_hint=1,
            **common,
        )
    return Document(
        title="居住证明",
        paragraphs=[
            f"兹证明 {resident.name} 户籍及现居住地为四川省南部县大桥镇{resident.village}。"
        ],
        fields=[],
        tables=[],
        pages_hint=1,
        **{**common, "issuer": "南部县大桥镇人民政府", "seal_text": "南部县大桥镇人民政府"},
    )
