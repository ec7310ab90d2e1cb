"""The API's routes, one module per resource; each route's guard is in its signature."""

from __future__ import annotations

from fastapi import FastAPI

API_TITLE = "Village kiosk central service"
API_DESCRIPTION = (
    "The API the village service kiosks call. Every /v1 request is signed with the kiosk's "
    "secret (X-Kiosk-* headers); resident calls also carry `Authorization: Session <token>`."
)


def include_api(app: FastAPI) -> None:
    """Mount the kiosk API (/v1) on `app`: the server and the OpenAPI document share this."""
    from central.errors import remember_methods
    from central.routes import (
        applications,
        audit,
        catalog,
        certificates,
        events,
        help_requests,
        records,
        sessions,
        support,
    )
    from kiosk.api.models import API_PREFIX

    for module in (
        catalog,
        sessions,
        records,
        certificates,
        events,
        help_requests,
        audit,
        support,
        applications,
    ):
        app.include_router(module.router, prefix=API_PREFIX)
        remember_methods(app, module.router, API_PREFIX)
