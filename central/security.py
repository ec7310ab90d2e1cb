"""Who may call a route, one dependency per kind of caller: a signed kiosk, a resident
session, an admin. A route's signature shows its guard (STYLE.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from central.db import Database
from central.errors import ApiRefusal
from central.models import SEEN_NONCE_MAX_CHARS, Device, Resident, ResidentSession, SeenNonce
from kiosk.api import signing

log = logging.getLogger(__name__)

AUTH_MESSAGE = "终端认证失败，请联系工作人员"
AUTH_MESSAGE_EN = "This kiosk could not be authenticated; please ask the staff"
NONCE_PRUNE_EVERY_S = 30
ADMIN_FAILURES_PER_MINUTE = 10  # per client address; then 429 until the minute has passed
DEVICE_SECRET_TTL_S = 30.0
# ≥ 16 random bytes in hex (the contract), and no longer than the column that keeps it.
_TIMESTAMP = re.compile(r"[0-9]{1,12}")  # Unix seconds, digits only
_NONCE = re.compile(f"[0-9a-fA-F]{{{2 * signing.NONCE_BYTES},{SEEN_NONCE_MAX_CHARS}}}")


def _refuse(code: str) -> ApiRefusal:
    return ApiRefusal(401, code, AUTH_MESSAGE, AUTH_MESSAGE_EN)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SignedKiosk:
    kiosk_id: str


@dataclass(frozen=True)
class _Signed:
    kiosk_id: str
    timestamp_text: str
    nonce: str
    signature: str
    method: str
    path_with_query: str
    body: bytes


class DeviceSecrets:
    """Kiosk secrets, read from the database at most every `ttl_s` per kiosk.

    Every request needs one; they change only when a kiosk is registered or re-keyed, and a
    changed or revoked secret takes effect within `ttl_s`. Unknown kiosks are never cached,
    so a newly registered one is accepted at once.
    """

    def __init__(self, ttl_s: float = DEVICE_SECRET_TTL_S) -> None:
        self._ttl_s = ttl_s
        self._known: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, kiosk_id: str) -> str | None:
        now = time.monotonic()
        with self._lock:
            cached = self._known.get(kiosk_id)
        if cached is not None and cached[1] > now:
            return cached[0]
        device = session.get(Device, kiosk_id)
        if device is None:
            return None
        with self._lock:
            self._known[kiosk_id] = (device.secret, now + self._ttl_s)
        return device.secret


def _authenticate(db: Database, secrets: DeviceSecrets, signed: _Signed) -> None:
    """One transaction: look the kiosk up, check the signature, record the nonce."""
    with db.session() as session:
        secret = secrets.get(session, signed.kiosk_id)
        if secret is None:
            # Outside, the same answer as a wrong signature: which kiosk ids exist is not
            # for a stranger to find out. The technician reads the difference here.
            log.warning("signed request from an unknown kiosk id %r", signed.kiosk_id[:64])
            raise _refuse("auth_bad_signature")
        if not _TIMESTAMP.fullmatch(signed.timestamp_text):  # int() takes +1, 1_000, ١٢٣
            raise _refuse("auth_bad_timestamp")
        timestamp = int(signed.timestamp_text)
        if not _NONCE.fullmatch(signed.nonce):
            raise _refuse("auth_bad_nonce")
        canonical = signing.canonical_string(
            signed.method, signed.path_with_query, timestamp, signed.nonce, signed.body
        )
        # A header is Latin-1 text; compare_digest refuses non-ASCII str (a 500), bytes never.
        given = signed.signature.lower().encode("latin-1", "replace")
        if not hmac.compare_digest(signing.signature(secret, canonical).encode(), given):
            raise _refuse("auth_bad_signature")
        now = int(time.time())
        if abs(now - timestamp) > signing.MAX_SKEW_S:
            raise _refuse("auth_clock_skew")
        if now - db.nonces_pruned_at >= NONCE_PRUNE_EVERY_S:
            db.nonces_pruned_at = now  # one delete per interval, not one per request
            session.execute(
                delete(SeenNonce).where(SeenNonce.seen_at < now - 2 * signing.MAX_SKEW_S)
            )
        session.add(SeenNonce(kiosk_id=signed.kiosk_id, nonce=signed.nonce, seen_at=now))
        try:
            session.flush()
        except IntegrityError:
            raise _refuse("auth_replayed_nonce") from None


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
    raw_path = request.scope.get("raw_path") or request.url.path.encode()
    query = request.scope.get("query_string", b"")
    path_with_query = raw_path.decode("latin-1") + ("?" + query.decode("latin-1") if query else "")
    body = await request.body()  # bounded before it arrives here (central.body_limit)
    # The database work runs on the thread pool: a blocking SQLite call (up to its busy
    # timeout) on the event loop would stall every request of every kiosk.
    await run_in_threadpool(
        _authenticate,
        request.app.state.db,
        request.app.state.device_secrets,
        _Signed(kiosk_id, timestamp_text, nonce, given, request.method, path_with_query, body),
    )
    return SignedKiosk(kiosk_id)


Kiosk = Annotated[SignedKiosk, Depends(signed_kiosk)]


@dataclass(frozen=True)
class ResidentCaller:
    kiosk_id: str
    session_id: str
    resident_id: int


def resident_session(
    request: Request, kiosk: Kiosk, authorization: Annotated[str | None, Header()] = None
) -> ResidentCaller:
    """`Authorization: Session <token>` of a live session opened by this same kiosk.

    A plain function, so FastAPI runs its database work on the thread pool."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme != "Session" or not token:
        raise ApiRefusal(
            401, "session_missing", "请先放置身份证", "Please place your ID card first"
        )
    with request.app.state.db.session() as session:
        found = session.scalar(
            select(ResidentSession).where(ResidentSession.token_hash == token_hash(token))
        )
        if found is None or found.kiosk_id != kiosk.kiosk_id:
            raise ApiRefusal(
                401, "session_invalid", "请重新放置身份证", "Please place your ID card again"
            )
        now = dt.datetime.now(dt.UTC)
        if found.ended_at is not None or found.expires_at <= now:
            raise ApiRefusal(
                401,
                "session_expired",
                "操作超时，请重新放置身份证",
                "Your session timed out; please place your ID card again",
            )
        resident = session.get(Resident, found.resident_id)
        assert resident is not None
        return ResidentCaller(kiosk.kiosk_id, found.id, resident.id)


Caller = Annotated[ResidentCaller, Depends(resident_session)]


async def admin(request: Request, authorization: Annotated[str | None, Header()] = None) -> None:
    """`Authorization: Bearer <admin token>`. No token configured: no admin at all —
    never trust the caller's address (behind a reverse proxy everyone is loopback). A caller
    that failed `ADMIN_FAILURES_PER_MINUTE` times in a minute is refused before its token is
    even compared."""
    expected = request.app.state.settings.admin_token
    failures = request.app.state.admin_failures
    client = request.client.host if request.client else "unknown"
    if failures.blocked_s(client) is not None:
        log.warning("admin request from %s refused: too many failed tokens", client)
        raise ApiRefusal(
            429,
            "admin_throttled",
            "尝试次数过多，请稍后再试",
            "Too many attempts; please try again later",
            retryable=True,
        )
    scheme, _, token = (authorization or "").partition(" ")
    matches = hmac.compare_digest(token.encode("latin-1"), expected.encode())  # bytes: any text
    if not expected or scheme != "Bearer" or not matches:
        if scheme == "Bearer" and token:  # a guess at the token, not a missing one
            failures.count(client)
        raise ApiRefusal(403, "admin_forbidden", "无权访问", "Not allowed")


Admin = Depends(admin)
