"""Every route of the API, called through the kiosk's own client against the real server."""

from __future__ import annotations

import secrets

import pytest

from kiosk.api.errors import (
    CentralRefusedError,
    KioskNotAuthorizedError,
    ResidentSessionEndedError,
)
from kiosk.api.models import (
    Heartbeat,
    PrintResult,
    Rating,
    SessionByIdCard,
    SessionBySms,
    SessionBySsCard,
)
from tests.rigs.central import CentralServer
from tests.rigs.residents import ELDER_CARD


def open_elder_session(central: CentralServer) -> str:
    answer = central.client().open_session(
        SessionByIdCard(method="idcard", card=ELDER_CARD, sam_id="05.01-20101028-0012345678")
    )
    return answer.token


def test_the_catalog_lists_records_certificates_applications_and_bundles(
    central: CentralServer,
) -> None:
    catalog = central.client().catalog()
    kinds = {s.kind for s in catalog.services}
    assert kinds == {"records", "certificate", "application", "bundle"}
    for service in catalog.services:
        assert (service.application is not None) == (service.kind == "application")
        assert (service.bundle is not None) == (service.kind == "bundle")
    assert sum(s.kind == "records" for s in catalog.services) >= 4
    assert sum(s.kind == "certificate" for s in catalog.services) >= 5
    assert catalog.announcements and catalog.alerts


def test_an_id_card_opens_a_session_with_masked_resident_data(central: CentralServer) -> None:
    answer = central.client().open_session(
        SessionByIdCard(method="idcard", card=ELDER_CARD, sam_id="05.01-20101028-0012345678")
    )
    assert answer.resident.display_name == "李*英"
    assert answer.resident.masked_id == "511321********0029"
    assert answer.resident.age >= 80 and "elderly" in answer.resident.flags
    assert len(answer.token) >= 32


def test_a_card_that_disagrees_with_the_register_is_refused(central: CentralServer) -> None:
    lying = ELDER_CARD.model_copy(update={"name": "王五"})
    with pytest.raises(CentralRefusedError) as refused:
        central.client().open_session(SessionByIdCard(method="idcard", card=lying, sam_id="x"))
    assert (refused.value.status, refused.value.code) == (403, "card_mismatch")
    assert refused.value.resident_text == "身份证信息核验失败，请到窗口办理"


def test_an_unknown_resident_is_404(central: CentralServer) -> None:
    stranger = ELDER_CARD.model_copy(update={"id_number": "11010519491231002X"})
    with pytest.raises(CentralRefusedError) as refused:
        central.client().open_session(SessionByIdCard(method="idcard", card=stranger, sam_id="x"))
    assert refused.value.code == "resident_not_found"


def test_a_social_security_card_opens_a_session_and_a_wrong_name_is_refused(
    central: CentralServer,
) -> None:
    card = SessionBySsCard(
        method="sscard",
        card_number="A12345678",
        social_security_number="511321198506120030",
        name="张伟",
    )
    answer = central.client().open_session(card)
    assert (answer.resident.display_name, answer.resident.masked_id) == (
        "张*",
        "511321********0030",
    )
    with pytest.raises(CentralRefusedError) as refused:
        central.client().open_session(card.model_copy(update={"name": "王五"}))
    assert (refused.value.status, refused.value.code) == (403, "card_mismatch")


def test_sms_code_then_session(central: CentralServer) -> None:
    import requests

    from kiosk.api.signing import signed_headers

    client = central.client()
    sent = client.request_sms_code("511321198506120030")
    assert sent.sent_to == "138****0000"
    path = "/v1/demo/sms-codes/511321198506120030"
    headers = signed_headers(
        "demo-0001", "demo-secret-0001", "GET", path, b"", int(__import__("time").time())
    )
    code = requests.get(central.url + path, headers=headers, timeout=5).json()["code"]
    with pytest.raises(CentralRefusedError) as wrong:
        client.open_session(
            SessionBySms(
                method="sms",
                id_number="511321198506120030",
                code="000000" if code != "000000" else "111111",
            )
        )
    assert wrong.value.code == "sms_code_wrong"
    answer = client.open_session(
        SessionBySms(method="sms", id_number="511321198506120030", code=code)
    )
    assert answer.resident.display_name == "张*"
    with pytest.raises(CentralRefusedError) as reused:
        client.open_session(SessionBySms(method="sms", id_number="511321198506120030", code=code))
    assert reused.value.code == "sms_code_expired"


