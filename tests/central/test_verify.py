"""The public verification page, as a bank clerk would use it (plain HTTP, no login)."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
import requests

from central.routes.verify import SECURITY_HEADERS
from kiosk.api.models import SessionByIdCard
from tests.rigs.central import CentralServer, start_central
from tests.rigs.residents import ELDER_CARD


def issue(central: CentralServer, service: str = "si-cert") -> tuple[str, str, str]:
    client = central.client()
    token = client.open_session(SessionByIdCard(method="idcard", card=ELDER_CARD, sam_id="s")).token
    answer = client.issue_certificate(token, service, secrets.token_hex(12))
    return answer.verify.code, answer.verify.content_hash, answer.serial_no


def test_a_valid_certificate_shows_what_the_paper_says(central: CentralServer) -> None:
    code, content_hash, serial = issue(central)
    page = requests.get(f"{central.url}/verify/{code.lower()}", timeout=5)
    assert page.status_code == 200
    text = page.text
    for expected in ("证明有效", "社会保险参保证明", "李*英", serial, content_hash):
        assert expected in text
    assert "李秀英" not in text and "511321194602030029" not in text


def test_the_form_leads_to_the_page(central: CentralServer) -> None:
    code, _, _ = issue(central)
    page = requests.get(f"{central.url}/verify", params={"code": f" {code} "}, timeout=5)
    assert page.status_code == 200 and "证明有效" in page.text
    assert page.url.endswith(f"/verify/{code}")


def test_an_unknown_code_says_only_that(central: CentralServer) -> None:
    page = requests.get(f"{central.url}/verify/ZZZZZZZZZZZZ", timeout=5)
    assert page.status_code == 404
    assert "未找到验证码" in page.text and "证明有效" not in page.text


def test_markup_in_a_code_is_escaped(central: CentralServer) -> None:
    page = requests.get(f"{central.url}/verify/%3Cscript%3Ex", timeout=5)
    assert "<SCRIPT>X" not in page.text
    assert "&lt;SCRIPT&gt;X" in page.text


def test_lookups_are_rate_limited_per_client(tmp_path: Path) -> None:
    server = start_central(tmp_path)
    try:
        statuses = [
            requests.get(f"{server.url}/verify/AAAA{n:08d}", timeout=5).status_code
            for n in range(25)
        ]
        refused = requests.get(f"{server.url}/verify/AAAA00000000", timeout=5)
    finally:
        server.stop()
    assert statuses[:20] == [404] * 20
    assert set(statuses[20:]) == {429}
    assert refused.status_code == 429 and "查询过于频繁" in refused.text


def test_the_content_hash_changes_with_the_document_and_the_serial() -> None:
    from central.routes.certificates import content_hash

    document = {"title": "居住证明", "paragraphs": ["兹证明 张伟 居住于青龙村。"]}
    altered = {"title": "居住证明", "paragraphs": ["兹证明 张伟 居住于石桥村。"]}
    serial = "ZM2026112600000001"
    assert content_hash(serial, document) != content_hash(serial, altered)
    # Two certificates of the same content on the same day differ too.
    assert content_hash(serial, document) != content_hash("ZM2026112600000002", document)
    assert len(content_hash(serial, document)) == 19  # XXXX-XXXX-XXXX-XXXX


def test_every_verify_answer_carries_the_security_headers(own_central: CentralServer) -> None:
    code, _, _ = issue(own_central)
    answers = [
        requests.get(f"{own_central.url}/verify", timeout=5),
        requests.get(f"{own_central.url}/verify/{code}", timeout=5),
        requests.get(f"{own_central.url}/verify/ZZZZZZZZZZZZ", timeout=5),
        requests.get(
            f"{own_central.url}/verify", params={"code": code}, timeout=5, allow_redirects=False
        ),
    ]
    for answer in answers:
        assert {k: answer.headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS
    csp = SECURITY_HEADERS["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp


@pytest.mark.parametrize(
    "typed", ["../../admin/faults", "ABC", "ZZZZZZZZZZZZZ", "<b>x</b>", "AAAA00000000"]
)
def test_what_is_not_a_code_is_answered_on_the_form_never_redirected(
    own_central: CentralServer, typed: str
) -> None:
    answer = requests.get(
        f"{own_central.url}/verify", params={"code": typed}, timeout=5, allow_redirects=False
    )
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "未找到验证码" in answer.text and "<b>" not in answer.text


def test_a_code_typed_in_groups_and_lower_case_finds_its_certificate(
    own_central: CentralServer,
) -> None:
    code, _, _ = issue(own_central)
    typed = f"{code[:4].lower()} {code[4:8]}-{code[8:]}"
    answer = requests.get(f"{own_central.url}/verify", params={"code": typed}, timeout=5)
    assert answer.url.endswith(f"/verify/{code}") and "证明有效" in answer.text
