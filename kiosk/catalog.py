"""The services this kiosk offers and the announcements it shows (DESIGN.md, "data-driven").

The central service's `GET /v1/catalog` is the source: `CatalogLoader` fetches it on a thread
of its own until it succeeds, and again when a heartbeat reports a newer configuration.
A service of a kind this kiosk does not know is skipped with a log line, so an older kiosk
keeps working against a newer centre.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kiosk.api.errors import CentralError

if TYPE_CHECKING:  # pydantic and requests stay off the path to the first frame
    from kiosk.api import models
    from kiosk.api.client import CentralClient

log = logging.getLogger(__name__)

RETRY_MAX_S = 30.0


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    kind: str  # certificate | records
    title: dict[str, str]  # language -> title
    description: dict[str, str]
    icon: str
    identification: str
    enabled: bool = True
    disabled_reason: dict[str, str] | None = None

    def text(self, field: dict[str, str], language: str) -> str:
        """The text in `language`, falling back to Chinese, the product language."""
        return field.get(language) or field.get("zh_CN", "")


@dataclass(frozen=True, slots=True)
class Announcement:
    text: dict[str, str]
    level: str | None = None  # None: an announcement; info | warning | critical: an alert
    disables: tuple[str, ...] = ()  # the service ids an alert suspends; "all": every one


ALL_SERVICES = "all"


@dataclass(frozen=True, slots=True)
class Catalog:
    services: tuple[Service, ...] = ()
    announcements: tuple[Announcement, ...] = ()
    config_version: int = 0

    def in_force(self) -> Catalog:
        """The services as residents may use them now: those an alert suspends (系统维护,
        暂停服务) disabled, with the alert's words as the reason."""
        suspended: dict[str, dict[str, str]] = {}
        for alert in self.announcements:
            for service_id in alert.disables:
                suspended.setdefault(service_id, alert.text)
        if not suspended:
            return self
        every = suspended.get(ALL_SERVICES)
        services = tuple(
            replace(service, enabled=False, disabled_reason=reason)
            if service.enabled and (reason := suspended.get(service.id, every)) is not None
            else service
            for service in self.services
        )
        return replace(self, services=services)


def _texts(text: models.Text) -> dict[str, str]:
    return {"zh_CN": text.zh_CN, "en": text.en}


ALERT_LEVELS = ("info", "warning", "critical")


def _level(level: str) -> str:
    if level not in ALERT_LEVELS:
        log.info("catalog: alert level %r unknown, shown as info", level)
        return "info"
    return level


def notices_from_api(
    announcements: list[models.Announcement], alerts: list[models.Alert]
) -> tuple[Announcement, ...]:
    return tuple(
        Announcement(_texts(a.text), level=_level(a.level), disables=tuple(a.disables))
        for a in alerts
    ) + tuple(Announcement(_texts(a.text)) for a in announcements)


def from_api(answer: models.Catalog) -> Catalog:
    from kiosk.api.models import KNOWN_SERVICE_KINDS

    services = []
    for service in answer.services:
        if service.kind not in KNOWN_SERVICE_KINDS:
            log.info("catalog: skipping service %s of unknown kind %r", service.id, service.kind)
            continue
        services.append(
            Service(
                id=service.id,
                kind=service.kind,
                title=_texts(service.title),
                description=_texts(service.description),
                icon=service.icon,
                identification=service.identification,
                enabled=service.enabled,
                disabled_reason=_texts(service.disabled_reason)
                if service.disabled_reason
                else None,
            )
        )
    return Catalog(
        tuple(services),
        notices_from_api(answer.announcements, answer.alerts),
        answer.config_version,
    )


class CatalogStore:
    """The catalog in force; listeners hear of every change (on the loader's thread)."""

    def __init__(self) -> None:
        self._catalog = Catalog()
        self._lock = threading.Lock()
        self._listeners: list[Callable[[Catalog], None]] = []

    @property
    def current(self) -> Catalog:
        return self._catalog

    def on_change(self, listener: Callable[[Catalog], None]) -> None:
        self._listeners.append(listener)

    def replace(self, catalog: Catalog) -> None:
        self.update(lambda _current: catalog)

    def update(self, change: Callable[[Catalog], Catalog]) -> None:
        """Read, change and store under one lock, so two threads' updates cannot undo each
        other (the loader's new services, a heartbeat's new notices); then tell listeners."""
        with self._lock:
            self._catalog = catalog = change(self._catalog)
        for listener in self._listeners:
            listener(catalog)


class CatalogLoader:
    """Fetches the catalog on its own thread: at start, and whenever `refresh()` is called."""

    def __init__(self, client: CentralClient, store: CatalogStore) -> None:
        self._client = client
        self._store = store
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._wanted.set()
        self._thread = threading.Thread(target=self._run, name="catalog", daemon=True)
        self._thread.start()

    def refresh(self) -> None:
        self._wanted.set()

    def stop(self) -> None:
        self._stop.set()
        self._wanted.set()
        if self._thread is not None:
            self._thread.join(5)

    def _run(self) -> None:
        delay_s = 0.5
        while not self._stop.is_set():
            self._wanted.wait()
            if self._stop.is_set():
                return
            self._wanted.clear()  # before the fetch: a refresh asked during it is kept
            try:
                catalog = from_api(self._client.catalog())
            except CentralError as error:
                log.warning(
                    "catalog not loaded (%s); retrying in %.0f s", error.technician_message, delay_s
                )
                self._wanted.set()
                self._stop.wait(random.uniform(delay_s / 2, delay_s))
                delay_s = min(delay_s * 2, RETRY_MAX_S)
                continue
            delay_s = 0.5
            log.info(
                "catalog version %d: %d services", catalog.config_version, len(catalog.services)
            )
            self._store.replace(catalog)
