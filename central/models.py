"""The reference central service's tables (SQLAlchemy 2, typed). Only what SQLite and
PostgreSQL both support; the schema's history is in central/migrations/versions/."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A moment, stored in UTC and always read back timezone-aware.

    SQLite keeps no zone: without this a value read back is naive, and an answer built from
    it (a repeated certificate's `issued_at`) is not an RFC 3339 date-time. PostgreSQL's
    timestamptz gives the same aware values, so both databases answer alike.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        assert isinstance(value, dt.datetime)
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class Device(Base):
    """A kiosk allowed to call the API; `secret` signs its requests."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


SEEN_NONCE_MAX_CHARS = 128


class SeenNonce(Base):
    """Nonces of the last few minutes, so a captured request cannot be replayed."""

    __tablename__ = "seen_nonces"
    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(SEEN_NONCE_MAX_CHARS), primary_key=True)
    seen_at: Mapped[int] = mapped_column(Integer, index=True)


class Resident(Base):
    __tablename__ = "residents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    gender: Mapped[str] = mapped_column(String(4))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    village: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(20))
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)


class ResidentSession(Base):
    __tablename__ = "resident_sessions"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    kiosk_id: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class SmsCode(Base):
    __tablename__ = "sms_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    used: Mapped[bool] = mapped_column(default=False)


class SmsMessage(Base):
    """The SMS outbox: queued in the transaction of what caused it, delivered to the gateway
    by `central.notify.SmsDispatcher` (tried again until the gateway accepts it), or only
    recorded when no gateway is configured."""

    __tablename__ = "sms_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    purpose: Mapped[str] = mapped_column(String(20), default="code", server_default="code")
    sent_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_try_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(200), nullable=True)


class NotificationTemplate(Base):
    """An SMS's words for one step of an application, with ${…} variables (central/notify.py);
    an administrator may change them."""

    __tablename__ = "notification_templates"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    text: Mapped[str] = mapped_column(String(300))


