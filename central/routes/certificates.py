from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets

from fastapi import APIRouter, Request
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central.clock import local_day_start, local_today
from central.errors import REFUSALS, ApiRefusal
from central.models import Certificate, ReceivedEvent, Reprint, Resident, Service
from central.records import certificate_document
from central.revocation import certificate_state
from central.security import Caller, ResidentCaller
from kiosk.api.models import (
    CertificateAnswer,
    CertificatePreview,
    CertificatePreviewRequest,
    CertificateRequest,
    Document,
    Verification,
)

log = logging.getLogger(__name__)
router = APIRouter(tags=["certificates"], responses=REFUSALS)

VALIDITY = dt.timedelta(days=90)
# A printout that failed may be printed again, as the same certificate, within this time.
REPRINT_WINDOW = dt.timedelta(hours=24)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
CODE_LENGTH = 12


def content_hash(serial_no: str, document: dict[str, object]) -> str:
    """16 hex digits of the SHA-256 of the serial and the document, in groups of four: short
    enough to read off paper and compare, long enough that an altered printout will not
    match. The serial is in it, so two certificates of the same content differ."""
    canonical = json.dumps(
        {"serial_no": serial_no, "document": document},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:16].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def _answer(request: Request, row: Certificate, *, reprint: bool = False) -> CertificateAnswer:
    base = request.app.state.settings.public_url.rstrip("/")
    return CertificateAnswer(
        reprint=reprint,
        certificate_id=row.id,
        serial_no=row.serial_no,
        issued_at=row.issued_at,
        verify=Verification(
            url=f"{base}/verify/{row.verify_code}",
            code=row.verify_code,
            valid_until=row.valid_until,
            content_hash=content_hash(row.serial_no, row.document),
        ),
        document=Document.model_validate(row.document),
    )


def _existing(
    session: Session, caller: ResidentCaller, body: CertificateRequest
) -> tuple[Certificate, bool] | None:
    """What this kiosk's idempotency key was answered before, and whether as a reprint."""
    found = session.scalar(
        select(Certificate).where(
            Certificate.kiosk_id == caller.kiosk_id,
            Certificate.idempotency_key == body.idempotency_key,
        )
    )
    reprint = False
    if found is None:
        handed = session.get(Reprint, (caller.kiosk_id, body.idempotency_key))
        found = None if handed is None else session.get(Certificate, handed.certificate_id)
        reprint = found is not None
    if found is None:
        return None
    if (found.resident_id, found.service_id) != (caller.resident_id, body.service_id):
        raise ApiRefusal(
            409,
            "idempotency_conflict",
            "请求重复，请重新操作",
            "A repeated request; please start again",
        )
    return found, reprint


def _reprintable(
    session: Session, caller: ResidentCaller, service_id: str, now: dt.datetime
) -> Certificate | None:
    """This resident's certificate of this service whose printout failed: issued within
    REPRINT_WINDOW, neither revoked nor expired, a `failed` print result and no `printed`
    one (from any kiosk). Once printed, a certificate is never handed out again this way."""
    candidates = session.scalars(
        select(Certificate)
        .where(
            Certificate.resident_id == caller.resident_id,
            Certificate.service_id == service_id,
            Certificate.issued_at >= now - REPRINT_WINDOW,
            Certificate.revoked_at.is_(None),
        )
        .order_by(Certificate.issued_at.desc())
    ).all()
    candidates = [c for c in candidates if certificate_state(c, local_today(now)) == "valid"]
    if not candidates:
        return None
    results = session.scalars(
        select(ReceivedEvent).where(
            ReceivedEvent.kind == "print_result",
            ReceivedEvent.subject.in_([c.id for c in candidates]),
        )
    ).all()
    outcomes: dict[str, set[object]] = {}
    for event in results:
        outcomes.setdefault(event.subject or "", set()).add(event.body.get("status"))
    for candidate in candidates:  # newest first
        seen = outcomes.get(candidate.id, set())
        if "failed" in seen and "printed" not in seen:
            return candidate
    return None


def _certificate_service(session: Session, service_id: str) -> Service:
    service = session.get(Service, service_id)
    if service is None or service.kind != "certificate":
        raise ApiRefusal(404, "service_not_found", "该服务不存在", "No such service")
    if not service.enabled:
        raise ApiRefusal(
            409, "service_disabled", "该服务暂停办理", "This service is paused for now"
        )
    return service


