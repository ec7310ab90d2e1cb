from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets

from fastapi import APIRouter, Request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central.errors import REFUSALS, ApiRefusal
from central.models import Certificate, Resident, Service
from central.records import certificate_document
from central.security import Caller, ResidentCaller
from kiosk.api.models import CertificateAnswer, CertificateRequest, Document, Verification

router = APIRouter(tags=["certificates"], responses=REFUSALS)

VALIDITY = dt.timedelta(days=90)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone


def content_hash(document: dict[str, object]) -> str:
    """16 hex digits of the document's SHA-256, in groups of four: short enough to read
    off paper and compare, long enough that an altered printout will not match."""
    canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:16].upper()
    return "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def _answer(request: Request, row: Certificate) -> CertificateAnswer:
    base = request.app.state.settings.public_url.rstrip("/")
    return CertificateAnswer(
        certificate_id=row.id,
        serial_no=row.serial_no,
        issued_at=row.issued_at,
        verify=Verification(
            url=f"{base}/verify/{row.verify_code}",
            code=row.verify_code,
            valid_until=row.valid_until,
            content_hash=content_hash(row.document),
        ),
        document=Document.model_validate(row.document),
    )


def _existing(
    session: Session, caller: ResidentCaller, body: CertificateRequest
) -> Certificate | None:
    found = session.scalar(
        select(Certificate).where(
            Certificate.kiosk_id == caller.kiosk_id,
            Certificate.idempotency_key == body.idempotency_key,
        )
    )
    if found is not None and (found.resident_id, found.service_id) != (
        caller.resident_id,
        body.service_id,
    ):
        raise ApiRefusal(409, "idempotency_conflict", "请求重复，请重新操作")
    return found


@router.post("/certificates", response_model=CertificateAnswer)
def issue_certificate(
    request: Request, caller: Caller, body: CertificateRequest
) -> CertificateAnswer:
    """Issue a certificate; the same idempotency key returns the same one, never a second."""
    db = request.app.state.db
    try:
        with db.session() as session:
            existing = _existing(session, caller, body)
            if existing is not None:
                return _answer(request, existing)
            service = session.get(Service, body.service_id)
            if service is None or service.kind != "certificate":
                raise ApiRefusal(404, "service_not_found", "该服务不存在")
            if not service.enabled:
                raise ApiRefusal(409, "service_disabled", "该服务暂停办理")
            resident = session.get(Resident, caller.resident_id)
            assert resident is not None
            now = dt.datetime.now(dt.UTC)
            document = certificate_document(session, body.service_id, resident, now.date())
            row = Certificate(
                id=secrets.token_hex(8),
                serial_no=f"ZM{now:%Y%m%d}{secrets.randbelow(10**8):08d}",
                resident_id=resident.id,
                service_id=service.id,
                kiosk_id=caller.kiosk_id,
                idempotency_key=body.idempotency_key,
                issued_at=now,
                verify_code="".join(secrets.choice(_CODE_ALPHABET) for _ in range(12)),
                valid_until=now.date() + VALIDITY,
                document=document.model_dump(mode="json"),
            )
            session.add(row)
    except IntegrityError:
        # A twin request with the same key committed first: answer with its certificate.
        with db.session() as session:
            existing = _existing(session, caller, body)
            if existing is None:
                raise
            return _answer(request, existing)
    return _answer(request, row)
