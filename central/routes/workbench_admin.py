"""The workbench's administration (`/dept/admin/…`, administrators only): accounts (add, new
password, unlock, remove), departments (add, rename, pickup place, remove while nothing refers
to it), which department decides each application service (the routing rules), and the
working days a department has for its one-time 补正 notice.

A clerk gets 403, no session the login page. Every form carries the session's CSRF token; a
change is one log line naming the administrator. A routing change applies to applications
created after it: one already created stays with the department it went to.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central import accounts
from central import applications as life
from central.clock import local_time
from central.models import Application, Department, RoutingRule, Service, User
from central.routes.workbench import (
    department_name,
    forbidden,
    form_of,
    one,
    page,
    private,
    signed_user,
    to_login,
)

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

USERS, DEPARTMENTS, ROUTING = "/dept/admin/users", "/dept/admin/departments", "/dept/admin/routing"
USERNAME = re.compile(r"[A-Za-z0-9_.-]{2,40}")
DEPARTMENT_ID = re.compile(r"[a-z0-9_-]{2,40}")
ROLE_TEXTS = {"admin": "管理员", "clerk": "办事员"}
DONE_TEXTS = {  # what a redirect's ?done= says; never text from the request itself
    "user_added": "已添加用户",
    "password_set": "已设置新密码，该用户的登录已全部退出",
    "unlocked": "已解除锁定",
    "user_removed": "已删除用户",
    "department_saved": "已保存部门",
    "department_removed": "已删除部门",
    "routing_saved": "已保存事项分派和补正期限",
}


class RefusedError(Exception):
    """A change that cannot be made, in words for the administrator."""


Handler = Callable[[Session, accounts.Signed, dict[str, list[str]]], str]


def _render(
    session: Session,
    user: accounts.Signed,
    name: str,
    make: Callable[[Session], dict[str, Any]],
    *,
    status: int = 200,
    done: str = "",
    error: str = "",
) -> Response:
    return page(
        name,
        status,
        user=user,
        department=department_name(session, user),
        done=done,
        error=error,
        **make(session),
    )


def _admin_page(request: Request, name: str, make: Callable[[Session], dict[str, Any]]) -> Response:
    with request.app.state.db.session() as session:
        user = signed_user(request, session)
        if user is None:
            return to_login(request)
        if user.role != "admin":
            return forbidden("只有管理员可以打开此页")
        done = DONE_TEXTS.get(request.query_params.get("done", ""), "")
        return _render(session, user, name, make, done=done)


async def _admin_post(
    request: Request,
    name: str,
    make: Callable[[Session], dict[str, Any]],
    handle: Handler,
    back: str,
) -> Response:
    """Check the session, the role and the CSRF token, make the change, and go `back` to the
    page (303) saying what was done; a refused change shows the page again with why (400)."""
    form = await form_of(request)
    db = request.app.state.db
    with db.session() as session:
        user = signed_user(request, session)
        if user is None:
            return to_login(request)
        if user.role != "admin":
            log.warning("%s (not an administrator) refused %s", user.username, request.url.path)
            return forbidden("只有管理员可以进行此操作")
        if not secrets.compare_digest(user.csrf_token, one(form, "csrf_token")):
            log.warning("%s: an administration form without its CSRF token", user.username)
            return forbidden("页面已过期，请刷新后重试")
    try:
        with db.session() as session:  # a refusal rolls back whatever the change had begun
            done = handle(session, user, form)
    except RefusedError as refused:
        with db.session() as session:
            return _render(session, user, name, make, status=400, error=str(refused))
    response = RedirectResponse(f"{back}?done={done}", status_code=303)
    private(response)
    return response


# --- accounts -----------------------------------------------------------------------------


def _users(session: Session) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC)
    names = {d.id: d.name_zh for d in session.scalars(select(Department))}
    rows = [
        {
            "id": row.id,
            "username": row.username,
            "role": ROLE_TEXTS.get(row.role, row.role),
            "department": names.get(row.department_id or "", ""),
            "locked": f"{local_time(row.locked_until):%H:%M}"
            if row.locked_until and row.locked_until > now
            else "",
            "created": f"{local_time(row.created_at):%Y-%m-%d}",
        }
        for row in session.scalars(select(User).order_by(User.role, User.username))
    ]
    return {"users": rows, "departments": _department_choices(session)}


def _department_choices(session: Session) -> list[dict[str, str]]:
    return [
        {"id": d.id, "name": d.name_zh}
        for d in session.scalars(select(Department).order_by(Department.id))
    ]


def _new_user(session: Session, admin: accounts.Signed, form: dict[str, list[str]]) -> str:
    username, role = one(form, "username").strip(), one(form, "role")
    department = one(form, "department") or None
    if not USERNAME.fullmatch(username):
        raise RefusedError("用户名为 2 至 40 个字母、数字或 . _ -")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise RefusedError(f"用户 {username} 已存在")
    if department is not None and session.get(Department, department) is None:
        raise RefusedError("没有这个部门")
    if len(one(form, "password")) < accounts.MIN_PASSWORD_LENGTH:
        raise _account_refusal(accounts.PASSWORD_TOO_SHORT)
    try:
        accounts.add_user(session, username, one(form, "password"), role, department)
    except ValueError as problem:
        raise _account_refusal(str(problem)) from problem
    log.info("%s added user %s (%s %s)", admin.username, username, role, department or "")
    return "user_added"


ACCOUNT_PROBLEMS = {  # what central.accounts raises, in the administrator's words
    accounts.PASSWORD_TOO_SHORT: f"密码至少 {accounts.MIN_PASSWORD_LENGTH} 个字符",
    accounts.CLERK_WITHOUT_DEPARTMENT: "办事员须属于一个部门",
}


def _account_refusal(reason: str) -> RefusedError:
    return RefusedError(ACCOUNT_PROBLEMS.get(reason, "角色只能是管理员或办事员"))


def _change_user(user_id: int) -> Handler:
    def change(session: Session, admin: accounts.Signed, form: dict[str, list[str]]) -> str:
        row = session.get(User, user_id)
        if row is None:
            raise RefusedError("没有这个用户")
        action = one(form, "action")
        if action == "password":
            try:
                accounts.set_password(session, row, one(form, "password"))
            except ValueError as problem:
                raise _account_refusal(str(problem)) from problem
            log.info("%s set a new password for %s", admin.username, row.username)
            return "password_set"
        if action == "unlock":
            row.failed_logins, row.locked_until = 0, None
            log.info("%s unlocked %s", admin.username, row.username)
            return "unlocked"
        if action == "remove":
            if row.id == admin.user_id:
                raise RefusedError("不能删除自己的账号")
            admins = session.scalar(select(func.count()).where(User.role == "admin"))
            if row.role == "admin" and (admins or 0) <= 1:
                raise RefusedError("这是最后一个管理员，不能删除")
            accounts.remove_user(session, row)
            log.info("%s removed user %s", admin.username, row.username)
            return "user_removed"
        raise RefusedError("未知的操作")

    return change


@router.get(USERS)
def users_page(request: Request) -> Response:
    return _admin_page(request, "users.html", _users)


@router.post(USERS)
async def add_user(request: Request) -> Response:
    return await _admin_post(request, "users.html", _users, _new_user, USERS)


@router.post("/dept/admin/users/{user_id}")
async def change_user(request: Request, user_id: int) -> Response:
    return await _admin_post(request, "users.html", _users, _change_user(user_id), USERS)


# --- departments --------------------------------------------------------------------------


def _departments(session: Session) -> dict[str, Any]:
    return {
        "departments": [
            {
                "id": d.id,
                "name_zh": d.name_zh,
                "name_en": d.name_en,
                "pickup_place_zh": d.pickup_place_zh,
                "pickup_place_en": d.pickup_place_en,
            }
            for d in session.scalars(select(Department).order_by(Department.id))
        ]
    }


DEPARTMENT_FIELDS = {  # form field: (longest, what it is called on the page)
    "name_zh": (60, "中文名称"),
    "name_en": (100, "英文名称"),
    "pickup_place_zh": (120, "领取地点（中文）"),
    "pickup_place_en": (200, "领取地点（英文）"),
}


def _save_department(session: Session, admin: accounts.Signed, form: dict[str, list[str]]) -> str:
    department_id = one(form, "id").strip()
    if not DEPARTMENT_ID.fullmatch(department_id):
        raise RefusedError("部门编号为 2 至 40 个小写字母、数字或 _ -")
    values = {}
    for field, (longest, called) in DEPARTMENT_FIELDS.items():
        value = " ".join(one(form, field).split())
        if not value:
            raise RefusedError(f"请填写{called}")
        if len(value) > longest:
            raise RefusedError(f"{called}最多 {longest} 个字符")
        values[field] = value
    row = session.get(Department, department_id)
    if row is None:
        session.add(Department(id=department_id, **values))
    else:
        for field, value in values.items():
            setattr(row, field, value)
    log.info("%s saved department %s", admin.username, department_id)
    return "department_saved"


def _remove_department(department_id: str) -> Handler:
    def remove(session: Session, admin: accounts.Signed, form: dict[str, list[str]]) -> str:
        row = session.get(Department, department_id)
        if row is None:
            raise RefusedError("没有这个部门")
        uses = {
            "名办事员": session.scalar(
                select(func.count()).where(User.department_id == department_id)
            ),
            "项事项分派": session.scalar(
                select(func.count()).where(RoutingRule.department_id == department_id)
            ),
            "件申请": session.scalar(
                select(func.count()).where(Application.department_id == department_id)
            ),
        }
        if any(uses.values()):
            held = "、".join(f"{count} {what}" for what, count in uses.items() if count)
            raise RefusedError(f"{row.name_zh}还有{held}，不能删除")
        session.delete(row)
        log.info("%s removed department %s", admin.username, department_id)
        return "department_removed"

    return remove


@router.get(DEPARTMENTS)
def departments_page(request: Request) -> Response:
    return _admin_page(request, "departments.html", _departments)


@router.post(DEPARTMENTS)
async def save_department(request: Request) -> Response:
    return await _admin_post(
        request, "departments.html", _departments, _save_department, DEPARTMENTS
    )


@router.post("/dept/admin/departments/{department_id}/remove")
async def remove_department(request: Request, department_id: str) -> Response:
    return await _admin_post(
        request, "departments.html", _departments, _remove_department(department_id), DEPARTMENTS
    )


# --- routing rules and the 补正 period ----------------------------------------------------


def _routing(session: Session) -> dict[str, Any]:
    rules = {r.service_id: r.department_id for r in session.scalars(select(RoutingRule))}
    services = session.scalars(
        select(Service).where(Service.kind == "application").order_by(Service.id)
    )
    return {
        "services": [
            {"id": s.id, "title": s.title_zh, "department": rules.get(s.id, "")} for s in services
        ],
        "departments": _department_choices(session),
        "correction_days": life.correction_days(session),
        "correction_days_most": life.CORRECTION_DAYS,
    }


def _save_routing(session: Session, admin: accounts.Signed, form: dict[str, list[str]]) -> str:
    try:  # a refusal below rolls this back with the rest
        days = int(one(form, "correction_days"))
        life.set_correction_days(session, days)
    except ValueError as problem:  # not a number, or outside what the law allows
        raise RefusedError(
            f"补正告知期限为 1 至 {life.CORRECTION_DAYS} 个工作日"
            "（行政许可法第三十二条：五日内一次告知）"
        ) from problem
    departments = {d.id for d in session.scalars(select(Department))}
    changed = []
    for service in session.scalars(select(Service).where(Service.kind == "application")):
        chosen = one(form, f"route:{service.id}")
        if chosen not in departments:
            raise RefusedError(f"请为“{service.title_zh}”选择办理部门")
        rule = session.get(RoutingRule, service.id)
        if rule is None:
            session.add(RoutingRule(service_id=service.id, department_id=chosen))
            changed.append(f"{service.id}→{chosen}")
        elif rule.department_id != chosen:
            changed.append(f"{service.id}: {rule.department_id}→{chosen}")
            rule.department_id = chosen
    log.info(
        "%s saved the routing (%s) and a 补正 period of %d working days",
        admin.username,
        "; ".join(changed) or "unchanged",
        days,
    )
    return "routing_saved"


@router.get(ROUTING)
def routing_page(request: Request) -> Response:
    return _admin_page(request, "routing.html", _routing)


@router.post(ROUTING)
async def save_routing(request: Request) -> Response:
    return await _admin_post(request, "routing.html", _routing, _save_routing, ROUTING)
