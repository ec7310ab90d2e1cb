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
            "kind": "application",
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
    assert "skipping service new-thing of unknown kind 'application'" in caplog.text
    assert catalog.config_version == 7


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
