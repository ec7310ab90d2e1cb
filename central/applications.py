"""The life of an application on the centre (一窗受理, 一件事一次办).

States as 行政许可法 第32条 shapes them: 已提交 → 已受理 / 不予受理 (a reason) / 需补正
(everything missing in one notice, 一次性告知, within `correction_days()` working days of
submission, five or fewer as the administrator sets; after that the law deems it accepted)
→ 审核中 → 已办结 / 不予许可 (a reason) → 待领取 → 已领取. `ACTIONS` says who may move an
application from where to where; every move is a timeline row (`ApplicationEvent`: when, to
what, who, why) and a log line.

A bundle is a case (`kind` bundle) with one application per step, each routed to its own
department by the routing rules (data, `RoutingRule`). A step whose `after` steps are not yet
approved waits (`waiting`) and starts by itself once they are; one refused ends the steps that
wait for it. The case's own status follows its steps.

Dates: the promised date counts working days (Monday to Friday; public holidays are not in
this calendar yet) from the local day of submission.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.clock import LOCAL, local_day_start, local_today
from central.models import (
    Application,
    ApplicationEvent,
    ApplicationMaterial,
    Department,
    Resident,
    RoutingRule,
    Service,
    Setting,
)
from central.notify import queue, render

log = logging.getLogger(__name__)

CORRECTION_DAYS = 5  # 行政许可法 第32条: 五日内一次告知; an administrator may set fewer
CORRECTION_DAYS_SETTING = "correction_days"
DONE_WELL = ("approved", "ready", "collected")
NOTIFIED = ("accepted", "not_accepted", "correction", "approved", "denied", "ready")


@dataclass(frozen=True)
class Action:
    sources: tuple[str, ...]
    target: str
    by: str  # resident | clerk | system
    needs_comment: bool = False


ACTIONS: dict[str, Action] = {
    "submit": Action(("draft",), "submitted", "resident"),
    "resubmit": Action(("correction",), "submitted", "resident"),
    "accept": Action(("submitted",), "accepted", "clerk"),
    "not_accept": Action(("submitted",), "not_accepted", "clerk", needs_comment=True),
    "correction": Action(("submitted", "accepted"), "correction", "clerk"),
    "review": Action(("accepted",), "reviewing", "clerk"),
    "approve": Action(("reviewing",), "approved", "clerk"),
    "deny": Action(("reviewing",), "denied", "clerk", needs_comment=True),
    "ready": Action(("approved",), "ready", "clerk"),
    "collect": Action(("ready",), "collected", "clerk"),
}


class TransitionRefusedError(Exception):
    """Not allowed now: `code` for machines, the messages for the person who tried."""

    def __init__(self, code: str, message: str, english: str) -> None:
        super().__init__(english)
        self.code, self.message, self.english = code, message, english


def correction_days(session: Session) -> int:
    """The working days after submission within which 补正 may be asked (the workbench's
    administration sets it; at most the law's five)."""
    setting = session.get(Setting, CORRECTION_DAYS_SETTING)
    try:
        days = int(setting.value) if setting is not None else CORRECTION_DAYS
    except ValueError:
        log.warning("setting %s is not a number: %r", CORRECTION_DAYS_SETTING, setting)
        days = CORRECTION_DAYS
    return max(1, min(CORRECTION_DAYS, days))


def set_correction_days(session: Session, days: int) -> None:
    if not 1 <= days <= CORRECTION_DAYS:
        raise ValueError(f"the 补正 period is 1 to {CORRECTION_DAYS} working days")
    setting = session.get(Setting, CORRECTION_DAYS_SETTING)
    if setting is None:
        session.add(Setting(key=CORRECTION_DAYS_SETTING, value=str(days)))
    else:
        setting.value = str(days)


def add_working_days(day: dt.date, days: int) -> dt.date:
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += day.weekday() < 5
    return count


def new_application_no(session: Session, now: dt.datetime) -> str:
    """SQ + the local date + the day's sequence: read aloud at a counter, unique by its
    constraint (a concurrent one is retried by the caller's transaction)."""
    today = local_today(now)
    issued = session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.created_at >= local_day_start(now))
    )
    return f"SQ{today:%Y%m%d}{(issued or 0) + 1:05d}{secrets.randbelow(10)}"


def department_of(session: Session, service_id: str) -> str | None:
    rule = session.get(RoutingRule, service_id)
    return rule.department_id if rule else None


def materials_of(session: Session, application: Application) -> dict[str, ApplicationMaterial]:
    """The files an application has: a bundle's step shares its case's, and its own
    re-uploads (after 需补正) replace them."""
    rows: dict[str, ApplicationMaterial] = {}
    owners = [application.case_id, application.id] if application.case_id else [application.id]
    for owner in owners:
        for row in session.scalars(
            select(ApplicationMaterial).where(ApplicationMaterial.application_id == owner)
        ):
            rows[row.key] = row
    return rows


