"""Workbench accounts: passwords as scrypt hashes, logins that lock an account after
`FAILURES_BEFORE_LOCK` wrong passwords, browser sessions (an HttpOnly, SameSite=Strict cookie
of which only the hash is stored) and the CSRF token every form of a session carries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from central.models import User, WebSession

log = logging.getLogger(__name__)

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
FAILURES_BEFORE_LOCK = 5
LOCK = dt.timedelta(minutes=15)
SESSION_LIFETIME = dt.timedelta(hours=8)  # a working day
ROLES = ("admin", "clerk")
MIN_PASSWORD_LENGTH = 10
# What add_user and set_password raise (ValueError), for a caller to put in its own words.
# Only the demo's accounts (password `demo`, demo mode only) are made without the length check.
PASSWORD_TOO_SHORT = f"a password has at least {MIN_PASSWORD_LENGTH} characters"
CLERK_WITHOUT_DEPARTMENT = "a clerk belongs to a department (--department)"
# Compared against when the user does not exist: the same time as a real check.
_DUMMY_HASH = ""


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str) -> bool:
    try:
        _scheme, n, r, p, salt, expected = stored.split("$")
        digest = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
        )
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), expected)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Signed:
    """A logged-in user, as a request sees them."""

    user_id: int
    username: str
    role: str
    department_id: str | None
    csrf_token: str


class LoginRefusedError(Exception):
    def __init__(self, message: str, locked: bool = False) -> None:
        super().__init__(message)
        self.message, self.locked = message, locked


def add_user(
    session: Session, username: str, password: str, role: str, department_id: str | None
) -> User:
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if role == "clerk" and not department_id:
        raise ValueError(CLERK_WITHOUT_DEPARTMENT)
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        department_id=department_id if role == "clerk" else None,
        failed_logins=0,
        created_at=dt.datetime.now(dt.UTC),
    )
    session.add(user)
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """A new password, set by an administrator: it unlocks the account and ends every
    session the old one opened."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(PASSWORD_TOO_SHORT)
    user.password_hash = hash_password(password)
    user.failed_logins, user.locked_until = 0, None
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))


def remove_user(session: Session, user: User) -> None:
    """The account and its sessions; its name stays in the timelines it wrote."""
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    session.delete(user)


def log_in(session: Session, username: str, password: str, now: dt.datetime) -> str:
    """A new session's cookie token; LoginRefusedError (the same words whether the user
    exists or not) on a wrong password or a locked account."""
    user = session.scalar(select(User).where(User.username == username))
    stored = user.password_hash if user is not None else _dummy()
    matches = password_matches(password, stored)  # always the same work
    if user is None:
        log.info("login refused: no user %r", username[:40])
        raise LoginRefusedError("用户名或密码错误")
    if user.locked_until is not None and user.locked_until > now:
        log.warning("login refused: %s is locked until %s", user.username, user.locked_until)
        raise LoginRefusedError("错误次数过多，账号已锁定，请15分钟后再试", locked=True)
    if not matches:
        user.failed_logins += 1
        if user.failed_logins >= FAILURES_BEFORE_LOCK:
            user.locked_until, user.failed_logins = now + LOCK, 0
            log.warning("user %s locked for %s after wrong passwords", user.username, LOCK)
        else:
            log.info("login refused: wrong password for %s", user.username)
        session.commit()  # the count stands, though the refusal rolls the rest back
        raise LoginRefusedError("用户名或密码错误")
    user.failed_logins, user.locked_until = 0, None
    token = secrets.token_urlsafe(32)
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    session.add(
        WebSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(24),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    log.info("user %s logged in", user.username)
    return token


def signed_in(session: Session, token: str, now: dt.datetime) -> Signed | None:
    row = session.get(WebSession, _token_hash(token)) if token else None
    if row is None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None:
        return None
    return Signed(user.id, user.username, user.role, user.department_id, row.csrf_token)


def log_out(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(WebSession.token_hash == _token_hash(token)))


def _dummy() -> str:
    global _DUMMY_HASH
    if not _DUMMY_HASH:
        _DUMMY_HASH = hash_password(secrets.token_hex(8))
    return _DUMMY_HASH
