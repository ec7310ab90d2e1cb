"""The demo residents' cards; a resident applying at the demo kiosk by signed requests to a
real centre; and a clerk's decisions, made as the department's workbench makes them
(`central.applications.move`)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
from typing import Any

import requests

from central import applications as life
from central.db import Database
from central.models import Application
from kiosk.api import signing
from kiosk.api.demo import DEMO_DEVICE_ID, DEMO_DEVICE_SECRET
from kiosk.api.models import IdCardFields, SessionByIdCard
from tests.rigs.central import CentralServer

ELDER_CARD = IdCardFields(
    name="李秀英",
    gender="女",
    ethnicity="汉",
    birth_date="1946-02-03",
    address="四川省南部县",
    id_number="511321194602030029",
    issuer="南部县公安局",
    valid_from="2016-03-01",
    valid_until=None,
)


def sample_jpeg(text: str = "sample page") -> bytes:
    """A real little JPEG (a page as a document camera would take it), so the workbench's
    image is an image; a distinct text gives distinct bytes."""
    import io

    from PIL import Image, ImageDraw

    page = Image.new("RGB", (240, 150), "#e8eef8")
    ImageDraw.Draw(page).rectangle((5, 5, 234, 144), outline="#1d4f9c", width=3)
    ImageDraw.Draw(page).text((20, 65), text, fill="#1d4f9c")  # PIL's own font: ASCII
    out = io.BytesIO()
    page.save(out, "JPEG", quality=60)
    return out.getvalue()


JPEG = sample_jpeg()
PDF = b"%PDF-1.4\n" + bytes(200)
OTHER_CARD = ELDER_CARD.model_validate(
    ELDER_CARD.model_dump()
    | {
        "name": "张伟",
        "gender": "男",
        "birth_date": "1985-06-12",
        "id_number": "511321198506120030",
    }
)
SENIOR_FORM = {"phone": "13800000001"}


class Resident:
    """A resident's session at the demo kiosk, and its signed calls."""

    def __init__(self, centre: CentralServer, card: IdCardFields = ELDER_CARD) -> None:
        self.centre = centre
        self.token = (
            centre.client()
            .open_session(SessionByIdCard(method="idcard", card=card, sam_id="05.01-20101028-01"))
            .token
        )

    def call(
        self, method: str, path: str, body: object = None, raw: bytes | None = None
    ) -> requests.Response:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else b"")
        headers = signing.signed_headers(
            DEMO_DEVICE_ID, DEMO_DEVICE_SECRET, method, path, data, int(time.time())
        )
        headers["Authorization"] = f"Session {self.token}"
        headers["Content-Type"] = "application/octet-stream" if raw else "application/json"
        return requests.request(
            method, self.centre.url + path, data=data or None, headers=headers, timeout=30
        )

    def apply(self, service_id: str, form: dict[str, str], **delivery: str) -> dict[str, Any]:
        body = {
            "service_id": service_id,
            "idempotency_key": secrets.token_hex(16),
            "form": form,
            "delivery": delivery or {"method": "pickup"},
        }
        answer = self.call("POST", "/v1/applications", body)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def upload(self, application_id: str, key: str, data: bytes) -> requests.Response:
        return self.call("PUT", f"/v1/applications/{application_id}/materials/{key}", raw=data)

    def submit(self, application_id: str) -> requests.Response:
        return self.call("POST", f"/v1/applications/{application_id}/submit")

    def view(self, application_id: str) -> dict[str, Any]:
        answer = self.call("GET", f"/v1/applications/{application_id}")
        assert answer.status_code == 200, answer.text
        return answer.json()


def clerk(db: Database, application_id: str, action: str, **options: Any) -> None:
    """What the department's workbench does: one of `central.applications.ACTIONS`."""
    now = options.pop("now", dt.datetime.now(dt.UTC))
    with db.session() as session:
        row = session.get(Application, application_id)
        assert row is not None
        life.move(session, row, action, "user:clerk-test", now, **options)


def statuses(view: dict[str, Any]) -> list[str]:
    return [entry["status"] for entry in view["timeline"]]
