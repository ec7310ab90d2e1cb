from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

from fastapi import APIRouter, Request, Response
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from central.clock import local_today
from central.db import Database
from central.errors import REFUSALS, ApiRefusal
from central.models import Resident, ResidentSession, SmsCode
from central.notify import masked_phone
from central.records import masked_id, masked_name
from central.security import Kiosk, token_hash
from kiosk.api.models import (
    ResidentSummary,
    SessionAnswer,
    SessionByIdCard,
    SessionBySms,
    SessionBySsCard,
    SessionRequest,
    SmsCodeAnswer,
    SmsCodeRequest,
)

log = logging.getLogger(__name__)
router = APIRouter(tags=["sessions"], responses=REFUSALS)

SESSION_LIFETIME = dt.timedelta(minutes=30)
SMS_LIFETIME = dt.timedelta(minutes=5)
SMS_RESEND_AFTER = dt.timedelta(seconds=60)
SMS_MAX_ATTEMPTS = 5


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _code_hash(resident_id: int, code: str) -> str:
    return hashlib.sha256(f"{resident_id}:{code}".encode()).hexdigest()


def _resident_by_number(session: Session, id_number: str) -> Resident:
    resident = session.scalar(select(Resident).where(Resident.id_number == id_number.upper()))
    if resident is None:
        raise ApiRefusal(
            404,
            "resident_not_found",
            "未查询到您的信息，请到村便民服务站窗口办理",
            "We could not find your records; please ask at the village service station counter",
        )
    return resident


@router.post("/sms-codes", response_model=SmsCodeAnswer)
def send_sms_code(request: Request, kiosk: Kiosk, body: SmsCodeRequest) -> SmsCodeAnswer:
    """Send a six-digit code to the phone on file (the reference sender records it)."""
    with request.app.state.db.session() as session:
        resident = _resident_by_number(session, body.id_number)
        latest = session.scalar(
            select(SmsCode).where(SmsCode.resident_id == resident.id).order_by(SmsCode.id.desc())
        )
        now = _now()
        if latest and latest.expires_at - SMS_LIFETIME + SMS_RESEND_AFTER > now:
            raise ApiRefusal(
                429,
                "sms_too_soon",
                "验证码已发送，请稍后再试",
                "A code was sent already; please try again shortly",
                retryable=True,
            )
        code = f"{secrets.randbelow(1_000_000):06d}"
        session.add(
            SmsCode(
                resident_id=resident.id,
                code_hash=_code_hash(resident.id, code),
                expires_at=now + SMS_LIFETIME,
                attempts=0,
                used=False,
            )
        )
        request.app.state.sms.send(
            session,
            resident.phone,
            f"您的验证码为{code}，5分钟内有效。",  # the gateway adds the 【signature】
        )
        log.info("SMS code for kiosk %s", kiosk.kiosk_id)
        if request.app.state.settings.demo:
            request.app.state.demo_sms_codes[resident.id_number] = code
        return SmsCodeAnswer(
            sent_to=masked_phone(resident.phone), expires_in_s=int(SMS_LIFETIME.total_seconds())
        )


def _check_card(resident: Resident, body: SessionByIdCard) -> None:
    card = body.card
    if card.name != resident.name or card.birth_date != resident.birth_date:
        log.warning("card data disagrees with the register for kiosk reader %s", body.sam_id)
        raise ApiRefusal(
            403,
            "card_mismatch",
            "身份证信息核验失败，请到窗口办理",
            "Your ID card could not be verified; please ask at the counter",
        )
    if card.valid_until is not None and card.valid_until < local_today():
        raise ApiRefusal(
            403,
            "card_expired",
            "您的身份证已过期，请到派出所换领",
            "Your ID card has expired; please renew it at the police station",
        )


def _check_sscard(resident: Resident, body: SessionBySsCard) -> None:
    if body.name != resident.name:
        log.warning("social security card data disagrees with the register")
        raise ApiRefusal(
            403,
            "card_mismatch",
            "社会保障卡信息核验失败，请到窗口办理",
            "Your social security card could not be verified; please ask at the counter",
        )


