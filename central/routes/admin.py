"""Operations endpoints (admin token): fault injection for tests and demos; demo helpers."""

from __future__ import annotations

from fastapi import APIRouter, Request

from central.errors import ApiRefusal
from central.faults import FaultRules
from central.security import Admin, Kiosk

router = APIRouter(tags=["admin"])
demo_router = APIRouter(tags=["demo"])


@router.get("/admin/faults", response_model=FaultRules, dependencies=[Admin])
def get_faults(request: Request) -> FaultRules:
    return request.app.state.faults.rules


@router.put("/admin/faults", response_model=FaultRules, dependencies=[Admin])
def put_faults(request: Request, body: FaultRules) -> FaultRules:
    """Replace every fault rule at once."""
    request.app.state.faults.rules = body
    return body


@demo_router.get("/v1/demo/sms-codes/{id_number}")
def demo_sms_code(request: Request, kiosk: Kiosk, id_number: str) -> dict[str, str]:
    """Demo mode only: the last code sent, so the demo can show it without a phone."""
    code = request.app.state.demo_sms_codes.get(id_number.upper())
    if code is None:
        raise ApiRefusal(404, "sms_code_not_found", "没有待用的验证码")
    return {"code": code}
