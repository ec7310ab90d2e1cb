"""The public verification page: anyone holding a certificate (a bank clerk, a school) can
check it. No login; rate-limited per client; never a full ID number; an unknown code says
only that this code is unknown. A revoked certificate says so, with the date and a reason in
words for the public, before anything else (revoked > expired > valid)."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment
from sqlalchemy import select

from central.clock import local_time, local_today
from central.models import Certificate, Resident
from central.records import masked_name
from central.revocation import certificate_state, public_reason
from central.routes.certificates import CODE_ALPHABET, CODE_LENGTH, content_hash

router = APIRouter(tags=["verification"])

REQUESTS_PER_MINUTE = 20
_VERDICTS = {"valid": "证明有效", "expired": "证明已过核验有效期", "revoked": "证明已撤销"}
_PAGE_SOURCE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>证明核验{% if state in verdicts %} - {{ verdicts[state] }}{% endif %}</title>
<style>
* { box-sizing: border-box; }
body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC",
       "Microsoft YaHei", "PingFang SC", sans-serif; margin: 0; background: #f3f6fa;
       color: #1a1f2b; line-height: 1.5; }
main { max-width: 40rem; margin: 2rem auto; background: #fff; padding: 2rem;
       border: 1px solid #c5cedc; border-radius: 8px; }
h1 { font-size: 1.5rem; margin-top: 0; }
.state { padding: .75rem 1rem; border-radius: 6px; border-left: .5rem solid; margin: 1rem 0; }
.state p { margin: .25rem 0; }
.verdict { font-size: 1.25rem; font-weight: bold; }
.valid { background: #e3f5e6; color: #155724; border-color: #2e8540; }
.expired { background: #fff4d6; color: #6b4500; border-color: #c98a00; }
.revoked { background: #a4161a; color: #fff; border-color: #5c0b0e; }
.revoked .verdict { font-size: 1.75rem; letter-spacing: .1em; }
.unknown { background: #eef1f5; color: #3a4356; border-color: #7a8599; }
dl { display: grid; grid-template-columns: 8rem minmax(0, 1fr); gap: .5rem 1rem; }
dt { color: #4a5468; } dd { margin: 0; overflow-wrap: anywhere; }
dl.void dd { color: #6b7280; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-weight: bold; }
small { display: block; color: #4a5468; }
form { margin-top: 1.5rem; display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
input { font-size: 1rem; padding: .4rem; width: 14rem; max-width: 100%; }
button { font-size: 1rem; padding: .4rem 1rem; }
@media (max-width: 30rem) {
  body { background: #fff; }
  main { margin: 0; border: 0; border-radius: 0; padding: 1rem; }
  dl { grid-template-columns: minmax(0, 1fr); gap: 0; }
  dd { margin-bottom: .5rem; }
}
</style></head><body><main>
<h1>政务服务证明核验</h1>
{% if state == "limited" %}
<div class="state unknown"><p class="verdict">查询过于频繁，请一分钟后再试</p></div>
{% elif state == "unknown" %}
<div class="state unknown"><p class="verdict">未找到验证码“{{ code }}”对应的证明</p>
<p>请核对验证码是否输入正确（不区分大小写，不含 0、O、1、I）。</p></div>
{% elif state %}
<div class="state {{ state }}" role="status"><p class="verdict">{{ verdicts[state] }}</p>
{% if state == "revoked" %}
<p>出具单位已于{{ revoked }}撤销此证明，它不能再作为办事依据。</p>
<p>撤销原因：{{ reason }}</p>
{% elif state == "expired" %}
<p>核验有效期已届满，如需使用请重新开具。</p>
{% endif %}
</div>
<dl{% if state == "revoked" %} class="void"{% endif %}>
<dt>证明名称</dt><dd>{{ title }}</dd>
<dt>持有人</dt><dd>{{ holder }}</dd>
<dt>编号</dt><dd>{{ serial }}</dd>
<dt>开具日期</dt><dd>{{ issued }}</dd>
<dt>核验有效期至</dt><dd>{{ valid_until }}</dd>
<dt>内容校验码</dt><dd><span class="hash">{{ hash }}</span>
<small>与纸质证明上印的校验码一致，才说明内容未被改动</small></dd>
</dl>
{% endif %}
<form action="/verify" method="get"><label for="code">验证码</label>
<input id="code" name="code" value="{{ code }}" maxlength="16" autocomplete="off">
<button>核验</button></form>
</main></body></html>"""
_PAGE = Environment(autoescape=True).from_string(_PAGE_SOURCE)


_STYLE = re.search(r"<style>(.*?)</style>", _PAGE_SOURCE, re.DOTALL)
assert _STYLE is not None
PAGE_STYLE = _STYLE.group(1)  # the progress page wears it too, under the same policy
_STYLE_HASH = base64.b64encode(hashlib.sha256(PAGE_STYLE.encode()).digest()).decode()
# The page is one HTML document with its own style block: nothing else may load or run, it
# may not be framed, and it is never cached (a revocation must show at once).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src 'self'; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
_VALID_CODE = re.compile(f"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")


def _normalized(code: str) -> str:
    """As a person types it: any case, with spaces or hyphens between the groups."""
    return re.sub(r"[\s-]", "", code).upper()


def _page(status: int = 200, **values: object) -> HTMLResponse:
    values.setdefault("code", "")
    values.setdefault("state", "")
    values["verdicts"] = _VERDICTS
    return HTMLResponse(_PAGE.render(**values), status_code=status, headers=SECURITY_HEADERS)


@router.get("/verify", response_class=HTMLResponse)
def verify_form(code: Annotated[str, Query(max_length=32)] = "") -> Response:
    """The form; a code typed into it goes to its own page, anything else that is not a code
    is answered here as an unknown code, never put into a URL."""
    if not code.strip():
        return _page()
    typed = _normalized(code)
    if not _VALID_CODE.fullmatch(typed):
        return _page(404, state="unknown", code=code.strip()[:16])
    return RedirectResponse(f"/verify/{typed}", status_code=303, headers=SECURITY_HEADERS)


@router.get("/verify/{code}", response_class=HTMLResponse)
def verify(request: Request, code: str) -> HTMLResponse:
    client = request.client.host if request.client else "unknown"
    wait_s = request.app.state.verify_limit.retry_after_s(client)
    if wait_s is not None:
        limited = _page(429, state="limited", code=code[:16])
        limited.headers["Retry-After"] = str(wait_s)
        return limited
    code = _normalized(code)[:16]
    if not _VALID_CODE.fullmatch(code):
        return _page(404, state="unknown", code=code)
    with request.app.state.db.session() as session:
        row = session.scalar(select(Certificate).where(Certificate.verify_code == code))
        if row is None:
            return _page(404, state="unknown", code=code)
        resident = session.get(Resident, row.resident_id)
        holder = masked_name(resident.name) if resident else ""
        # valid_until was counted from the UTC date of issue: compare it with the same clock.
        state = certificate_state(row, local_today())
        return _page(
            state=state,
            code=code,
            title=str(row.document.get("title", "")),
            holder=holder,
            serial=row.serial_no,
            issued=f"{local_time(row.issued_at):%Y年%m月%d日}",
            valid_until=f"{row.valid_until:%Y年%m月%d日}",
            hash=content_hash(row.serial_no, row.document),
            revoked=f"{local_time(row.revoked_at):%Y年%m月%d日}" if row.revoked_at else "",
            reason=public_reason(row.revocation_reason),
        )
