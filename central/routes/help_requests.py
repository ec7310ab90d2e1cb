"""找人帮忙: a resident at a kiosk asks for a person. The request arrives through the kiosk's
outbox (idempotent by event id: the same request twice is one request, answered alike); the
centre names the helper who will call back and by when, and keeps the resident's phone for
that helper only when they agreed on the kiosk's screen."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from central.errors import REFUSALS
from central.models import Helper, HelpRequest, Resident, ResidentSession
from central.records import masked_name
from central.security import Kiosk
from kiosk.api.models import HelpAnswer
from kiosk.api.models import HelpRequest as HelpRequestBody

router = APIRouter(tags=["events"], responses=REFUSALS)

STAFF_CALL_BACK_MINUTES = 60  # when no helper is registered: the service point's staff


def helper_for(session: Session, kiosk_id: str) -> tuple[str, int]:
    """The kiosk's own helper, else the one for every kiosk, else the service point's staff:
    (the helper's masked name, empty for staff; minutes to call back within)."""
    query = (
        select(Helper)
        .where(or_(Helper.kiosk_id == kiosk_id, Helper.kiosk_id.is_(None)))
        .order_by(Helper.kiosk_id.is_(None), Helper.id)
    )
    helper = session.scalar(query.limit(1))
    if helper is None:
        return "", STAFF_CALL_BACK_MINUTES
    return masked_name(helper.name), helper.call_back_minutes


@router.post("/help-requests", response_model=HelpAnswer)
def help_request(request: Request, kiosk: Kiosk, body: HelpRequestBody) -> HelpAnswer:
    """A resident asks for help; the answer says who calls back, and by when."""
    now = dt.datetime.now(dt.UTC)
    with request.app.state.db.session() as session:
        found = session.get(HelpRequest, body.event_id)
        if found is not None and found.kiosk_id == kiosk.kiosk_id:
            return _answer(body.event_id, True, found.helper_name, found.call_back_by)
        resident = _consenting_resident(session, kiosk.kiosk_id, body)
        helper, minutes = helper_for(session, kiosk.kiosk_id)
        row = HelpRequest(
            event_id=body.event_id,
            kiosk_id=kiosk.kiosk_id,
            service_id=body.service_id,
            resident_id=resident.id if resident else None,
            masked_name=masked_name(resident.name) if resident else None,
            phone=resident.phone if resident else None,
            helper_name=helper,
            call_back_by=now + dt.timedelta(minutes=minutes),
            created_at=now,
        )
        session.add(row)
    return _answer(body.event_id, False, helper, row.call_back_by)


def _answer(event_id: str, duplicate: bool, helper: str, by: dt.datetime) -> HelpAnswer:
    return HelpAnswer(
        event_id=event_id,
        duplicate=duplicate,
        role="helper" if helper else "staff",
        helper=helper,
        call_back_by=by,
    )


def _consenting_resident(session: Session, kiosk_id: str, body: HelpRequestBody) -> Resident | None:
    """The resident of the session named, if they agreed and the session was this kiosk's
    (ended or not: the request may arrive after the resident has left)."""
    if not body.consent or body.session_id is None:
        return None
    opened = session.get(ResidentSession, body.session_id)
    if opened is None or opened.kiosk_id != kiosk_id:
        return None
    return session.get(Resident, opened.resident_id)
