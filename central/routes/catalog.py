from __future__ import annotations

import datetime as dt
import threading
import time

from fastapi import APIRouter, Request, Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from central.db import Database
from central.errors import REFUSALS
from central.models import Notice, Service, Setting
from central.security import Kiosk
from kiosk.api.models import (
    Alert,
    Announcement,
    ApplicationSpec,
    BundleSpec,
    Catalog,
    CatalogService,
    Text,
)

router = APIRouter(tags=["catalog"], responses=REFUSALS)
CATALOG_TTL_S = 5.0


def config_version(session: Session) -> int:
    setting = session.get(Setting, "config_version")
    return int(setting.value) if setting else 1


def notices(
    session: Session, kiosk_id: str | None = None
) -> tuple[list[Announcement], list[Alert]]:
    """Those for every kiosk, and (with `kiosk_id`) those for that kiosk too."""
    now = dt.datetime.now(dt.UTC)
    for_whom = Notice.kiosk_id.is_(None)
    if kiosk_id is not None:
        for_whom = or_(for_whom, Notice.kiosk_id == kiosk_id)
    rows = session.scalars(
        select(Notice)
        .where(for_whom, or_(Notice.valid_until.is_(None), Notice.valid_until > now))
        .order_by(Notice.id)
    )
    announcements, alerts = [], []
    for row in rows:
        text = Text(zh_CN=row.text_zh, en=row.text_en)
        if row.level is None:
            announcements.append(Announcement(id=row.id, text=text, valid_until=row.valid_until))
        else:
            alerts.append(
                Alert(
                    id=row.id,
                    level=row.level,
                    text=text,  # type: ignore[arg-type]
                    valid_until=row.valid_until,
                    disables=[sid for sid in row.disables.split(",") if sid],
                )
            )
    return announcements, alerts


def build_catalog(session: Session) -> Catalog:
    services = [
        CatalogService(
            id=s.id,
            kind=s.kind,
            icon=s.icon,
            enabled=s.enabled,
            identification=s.identification,  # type: ignore[arg-type]
            title=Text(zh_CN=s.title_zh, en=s.title_en),
            description=Text(zh_CN=s.description_zh, en=s.description_en),
            disabled_reason=None if s.enabled else Text(zh_CN="暂停办理", en="Suspended"),
            application=ApplicationSpec.model_validate(s.spec) if s.kind == "application" else None,
            bundle=BundleSpec.model_validate(s.spec) if s.kind == "bundle" else None,
        )
        for s in session.scalars(select(Service).order_by(Service.sort))
    ]
    announcements, alerts = notices(session)
    return Catalog(
        config_version=config_version(session),
        services=services,
        announcements=announcements,
        alerts=alerts,
    )


class CatalogCache:
    """The catalog, rebuilt at most every `ttl_s`: every kiosk asks at start and after each
    heartbeat answer, and the answer is the same for all of them (and changes rarely)."""

    def __init__(self, ttl_s: float = CATALOG_TTL_S) -> None:
        self._ttl_s = ttl_s
        self._lock = threading.Lock()
        self._expires = 0.0
        self._catalog: Catalog | None = None
        self._json = b""

    def get(self, db: Database) -> tuple[Catalog, bytes]:
        with self._lock:
            if self._catalog is None or time.monotonic() >= self._expires:
                with db.session() as session:
                    self._catalog = build_catalog(session)
                self._json = self._catalog.model_dump_json().encode()
                self._expires = time.monotonic() + self._ttl_s
            return self._catalog, self._json

    def fresh_json(self) -> bytes | None:
        """The cached answer while it is fresh, without touching the database."""
        with self._lock:
            return self._json if time.monotonic() < self._expires else None


@router.get("/catalog", response_model=Catalog)
async def get_catalog(request: Request, kiosk: Kiosk) -> Response:
    """The services this kiosk offers, with the announcements and alerts in force."""
    cache = request.app.state.catalog_cache
    body = cache.fresh_json()  # the common case: no database, no hop to the thread pool
    if body is None:
        _, body = await run_in_threadpool(cache.get, request.app.state.db)
    return Response(content=body, media_type="application/json")