class Service(Base):
    __tablename__ = "services"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title_zh: Mapped[str] = mapped_column(String(60))
    title_en: Mapped[str] = mapped_column(String(80))
    description_zh: Mapped[str] = mapped_column(String(200))
    description_en: Mapped[str] = mapped_column(String(200))
    icon: Mapped[str] = mapped_column(String(40))
    identification: Mapped[str] = mapped_column(String(20))
    enabled: Mapped[bool] = mapped_column(default=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    # An application's form, materials and department, or a bundle's steps (the contract's
    # ApplicationSpec / BundleSpec as JSON); None for certificates and records.
    spec: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class Notice(Base):
    """An announcement (`level` null) or an alert (info, warning, critical)."""

    __tablename__ = "notices"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    level: Mapped[str | None] = mapped_column(String(10), nullable=True)
    text_zh: Mapped[str] = mapped_column(String(300))
    text_en: Mapped[str] = mapped_column(String(300))
    valid_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # An alert for one kiosk (`kiosk-central alert set --kiosk`); None: for every kiosk.
    kiosk_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # The services an alert suspends, comma-separated service ids, or "all"; "" for none.
    disables: Mapped[str] = mapped_column(String(400), default="", server_default="")


class SupportRequest(Base):
    """A technician's request for a kiosk's diagnostic bundle or screenshot, told to the kiosk
    in its heartbeat answers until the kiosk uploads it (PUT /v1/support-uploads/{id}), at its
    next idle moment; the upload is kept here for `kiosk-central kiosk download`."""

    __tablename__ = "support_requests"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # bundle | screenshot
    requested_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    uploaded_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    content_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    data: Mapped[bytes | None] = mapped_column(LargeBinary(), nullable=True)


class LedgerEntry(Base):
    """One line of a resident's records: a contribution, a payment, an account movement.

    `amount_fen` is money in fen (分), exact; `detail` holds what is particular to the kind.
    """

    __tablename__ = "ledger"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    ledger: Mapped[str] = mapped_column(String(30), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    item: Mapped[str] = mapped_column(String(60))
    amount_fen: Mapped[int] = mapped_column(Integer)
    detail: Mapped[dict[str, int | str]] = mapped_column(JSON, default=dict)


class Certificate(Base):
    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("kiosk_id", "idempotency_key"),
        # A request looks for a reprintable certificate of the same resident and service.
        Index("ix_certificates_resident_service_issued", "resident_id", "service_id", "issued_at"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    serial_no: Mapped[str] = mapped_column(String(32), unique=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"))
    kiosk_id: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(64))
    issued_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    verify_code: Mapped[str] = mapped_column(String(16), unique=True)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    document: Mapped[dict[str, object]] = mapped_column(JSON)
    # 撤销: set once by an operator (central.revocation); the reason is a code of
    # REVOCATION_REASONS, shown on the verification page in words meant for the public.
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    revocation_reason: Mapped[str | None] = mapped_column(String(40), nullable=True)


class Reprint(Base):
    """A certificate handed out again for a later request (重新打印) after its printout failed.

    Keyed like a certificate by the request's kiosk and idempotency key, so a retry of that
    request gets the same answer, and so the print result of the kiosk that printed it again
    is accepted even when another kiosk issued it.
    """

    __tablename__ = "reprints"
    kiosk_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    certificate_id: Mapped[str] = mapped_column(ForeignKey("certificates.id"), index=True)
    handed_out_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class ReceivedEvent(Base):
    """A print result, rating or heartbeat from a kiosk's outbox; one row per event id."""

    __tablename__ = "received_events"
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # A print result's certificate id (looked up before a reprint), a rating's service id.
    subject: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    body: Mapped[dict[str, object]] = mapped_column(JSON)
    received_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class Helper(Base):
    """帮办员: who calls a resident back when they ask for help at a kiosk (data, not code).
    `kiosk_id` None: the helper of every kiosk without one of its own."""

    __tablename__ = "helpers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kiosk_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(20))
    call_back_minutes: Mapped[int] = mapped_column(Integer, default=30)


class HelpRequest(Base):
    """找人帮忙 from a kiosk. The resident's phone is kept only when they agreed on screen;
    their ID number never is."""

    __tablename__ = "help_requests"
    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kiosk_id: Mapped[str] = mapped_column(String(64), index=True)
    service_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"), nullable=True)
    masked_name: Mapped[str | None] = mapped_column(String(60), nullable=True)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    helper_name: Mapped[str] = mapped_column(String(60))  # masked; empty: the staff
    call_back_by: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime(), index=True)


class Setting(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class Department(Base):
    """A department that decides applications (民政局, 医保局 …) and its clerks' queue."""

    __tablename__ = "departments"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(100))
    pickup_place_zh: Mapped[str] = mapped_column(String(120))
    pickup_place_en: Mapped[str] = mapped_column(String(200))


class RoutingRule(Base):
    """Which department decides an application service: data an administrator edits."""

    __tablename__ = "routing_rules"
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"), primary_key=True)
    department_id: Mapped[str] = mapped_column(ForeignKey("departments.id"))


class Application(Base):
    """An application (一窗受理), or a bundle's case (一件事, `kind` bundle) whose steps are
    applications with `case_id` set. The form is what the resident entered; materials and
    the timeline are rows of their own."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("resident_id", "idempotency_key", name="uq_application_idempotency"),
        Index("ix_applications_queue", "department_id", "status", "promised_date"),
    )
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    application_no: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # application | bundle
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id"))
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    kiosk_id: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    case_id: Mapped[str | None] = mapped_column(
        ForeignKey("applications.id"), nullable=True, index=True
    )
    step: Mapped[int] = mapped_column(Integer, default=0)  # its place in the bundle
    after: Mapped[str] = mapped_column(String(400), default="")  # service ids, comma-separated
    department_id: Mapped[str | None] = mapped_column(ForeignKey("departments.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    form: Mapped[dict[str, Any]] = mapped_column(JSON)
    delivery: Mapped[str] = mapped_column(String(10))  # pickup | post
    address: Mapped[str | None] = mapped_column(String(120), nullable=True)
    missing: Mapped[str] = mapped_column(String(400), default="")  # 需补正: material keys
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    promised_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class ApplicationMaterial(Base):
    """One material's file, as the kiosk captured it (kept for the deciding clerk)."""

    __tablename__ = "application_materials"
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary())
    uploaded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class ApplicationEvent(Base):
    """A step of an application's timeline: every transition, who made it and why."""

    __tablename__ = "application_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[str] = mapped_column(ForeignKey("applications.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(64))  # resident | kiosk:<id> | user:<name> | system
    comment: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    missing: Mapped[str] = mapped_column(String(400), default="")


class User(Base):
    """A person who logs in to the workbench (`clerk`, of one department) or administers it
    (`admin`). The password only as its scrypt hash; too many failures lock the account."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))  # admin | clerk
    department_id: Mapped[str | None] = mapped_column(ForeignKey("departments.id"), nullable=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())


class WebSession(Base):
    """A logged-in browser: its cookie's hash, and the CSRF token its forms carry."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UtcDateTime())
