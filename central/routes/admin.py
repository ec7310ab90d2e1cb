"""Operations endpoints (admin token): revoking certificates on every centre; fault injection
for tests and demos; demo helpers."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from central.errors import ApiRefusal
from central.faults import FaultRules
from central.revocation import RevocationReason, public_reason, revoke
from central.security import Admin, Kiosk
from kiosk.api.models import DemoSmsCode

router = APIRouter(tags=["admin"])  # fault injection: only where it is switched on
operations_router = APIRouter(tags=["admin"])  # on every centre that has an admin token
demo_router = APIRouter(tags=["demo"])


class RevocationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: RevocationReason = Field(
        description="why, as a code; the verification page shows it in words for the public"
    )


class Revocation(BaseModel):
    serial_no: str
    revoked_at: dt.datetime
    reason: str
    public_reason: str = Field(description="what the verification page says")


@operations_router.post(
    "/admin/certificates/{serial_no}/revoke", response_model=Revocation, dependencies=[Admin]
)
def revoke_certificate(request: Request, serial_no: str, body: RevocationRequest) -> Revocation:
    """Revoke a certificate for good (撤销); 409 when it was revoked already."""
    with request.app.state.db.session() as session:
        row = revoke(session, serial_no, body.reason, dt.datetime.now(dt.UTC))
        assert row.revoked_at is not None
        return Revocation(
            serial_no=row.serial_no,
            revoked_at=row.revoked_at,
            reason=body.reason,
            public_reason=public_reason(body.reason),
        )


@router.get("/admin/faults", response_model=FaultRules, dependencies=[Admin])
def get_faults(request: Request) -> FaultRules:
    return request.app.state.faults.rules


@router.put("/admin/faults", response_model=FaultRules, dependencies=[Admin])
def put_faults(request: Request, body: FaultRules) -> FaultRules:
    """Replace every fault rule at once."""
    request.app.state.faults.rules = body
    return body


@demo_router.get("/v1/demo/sms-codes/{id_number}", response_model=DemoSmsCode)
def demo_sms_code(request: Request, kiosk: Kiosk, id_number: str) -> DemoSmsCode:
    """Demo mode only: the last code sent, so the demo can show it without a phone."""
    code = request.app.state.demo_sms_codes.get(id_number.upper())
    if code is None:
        raise ApiRefusal(
            404, "sms_code_not_found", "没有待用的验证码", "No code is waiting to be used"
        )
    return DemoSmsCode(code=code)
