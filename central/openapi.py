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

    from central.routes import API_DESCRIPTION, API_TITLE, include_api

    app = FastAPI()
    include_api(app)
    return get_openapi(
        title=API_TITLE, version=__version__, routes=app.routes, description=API_DESCRIPTION
    )
