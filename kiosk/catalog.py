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
class Question:
    """One question of an application's form (kiosk/api/models.py FormField)."""

    key: str
    title: dict[str, str]
    kind: str  # text | number | date | choice | phone; another kind is asked as text
    required: bool
    choices: tuple[tuple[str, dict[str, str]], ...] = ()  # (value, title)
    prefill: str | None = None  # the centre fills it from its record when left empty
    max_length: int = 60


@dataclass(frozen=True, slots=True)
class MaterialNeed:
    key: str
    title: dict[str, str]
    required: bool
    source: str  # shared (数据共享: held by the centre) | scan
    max_pages: int = 1

    @property
    def scanned(self) -> bool:
        return self.source == "scan"


@dataclass(frozen=True, slots=True)
class ApplicationForm:
    """What applying for a service asks: for a bundle (一件事), the union of its steps', each
    question and material once, with the departments and the longest promise of its steps."""

    questions: tuple[Question, ...]
    materials: tuple[MaterialNeed, ...]
    departments: tuple[dict[str, str], ...]
    promised_days: int  # working days
    pickup_place: dict[str, str]
    steps: tuple[str, ...] = ()  # a bundle's application service ids, in their order


PROGRESS_SERVICE_ID = "my-applications"  # 办件查询: the kiosk's own, beside the applications
APPLYING_KINDS = ("application", "bundle")


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    kind: str  # certificate | records | application | bundle | progress (办件查询)
    title: dict[str, str]  # language -> title
    description: dict[str, str]
    icon: str
    identification: str
    enabled: bool = True
    disabled_reason: dict[str, str] | None = None
    form: ApplicationForm | None = None  # kinds application and bundle

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


PROGRESS_SERVICE = Service(
    id=PROGRESS_SERVICE_ID,
    kind="progress",
    title={"zh_CN": "办件查询", "en": "My applications"},
    description={"zh_CN": "查看已提交申请的办理进度", "en": "See how your applications are going"},
    icon="progress",
    identification="idcard_or_sms",
)


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


def _application_form(spec: models.ApplicationSpec) -> ApplicationForm:
    return ApplicationForm(
        questions=tuple(
            Question(
                key=field.key,
                title=_texts(field.title),
                kind=field.kind,
                required=field.required,
                choices=tuple((choice.value, _texts(choice.title)) for choice in field.choices),
                prefill=field.prefill,
                max_length=field.max_length,
            )
            for field in spec.fields
        ),
        materials=tuple(
            MaterialNeed(m.key, _texts(m.title), m.required, m.source, m.max_pages)
            for m in spec.materials
        ),
        departments=(_texts(spec.department_name),),
        promised_days=spec.promised_days,
        pickup_place=_texts(spec.pickup_place),
    )


def _bundle_form(
    service: models.CatalogService, forms: dict[str, ApplicationForm]
) -> ApplicationForm | None:
    """The union of the steps' forms, each question and material once, in the steps' order;
    None when a step is not an application this catalog offers."""
    assert service.bundle is not None
    steps = [forms.get(step.service_id) for step in service.bundle.steps]
    if any(step is None for step in steps):
        return None
    questions: dict[str, Question] = {}
    materials: dict[str, MaterialNeed] = {}
    departments: list[dict[str, str]] = []
    for form in steps:
        assert form is not None
        for question in form.questions:
            questions.setdefault(question.key, question)
        for material in form.materials:
            materials.setdefault(material.key, material)
        departments.extend(d for d in form.departments if d not in departments)
    first = steps[0]
    assert first is not None
    return ApplicationForm(
        tuple(questions.values()),
        tuple(materials.values()),
        tuple(departments),
        sum(form.promised_days for form in steps if form is not None),  # one after another
        first.pickup_place,
        tuple(step.service_id for step in service.bundle.steps),
    )


def from_api(answer: models.Catalog) -> Catalog:
    from kiosk.api.models import KNOWN_SERVICE_KINDS

    forms = {
        service.id: _application_form(service.application)
        for service in answer.services
        if service.kind == "application" and service.application is not None
    }
    services = []
    for service in answer.services:
        if service.kind not in KNOWN_SERVICE_KINDS:
            log.info("catalog: skipping service %s of unknown kind %r", service.id, service.kind)
            continue
        form = None
        if service.kind == "application":
            form = forms.get(service.id)
        elif service.kind == "bundle" and service.bundle is not None:
            form = _bundle_form(service, forms)
        if service.kind in APPLYING_KINDS and form is None:
            log.warning("catalog: skipping %s %s: its form is missing", service.kind, service.id)
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
                form=form,
            )
        )
    if any(service.kind in APPLYING_KINDS for service in services):
        services.append(PROGRESS_SERVICE)
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
