"""Who may call a route, one dependency per kind of caller: a signed kiosk, a resident
session, an admin. A route's signature shows its guard (STYLE.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from central.errors import ApiRefusal
from central.models import Device, Resident, ResidentSession, SeenNonce
from kiosk.api import signing

AUTH_MESSAGE = "终端认证失败，请联系工作人员"


def _refuse(code: str) -> ApiRefusal:
    return ApiRefusal(401, code, AUTH_MESSAGE)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SignedKiosk:
    kiosk_id: str


async def signed_kiosk(request: Request) -> SignedKiosk:
    """Check the four X-Kiosk-* headers against the raw request; refuse with a distinct code."""
    headers = request.headers
    names = (
        signing.HEADER_KIOSK_ID,
        signing.HEADER_TIMESTAMP,
        signing.HEADER_NONCE,
        signing.HEADER_SIGNATURE,
    )
    values = [headers.get(name) for name in names]
    if not all(values):
        raise _refuse("auth_missing_header")
    kiosk_id, timestamp_text, nonce, given = (v or "" for v in values)
    db = request.app.state.db
    with db.session() as session:
        device = session.get(Device, kiosk_id)
        secret = device.secret if device else None
    if secret is None:
        raise _refuse("auth_unknown_kiosk")
    try:
        timestamp = int(timestamp_text)
    except ValueError:
        raise _refuse("auth_bad_timestamp") from None
    if len(nonce) < 2 * signing.NONCE_BYTES:
        raise _refuse("auth_bad_nonce")
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string", b"")
    path_with_query = raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
    canonical = signing.canonical_string(
        request.method, path_with_query, timestamp, nonce, await request.body()
    )
    if not signing.signatures_match(signing.signature(secret, canonical), given):
        raise _refuse("auth_bad_signature")
    now = int(time.time())
    if abs(now - timestamp) > signing.MAX_SKEW_S:
        raise _refuse("auth_clock_skew")
    with db.session() as session:
        session.execute(delete(SeenNonce).where(SeenNonce.seen_at < now - 2 * signing.MAX_SKEW_S))
    try:
        with db.session() as session:
            session.add(SeenNonce(kiosk_id=kiosk_id, nonce=nonce, seen_at=now))
    except IntegrityError:
        raise _refuse("auth_replayed_nonce") from None
    return SignedKiosk(kiosk_id)


Kiosk = Annotated[SignedKiosk, Depends(signed_kiosk)]


@dataclass(frozen=True)
class ResidentCaller:
    kiosk_id: str
    session_id: str
    resident_id: int


async def resident_session(
    request: Request, kiosk: Kiosk, authorization: Annotated[str | None, Header()] = None
) -> ResidentCaller:
    """`Authorization: Session <token>` of a live session opened by this same kiosk."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme != "Session" or not token:
        raise ApiRefusal(401, "session_missing", "请先放置身份证")
    with request.app.state.db.session() as session:
        found = session.scalar(
            select(ResidentSession).where(ResidentSession.token_hash == token_hash(token))
        )
        if found is None or found.kiosk_id != kiosk.kiosk_id:
            raise ApiRefusal(401, "session_invalid", "请重新放置身份证")
        now = dt.datetime.now(dt.UTC)
        if found.ended_at is not None or _aware(found.expires_at) <= now:
            raise ApiRefusal(401, "session_expired", "操作超时，请重新放置身份证")
        resident = session.get(Resident, found.resident_id)
        assert resident is not None
        return ResidentCaller(kiosk.kiosk_id, found.id, resident.id)


Caller = Annotated[ResidentCaller, Depends(resident_session)]


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they were stored as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


async def admin(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    """`Authorization: Bearer <admin token>`. No token configured: no admin at all —
    never trust the caller's address (behind a reverse proxy everyone is loopback)."""
    expected = request.app.state.settings.admin_token
    scheme, _, token = (authorization or "").partition(" ")
    if not expected or scheme != "Bearer" or not hmac.compare_digest(token, expected):
        raise ApiRefusal(403, "admin_forbidden", "无权访问")


Admin = Depends(admin)
