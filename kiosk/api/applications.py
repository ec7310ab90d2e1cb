"""The contract of 一窗受理 (applications) and 一件事一次办 (bundles), resident-session bound:

    POST /v1/applications                       the form → a draft, what materials it needs
    PUT  /v1/applications/{id}/materials/{key}  one material's file (JPEG, PNG or PDF bytes)
    POST /v1/applications/{id}/submit           submitted: routed to its department(s)
    GET  /v1/applications                       this resident's, newest first
    GET  /v1/applications/{id}                  status, promised date, timeline

A bundle's service id makes one case with one child application per step; its form and
materials are the union of its steps', asked once. Statuses follow 行政许可法 第32条: see
`STATUS_TEXTS`.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field

from kiosk.api.models import Answer, Code, Request, ServiceId, Text, Url

ApplicationId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
MaterialKey = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
FieldKey = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]
FieldValue = Annotated[str, Field(max_length=500)]
IdempotencyKey = Annotated[str, Field(min_length=16, max_length=64, pattern=r"^[0-9A-Za-z_-]+$")]

Status = Literal[
    "draft",  # 填写中: materials being captured, not yet submitted
    "waiting",  # 等待前序事项: a bundle's step waiting for the steps before it
    "submitted",  # 已提交
    "accepted",  # 已受理
    "not_accepted",  # 不予受理 (with a reason)
    "correction",  # 需补正: everything missing in one notice (一次性告知)
    "reviewing",  # 审核中
    "approved",  # 已办结（通过）
    "denied",  # 不予许可 (with a reason)
    "ready",  # 待领取 (or mailed: 已寄出)
    "collected",  # 已领取
]
STATUS_TEXTS: dict[str, tuple[str, str]] = {
    "draft": ("填写中", "Being filled in"),
    "waiting": ("等待前序事项", "Waiting for an earlier step"),
    "submitted": ("已提交", "Submitted"),
    "accepted": ("已受理", "Accepted"),
    "not_accepted": ("不予受理", "Not accepted"),
    "correction": ("需补正", "More material needed"),
    "reviewing": ("审核中", "Under review"),
    "approved": ("已办结", "Approved"),
    "denied": ("不予许可", "Refused"),
    "ready": ("待领取", "Ready to collect"),
    "collected": ("已领取", "Collected"),
}
FINAL_STATUSES = ("not_accepted", "denied", "collected")


class Delivery(Request):
    """How the resident receives the result: 自取 at the department's named place, or 邮寄."""

    method: Literal["pickup", "post"]
    address: Annotated[str, Field(max_length=120)] | None = Field(
        None, description="the postal address, for post"
    )


class ApplicationRequest(Request):
    service_id: ServiceId = Field(description="an application or a bundle")
    idempotency_key: IdempotencyKey
    form: dict[FieldKey, FieldValue] = Field(max_length=60)
    delivery: Delivery


class MaterialNeeded(Answer):
    key: Code
    title: Text
    required: bool
    source: Literal["shared", "scan"]
    max_pages: int
    received: bool = Field(description="shared ones are held by the centre: always received")


class ApplicationCreated(Answer):
    application_id: ApplicationId
    application_no: Annotated[str, Field(max_length=32)]
    status: Status
    materials_needed: list[MaterialNeeded]


class MaterialReceived(Answer):
    key: Code
    content_type: Literal["image/jpeg", "image/png", "application/pdf"]
    bytes: int
    duplicate: bool = Field(description="the same bytes as before: kept once")


class TimelineEntry(Answer):
    at: dt.datetime
    status: Status
    text: Text
    comment: Annotated[str, Field(max_length=1000)] | None = None
    missing: list[Code] = Field(
        default_factory=list, description="需补正: the materials to bring again"
    )


class ApplicationSummary(Answer):
    application_id: ApplicationId
    application_no: Annotated[str, Field(max_length=32)]
    service_id: ServiceId
    title: Text
    status: Status
    status_text: Text
    submitted_at: dt.datetime | None
    promised_date: dt.date | None
    overdue: bool


class ApplicationView(ApplicationSummary):
    department: Text | None = Field(None, description="none for a bundle's case")
    delivery: Literal["pickup", "post"]
    pickup_place: Text | None = None
    form: dict[FieldKey, FieldValue] = Field(default_factory=dict, description="as entered")
    materials: list[MaterialNeeded]
    missing: list[Code] = Field(default_factory=list, description="需补正: what to bring again")
    timeline: list[TimelineEntry]
    steps: list[ApplicationSummary] = Field(
        default_factory=list, description="a bundle's child applications, in their order"
    )
    progress_url: Url | None = Field(
        None, description="the public progress page (no personal data), for the receipt's QR"
    )


class ApplicationList(Answer):
    applications: list[ApplicationSummary] = Field(max_length=100)
