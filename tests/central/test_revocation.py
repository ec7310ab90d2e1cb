"""Revoking a certificate (撤销): the admin endpoint, the command line, and what the public
verification page says afterwards (revoked > expired > valid)."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
import requests
from sqlalchemy import update

from central.clock import local_time
from central.db import Database
from central.models import Certificate
from central.revocation import PUBLIC_REASONS, REVOCATION_REASONS
from kiosk.api.models import CertificateAnswer, SessionByIdCard
from tests.central.test_cli import kiosk_central
from tests.rigs.central import ADMIN_TOKEN, CentralServer
from tests.rigs.residents import ELDER_CARD

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def issue(server: CentralServer, service: str = "si-cert") -> CertificateAnswer:
    client = server.client()
    token = client.open_session(SessionByIdCard(method="idcard", card=ELDER_CARD, sam_id="s")).token
    return client.issue_certificate(token, service, secrets.token_hex(12))


def revoke(
    server: CentralServer, serial: str, reason: str, headers: dict[str, str] = ADMIN
) -> requests.Response:
    return requests.post(
        f"{server.url}/admin/certificates/{serial}/revoke",
        json={"reason": reason},
        headers=headers,
        timeout=5,
    )


def page(server: CentralServer, code: str) -> str:
    response = requests.get(f"{server.url}/verify/{code}", timeout=5)
    assert response.status_code == 200
    return response.text


def test_every_reason_has_words_for_the_public() -> None:
    assert set(PUBLIC_REASONS) == set(REVOCATION_REASONS)
    assert all(words and "_" not in words for words in PUBLIC_REASONS.values())


def test_an_admin_revokes_and_the_page_says_revoked_with_the_date_and_reason(
    own_central: CentralServer,
) -> None:
    certificate = issue(own_central)
    assert "证明有效" in page(own_central, certificate.verify.code)

    response = revoke(own_central, certificate.serial_no.lower(), "issued_in_error")

    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["serial_no"] == certificate.serial_no
    assert answer["reason"] == "issued_in_error"
    assert answer["public_reason"] == PUBLIC_REASONS["issued_in_error"]
    revoked_at = dt.datetime.fromisoformat(answer["revoked_at"])
    assert abs(revoked_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    text = page(own_central, certificate.verify.code)
    assert "证明已撤销" in text and "证明有效" not in text
    assert f"{local_time(revoked_at):%Y年%m月%d日}" in text  # the county's date, not UTC's
    assert PUBLIC_REASONS["issued_in_error"] in text
    assert "issued_in_error" not in text, "the code is for operators, the words for the public"
    assert certificate.serial_no in text and certificate.verify.content_hash in text


def test_a_revoked_certificate_that_also_expired_shows_revoked(
    own_central: CentralServer, own_database: Database
) -> None:
    certificate = issue(own_central)
    assert revoke(own_central, certificate.serial_no, "superseded").status_code == 200
    with own_database.session() as session:
        session.execute(
            update(Certificate)
            .where(Certificate.id == certificate.certificate_id)
            .values(valid_until=dt.date(2020, 1, 1))
        )
    text = page(own_central, certificate.verify.code)
    assert "证明已撤销" in text and "已过核验有效期" not in text


def test_an_expired_certificate_shows_expired(
    own_central: CentralServer, own_database: Database
) -> None:
    certificate = issue(own_central)
    with own_database.session() as session:
        session.execute(
            update(Certificate)
            .where(Certificate.id == certificate.certificate_id)
            .values(valid_until=dt.date.today() - dt.timedelta(days=2))
        )
    text = page(own_central, certificate.verify.code)
    assert "证明已过核验有效期" in text and "证明有效" not in text and "撤销" not in text


def test_revoking_twice_is_refused_and_the_first_reason_stands(
    own_central: CentralServer,
) -> None:
    certificate = issue(own_central)
    assert revoke(own_central, certificate.serial_no, "holder_request").status_code == 200

    again = revoke(own_central, certificate.serial_no, "reported_lost")

    assert again.status_code == 409 and again.json()["code"] == "certificate_already_revoked"
    text = page(own_central, certificate.verify.code)
    assert PUBLIC_REASONS["holder_request"] in text
    assert PUBLIC_REASONS["reported_lost"] not in text


def test_revoking_an_unknown_serial_is_404(own_central: CentralServer) -> None:
    response = revoke(own_central, "ZM2000010100000000", "superseded")
    assert response.status_code == 404 and response.json()["code"] == "certificate_not_found"


def test_a_reason_outside_the_list_is_refused(own_central: CentralServer) -> None:
    certificate = issue(own_central)
    response = revoke(own_central, certificate.serial_no, "张三说的")
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert "证明有效" in page(own_central, certificate.verify.code)


@pytest.mark.parametrize(
    "authorization", [None, "Bearer not-the-admin-token", f"Session {ADMIN_TOKEN}"]
)
def test_revoking_needs_the_admin_token(
    own_central: CentralServer, authorization: str | None
) -> None:
    certificate = issue(own_central)
    headers = {"Authorization": authorization} if authorization else {}
    response = revoke(own_central, certificate.serial_no, "superseded", headers=headers)
    assert response.status_code == 403 and response.json()["code"] == "admin_forbidden"
    assert "证明有效" in page(own_central, certificate.verify.code)


def test_the_command_line_revokes_a_certificate_of_a_running_centre(
    own_central: CentralServer, own_database: Database
) -> None:
    certificate = issue(own_central)

    done = kiosk_central(
        "certificate",
        "revoke",
        certificate.serial_no,
        "--reason",
        "circumstances_changed",
        "--db",
        own_database.url,
    )

    assert done.returncode == 0, done.stderr
    assert certificate.serial_no in done.stdout
    assert PUBLIC_REASONS["circumstances_changed"] in done.stdout
    text = page(own_central, certificate.verify.code)
    assert "证明已撤销" in text and PUBLIC_REASONS["circumstances_changed"] in text


def test_the_command_line_says_why_it_cannot_revoke(own_database: Database) -> None:
    unknown = kiosk_central(
        "certificate",
        "revoke",
        "ZM2000010100000000",
        "--reason",
        "superseded",
        "--db",
        own_database.url,
    )
    assert unknown.returncode == 1 and "ZM2000010100000000" in unknown.stderr
    bad_reason = kiosk_central(
        "certificate",
        "revoke",
        "ZM2000010100000000",
        "--reason",
        "because",
        "--db",
        own_database.url,
    )
    assert bad_reason.returncode == 2 and "issued_in_error" in bad_reason.stderr
