"""The central service's API contract (v1): every request and answer, as pydantic models.

The kiosk validates every answer with these models and the reference server (central/) serves
them, so `kiosk/api/openapi.json`, generated from them, is the one description of the API.
Answers ignore fields they do not know (a newer centre may add some); requests forbid them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

API_PREFIX = "/v1"
KNOWN_SERVICE_KINDS = ("certificate", "records", "application", "bundle")


# Every string a kiosk sends is bounded, and shaped where it has a shape: the centre stores
# events as they come, and a 100,000-character "printer" is nobody's printer.
ServiceId = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.-]+$")]
SessionId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_-]+$")]
DeviceName = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9_.-]+$")]
REASON_MAX_CHARS = 500
Reason = Annotated[str, Field(max_length=REASON_MAX_CHARS)]
# And every string the centre answers: a malformed or hostile answer is refused as malformed
# (a clear message at the kiosk), not laid out on screen or paper.
Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_.:-]+$")]
Line = Annotated[str, Field(max_length=200)]  # a title, a label, a name
Passage = Annotated[str, Field(max_length=4000)]  # a paragraph, a message, a table cell
Url = Annotated[str, Field(min_length=1, max_length=2048)]


class Answer(BaseModel):
    """A model the server sends: unknown fields are ignored, so old kiosks keep working."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Request(BaseModel):
    """A model the kiosk sends: the server refuses unknown fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Answer):
    """A text in the product's two languages."""

    zh_CN: Passage  # noqa: N815 - the locale name, as on the wire
    en: Passage


class ErrorAnswer(Answer):
    """Every refusal: HTTP status plus this body."""

    code: Code = Field(description="stable machine code, e.g. auth_bad_signature")
    message: Passage = Field(description="for the resident, in zh_CN")
    text: Text | None = Field(
        None, description="the message for the resident in both languages; older centres omit it"
    )
    retryable: bool


# --- catalog ---------------------------------------------------------------------------


class Choice(Answer):
    value: Code
    title: Text


class FormField(Answer):
    """One question of an application's form. Kiosks show a kind they do not know as text."""

    key: Code
    title: Text
    kind: Code = Field(description="text | number | date | choice | phone")
    required: bool
    choices: list[Choice] = Field(default_factory=list, max_length=20)
    prefill: Code | None = Field(
        None, description="the resident's record it is prefilled from: name | phone | address"
    )
    max_length: Annotated[int, Field(ge=1, le=500)] = 60


class MaterialSpec(Answer):
    """A material an application needs: `shared` the centre holds already (数据共享, nothing
    to bring), `scan` captured at the kiosk, at most `max_pages` pages."""

    key: Code
    title: Text
    required: bool
    source: Literal["shared", "scan"]
    max_pages: Annotated[int, Field(ge=1, le=20)] = 1


class ApplicationSpec(Answer):
    fields: list[FormField] = Field(max_length=30)
    materials: list[MaterialSpec] = Field(max_length=20)
    department: Code
    department_name: Text
    promised_days: Annotated[int, Field(ge=1, le=365)] = Field(description="working days")
    pickup_place: Text = Field(description="where 自取 results are collected")


class BundleStep(Answer):
    service_id: ServiceId
    after: list[ServiceId] = Field(
        default_factory=list, max_length=10, description="the steps that must be done first"
    )


class BundleSpec(Answer):
    """一件事一次办: application services asked together, each routed to its department."""

    steps: list[BundleStep] = Field(min_length=2, max_length=10)


class CatalogService(Answer):
    id: ServiceId
    kind: Code = Field(
        description="certificate | records | application | bundle; later kinds are skipped by "
        "kiosks that do not know them"
    )
    title: Text
    description: Text
    icon: Code
    identification: Code = Field(
        description="idcard | idcard_or_sms (a str: a newer centre may add ways)"
    )
    enabled: bool
    disabled_reason: Text | None = None
    application: ApplicationSpec | None = Field(None, description="for kind application")
    bundle: BundleSpec | None = Field(None, description="for kind bundle")


class Announcement(Answer):
    id: Code
    text: Text
    valid_until: dt.datetime | None = None


class Alert(Answer):
    id: Code
    level: Code = Field(description="info | warning | critical; kiosks read others as info")
    text: Text
    valid_until: dt.datetime | None = None
    disables: list[ServiceId] = Field(
        default_factory=list,
        max_length=50,
        description='the services it suspends on the kiosk (系统维护, 暂停服务); "all": every one',
    )


class Catalog(Answer):
    config_version: int
    services: list[CatalogService] = Field(max_length=200)
    announcements: list[Announcement] = Field(max_length=50)
    alerts: list[Alert] = Field(max_length=50)


# --- resident sessions -----------------------------------------------------------------


class SmsCodeRequest(Request):
    id_number: Annotated[str, Field(min_length=15, max_length=18)]


