"""The department workbench (`/dept/`), server-rendered: a clerk logs in (`/login`, shared with
the later dashboard), sees the department's queue (due soonest first, overdue marked), opens an
application (its form, its materials' images, the other steps of its bundle, its timeline)
and accepts, refuses, asks for 补正 (ticking every missing material) or decides, with a
comment. Another department's application is 403; without a session every page leads to the
login page and shows no data.

Forms are application/x-www-form-urlencoded, parsed here (no file uploads on the workbench);
every POST carries the session's CSRF token (the login form a cookie's, double-submitted).
Pages are autoescaped (a name with markup shows as typed) and sent with a nonce'd CSP, no
framing and no caching.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import func, nulls_last, select
from sqlalchemy.orm import Session

from central import accounts
from central import applications as life
from central.clock import local_time, local_today
from central.models import (
    Application,
    ApplicationEvent,
    Department,
    Resident,
    Service,
)
from central.records import masked_id, masked_name
from kiosk.api.applications import FINAL_STATUSES, STATUS_TEXTS

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

COOKIE = "workbench_session"
LOGIN_CSRF_COOKIE = "workbench_login_csrf"
FORM_MAX_BYTES = 16 * 1024
QUEUE_LIMIT = 100  # the most urgent first; the page says how many more wait
ACTION_LABELS = {
    "accept": "受理",
    "not_accept": "不予受理",
    "correction": "需补正",
    "review": "开始审核",
    "approve": "办结（通过）",
    "deny": "不予许可",
    "ready": "待领取",
    "collect": "已领取",
}
_PAGES = Environment(
    loader=FileSystemLoader(Path(__file__).parents[1] / "templates"),
    autoescape=select_autoescape(["html"]),
)


def page(name: str, status: int = 200, **values: Any) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    html = _PAGES.get_template(f"workbench/{name}").render(nonce=nonce, **values)
    response = HTMLResponse(html, status_code=status)
    response.headers["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'nonce-{nonce}'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    private(response)
    return response


def private(response: Response) -> None:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"


async def form_of(request: Request) -> dict[str, list[str]]:
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    body = await request.body()
    if len(body) > FORM_MAX_BYTES:
        return {}
    return parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)


def one(form: dict[str, list[str]], key: str) -> str:
    return (form.get(key) or [""])[0]


def signed_user(request: Request, session: Session) -> accounts.Signed | None:
    token = request.cookies.get(COOKIE, "")
    return accounts.signed_in(session, token, dt.datetime.now(dt.UTC))


def to_login(request: Request) -> RedirectResponse:
    response = RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    private(response)
    return response


def forbidden(message: str) -> HTMLResponse:
    return page("login.html", status=403, error=message, csrf_token="", next="/dept/")


# --- logging in -----------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, next: str = "/dept/") -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = page("login.html", csrf_token=token, next=_safe_next(next))
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login")
    return response


@router.post("/login")
async def log_in(request: Request) -> Response:
    form = await form_of(request)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    given = one(form, "csrf_token")
    target = _safe_next(one(form, "next"))
    if not expected or not secrets.compare_digest(expected, given):
        log.warning("login without its CSRF token refused")
        return page("login.html", 403, error="页面已过期，请重新登录", csrf_token="", next=target)
    username, password = one(form, "username").strip()[:40], one(form, "password")[:200]
    db = request.app.state.db
    try:
        with db.session() as session:
            token = accounts.log_in(session, username, password, dt.datetime.now(dt.UTC))
    except accounts.LoginRefusedError as refused:
        fresh = secrets.token_urlsafe(24)
        response = page("login.html", 401, error=refused.message, csrf_token=fresh, next=target)
        response.set_cookie(
            LOGIN_CSRF_COOKIE, fresh, httponly=True, samesite="strict", path="/login"
        )
        return response
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=int(accounts.SESSION_LIFETIME.total_seconds()),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    private(response)
    return response


@router.post("/logout")
async def log_out(request: Request) -> Response:
    form = await form_of(request)
    with request.app.state.db.session() as session:
        user = signed_user(request, session)
        if user is not None and secrets.compare_digest(user.csrf_token, one(form, "csrf_token")):
            accounts.log_out(session, request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


def _safe_next(target: str) -> str:
    """Only a path of this site: `//evil.example` and `https://…` go to the queue instead."""
    return target if target.startswith("/") and not target.startswith("//") else "/dept/"


# --- the queue and an application --------------------------------------------------------


@router.get("/dept/")
def queue(request: Request) -> Response:
    with request.app.state.db.session() as session:
        user = signed_user(request, session)
        if user is None:
            return to_login(request)
        waiting = [
            Application.kind == "application",
            Application.status.not_in((*FINAL_STATUSES, "draft", "waiting")),
        ]
        if user.role != "admin":
            waiting.append(Application.department_id == user.department_id)
        total = session.scalar(select(func.count()).select_from(Application).where(*waiting))
        query = (
            select(Application, Service.title_zh, Resident.name)
            .join(Service, Service.id == Application.service_id)
            .join(Resident, Resident.id == Application.resident_id)
            .where(*waiting)
            .order_by(nulls_last(Application.promised_date.asc()), Application.submitted_at)
            .limit(QUEUE_LIMIT)
        )
        today = local_today()
        rows = [
            {
                "id": row.id,
                "application_no": row.application_no,
                "title": title,
                "applicant": masked_name(name),
                "status_text": STATUS_TEXTS[row.status][0],
                "submitted": f"{local_time(row.submitted_at):%Y-%m-%d %H:%M}"
                if row.submitted_at
                else "",
                "promised": f"{row.promised_date:%Y-%m-%d}" if row.promised_date else "",
                "overdue": bool(row.promised_date and row.promised_date < today),
            }
            for row, title, name in session.execute(query)
        ]
        return page(
            "queue.html",
            user=user,
            department=department_name(session, user),
            rows=rows,
            total=total or 0,
        )


def department_name(session: Session, user: accounts.Signed) -> str:
    department = session.get(Department, user.department_id) if user.department_id else None
    return department.name_zh if department else ("管理员" if user.role == "admin" else "")


def _allowed(session: Session, user: accounts.Signed, application_id: str) -> Application | None:
    row = session.get(Application, application_id)
    if row is None or row.kind != "application":
        return None
    if user.role != "admin" and row.department_id != user.department_id:
        log.warning("%s refused another department's application %s", user.username, row.id)
        raise PermissionError(row.id)
    return row


@router.get("/dept/applications/{application_id}")
def application_page(request: Request, application_id: str, error: str = "") -> Response:
    with request.app.state.db.session() as session:
        user = signed_user(request, session)
        if user is None:
            return to_login(request)
        try:
            row = _allowed(session, user, application_id)
        except PermissionError:
            return forbidden("这项申请不属于您的部门")
        if row is None:
            return page("login.html", 404, error="没有这项申请", csrf_token="", next="/dept/")
        return page("application.html", **_details(session, user, row, error))


def _details(
    session: Session, user: accounts.Signed, row: Application, error: str
) -> dict[str, Any]:
    service = session.get(Service, row.service_id)
    resident = session.get(Resident, row.resident_id)
    assert service is not None and resident is not None
    spec = life.spec_of(session, row.service_id)
    files = life.materials_of(session, row)
    titles = {field["key"]: field["title"]["zh_CN"] for field in spec["fields"]}
    material_titles = {m["key"]: m["title"]["zh_CN"] for m in spec["materials"]}
    events = session.scalars(
        select(ApplicationEvent)
        .where(ApplicationEvent.application_id == row.id)
        .order_by(ApplicationEvent.at, ApplicationEvent.id)
    ).all()
    steps = []
    if row.case_id:
        for step in session.scalars(
            select(Application).where(Application.case_id == row.case_id, Application.id != row.id)
        ):
            step_service = session.get(Service, step.service_id)
            department = session.get(Department, step.department_id or "")
            steps.append(
                {
                    "title": step_service.title_zh if step_service else step.service_id,
                    "status_text": STATUS_TEXTS[step.status][0],
                    "department": department.name_zh if department else "",
                }
            )
    actions = {
        action: label
        for action, label in ACTION_LABELS.items()
        if row.status in life.ACTIONS[action].sources and life.ACTIONS[action].by == "clerk"
    }
    department = session.get(Department, row.department_id or "")
    return {
        "user": user,
        "department": department_name(session, user),
        "app": row,
        "title": service.title_zh,
        "error": error,
        "status_text": STATUS_TEXTS[row.status][0],
        "overdue": bool(
            row.promised_date
            and row.promised_date < local_today()
            and row.status not in (*FINAL_STATUSES, "approved", "ready")
        ),
        "applicant": resident.name,
        "id_masked": masked_id(resident.id_number),
        "submitted": f"{local_time(row.submitted_at):%Y-%m-%d %H:%M}" if row.submitted_at else "",
        "promised": f"{row.promised_date:%Y-%m-%d}" if row.promised_date else "",
        "delivery": f"邮寄：{row.address}"
        if row.delivery == "post"
        else f"自取：{department.pickup_place_zh if department else ''}",
        "fields": [{"title": titles.get(k, k), "value": v} for k, v in row.form.items()],
        "materials": [
            {
                "key": m["key"],
                "title": m["title"]["zh_CN"],
                "source": m["source"],
                "url": f"/dept/applications/{row.id}/materials/{m['key']}"
                if m["key"] in files
                else "",
                "image": m["key"] in files and files[m["key"]].content_type.startswith("image/"),
            }
            for m in spec["materials"]
        ],
        "steps": steps,
        "timeline": [
            {
                "at": f"{local_time(event.at):%Y-%m-%d %H:%M}",
                "status": STATUS_TEXTS[event.status][0],
                "actor": event.actor,
                "comment": " ".join(
                    part
                    for part in (
                        event.comment or "",
                        "补正："
                        + "、".join(material_titles.get(k, k) for k in event.missing.split(","))
                        if event.missing
                        else "",
                    )
                    if part
                ),
            }
            for event in events
        ],
        "actions": actions,
    }


@router.get("/dept/applications/{application_id}/materials/{key}")
def material_file(request: Request, application_id: str, key: str) -> Response:
    with request.app.state.db.session() as session:
        user = signed_user(request, session)
        if user is None:
            return to_login(request)
        try:
            row = _allowed(session, user, application_id)
        except PermissionError:
            return Response(status_code=403)
        found = life.materials_of(session, row).get(key) if row is not None else None
        if found is None:
            return Response(status_code=404)
        response = Response(found.data, media_type=found.content_type)
        private(response)
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response


@router.post("/dept/applications/{application_id}/decide")
async def decide(request: Request, application_id: str) -> Response:
    form = await form_of(request)
    with request.app.state.db.session() as session:
        user = signed_user(request, session)
        if user is None:
            return to_login(request)
        if not secrets.compare_digest(user.csrf_token, one(form, "csrf_token")):
            log.warning("%s: a decision without its CSRF token refused", user.username)
            return forbidden("页面已过期，请刷新后重试")
        try:
            row = _allowed(session, user, application_id)
        except PermissionError:
            return forbidden("这项申请不属于您的部门")
        action = one(form, "action")
        if row is None or action not in ACTION_LABELS:
            return Response(status_code=404)
        scans = {
            m["key"]
            for m in life.spec_of(session, row.service_id)["materials"]
            if m["source"] == "scan"
        }
    try:
        with request.app.state.db.session() as session:  # a refusal rolls the move back
            row = session.get(Application, application_id)
            assert row is not None
            life.move(
                session,
                row,
                action,
                f"user:{user.username}",
                dt.datetime.now(dt.UTC),
                comment=one(form, "comment").strip()[:500] or None,
                missing=tuple(k for k in dict.fromkeys(form.get("missing", [])) if k in scans),
            )
    except life.TransitionRefusedError as refused:
        with request.app.state.db.session() as session:
            row = session.get(Application, application_id)
            assert row is not None
            return page("application.html", 409, **_details(session, user, row, refused.message))
    response = RedirectResponse(f"/dept/applications/{application_id}", status_code=303)
    private(response)
    return response
