"""The demo's 一窗受理: four departments, four application services and one 一件事 bundle,
with their routing rules (service → department) as an administrator would enter them.

Forms ask little: what the centre holds (the ID card's data) is 数据共享, never asked again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.models import Department, RoutingRule, Service

DEPARTMENTS = (
    (
        "minzheng",
        "县民政局",
        "County civil affairs bureau",
        "大桥镇便民服务中心 民政窗口",
        "Daqiao town service centre, civil affairs counter",
    ),
    (
        "yibao",
        "县医疗保障局",
        "County medical security bureau",
        "大桥镇便民服务中心 医保窗口",
        "Daqiao town service centre, medical insurance counter",
    ),
    (
        "canlian",
        "县残疾人联合会",
        "County disabled persons' federation",
        "县残联服务大厅",
        "County disabled persons' federation, service hall",
    ),
)


def _text(zh: str, en: str) -> dict[str, str]:
    return {"zh_CN": zh, "en": en}


def _field(
    key: str,
    title: tuple[str, str],
    kind: str,
    *,
    max_length: int,
    choices: tuple[tuple[str, str, str], ...] = (),
    prefill: str | None = None,
) -> dict[str, Any]:
    return {
        "key": key,
        "title": _text(*title),
        "kind": kind,
        "required": True,
        "choices": [{"value": v, "title": _text(zh, en)} for v, zh, en in choices],
        "prefill": prefill,
        "max_length": max_length,
    }


def _material(
    key: str, title: tuple[str, str], *, source: str = "scan", pages: int = 1
) -> dict[str, Any]:
    return {
        "key": key,
        "title": _text(*title),
        "required": True,
        "source": source,
        "max_pages": pages,
    }


def _spec(department: str, days: int, fields: list[Any], materials: list[Any]) -> dict[str, Any]:
    name = next(d for d in DEPARTMENTS if d[0] == department)
    return {
        "fields": fields,
        "materials": [ID_CARD, *materials],
        "department": department,
        "department_name": _text(name[1], name[2]),
        "promised_days": days,
        "pickup_place": _text(name[3], name[4]),
    }


PHONE = _field("phone", ("联系电话", "Phone"), "phone", max_length=11, prefill="phone")
INCOME = _field("monthly_income", ("家庭月收入（元）", "Income a month"), "number", max_length=12)
HOUSEHOLD = _field("household_size", ("家庭人口数", "People at home"), "number", max_length=2)
REASON = _field(
    "reason",
    ("困难原因", "Why"),
    "choice",
    max_length=20,
    choices=(
        ("illness", "重病", "Serious illness"),
        ("disability", "残疾", "Disability"),
        ("no_labour", "缺乏劳动力", "No one able to work"),
        ("other", "其他", "Other"),
    ),
)
ID_CARD = _material("id_card", ("居民身份证", "ID card"), source="shared")
HOUSEHOLD_BOOK = _material("household_book", ("户口簿", "Household register"), pages=2)

APPLICATIONS = (
    (
        "senior-allowance",
        ("高龄津贴申领", "Old-age allowance"),
        ("80岁以上老人按月领取高龄津贴", "A monthly allowance for residents of 80 and over"),
        "minzheng",
        _spec(
            "minzheng",
            10,
            [PHONE],
            [HOUSEHOLD_BOOK, _material("bank_card", ("本人银行卡或社保卡", "Own bank card"))],
        ),
    ),
    (
        "dibao",
        ("低保申请", "Minimum living allowance"),
        ("申请城乡居民最低生活保障", "Apply for the minimum living allowance"),
        "minzheng",
        _spec(
            "minzheng",
            20,
            [HOUSEHOLD, INCOME, REASON, PHONE],
            [HOUSEHOLD_BOOK, _material("income_proof", ("家庭收入证明", "Income proof"), pages=3)],
        ),
    ),
    (
        "medical-aid",
        ("医疗救助申请", "Medical assistance"),
        ("低保、特困人员医疗费用救助", "Help with medical bills for residents on the allowance"),
        "yibao",
        _spec(
            "yibao",
            15,
            [INCOME, PHONE],
            [
                _material("medical_bills", ("医疗费用发票", "Medical bills"), pages=5),
                _material("diagnosis", ("诊断证明", "Doctor's diagnosis")),
            ],
        ),
    ),
    (
        "disability-subsidy",
        ("残疾人两项补贴", "Disability subsidies"),
        ("困难残疾人生活补贴和重度残疾人护理补贴", "Living and care subsidies for disabilities"),
        "canlian",
        _spec(
            "canlian",
            20,
            [_field("card_no", ("残疾人证号", "Certificate number"), "text", max_length=30), PHONE],
            [_material("disability_card", ("残疾人证", "Disability certificate"), pages=2)],
        ),
    ),
)
BUNDLES = (
    (
        "hardship-bundle",
        ("困难群众救助一件事", "Hardship assistance, one visit"),
        (
            "低保和医疗救助一次申请，低保批准后自动办理医疗救助",
            "The allowance and medical assistance at once; the second follows the first",
        ),
        {
            "steps": [
                {"service_id": "dibao", "after": []},
                {"service_id": "medical-aid", "after": ["dibao"]},
            ]
        },
    ),
)


DEMO_PASSWORD = "demo"  # demo mode only: `admin` and `clerk-<department>` (README)


def add_demo_users(session: Session) -> None:
    """The demo's workbench accounts, where missing."""
    from central.accounts import add_user
    from central.models import User

    wanted = [("admin", "admin", None)] + [(f"clerk-{d[0]}", "clerk", d[0]) for d in DEPARTMENTS]
    for username, role, department in wanted:
        if session.scalar(select(User).where(User.username == username)) is None:
            add_user(session, username, DEMO_PASSWORD, role, department)


