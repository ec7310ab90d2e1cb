"""Events from the kiosks' outboxes: print results, ratings, heartbeats. Idempotent by event id:
the same event twice is stored once and answered `duplicate: true`."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from central.db import Database
from central.errors import REFUSALS, ApiRefusal
from central.models import Certificate, ReceivedEvent, Reprint, Service, SupportRequest
from central.routes.catalog import notices
from central.security import Kiosk, SignedKiosk
from kiosk.api.models import Accepted, Heartbeat, HeartbeatAnswer, PrintResult, Rating
from kiosk.api.models import SupportRequest as SupportRequestModel

router = APIRouter(tags=["events"], responses=REFUSALS)


def store(
    db: Database, kiosk: SignedKiosk, kind: str, subject: str | None, event: BaseModel
) -> bool:
    """Store the event once; True when it was new."""
    event_id = event.event_id  # type: ignore[attr-defined]
    try:
        with db.session() as session:  # insert first: a duplicate is the rare case
            session.add(
                ReceivedEvent(
                    event_id=event_id,
                    kiosk_id=kiosk.kiosk_id,
                    kind=kind,
                    subject=subject,
                    body=event.model_dump(mode="json"),
                    received_at=dt.datetime.now(dt.UTC),
                )
            )
    except IntegrityError:  # the same event raced in on another connection
        return False
    return True


def _handed_to(session: Session, certificate_id: str, kiosk_id: str) -> bool:
    """Whether this kiosk was given the certificate: when it was issued, or as a reprint."""
    certificate = session.get(Certificate, certificate_id)
    if certificate is None:
        return False
    if certificate.kiosk_id == kiosk_id:
        return True
    reprinted = select(Reprint).where(
        Reprint.certificate_id == certificate_id, Reprint.kiosk_id == kiosk_id
    )
    return session.scalar(reprinted.limit(1)) is not None


@router.post("/certificates/{certificate_id}/print-result", response_model=Accepted)
def print_result(
    request: Request, kiosk: Kiosk, certificate_id: str, body: PrintResult
) -> Accepted:
    """Whether a certificate came out of this kiosk's printer."""
    db = request.app.state.db
    with db.session() as session:
        if not _handed_to(session, certificate_id, kiosk.kiosk_id):
            raise ApiRefusal(404, "certificate_not_found", "证明不存在", "No such certificate")
    new = store(db, kiosk, "print_result", certificate_id, body)
    return Accepted(event_id=body.event_id, duplicate=not new)


@router.post("/ratings", response_model=Accepted)
def rating(request: Request, kiosk: Kiosk, body: Rating) -> Accepted:
    """好差评: a resident's rating of one service, one the catalog has."""
    db = request.app.state.db
    with db.session() as session:
        if session.get(Service, body.service_id) is None:
            raise ApiRefusal(404, "service_not_found", "该服务不存在", "No such service")
    new = store(db, kiosk, "rating", body.service_id, body)
    return Accepted(event_id=body.event_id, duplicate=not new)


@router.post("/heartbeat", response_model=HeartbeatAnswer)
def heartbeat(request: Request, kiosk: Kiosk, body: Heartbeat) -> HeartbeatAnswer:
    """Device health in; out: the config version, the announcements and alerts in force (for
    every kiosk and for this one, read now: an alert set a moment ago is in the next answer),
    and what technicians asked of this kiosk."""
    db = request.app.state.db
    store(db, kiosk, "heartbeat", None, body)
    catalog, _ = request.app.state.catalog_cache.get(db)
    with db.session() as session:
        announcements, alerts = notices(session, kiosk.kiosk_id)
        asked = session.scalars(
            select(SupportRequest)
            .where(SupportRequest.kiosk_id == kiosk.kiosk_id, SupportRequest.uploaded_at.is_(None))
            .order_by(SupportRequest.requested_at)
            .limit(10)
        ).all()
        support = [SupportRequestModel(id=row.id, kind=row.kind) for row in asked]
    return HeartbeatAnswer(
        config_version=catalog.config_version,
        announcements=announcements,
        alerts=alerts,
        support_requests=support,
    )
