from __future__ import annotations

import logging

import pytest

from kiosk.api.models import Catalog as ApiCatalog
from kiosk.catalog import CatalogStore, from_api

ANSWER = {
    "config_version": 7,
    "services": [
        {
            "id": "pension",
            "kind": "records",
            "title": {"zh_CN": "养老金领取查询", "en": "Pension"},
            "description": {"zh_CN": "查询", "en": "Look up"},
            "icon": "pension",
            "identification": "idcard",
            "enabled": True,
        },
        {
            "id": "new-thing",
            "kind": "appointment",
            "title": {"zh_CN": "新业务", "en": "New"},
            "description": {"zh_CN": "新", "en": "New"},
            "icon": "x",
            "identification": "idcard",
            "enabled": True,
            "a_field_from_2030": 1,
        },
    ],
    "announcements": [{"id": "a", "text": {"zh_CN": "公告", "en": "Notice"}}],
    "alerts": [{"id": "b", "level": "warning", "text": {"zh_CN": "停电", "en": "Power cut"}}],
}


def test_an_older_kiosk_skips_kinds_it_does_not_know_with_a_log_line(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="kiosk.catalog"):
        catalog = from_api(ApiCatalog.model_validate(ANSWER))
    assert [s.id for s in catalog.services] == ["pension"]
    assert "skipping service new-thing of unknown kind 'appointment'" in caplog.text
    assert catalog.config_version == 7


def test_an_application_without_its_form_is_skipped_and_a_bundle_asks_each_question_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def application(service_id: str, fields: list[str], materials: list[str]) -> dict:
        text = {"zh_CN": service_id, "en": service_id}
        return {
            "id": service_id, "kind": "application", "title": text, "description": text,
            "icon": "x", "identification": "idcard", "enabled": True,
            "application": {
                "fields": [{"key": k, "title": text, "kind": "text", "required": True}
                           for k in fields],
                "materials": [{"key": k, "title": text, "required": True, "source": "scan"}
                              for k in materials],
                "department": "d", "department_name": text, "promised_days": 10,
                "pickup_place": text,
            },
        }  # fmt: skip

    first = application("first", ["phone", "income"], ["book", "card"])
    second = application("second", ["income", "size"], ["book", "bills"])
    formless = {**application("formless", [], []), "application": None}
    bundle = {**application("both", [], []), "kind": "bundle", "application": None,
              "bundle": {"steps": [{"service_id": "first"},
                                   {"service_id": "second", "after": ["first"]}]}}  # fmt: skip
    answer = {**ANSWER, "services": [first, second, formless, bundle]}
    with caplog.at_level(logging.INFO, logger="kiosk.catalog"):
        catalog = from_api(ApiCatalog.model_validate(answer))
    services = {s.id: s for s in catalog.services}
    assert "formless" not in services and "its form is missing" in caplog.text
    form = services["both"].form
    assert form is not None
    assert [q.key for q in form.questions] == ["phone", "income", "size"]
    assert [m.key for m in form.materials] == ["book", "card", "bills"]
    assert form.steps == ("first", "second") and form.promised_days == 20
    assert services["my-applications"].kind == "progress"  # 办件查询 joins the applications


def test_alerts_come_before_announcements() -> None:
    catalog = from_api(ApiCatalog.model_validate(ANSWER))
    assert [(a.level, a.text["zh_CN"]) for a in catalog.announcements] == [
        ("warning", "停电"),
        (None, "公告"),
    ]


def test_the_store_tells_its_listeners() -> None:
    store = CatalogStore()
    seen = []
    store.on_change(seen.append)
    catalog = from_api(ApiCatalog.model_validate(ANSWER))
    store.replace(catalog)
    assert seen == [catalog] and store.current is catalog