def spec_of(session: Session, service_id: str) -> dict[str, Any]:
    """An application service's spec; for a bundle, the union of its steps' (each field and
    material asked once, in the steps' order)."""
    service = session.get(Service, service_id)
    assert service is not None and service.spec is not None
    if service.kind == "application":
        return service.spec
    fields: dict[str, Any] = {}
    materials: dict[str, Any] = {}
    for step in service.spec["steps"]:
        child = session.get(Service, step["service_id"])
        assert child is not None and child.spec is not None
        for field in child.spec["fields"]:
            fields.setdefault(field["key"], field)
        for material in child.spec["materials"]:
            materials.setdefault(material["key"], material)
    return {"fields": list(fields.values()), "materials": list(materials.values())}


def create(
    session: Session,
    service: Service,
    resident_id: int,
    actor: str,
    form: dict[str, str],
    delivery: tuple[str, str | None],
    idempotency_key: str | None,
    now: dt.datetime,
) -> Application:
    """A draft: an application routed to its department, or a bundle's case with a step per
    service, each routed to its own. TransitionRefusedError when a department is missing."""
    method, address = delivery

    def new(
        service_id: str, number: str, kind: str, *, case_id: str | None = None, step: int = 0,
        after: str = "",
    ) -> Application:  # fmt: skip
        department = department_of(session, service_id) if kind == "application" else None
        if kind == "application" and department is None:
            raise TransitionRefusedError(
                "routing_missing",
                "该事项暂未指定承办部门，请到窗口办理",
                f"No department is set to decide {service_id} yet; please apply at the counter",
            )
        row = Application(
            id=uuid.uuid4().hex,
            application_no=number,
            kind=kind,
            service_id=service_id,
            resident_id=resident_id,
            kiosk_id=actor.removeprefix("kiosk:"),
            idempotency_key=None,
            case_id=case_id,
            step=step,
            after=after,
            department_id=department,
            status="draft",
            form=form,
            delivery=method,
            address=address if method == "post" else None,
            missing="",
            created_at=now,
        )
        session.add(row)
        session.flush()
        return row

    number = new_application_no(session, now)
    row = new(service.id, number, service.kind)
    row.idempotency_key = idempotency_key
    if service.kind == "bundle":
        for index, step in enumerate(service.spec["steps"], start=1):  # type: ignore[index]
            after = ",".join(step.get("after", []))
            new(step["service_id"], f"{number}-{index}", "application", case_id=row.id,
                step=index, after=after)  # fmt: skip
    session.flush()
    session.add(
        ApplicationEvent(
            application_id=row.id, at=now, status="draft", actor=actor, comment=None, missing=""
        )
    )
    return row


def move(
    session: Session,
    application: Application,
    action: str,
    actor: str,
    now: dt.datetime,
    *,
    comment: str | None = None,
    missing: tuple[str, ...] = (),
) -> None:
    """Make `action` happen to `application` (an application or a bundle step), or raise
    TransitionRefusedError saying why not. The caller's transaction commits it."""
    rule = ACTIONS[action]
    if application.status not in rule.sources:
        raise TransitionRefusedError(
            "application_wrong_status",
            "该申请当前状态不能进行此操作",
            f"An application that is {application.status} cannot be moved by {action}",
        )
    if rule.needs_comment and not (comment or "").strip():
        raise TransitionRefusedError(
            "decision_reason_missing", "请填写理由", f"{action} needs a reason for the resident"
        )
    if action == "correction":
        if not missing:
            raise TransitionRefusedError(
                "correction_nothing_missing",
                "请勾选需要补正的全部材料",
                "Tick every material the resident must bring again, in one notice",
            )
        submitted = application.submitted_at or now
        late = working_days_between(local_today(submitted), local_today(now))
        period = correction_days(session)
        if late > period:
            raise TransitionRefusedError(
                "correction_too_late",
                f"已超过{period}个工作日的一次性告知期限，视为受理",
                f"More than {period} working days since submission: the law deems it "
                "accepted; accept it",
            )
    _set(session, application, rule.target, actor, now, comment, missing)
    if application.case_id is not None:
        _follow_up_case(session, application.case_id, now)


def submit(session: Session, application: Application, actor: str, now: dt.datetime) -> None:
    """The resident's 提交 (or, after 需补正, 重新提交): an application, or a bundle's case
    with every step (those that wait for others start as `waiting`). Refused while a required
    material is missing, or one asked for again has not been captured again."""
    absent = not_ready(session, application)
    if absent:
        titles = {
            m["key"]: m["title"] for m in spec_of(session, application.service_id)["materials"]
        }
        zh = [titles.get(key, {}).get("zh_CN", key) for key in absent]
        en = [titles.get(key, {}).get("en", key) for key in absent]
        raise TransitionRefusedError(
            "materials_missing",
            "还有材料未拍摄：" + "、".join(zh),
            "Materials still to capture: " + ", ".join(en),
        )
    if application.kind != "bundle":
        move(
            session,
            application,
            "resubmit" if application.status == "correction" else "submit",
            actor,
            now,
        )
        return
    steps = session.scalars(
        select(Application).where(Application.case_id == application.id).order_by(Application.step)
    ).all()
    if application.status == "draft":
        _set(session, application, "submitted", actor, now, None, ())
        for step in steps:
            _set(session, step, "waiting" if step.after else "submitted", actor, now, None, ())
    elif application.status == "correction":
        for step in steps:
            if step.status == "correction":
                move(session, step, "resubmit", actor, now)
    else:
        move(session, application, "submit", actor, now)  # refused: the wrong status


