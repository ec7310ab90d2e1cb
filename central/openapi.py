"""The OpenAPI document of the kiosk API, generated from the contract's models.

Committed as kiosk/api/openapi.json (a test keeps it current): `kiosk-central openapi`.
"""

from __future__ import annotations

from typing import Any

from fastapi.openapi.utils import get_openapi

from central import __version__


def openapi_document() -> dict[str, Any]:
    """Built from the routes without a database: the document depends on code only."""
    from fastapi import FastAPI

    from central.routes import catalog, certificates, events, records, sessions
    from kiosk.api.models import API_PREFIX

    app = FastAPI()
    for router in (
        catalog.router,
        sessions.router,
        records.router,
        certificates.router,
        events.router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    return get_openapi(
        title="Village kiosk central service",
        version=__version__,
        routes=app.routes,
        description="Every /v1 request is signed with the kiosk's secret (X-Kiosk-* headers); "
        "resident calls also carry `Authorization: Session <token>`.",
    )