class SmsCodeAnswer(Answer):
    sent_to: Annotated[str, Field(max_length=20)] = Field(
        description="the phone number on file, masked: 138****5678"
    )
    expires_in_s: int


class DemoSmsCode(Answer):
    """Demo mode only: the code the demo centre sent (no phone to read it from)."""

    code: Annotated[str, Field(pattern=r"^\d{6}$")]


class IdCardFields(Request):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    gender: Annotated[str, Field(max_length=4)]
    ethnicity: Annotated[str, Field(max_length=20)]
    birth_date: dt.date
    address: Annotated[str, Field(max_length=200)]
    id_number: Annotated[str, Field(min_length=15, max_length=18)]
    issuer: Annotated[str, Field(max_length=60)]
    valid_from: dt.date
    valid_until: dt.date | None = Field(description="null: 长期 (no end date)")


class SessionByIdCard(Request):
    method: Literal["idcard"]
    card: IdCardFields
    sam_id: Annotated[str, Field(min_length=1, max_length=64)]


class SessionBySms(Request):
    method: Literal["sms"]
    id_number: Annotated[str, Field(min_length=15, max_length=18)]
    code: Annotated[str, Field(pattern=r"^\d{6}$")]


class SessionBySsCard(Request):
    """A 社会保障卡 read over PC/SC: the fields its social security application holds."""

    method: Literal["sscard"]
    card_number: Annotated[str, Field(min_length=1, max_length=20, description="卡号")]
    social_security_number: Annotated[
        str, Field(min_length=15, max_length=18, description="社会保障号码 (= ID number)")
    ]
    name: Annotated[str, Field(min_length=1, max_length=30)]


SessionRequest = Annotated[
    SessionByIdCard | SessionBySms | SessionBySsCard, Field(discriminator="method")
]


class ResidentSummary(Answer):
    display_name: Line = Field(description="for the greeting, masked: 张*伟")
    masked_id: Annotated[str, Field(max_length=20)] = Field(
        description="first 6 and last 4 characters kept"
    )
    age: int
    flags: list[Code] = Field(max_length=32, description="e.g. elderly, dibao")


class SessionAnswer(Answer):
    token: Annotated[str, Field(min_length=16, max_length=512, pattern=r"^[0-9A-Za-z_-]+$")] = (
        Field(description="secret: `Authorization: Session <token>`")
    )
    session_id: SessionId = Field(description="public reference for ratings and logs")
    expires_at: dt.datetime
    resident: ResidentSummary


# --- records -----------------------------------------------------------------------------


class Column(Answer):
    key: Code
    title: Text
    kind: Code = Field(
        description="text | money (yuan as a decimal string, '1234.50') | date (ISO "
        "'2024-03-15', or '2024-03' for a month) | number; kiosks show other kinds as text"
    )


Cell = Annotated[str, Field(max_length=1000)] | int | float | None


class RecordsAnswer(Answer):
    title: Text
    columns: list[Column] = Field(max_length=50)
    rows: list[dict[str, Cell]] = Field(max_length=1000)
    total: int
    page: int
    page_size: int
    summary: list[Text] = Field(max_length=20)


# --- certificates ------------------------------------------------------------------------


class CertificateRequest(Request):
    service_id: ServiceId
    idempotency_key: Annotated[
        str, Field(min_length=16, max_length=64, pattern=r"^[0-9A-Za-z_-]+$")
    ]


class KeyValue(Answer):
    label: Line
    value: Passage


class DocumentTable(Answer):
    title: Line | None = None
    columns: list[Line] = Field(max_length=50)
    rows: list[list[Passage]] = Field(max_length=5000)


class Document(Answer):
    """A certificate as the printing issue renders it; all strings are plain text."""

    title: Line
    subtitle: Line | None = None
    recipient: list[KeyValue] = Field(max_length=50)
    paragraphs: list[Passage] = Field(max_length=200)
    fields: list[KeyValue] = Field(max_length=200)
    tables: list[DocumentTable] = Field(max_length=20)
    notes: list[Passage] = Field(max_length=50)
    issuer: Line
    issue_date: dt.date
    seal_text: Line
    pages_hint: int


class Verification(Answer):
    url: Url
    code: Annotated[str, Field(min_length=1, max_length=64)]  # a preview shows a placeholder
    valid_until: dt.date
    content_hash: Annotated[str, Field(max_length=128)] = Field(
        "",
        description="short hash of the document; printed on the page and shown when "
        "verifying, so an altered printout is caught",
    )


class CertificatePreviewRequest(Request):
    service_id: ServiceId


class CertificatePreview(Answer):
    """What a certificate of a service would say for this resident, issued now: shown
    before 确认打印. Nothing is issued or stored; serial and verification code come with
    the certificate itself (`POST /certificates`)."""

    document: Document
    valid_until: dt.date = Field(description="how long the certificate would verify")
    verify_base_url: Url = Field(description="where it would verify: {base}/verify/{code}")