def _claim_sms_attempt(db: Database, id_number: str) -> tuple[int, int]:
    """Count this try against the resident's newest unused code before the code is compared,
    in a transaction of its own, with one conditional UPDATE: parallel guesses each take one
    of the code's attempts or are refused, on SQLite and PostgreSQL alike. The code's id and
    which attempt this is (read under the UPDATE's lock, so it is this request's own)."""
    with db.session() as session:
        resident = _resident_by_number(session, id_number)
        sms = session.scalar(
            select(SmsCode)
            .where(SmsCode.resident_id == resident.id, SmsCode.used.is_(False))
            .order_by(SmsCode.id.desc())
        )
        if sms is None or sms.expires_at <= _now():
            raise ApiRefusal(
                403,
                "sms_code_expired",
                "验证码已失效，请重新获取",
                "The code has expired; please ask for a new one",
            )
        counted = session.execute(
            update(SmsCode)
            .where(SmsCode.id == sms.id, SmsCode.attempts < SMS_MAX_ATTEMPTS)
            .values(attempts=SmsCode.attempts + 1)
        )
        if counted.rowcount != 1:  # type: ignore[attr-defined]
            raise _too_many_attempts()
        attempt = session.scalar(select(SmsCode.attempts).where(SmsCode.id == sms.id))
        return sms.id, attempt or SMS_MAX_ATTEMPTS


def _check_sms(session: Session, claimed: tuple[int, int], resident: Resident, code: str) -> None:
    """Compare the code whose attempt was counted; a right one is used up at once, so two
    parallel requests with it open one session, not two."""
    sms_id, attempt = claimed
    sms = session.get(SmsCode, sms_id)
    assert sms is not None
    if not secrets.compare_digest(sms.code_hash, _code_hash(resident.id, code)):
        if attempt >= SMS_MAX_ATTEMPTS:
            raise _too_many_attempts()  # that was the last try the code allowed
        raise ApiRefusal(
            403,
            "sms_code_wrong",
            "验证码不正确，请重新输入",
            "The code is wrong; please enter it again",
        )
    used = session.execute(
        update(SmsCode).where(SmsCode.id == sms_id, SmsCode.used.is_(False)).values(used=True)
    )
    if used.rowcount != 1:  # type: ignore[attr-defined]
        raise ApiRefusal(
            403,
            "sms_code_expired",
            "验证码已失效，请重新获取",
            "The code has expired; please ask for a new one",
        )


def _too_many_attempts() -> ApiRefusal:
    return ApiRefusal(
        403,
        "sms_code_attempts",
        "验证码输入错误次数过多，请重新获取验证码",
        "Too many wrong codes; please ask for a new one",
    )


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@router.post("/sessions", response_model=SessionAnswer)
def open_session(request: Request, kiosk: Kiosk, body: SessionRequest) -> SessionAnswer:
    """A resident session, by an ID card's or a social security card's fields, or by ID
    number and SMS code."""
    db = request.app.state.db
    claimed = _claim_sms_attempt(db, body.id_number) if isinstance(body, SessionBySms) else (0, 0)
    with db.session() as session:
        if isinstance(body, SessionBySms):
            resident = _resident_by_number(session, body.id_number)
            _check_sms(session, claimed, resident, body.code)
        elif isinstance(body, SessionBySsCard):
            # 社会保障号码 is the holder's ID number (reference/smartcards.md §4)
            resident = _resident_by_number(session, body.social_security_number)
            _check_sscard(resident, body)
        else:
            resident = _resident_by_number(session, body.card.id_number)
            _check_card(resident, body)
        token = secrets.token_urlsafe(32)
        now = _now()
        row = ResidentSession(
            id=secrets.token_hex(8),
            token_hash=token_hash(token),
            resident_id=resident.id,
            kiosk_id=kiosk.kiosk_id,
            method=body.method,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
        session.add(row)
        return SessionAnswer(
            token=token,
            session_id=row.id,
            expires_at=row.expires_at,
            resident=ResidentSummary(
                display_name=masked_name(resident.name),
                masked_id=masked_id(resident.id_number),
                age=_age(resident.birth_date, local_today()),
                flags=list(resident.flags),
            ),
        )


@router.delete("/sessions/{token}", status_code=204)
def close_session(request: Request, kiosk: Kiosk, token: str) -> Response:
    """End a session (the resident left); an unknown or foreign token is 404."""
    with request.app.state.db.session() as session:
        found = session.scalar(
            select(ResidentSession).where(ResidentSession.token_hash == token_hash(token))
        )
        if found is None or found.kiosk_id != kiosk.kiosk_id:
            raise ApiRefusal(404, "session_not_found", "会话不存在", "No such session")
        found.ended_at = found.ended_at or _now()
    return Response(status_code=204)