def not_ready(session: Session, application: Application) -> list[str]:
    """The material keys that stop a submission: required scans without a file; after 需补正,
    those asked for again and not uploaded since."""
    files = materials_of(session, application)
    if application.status == "correction":
        asked = [key for key in application.missing.split(",") if key]
        since = session.scalar(
            select(func.max(ApplicationEvent.at)).where(
                ApplicationEvent.application_id == application.id,
                ApplicationEvent.status == "correction",
            )
        )
        return [k for k in asked if k not in files or (since and files[k].uploaded_at <= since)]
    spec = spec_of(session, application.service_id)
    return [
        m["key"]
        for m in spec["materials"]
        if m["source"] == "scan" and m["required"] and m["key"] not in files
    ]


def _set(
    session: Session,
    application: Application,
    status: str,
    actor: str,
    now: dt.datetime,
    comment: str | None,
    missing: tuple[str, ...],
) -> None:
    application.status = status
    application.missing = ",".join(missing)
    if status == "submitted" and application.submitted_at is None:
        application.submitted_at = now
    if status == "submitted" and application.promised_date is None:
        days = _promised_days(session, application)
        if days:
            start = now.astimezone(LOCAL).date()
            application.promised_date = add_working_days(start, days)
    if status in ("approved", "denied", "not_accepted"):
        application.decided_at = now
    session.add(
        ApplicationEvent(
            application_id=application.id,
            at=now,
            status=status,
            actor=actor,
            comment=comment,
            missing=",".join(missing),
        )
    )
    session.flush()
    log.info(
        "application %s %s → %s by %s", application.application_no, application.kind, status, actor
    )
    if application.kind == "application" and status in NOTIFIED:
        _notify(session, application, status, comment, missing)


def _promised_days(session: Session, application: Application) -> int:
    service = session.get(Service, application.service_id)
    if service is None or service.spec is None:
        return 0
    if service.kind == "application":
        return int(service.spec["promised_days"])
    steps = [session.get(Service, s["service_id"]) for s in service.spec["steps"]]
    return sum(int(s.spec["promised_days"]) for s in steps if s is not None and s.spec)


def _follow_up_case(session: Session, case_id: str, now: dt.datetime) -> None:
    """A step moved: start the steps now free to start, end those that can no longer, and
    set the case's own status from its steps'."""
    case = session.get(Application, case_id)
    assert case is not None
    steps = session.scalars(
        select(Application).where(Application.case_id == case_id).order_by(Application.step)
    ).all()
    by_service = {step.service_id: step for step in steps}
    for step in steps:
        if step.status != "waiting":
            continue
        before = [by_service[sid] for sid in step.after.split(",") if sid in by_service]
        if any(b.status in ("denied", "not_accepted") for b in before):
            _set(
                session, step, "not_accepted", "system", now, "前序事项未获批准，本事项不再办理", ()
            )
        elif all(b.status in DONE_WELL for b in before):
            _set(session, step, "submitted", "system", now, "前序事项已办结，本事项开始办理", ())
    statuses = [step.status for step in steps]
    if all(s in DONE_WELL for s in statuses):
        status = "approved"
    elif all(s in DONE_WELL or s in ("denied", "not_accepted") for s in statuses):
        status = "denied"
    elif "correction" in statuses:
        status = "correction"
    elif any(s not in ("submitted", "waiting") for s in statuses):
        status = "reviewing"
    else:
        status = "submitted"
    missing = tuple(
        dict.fromkeys(
            key for step in steps if step.status == "correction" for key in step.missing.split(",")
        )
    )
    if status != case.status:
        _set(session, case, status, "system", now, None, missing)
    elif status == "correction" and ",".join(missing) != case.missing:
        case.missing = ",".join(missing)  # another step asks too: the case shows all of it


def _notify(
    session: Session,
    application: Application,
    status: str,
    comment: str | None,
    missing: tuple[str, ...],
) -> None:
    """The SMS for this step, to the phone the form gave (else the one the centre holds),
    queued in this transaction: it exists before the step is reported done."""
    resident = session.get(Resident, application.resident_id)
    service = session.get(Service, application.service_id)
    assert resident is not None and service is not None
    phone = str(application.form.get("phone") or resident.phone or "")
    if not phone:
        log.warning("application %s: no phone to tell of %s", application.application_no, status)
        return
    titles = {m["key"]: m["title"]["zh_CN"] for m in spec_of(session, service.id)["materials"]}
    department = session.get(Department, application.department_id or "")
    values = {
        "事项": service.title_zh,
        "受理号": application.application_no,
        "日期": f"{application.promised_date:%Y年%m月%d日}" if application.promised_date else "",
        "理由": comment or "",
        "材料": "、".join(titles.get(key, key) for key in missing),
        "地点": department.pickup_place_zh if department else "",
    }
    key = "ready_post" if status == "ready" and application.delivery == "post" else status
    queue(session, phone, render(session, key, values), "application")
