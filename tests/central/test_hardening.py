"""What a production centre must not do: buffer huge unsigned bodies, expose fault
injection, or write secrets and personal data to its log."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import requests
from sqlalchemy import select

from central.db import Database, migrate
from central.models import SmsMessage
from central.notify import RecordingSmsSender
from kiosk.api import signing
from kiosk.api.models import SessionByIdCard
from tests.rigs.central import ADMIN_TOKEN, CentralServer, start_central
from tests.rigs.residents import ELDER_CARD


def test_an_oversized_body_is_refused_before_it_is_read(central: CentralServer) -> None:
    body = b"{" + b" " * 2_000_000 + b"}"
    headers = signing.signed_headers(
        "demo-0001", "demo-secret-0001", "POST", "/v1/ratings", body, int(time.time())
    )
    response = requests.post(
        central.url + "/v1/ratings",
        data=body,
        timeout=10,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_a_production_centre_has_no_fault_injection_but_can_revoke(tmp_path: Path) -> None:
    server = start_central(tmp_path, demo=False, devices={"k-01": "0123456789abcdef"})
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    try:
        response = requests.put(
            f"{server.url}/admin/faults", json={"rules": {}}, timeout=5, headers=admin
        )
        assert response.status_code == 404
        revocation = requests.post(
            f"{server.url}/admin/certificates/ZM2000010100000000/revoke",
            json={"reason": "superseded"},
            timeout=5,
            headers=admin,
        )
        assert revocation.json()["code"] == "certificate_not_found", "the route is there"
        for page in ("/docs", "/redoc", "/openapi.json"):
            assert requests.get(server.url + page, timeout=5).status_code == 404, page
    finally:
        server.stop()


def test_the_log_keeps_no_session_token_and_no_card_data(central: CentralServer) -> None:
    client = central.client()
    answer = client.open_session(SessionByIdCard(method="idcard", card=ELDER_CARD, sam_id="s"))
    client.close_session(answer.token)
    bad = '{"method": "idcard", "sam_id": "s", "card": {"name": "李秀英"}}'.encode()
    headers = signing.signed_headers(
        "demo-0001", "demo-secret-0001", "POST", "/v1/sessions", bad, int(time.time())
    )
    requests.post(
        central.url + "/v1/sessions",
        data=bad,
        timeout=5,
        headers={**headers, "Content-Type": "application/json"},
    )
    time.sleep(0.2)
    log = central.log_path.read_text(encoding="utf-8")
    assert "/v1/sessions/[token]" in log
    assert answer.token not in log
    assert "511321194602030029" not in log and "李秀英" not in log
    assert "('missing', 'body.idcard.card.gender')" in log  # where and what, not the input


def test_a_text_message_is_kept_only_while_its_code_can_be_used(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sms.sqlite3'}"
    migrate(url)
    db = Database(url)
    sender = RecordingSmsSender(keep=dt.timedelta(minutes=5))
    old = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=6)
    with db.session() as session:
        session.add(SmsMessage(phone="13800000001", text="验证码 123456", created_at=old))
    with db.session() as session:
        sender.send(session, "13800000002", "验证码 654321")
    with db.session() as session:
        assert session.scalars(select(SmsMessage.phone)).all() == ["13800000002"]
