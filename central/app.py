"""The ASGI application of the reference central service."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from fastapi import FastAPI
from sqlalchemy.engine import make_url

from central import __version__, demo_data
from central.body_limit import BodyLimit
from central.db import Database, keep_private, migrate
from central.errors import install_handlers
from central.faults import FaultInjector, FaultRules, FaultSwitch
from central.limits import CERTIFICATES_PER_DAY, REQUEST_TIMEOUT_S
from central.models import Device
from central.notify import SIGNATURE, HttpSmsGateway, RecordingSmsSender, SmsDispatcher
from central.rate_limit import RateLimit
from central.routes import (
    API_DESCRIPTION,
    API_TITLE,
    admin,
    applications,
    catalog,
    include_api,
    progress,
    sessions,
    support,
    verify,
    workbench,
    workbench_admin,
)
from central.security import ADMIN_FAILURES_PER_MINUTE, DeviceSecrets
from kiosk.api.models import API_PREFIX

log = logging.getLogger(__name__)


@dataclass
class Settings:
    db_url: str
    demo: bool = False
    admin_token: str = ""
    public_url: str = "http://127.0.0.1:8700"
    devices: dict[str, str] = field(default_factory=dict)  # kiosk id -> secret
    faults: FaultRules = field(default_factory=FaultRules)
    fault_injection: bool = False  # the middleware and /admin/faults: tests and demos only
    request_timeout_s: float = REQUEST_TIMEOUT_S  # a request's head, and each part of its body
    certificates_per_day: int = CERTIFICATES_PER_DAY  # per resident and service, a local day
    sms_gateway_url: str = ""  # "": messages are only recorded in the database
    sms_signature: str = SIGNATURE


class DemoDataInProductionError(RuntimeError):
    """A production start on a database that holds the demo's device or residents."""


def prepare_database(settings: Settings) -> Database:
    """Migrate to head, register the devices given on the command line, seed demo data.

    Outside demo mode, refuse a database that holds demo data: its demo device signs with a
    secret everyone knows."""
    migrate(settings.db_url)
    for path in keep_private(settings.db_url):
        log.warning("%s was readable by others: now by its owner only", path)
    db = Database(settings.db_url)
    with db.session() as session:
        found = [] if settings.demo else demo_data.found_in(session)
        if found:
            where = make_url(settings.db_url).render_as_string(hide_password=True)
            raise DemoDataInProductionError(
                f"the database {where} holds {' and '.join(found)}; a production centre "
                "does not start on it. Serve it with --demo, or give production a database "
                "of its own with --db"
            )
        for kiosk_id, secret in settings.devices.items():
            device = session.get(Device, kiosk_id)
            if device is None:
                session.add(Device(id=kiosk_id, secret=secret, created_at=dt.datetime.now(dt.UTC)))
            else:
                device.secret = secret
        if settings.demo and demo_data.seed(session):
            log.info("demo data seeded")
    return db


def create_app(settings: Settings) -> FastAPI:
    # No /docs or /redoc anywhere (their pages load scripts from a CDN); the contract is
    # kiosk/api/openapi.json, and /openapi.json is served in demo mode only.
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        dispatcher = app.state.sms_dispatcher
        if dispatcher is not None:
            dispatcher.start()
        yield
        if dispatcher is not None:
            dispatcher.stop()

    app = FastAPI(
        lifespan=lifespan,
        title=API_TITLE,
        version=__version__,
        description=API_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json" if settings.demo else None,
    )
    app.state.settings = settings
    app.state.db = prepare_database(settings)
    app.state.demo_sms_codes = {}
    app.state.faults = FaultSwitch(settings.faults)
    app.state.catalog_cache = catalog.CatalogCache()
    app.state.device_secrets = DeviceSecrets()
    app.state.sms = RecordingSmsSender(keep=sessions.SMS_LIFETIME)
    app.state.sms_dispatcher = (
        SmsDispatcher(
            app.state.db.session, HttpSmsGateway(settings.sms_gateway_url, settings.sms_signature)
        )
        if settings.sms_gateway_url
        else None
    )
    app.state.verify_limit = RateLimit(per_minute=verify.REQUESTS_PER_MINUTE)
    app.state.admin_failures = RateLimit(per_minute=ADMIN_FAILURES_PER_MINUTE)
    install_handlers(app)
    include_api(app)
    app.include_router(verify.router)
    app.include_router(progress.router)
    app.include_router(workbench.router)
    app.include_router(workbench_admin.router)
    app.include_router(admin.operations_router)  # refused without an admin token
    if settings.fault_injection or settings.demo or settings.faults.rules:
        app.include_router(admin.router)
        app.add_middleware(FaultInjector, switch=app.state.faults)
    if settings.demo:
        app.include_router(admin.demo_router)
    # The last added is the outermost: before anything reads.
    app.add_middleware(
        BodyLimit,
        idle_timeout_s=settings.request_timeout_s,
        route_bytes={
            API_PREFIX + support.UPLOAD_PATH: support.UPLOAD_MAX_BYTES,
            API_PREFIX + applications.MATERIALS_PATH: applications.MATERIAL_MAX_BYTES,
        },
    )

    @app.get("/health", tags=["operations"])
    def health() -> dict[str, str]:
        """Liveness for load balancers; unsigned, and the floor of the API benchmark."""
        return {"status": "ok", "version": __version__}

    return app
