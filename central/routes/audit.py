"""Audit events from the kiosks' outboxes (what technicians did and tried there), stored once
per event id and listed by `kiosk-central audit list`. Details that look like a resident's data
(an ID number, a mobile number) are refused: the audit trail holds none."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request

from central.errors import REFUSALS, ApiRefusal
from central.logs import ID_NUMBER
from central.routes.events import store
from central.security import Kiosk
from kiosk.api.models import Accepted, AuditEvent

router = APIRouter(tags=["events"], responses=REFUSALS)

MOBILE_NUMBER = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")


@router.post("/audit-events", response_model=Accepted)
def audit_event(request: Request, kiosk: Kiosk, body: AuditEvent) -> Accepted:
    """One event of a kiosk's audit trail."""
    for key, value in body.details.items():
        text = str(value)
        if ID_NUMBER.search(text) or MOBILE_NUMBER.search(text):
            raise ApiRefusal(
                422,
                "audit_personal_data",
                "审计记录不能包含个人信息",
                f"Audit details must hold no personal data (details.{key})",
            )
    new = store(request.app.state.db, kiosk, "audit", body.kind, body)
    return Accepted(event_id=body.event_id, duplicate=not new)
