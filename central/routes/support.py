"""Remote support: a kiosk uploads what a technician asked for (`kiosk-central kiosk
request-bundle|request-screenshot`), at its next idle moment, once per request.

The body is the file itself, signed like every request and bounded by the body-size
middleware (`UPLOAD_MAX_BYTES`). Its type is read from its first bytes (a zip, a PNG), never
from the Content-Type header, and must be the kind that was asked for.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool

from central.db import Database
from central.errors import REFUSALS, ApiRefusal
from central.models import SupportRequest
from central.security import Kiosk
from kiosk.api.models import SupportRequestId, SupportUploaded

router = APIRouter(tags=["support"], responses=REFUSALS)

UPLOAD_PATH = "/support-uploads/"
UPLOAD_MAX_BYTES = 8 * 1024 * 1024  # a bundle's logs are capped well below this
MAGIC = {
    "bundle": (b"PK\x03\x04", "application/zip"),
    "screenshot": (b"\x89PNG\r\n\x1a\n", "image/png"),
}
BINARY_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
    }
}


@router.put(UPLOAD_PATH + "{request_id}", response_model=SupportUploaded, openapi_extra=BINARY_BODY)
async def support_upload(
    request: Request, kiosk: Kiosk, request_id: SupportRequestId
) -> SupportUploaded:
    """The bundle (a zip) or the screenshot (a PNG) a technician asked this kiosk for."""
    data = await request.body()  # bounded before it arrives here (central.body_limit)
    return await run_in_threadpool(_store, request.app.state.db, kiosk.kiosk_id, request_id, data)


def _store(db: Database, kiosk_id: str, request_id: str, data: bytes) -> SupportUploaded:
    with db.session() as session:
        row = session.get(SupportRequest, request_id, with_for_update=True)
        if row is None or row.kiosk_id != kiosk_id:  # another kiosk's: no different answer
            raise ApiRefusal(404, "support_request_not_found", "没有这项请求", "No such request")
        magic, content_type = MAGIC[row.kind]
        if not data.startswith(magic):
            raise ApiRefusal(
                422,
                "support_upload_wrong_type",
                "上传的文件类型不对",
                f"A {row.kind} must be a {content_type} file",
            )
        kind: Any = row.kind  # bundle | screenshot, as `kiosk-central kiosk request-*` wrote it
        if row.uploaded_at is not None:
            size = len(row.data or b"")
            return SupportUploaded(id=row.id, kind=kind, bytes=size, duplicate=True)
        row.data, row.content_type = data, content_type
        row.uploaded_at = dt.datetime.now(dt.UTC)
        return SupportUploaded(id=row.id, kind=kind, bytes=len(data), duplicate=False)