def _refuse_past_daily_limit(
    request: Request, session: Session, caller: ResidentCaller, service_id: str, now: dt.datetime
) -> None:
    """A new certificate of a service, at most `certificates_per_day` a local day per resident:
    any number of idempotency keys must not mean any number of certificates in circulation."""
    limit = request.app.state.settings.certificates_per_day
    issued = session.scalar(
        select(func.count())
        .select_from(Certificate)
        .where(
            Certificate.resident_id == caller.resident_id,
            Certificate.service_id == service_id,
            Certificate.issued_at >= local_day_start(now),
        )
    )
    if (issued or 0) >= limit:
        log.info("certificate %s refused: %d issued today, the limit", service_id, issued)
        raise ApiRefusal(
            403,
            "certificate_daily_limit",
            f"此项证明今天已开具{issued}份，如需更多请到窗口办理",
            f"This certificate was issued {issued} times today; for more, please ask at "
            "the counter",
        )


@router.post("/certificates/preview", response_model=CertificatePreview)
def preview_certificate(
    request: Request, caller: Caller, body: CertificatePreviewRequest
) -> CertificatePreview:
    """What `POST /certificates` would issue now, without issuing or storing anything: the
    kiosk shows it before 确认打印, and only that issues. When the resident has a certificate
    of this service whose printout failed, the issue would hand that one out again, so the
    preview shows its document."""
    base = request.app.state.settings.public_url.rstrip("/")
    with request.app.state.db.session() as session:
        _certificate_service(session, body.service_id)
        now = dt.datetime.now(dt.UTC)
        again = _reprintable(session, caller, body.service_id, now)
        if again is not None:
            document = Document.model_validate(again.document)
            valid_until = again.valid_until
        else:
            _refuse_past_daily_limit(request, session, caller, body.service_id, now)
            resident = session.get(Resident, caller.resident_id)
            assert resident is not None
            document = certificate_document(session, body.service_id, resident, local_today(now))
            valid_until = local_today(now) + VALIDITY
    return CertificatePreview(
        document=document, valid_until=valid_until, verify_base_url=f"{base}/verify/"
    )


@router.post("/certificates", response_model=CertificateAnswer)
def issue_certificate(
    request: Request, caller: Caller, body: CertificateRequest
) -> CertificateAnswer:
    """Issue a certificate; the same idempotency key returns the same one, never a second.

    A new key, when this resident has a certificate of this service from the last 24 hours,
    neither revoked nor expired, whose printout failed and never succeeded, returns that
    same certificate with `reprint` true: one certificate in circulation, not two."""
    db = request.app.state.db
    try:
        with db.session() as session:
            existing = _existing(session, caller, body)
            if existing is not None:
                return _answer(request, existing[0], reprint=existing[1])
            service = _certificate_service(session, body.service_id)
            now = dt.datetime.now(dt.UTC)
            again = _reprintable(session, caller, body.service_id, now)
            if again is not None:
                session.add(
                    Reprint(
                        kiosk_id=caller.kiosk_id,
                        idempotency_key=body.idempotency_key,
                        certificate_id=again.id,
                        handed_out_at=now,
                    )
                )
                return _answer(request, again, reprint=True)
            _refuse_past_daily_limit(request, session, caller, body.service_id, now)
            resident = session.get(Resident, caller.resident_id)
            assert resident is not None
            document = certificate_document(session, body.service_id, resident, local_today(now))
            row = Certificate(
                id=secrets.token_hex(8),
                serial_no=f"ZM{local_today(now):%Y%m%d}{secrets.randbelow(10**8):08d}",
                resident_id=resident.id,
                service_id=service.id,
                kiosk_id=caller.kiosk_id,
                idempotency_key=body.idempotency_key,
                issued_at=now,
                verify_code="".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH)),
                valid_until=local_today(now) + VALIDITY,
                document=document.model_dump(mode="json"),
            )
            session.add(row)
    except IntegrityError:
        # A twin request with the same key committed first: answer with its certificate.
        with db.session() as session:
            existing = _existing(session, caller, body)
            if existing is None:
                raise
            return _answer(request, existing[0], reprint=existing[1])
    return _answer(request, row)