class CertificateAnswer(Answer):
    certificate_id: Code
    serial_no: Annotated[str, Field(min_length=1, max_length=64)]
    issued_at: dt.datetime
    verify: Verification
    document: Document
    reprint: bool = Field(
        False,
        description="true: the same certificate as an earlier request whose printout failed "
        "(same id, serial and code), handed out again to be printed instead of a new one",
    )


# --- events (delivered through the kiosk's outbox; idempotent by event_id) ----------------


class Event(Request):
    event_id: Annotated[str, Field(min_length=16, max_length=64, pattern=r"^[0-9a-f]+$")]


class PrintResult(Event):
    status: Literal["printed", "failed"]
    pages: Annotated[int, Field(ge=0, le=500)]
    printer: Annotated[str, Field(max_length=128)]
    error: Reason | None = None


class Rating(Event):
    session_id: SessionId
    service_id: ServiceId
    score: Annotated[int, Field(ge=1, le=5)]
    tags: list[Annotated[str, Field(max_length=40)]] = Field(max_length=10)


AuditKind = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_.]*$")]
AuditKey = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
# No run of more than ten digits, in a text or a number: an ID number (15 or 18) and a mobile
# number (11) cannot pass, so the audit trail holds none; said in the contract, so a kiosk
# refuses to build such an event and a fuzzer knows what the centre accepts.
AuditText = Annotated[
    str,
    Field(
        max_length=200,
        pattern=r"^(?:[0-9]{0,10}[^0-9])*[0-9]{0,10}$",
        description="no run of more than ten digits (no ID or phone number)",
    ),
]
AuditNumber = Annotated[int, Field(gt=-(10**10), lt=10**10)]
AuditValue = AuditText | AuditNumber | bool | None


class AuditEvent(Event):
    """Something a technician did or tried at the kiosk (diagnostics.pin_wrong,
    diagnostics.print_test …), for the county's audit trail. The kiosk is the signer; the
    details are facts about devices and actions, never a resident's data (no value holds a run
    of digits as long as an ID or phone number)."""

    kind: AuditKind
    at: dt.datetime = Field(description="when it happened, the kiosk's clock, with its zone")
    details: dict[AuditKey, AuditValue] = Field(
        default_factory=dict,
        max_length=20,
        # Keys only as the pattern says: pydantic writes patternProperties, which alone would
        # let any other key through in the document (and its fuzzers would send them).
        json_schema_extra={"additionalProperties": False},
    )


class HelpRequest(Event):
    """找人帮忙: the kiosk, the service in progress and, if the resident agreed on screen, their
    session (the centre looks up their masked name and the phone it holds). No personal data
    travels: the centre has it already."""

    session_id: SessionId | None = None
    service_id: ServiceId | None = None
    consent: bool = Field(description="the resident agreed that the helper may call them")


class HelpAnswer(Answer):
    event_id: Annotated[str, Field(max_length=64)]
    duplicate: bool
    role: Literal["helper", "staff"] = Field(
        description="helper: a 帮办员, named; staff: the service point's staff (no helper set up)"
    )
    helper: Line = Field(description="the helper's name, masked (刘*芳); empty for staff")
    call_back_by: dt.datetime = Field(description="when at the latest (UTC)")


class DeviceReport(Request):
    device: DeviceName
    level: Literal["ok", "degraded", "offline"]
    reason: Reason = ""


class Heartbeat(Event):
    app_version: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z.+_-]+$")]
    uptime_s: Annotated[float, Field(ge=0)]
    devices: list[DeviceReport] = Field(max_length=32)
    outbox_depth: Annotated[int, Field(ge=0)]


class Accepted(Answer):
    """An event stored (or already stored: the same event id twice is one event)."""

    event_id: Annotated[str, Field(max_length=64)]
    duplicate: bool


SupportRequestId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]


class SupportRequest(Answer):
    """A technician asks for this kiosk's diagnostic bundle (a masked zip) or a screenshot
    (PNG, taken only while no resident's session is open): the kiosk uploads it at its next
    idle moment with PUT /support-uploads/{id}."""

    id: SupportRequestId
    kind: Literal["bundle", "screenshot"]


class SupportUploaded(Answer):
    id: SupportRequestId
    kind: Literal["bundle", "screenshot"]
    bytes: Annotated[int, Field(ge=0)]
    duplicate: bool = Field(description="uploaded before: the first upload is kept")


class HeartbeatAnswer(Answer):
    config_version: int
    announcements: list[Announcement]
    alerts: list[Alert] = Field(description="those for every kiosk and those for this one")
    support_requests: list[SupportRequest] = Field(default_factory=list, max_length=10)
