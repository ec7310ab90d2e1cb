"""一窗受理 and 一件事一次办 for the resident at a kiosk (kiosk/api/applications.py has the
contract; central/applications.py the life cycle). Every route is bound to the resident's
session: another resident's application is answered 404, as one that does not exist.

A material's file is the request body itself, bounded by the body-size middleware
(`MATERIAL_MAX_BYTES`); its type is read from its first bytes (JPEG, PNG or PDF), never from
the Content-Type header.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central import applications as life
from central.clock import local_today
from central.db import Database
from central.errors import REFUSALS, ApiRefusal
from central.models import (
    Application,
    ApplicationEvent,
    ApplicationMaterial,
    Department,
    Resident,
    Service,
)
from central.security import Caller, ResidentCaller
from kiosk.api.applications import (
    FINAL_STATUSES,
    STATUS_TEXTS,
    ApplicationCreated,
    ApplicationId,
    ApplicationList,
    ApplicationRequest,
    ApplicationSummary,
    ApplicationView,
    MaterialKey,
    MaterialNeeded,
    MaterialReceived,
    TimelineEntry,
)
from kiosk.api.models import Text

router = APIRouter(tags=["applications"], responses=REFUSALS)

MATERIALS_PATH = "/applications/"  # the prefix the body limit widens
MATERIAL_MAX_BYTES = 4 * 1024 * 1024  # a material's pages at ≤ 300 KB each, and room to spare
MAGIC = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
NUMBER = re.compile(r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$")
BINARY_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _not_found() -> ApiRefusal:
    return ApiRefusal(404, "application_not_found", "没有找到这项申请", "No such application")


def _refused(error: life.TransitionRefusedError) -> ApiRefusal:
    return ApiRefusal(409, error.code, error.message, error.english)


def _own(session: Session, caller: ResidentCaller, application_id: str) -> Application:
    row = session.get(Application, application_id)
    if row is None or row.resident_id != caller.resident_id:
        raise _not_found()
    return row


def _check_form(spec: dict[str, Any], form: dict[str, str]) -> None:
    """Every required field, no unknown one, each value of its kind."""
    fields = {field["key"]: field for field in spec["fields"]}
    unknown = sorted(set(form) - set(fields))
    if unknown:
        raise _invalid(unknown[0], "该项不属于此申请", "is not a question of this application")
    for key, field in fields.items():
        value = form.get(key, "").strip()
        if not value:
            if field["required"]:
                raise _invalid(key, "此项必须填写", "must be filled in")
            continue
        kind = field["kind"]
        if len(value) > field.get("max_length", 60):
            raise _invalid(key, "内容过长", "is too long")
        if kind == "number" and not NUMBER.match(value):
            raise _invalid(key, "请填写数字", "must be a number")
        if kind == "phone" and not MOBILE.match(value):
            raise _invalid(key, "请填写11位手机号码", "must be an 11-digit mobile number")
        if kind == "choice" and value not in {c["value"] for c in field["choices"]}:
            raise _invalid(key, "请从选项中选择", "must be one of its choices")
        if kind == "date":
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                raise _invalid(key, "请填写日期", "must be a date (YYYY-MM-DD)") from None


def _prefilled(session: Session, spec: dict[str, Any], resident_id: int) -> dict[str, str]:
    """The answers the centre's own record gives (数据共享): the kiosk leaves them empty
    unless the resident typed another."""
    resident = session.get(Resident, resident_id)
    if resident is None:
        return {}
    record = {"name": resident.name, "phone": resident.phone, "address": resident.village}
    return {
        field["key"]: record[field["prefill"]]
        for field in spec["fields"]
        if record.get(field.get("prefill") or "")
    }


def _invalid(key: str, message: str, english: str) -> ApiRefusal:
    return ApiRefusal(
        422,
        "application_form_invalid",
        f"表单有误（{key}）：{message}",
        f"Form field {key} {english}",
    )


def _service(session: Session, service_id: str) -> Service:
    service = session.get(Service, service_id)
    if service is None or service.kind not in ("application", "bundle") or service.spec is None:
        raise ApiRefusal(404, "service_not_found", "该服务不存在", "No such service")
    if not service.enabled:
        raise ApiRefusal(
            409, "service_disabled", "该服务暂停办理", "This service is paused for now"
        )
    return service


@router.post("/applications", response_model=ApplicationCreated)
def create_application(
    request: Request, caller: Caller, body: ApplicationRequest
) -> ApplicationCreated:
    """A draft application (or a bundle's case with a step per service) from the form; the
    same idempotency key returns the same draft."""
    db: Database = request.app.state.db
    if body.delivery.method == "post" and not (body.delivery.address or "").strip():
        raise _invalid("delivery.address", "邮寄需要填写地址", "is needed to post the result")
    for attempt in range(3):  # a concurrent application may take the day's number
        try:
            with db.session() as session:
                return _create(session, caller, body)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _create(
    session: Session, caller: ResidentCaller, body: ApplicationRequest
) -> ApplicationCreated:
    existing = session.scalar(
        select(Application).where(
            Application.resident_id == caller.resident_id,
            Application.idempotency_key == body.idempotency_key,
        )
    )
    if existing is not None:
        if existing.service_id != body.service_id:
            raise ApiRefusal(
                409,
                "idempotency_conflict",
                "请求重复，请重新操作",
                "A repeated request; please start again",
            )
        return _created(session, existing)
    service = _service(session, body.service_id)
    spec = life.spec_of(session, service.id)
    form = {key: value.strip() for key, value in body.form.items() if value.strip()}
    form = _prefilled(session, spec, caller.resident_id) | form
    _check_form(spec, form)
    try:
        row = life.create(
            session,
            service,
            caller.resident_id,
            f"kiosk:{caller.kiosk_id}",
            form,
            (body.delivery.method, body.delivery.address),
            body.idempotency_key,
            dt.datetime.now(dt.UTC),
        )
    except life.TransitionRefusedError as error:
        raise ApiRefusal(503, error.code, error.message, error.english) from error
    return _created(session, row)


def _created(session: Session, row: Application) -> ApplicationCreated:
    return ApplicationCreated(
        application_id=row.id,
        application_no=row.application_no,
        status=row.status,  # type: ignore[arg-type]
        materials_needed=_materials(session, row),
    )


def _materials(session: Session, row: Application) -> list[MaterialNeeded]:
    files = life.materials_of(session, row)
    return [
        MaterialNeeded(
            key=m["key"],
            title=Text.model_validate(m["title"]),
            required=m["required"],
            source=m["source"],
            max_pages=m.get("max_pages", 1),
            received=m["source"] == "shared" or m["key"] in files,
        )
        for m in life.spec_of(session, row.service_id)["materials"]
    ]


@router.put(
    "/applications/{application_id}/materials/{key}",
    response_model=MaterialReceived,
    openapi_extra=BINARY_BODY,
)
async def put_material(
    request: Request, caller: Caller, application_id: ApplicationId, key: MaterialKey
) -> MaterialReceived:
    """One material's file: JPEG, PNG or PDF, read from its bytes. While the application is
    being filled in, or asked to bring this material again (需补正)."""
    data = await request.body()  # bounded before it arrives here (central.body_limit)
    return await run_in_threadpool(
        _store_material, request.app.state.db, caller, application_id, key, data
    )


def _store_material(
    db: Database, caller: ResidentCaller, application_id: str, key: str, data: bytes
) -> MaterialReceived:
    content_type = next((kind for magic, kind in MAGIC if data.startswith(magic)), None)
    if content_type is None:
        raise ApiRefusal(
            415,
            "material_wrong_type",
            "只能上传照片或PDF文件",
            "A material must be a JPEG, PNG or PDF file",
            retryable=False,
        )
    if len(data) > MATERIAL_MAX_BYTES:
        raise ApiRefusal(413, "request_too_large", "请求内容过大", "The request is too large")
    with db.session() as session:
        row = _own(session, caller, application_id)
        if row.status not in ("draft", "correction"):
            raise ApiRefusal(
                409,
                "application_not_editable",
                "该申请已提交，不能再更改材料",
                "The application was submitted; its materials cannot change now",
            )
        scans = {
            m["key"]
            for m in life.spec_of(session, row.service_id)["materials"]
            if m["source"] == "scan"
        }
        if key not in scans:
            raise ApiRefusal(404, "material_not_found", "此申请不需要这项材料", "No such material")
        found = session.get(ApplicationMaterial, (row.id, key))
        now = dt.datetime.now(dt.UTC)
        asked_again = row.status == "correction" and key in row.missing.split(",")
        if found is not None and found.data == data and asked_again:
            raise ApiRefusal(
                409,
                "material_unchanged",
                "这份材料与上次提交的完全相同，请重新拍摄",
                "This is the very file sent before; please capture the material again",
                retryable=False,
            )
        if found is not None and found.data == data:
            return MaterialReceived(
                key=key,
                content_type=content_type,
                bytes=len(data),
                duplicate=True,  # type: ignore[arg-type]
            )
        if found is None:
            session.add(
                ApplicationMaterial(
                    application_id=row.id,
                    key=key,
                    content_type=content_type,
                    data=data,
                    uploaded_at=now,
                )
            )
        else:
            found.data, found.content_type, found.uploaded_at = data, content_type, now
    return MaterialReceived(key=key, content_type=content_type, bytes=len(data), duplicate=False)  # type: ignore[arg-type]


@router.post("/applications/{application_id}/submit", response_model=ApplicationView)
def submit_application(
    request: Request, caller: Caller, application_id: ApplicationId
) -> ApplicationView:
    """提交 (or, after 需补正, 重新提交): routed to its department(s) and dated."""
    with request.app.state.db.session() as session:
        row = _own(session, caller, application_id)
        try:
            life.submit(session, row, f"kiosk:{caller.kiosk_id}", dt.datetime.now(dt.UTC))
        except life.TransitionRefusedError as error:
            raise _refused(error) from error
        return view(session, row, _public_url(request))


@router.get("/applications", response_model=ApplicationList)
def list_applications(request: Request, caller: Caller) -> ApplicationList:
    """This resident's applications and cases, newest first (a case's steps are in its view)."""
    with request.app.state.db.session() as session:
        rows = session.scalars(
            select(Application)
            .where(Application.resident_id == caller.resident_id, Application.case_id.is_(None))
            .order_by(Application.created_at.desc())
            .limit(100)
        ).all()
        return ApplicationList(applications=[summary(session, row) for row in rows])


@router.get("/applications/{application_id}", response_model=ApplicationView)
def get_application(
    request: Request, caller: Caller, application_id: ApplicationId
) -> ApplicationView:
    with request.app.state.db.session() as session:
        return view(session, _own(session, caller, application_id), _public_url(request))


def _public_url(request: Request) -> str:
    return str(request.app.state.settings.public_url).rstrip("/")


def summary(session: Session, row: Application) -> ApplicationSummary:
    service = session.get(Service, row.service_id)
    assert service is not None
    zh, en = STATUS_TEXTS[row.status]
    return ApplicationSummary(
        application_id=row.id,
        application_no=row.application_no,
        service_id=row.service_id,
        title=Text(zh_CN=service.title_zh, en=service.title_en),
        status=row.status,  # type: ignore[arg-type]
        status_text=Text(zh_CN=zh, en=en),
        submitted_at=row.submitted_at,
        promised_date=row.promised_date,
        overdue=overdue(row),
    )


def overdue(row: Application) -> bool:
    done = row.status in (*FINAL_STATUSES, "approved", "ready")
    return bool(row.promised_date and not done and local_today() > row.promised_date)


def view(session: Session, row: Application, public_url: str) -> ApplicationView:
    department = session.get(Department, row.department_id) if row.department_id else None
    events = session.scalars(
        select(ApplicationEvent)
        .where(ApplicationEvent.application_id == row.id)
        .order_by(ApplicationEvent.at, ApplicationEvent.id)
    ).all()
    steps = session.scalars(
        select(Application).where(Application.case_id == row.id).order_by(Application.step)
    ).all()
    return ApplicationView(
        **summary(session, row).model_dump(),
        department=Text(zh_CN=department.name_zh, en=department.name_en) if department else None,
        delivery=row.delivery,  # type: ignore[arg-type]
        pickup_place=Text(zh_CN=department.pickup_place_zh, en=department.pickup_place_en)
        if department and row.delivery == "pickup"
        else None,
        form=row.form,
        materials=_materials(session, row),
        missing=[key for key in row.missing.split(",") if key],
        timeline=[
            TimelineEntry(
                at=event.at,
                status=event.status,  # type: ignore[arg-type]
                text=Text(zh_CN=STATUS_TEXTS[event.status][0], en=STATUS_TEXTS[event.status][1]),
                comment=event.comment,
                missing=[key for key in event.missing.split(",") if key],
            )
            for event in events
        ],
        steps=[summary(session, step) for step in steps],
        progress_url=f"{public_url}/progress/{row.id}",
    )
