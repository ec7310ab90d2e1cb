"""The public progress page a 受理回执's QR code opens: the status and its dates for anyone
holding the slip, nothing of the resident, and nothing at all for a guessed address."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from tests.rigs.central import CentralServer, start_central
from tests.rigs.residents import ELDER_CARD, JPEG, PDF, SENIOR_FORM, Resident


@pytest.fixture(scope="module")
def centre(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    server = start_central(tmp_path_factory.mktemp("central-progress"))
    yield server
    server.stop()


def test_the_receipts_address_shows_the_status_and_nothing_of_the_resident(
    centre: CentralServer,
) -> None:
    resident = Resident(centre)
    created = resident.apply("senior-allowance", SENIOR_FORM)
    application_id = created["application_id"]
    draft = requests.get(f"{centre.url}/progress/{application_id}", timeout=10)
    assert draft.status_code == 404  # a draft is no application yet
    resident.upload(application_id, "household_book", PDF)
    resident.upload(application_id, "bank_card", JPEG)
    view = resident.submit(application_id).json()
    assert view["progress_url"] == f"{centre.url}/progress/{application_id}"
    page = requests.get(view["progress_url"], timeout=10)
    assert page.status_code == 200
    text = re.sub(r"<[^>]+>", " ", page.text)
    assert "高龄津贴申领" in text and view["application_no"] in text and "已提交" in text
    assert ELDER_CARD.name not in text and ELDER_CARD.name[0] + "*" not in text
    assert ELDER_CARD.id_number[-4:] not in text and SENIOR_FORM["phone"] not in text
    assert "default-src 'none'" in page.headers["content-security-policy"]


def test_a_guessed_or_malformed_address_says_only_that_it_is_unknown(
    centre: CentralServer,
) -> None:
    for guess in ("0" * 32, "not-an-id", "<script>", "a" * 500):
        page = requests.get(f"{centre.url}/progress/{guess}", timeout=10)
        assert page.status_code == 404 and "未找到这项申请" in page.text
        assert "<script>" not in page.text