def add_application_services(session: Session) -> None:
    """Departments, application services, the bundle and their routing, where missing (a demo
    database seeded before applications existed gets them too)."""
    for row_id, zh, en, place_zh, place_en in DEPARTMENTS:
        if session.get(Department, row_id) is None:
            session.add(
                Department(
                    id=row_id,
                    name_zh=zh,
                    name_en=en,
                    pickup_place_zh=place_zh,
                    pickup_place_en=place_en,
                )
            )
    sort = (session.scalar(select(func.max(Service.sort))) or 0) + 1
    for service_id, title, description, department, spec in APPLICATIONS:
        if session.get(Service, service_id) is None:
            session.add(_service(service_id, "application", title, description, spec, sort))
            session.flush()
            session.add(RoutingRule(service_id=service_id, department_id=department))
            sort += 1
    for service_id, title, description, spec in BUNDLES:
        if session.get(Service, service_id) is None:
            session.add(_service(service_id, "bundle", title, description, spec, sort))
            sort += 1


def _service(
    service_id: str,
    kind: str,
    title: tuple[str, str],
    description: tuple[str, str],
    spec: dict[str, Any],
    sort: int,
) -> Service:
    return Service(
        id=service_id,
        kind=kind,
        title_zh=title[0],
        title_en=title[1],
        description_zh=description[0],
        description_en=description[1],
        icon=kind,
        identification="idcard_or_sms",
        sort=sort,
        spec=spec,
    )


# (service, resident id, days ago it was submitted, the clerk's steps after it): one of each
# state a clerk meets, one of them overdue, and a bundle whose second step waits.
DEMO_APPLICATIONS = (
    ("senior-allowance", 2, 1, ()),
    ("dibao", 5, 3, ("accept",)),
    ("disability-subsidy", 6, 2, ("correction",)),
    ("senior-allowance", 7, 21, ("accept", "review")),
    ("medical-aid", 8, 9, ("accept", "review", "approve")),
    ("dibao", 9, 12, ("accept", "review", "deny")),
    ("senior-allowance", 10, 8, ("accept", "review", "approve", "ready")),
    ("disability-subsidy", 11, 25, ("accept", "review", "approve", "ready", "collect")),
    ("hardship-bundle", 12, 2, ()),
)
DEMO_FORMS = {
    "senior-allowance": {"phone": "13808170100"},
    "dibao": {"household_size": "4", "monthly_income": "900", "reason": "illness",
              "phone": "13808170101"},
    "disability-subsidy": {"card_no": "51132119", "phone": "13808170102"},
    "medical-aid": {"monthly_income": "700", "phone": "13808170103"},
}  # fmt: skip
DEMO_FORMS["hardship-bundle"] = DEMO_FORMS["dibao"] | DEMO_FORMS["medical-aid"]


def sample_material(title: str) -> bytes:
    """A one-page PDF standing for a captured material (reportlab's built-in Chinese font)."""
    import io

    from reportlab.lib.pagesizes import A5
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    page = Canvas(out, pagesize=A5)
    page.setFont("STSong-Light", 18)
    page.drawString(40, 500, f"{title}（演示样张）")
    page.rect(30, 30, A5[0] - 60, A5[1] - 60)
    page.save()
    return out.getvalue()


def add_demo_applications(session: Session) -> None:
    """Applications in every state for the workbench's demo, once."""
    import datetime as dt

    from central import applications as life
    from central.models import Application, ApplicationMaterial

    if session.scalar(select(func.count()).select_from(Application)):
        return
    now = dt.datetime.now(dt.UTC)
    for service_id, resident_id, days_ago, steps in DEMO_APPLICATIONS:
        service = session.get(Service, service_id)
        assert service is not None
        at = now - dt.timedelta(days=days_ago)
        row = life.create(session, service, resident_id, "kiosk:demo-0001",
                          DEMO_FORMS[service_id], ("pickup", None), None, at)  # fmt: skip
        for material in life.spec_of(session, service_id)["materials"]:
            if material["source"] == "scan":
                data = sample_material(material["title"]["zh_CN"])
                session.add(ApplicationMaterial(application_id=row.id, key=material["key"],
                                                content_type="application/pdf", data=data,
                                                uploaded_at=at))  # fmt: skip
        session.flush()
        life.submit(session, row, "kiosk:demo-0001", at)
        for index, action in enumerate(steps, start=1):
            missing = ("disability_card",) if action == "correction" else ()
            comment = "家庭收入高于当地低保标准" if action == "deny" else None
            life.move(session, row, action, "user:demo", at + dt.timedelta(hours=index),
                      comment=comment, missing=missing)  # fmt: skip
