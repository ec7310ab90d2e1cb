"""The public progress page (办理进度) a 受理回执's QR code opens: the service, the number,
the status and its dates, and nothing of the resident (no name, no form, no comment). The
application id in its address is 128 random bits; the page is rate-limited per client as the
verification page is, and an unknown id says only that it is unknown."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from sqlalchemy import select

from central.clock import local_time
from central.models import Application, ApplicationEvent, Service
from central.routes.applications import overdue
from central.routes.verify import PAGE_STYLE, SECURITY_HEADERS
from kiosk.api.applications import STATUS_TEXTS

router = APIRouter(tags=["verification"])

_ID = re.compile(r"[0-9a-f]{32}")
_PAGE = Environment(autoescape=True).from_string(
    """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>办理进度</title>
<style>"""
    + PAGE_STYLE
    + """</style></head><body><main>
<h1>政务服务办理进度</h1>
{% if state == "limited" %}
<div class="state unknown"><p class="verdict">查询过于频繁，请一分钟后再试</p></div>
{% elif state == "unknown" %}
<div class="state unknown"><p class="verdict">未找到这项申请</p>
<p>请扫描受理回执上的二维码，或到自助终端“办件查询”查看。</p></div>
{% else %}
<div class="state {{ 'expired' if overdue else 'valid' }}" role="status">
<p class="verdict">{{ status_text }}</p>{% if overdue %}<p>已超过承诺办结日期</p>{% endif %}</div>
<dl>
<dt>事项</dt><dd>{{ title }}</dd>
<dt>受理号</dt><dd>{{ number }}</dd>
<dt>承诺办结</dt><dd>{{ promised or "受理后确定" }}</dd>
{% for at, text in timeline %}<dt>{{ at }}</dt><dd>{{ text }}</dd>{% endfor %}
</dl>
{% endif %}
</main></body></html>"""
)


def _page(status: int = 200, **values: object) -> HTMLResponse:
    values.setdefault("state", "")
    return HTMLResponse(_PAGE.render(**values), status_code=status, headers=SECURITY_HEADERS)


@router.get("/progress/{application_id}", response_class=HTMLResponse)
def progress(request: Request, application_id: str) -> HTMLResponse:
    client = request.client.host if request.client else "unknown"
    wait_s = request.app.state.verify_limit.retry_after_s(client)
    if wait_s is not None:
        limited = _page(429, state="limited")
        limited.headers["Retry-After"] = str(wait_s)
        return limited
    if not _ID.fullmatch(application_id):
        return _page(404, state="unknown")
    with request.app.state.db.session() as session:
        row = session.get(Application, application_id)
        service = session.get(Service, row.service_id) if row is not None else None
        if row is None or service is None or row.status == "draft":
            return _page(404, state="unknown")
        events = session.scalars(
            select(ApplicationEvent)
            .where(ApplicationEvent.application_id == row.id, ApplicationEvent.status != "draft")
            .order_by(ApplicationEvent.at, ApplicationEvent.id)
        ).all()
        return _page(
            title=service.title_zh,
            number=row.application_no,
            status_text=STATUS_TEXTS[row.status][0],
            overdue=overdue(row),
            promised=f"{row.promised_date:%Y年%m月%d日}" if row.promised_date else "",
            timeline=[
                (f"{local_time(e.at):%Y年%m月%d日 %H:%M}", STATUS_TEXTS[e.status][0])
                for e in events
            ],
        )
