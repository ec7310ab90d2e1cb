"""The ASGI application of the reference central service."""

from __future__ import annotations

from fastapi import FastAPI

from central import __version__


def create_app() -> FastAPI:
    app = FastAPI(title="Village kiosk central service", version=__version__)

    @app.get("/v1/health")
    def health() -> dict[str, str]:
        """Liveness for load balancers and the kiosk's network check."""
        return {"status": "ok", "version": __version__}

    return app
