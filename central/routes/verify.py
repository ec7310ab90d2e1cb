"""The public verification page: anyone holding a certificate (a bank clerk, a school) can
check it. No login; rate-limited per client; never a full ID number; an unknown code says
only that this code is unknown."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment
from sqlalchemy import select

from central.models import Certificate, Resident
from central.records import masked_name
from central.routes.certificates import content_hash

router = APIRouter(tags=["verification"])

REQUESTS_PER_MINUTE = 20
_PAGE = Environment(autoescape=True).from_string("""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>证明核验</title>
<style>
body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; margin: 0;
       background: #f3f6fa; color: #1a1f2b; }
main { max-width: 40rem; margin: 2rem auto; background: #fff; padding: 2rem;
       border: 1px solid #c5cedc; border-radius: 8px; }
h1 { font-size: 1.5rem; margin-top: 0; }
.state { font-size: 1.25rem; font-weight: bold; padding: .5rem 1rem; border-radius: 4px;
         display: inline-block; }
.valid { background: #e3f5e6; color: #155724; } .expired, .revoked, .unknown
{ background: #fbe3e4; color: #8a1f11; }
dl { display: grid; grid-template-columns: 8rem 1fr; gap: .5rem 1rem; }
dt { color: #4a5468; } dd { margin: 0; }
form { margin-top: 1.5rem; } input { font-size: 1rem; padding: .4rem; width: 14rem; }
button { font-size: 1rem; padding: .4rem 1rem; }
</style></head><body><main>
<h1>政务服务证明核验</h1>
{% if state == "unknown" %}
<p class="state unknown">未找到验证码“{{ code }}”对应的证明</p>
<p>请核对验证码是否输入正确（不区分大小写，不含 0、O、1、I）。</p>
{% elif state %}
<p class="state {{ state }}">{{ {"valid": "证明有效", "expired": "证明已过核验有效期",
  "revoked": "证明已作废"}[state] }}</p>
<dl>
<dt>证明名称</dt><dd>{{ title }}</dd>
<dt>持有人</dt><dd>{{ holder }}</dd>
<dt>编号</dt><dd>{{ serial }}</dd>
<dt>开具日期</dt><dd>{{ issued }}</dd>
<dt>核验有效期至</dt><dd>{{ valid_until }}</dd>
<dt>内容校验码</dt><dd>{{ hash }}（与纸质证明上印的校验码一致，才说明内容未被改动）</dd>
</dl>
{% endif %}
<form action="/verify" method="get"><label>验证码 <input name="code" value="{{ code }}"
 maxlength="16" autocomplete="off"></label> <button>核验</button></form>
</main></body></html>""")


class RateLimit:
    """At most `per_minute` lookups per client address in any minute (guessing codes)."""

    def __init__(self, per_minute: int = REQUESTS_PER_MINUTE) -> None:
        self._per_minute = per_minute
        self._seen: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._seen.get(client, []) if now - t < 60]
            allowed = len(recent) < self._per_minute
            if allowed:
                recent.append(now)
            self._seen[client] = recent
            return allowed


def _page(status: int = 200, **values: object) -> HTMLResponse:
    values.setdefault("code", "")
    values.setdefault("state", "")
    return HTMLResponse(_PAGE.render(**values), status_code=status)


@router.get("/verify", response_class=HTMLResponse)
def verify_form(code: Annotated[str, Query(max_length=32)] = "") -> Response:
    if code.strip():
        return RedirectResponse(f"/verify/{code.strip().upper()}", status_code=303)
    return _page()


@router.get("/verify/{code}", response_class=HTMLResponse)
def verify(request: Request, code: str) -> HTMLResponse:
    client = request.client.host if request.client else "unknown"
    if not request.app.state.verify_limit.allow(client):
        return _page(429, state="", code=code[:16])
    code = code.strip().upper()[:16]
    with request.app.state.db.session() as session:
        row = session.scalar(select(Certificate).where(Certificate.verify_code == code))
        if row is None:
            return _page(404, state="unknown", code=code)
        resident = session.get(Resident, row.resident_id)
        holder = masked_name(resident.name) if resident else ""
        state = "valid" if row.valid_until >= dt.date.today() else "expired"
        return _page(
            state=state,
            code=code,
            title=str(row.document.get("title", "")),
            holder=holder,
            serial=row.serial_no,
            issued=f"{row.issued_at:%Y年%m月%d日}",
            valid_until=f"{row.valid_until:%Y年%m月%d日}",
            hash=content_hash(row.document),
        )