def test_records_are_paged_newest_first_with_a_summary(central: CentralServer) -> None:
    token = open_elder_session(central)
    client = central.client()
    first = client.records(token, "pension", page=1, page_size=12)
    second = client.records(token, "pension", page=2, page_size=12)
    assert first.total == 120 and len(first.rows) == 12
    assert [c.kind for c in first.columns] == ["date", "text", "money"]
    assert first.rows[0]["month"] > second.rows[0]["month"]
    assert "合计" in first.summary[0].zh_CN
    for service in ("si-contrib", "mi-account", "subsidy"):
        assert client.records(token, service).total > 0


def test_a_certificate_is_issued_once_per_idempotency_key(central: CentralServer) -> None:
    token = open_elder_session(central)
    client = central.client()
    key = secrets.token_hex(12)
    first = client.issue_certificate(token, "si-detail", key)
    again = client.issue_certificate(token, "si-detail", key)
    assert again.certificate_id == first.certificate_id
    assert again.serial_no == first.serial_no
    assert first.document.title == "社会保险个人缴费明细"
    assert first.document.recipient[0].value == "李秀英"
    assert "511321194602030029" not in first.document.model_dump_json()
    assert first.verify.url.endswith("/verify/" + first.verify.code)
    other = client.issue_certificate(token, "si-detail", secrets.token_hex(12))
    assert other.certificate_id != first.certificate_id
    with pytest.raises(CentralRefusedError) as conflict:
        client.issue_certificate(token, "dibao-cert", key)
    assert conflict.value.code == "idempotency_conflict"


def test_a_repeated_certificate_answers_the_same_moment_with_its_zone(
    central: CentralServer,
) -> None:
    # Regression: read back from SQLite, issued_at lost its zone ("2026-11-25T23:42:09.079138").
    token = open_elder_session(central)
    client = central.client()
    key = secrets.token_hex(12)
    first = client.issue_certificate(token, "residence-cert", key)
    again = client.issue_certificate(token, "residence-cert", key)
    assert again.issued_at.tzinfo is not None
    assert again.issued_at == first.issued_at


@pytest.mark.parametrize(
    "service", ["si-cert", "dibao-cert", "elder-allowance-cert", "residence-cert"]
)
def test_every_certificate_kind_makes_a_document(central: CentralServer, service: str) -> None:
    token = open_elder_session(central)
    answer = central.client().issue_certificate(token, service, secrets.token_hex(12))
    assert answer.document.paragraphs and answer.document.issuer and answer.document.seal_text


def test_events_are_idempotent_by_event_id(central: CentralServer) -> None:
    token = open_elder_session(central)
    client = central.client()
    certificate = client.issue_certificate(token, "si-cert", secrets.token_hex(12))
    result = PrintResult(event_id=secrets.token_hex(16), status="printed", pages=1, printer="A4")
    assert client.send_print_result(certificate.certificate_id, result).duplicate is False
    assert client.send_print_result(certificate.certificate_id, result).duplicate is True
    rating = Rating(
        event_id=secrets.token_hex(16),
        session_id="abc",
        service_id="si-cert",
        score=5,
        tags=["快捷"],
    )
    assert client.send_rating(rating).duplicate is False
    beat = Heartbeat(
        event_id=secrets.token_hex(16),
        app_version="0.1.0",
        uptime_s=12.5,
        devices=[],
        outbox_depth=0,
    )
    assert client.send_heartbeat(beat).config_version >= 1


def test_a_print_result_for_an_unknown_certificate_is_404(central: CentralServer) -> None:
    result = PrintResult(
        event_id=secrets.token_hex(16), status="failed", pages=0, printer="A4", error="media-empty"
    )
    with pytest.raises(CentralRefusedError) as refused:
        central.client().send_print_result("0" * 16, result)
    assert refused.value.status == 404


def test_a_closed_session_can_no_longer_read_records(central: CentralServer) -> None:
    token = open_elder_session(central)
    client = central.client()
    client.close_session(token)
    with pytest.raises(ResidentSessionEndedError) as ended:
        client.records(token, "pension")
    assert ended.value.resident_message == "操作超时，请重新放置身份证"


def test_a_wrong_secret_is_not_authorized(central: CentralServer) -> None:
    with pytest.raises(KioskNotAuthorizedError) as refused:
        central.client(secret="not-the-secret-at-all").catalog()
    assert refused.value.code == "auth_bad_signature"
    assert refused.value.resident_message == "终端认证失败，请联系工作人员"
