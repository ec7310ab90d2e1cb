from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from central.errors import REFUSALS, ApiRefusal
from central.models import Service
from central.records import RECORDS, records
from central.security import Caller
from kiosk.api.models import RecordsAnswer

router = APIRouter(tags=["records"], responses=REFUSALS)


@router.get("/records/{service_id}", response_model=RecordsAnswer)
def get_records(
    request: Request,
    caller: Caller,
    service_id: str,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=100)] = 20,
) -> RecordsAnswer:
    """One page of the resident's records for a records service, newest first."""
    with request.app.state.db.session() as session:
        service = session.get(Service, service_id)
        if service is None or service.kind != "records" or service_id not in RECORDS:
            raise ApiRefusal(404, "service_not_found", "该服务不存在", "No such service")
        if not service.enabled:
            raise ApiRefusal(
                409, "service_disabled", "该服务暂停办理", "This service is paused for now"
            )
        return records(session, service_id, caller.resident_id, page, page_size)
