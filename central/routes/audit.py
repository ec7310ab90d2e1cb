"""Audit events from the kiosks' outboxes (what technicians did and tried there), stored once
per event id and listed by `kiosk-central audit list`. The contract itself keeps a resident's
data out: no detail may hold a run of digits as long as an ID or mobile number, so such an
event is refused as invalid (422 validation_error) before it is stored."""

from __future__ import annotations

from fastapi import APIRouter, Request

from central.errors import REFUSALS
from central.routes.events import store
from central.security import Kiosk
from kiosk.api.models import Accepted, AuditEvent

router = APIRouter(tags=["events"], responses=REFUSALS)


@router.post("/audit-events", response_model=Accepted)
def audit_event(request: Request, kiosk: Kiosk, body: AuditEvent) -> Accepted:
    """One event of a kiosk's audit trail."""
    new = store(request.app.state.db, kiosk, "audit", body.kind, body)
    return Accepted(event_id=body.event_id, duplicate=not new)
