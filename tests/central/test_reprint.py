"""Printing the same certificate again after the kiosk's printer failed (重新打印).

A new request (a new idempotency key) of the same resident for the same service gets back
the certificate of the last 24 hours whose printout failed, neither revoked nor expired, with
`reprint` true; once a printout succeeded it is never handed out again, and never to anyone
else. The tests run on a centre of their own and move certificates' dates in its database.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterator
from typing import Literal

import pytest
import requests
from sqlalchemy import select, update

from central.db import Database
from central.models import Certificate
from kiosk.api.client import CentralClient
from kiosk.api.errors import CentralRefusedError
from kiosk.api.models import CertificateAnswer, IdCardFields, PrintResult, SessionByIdCard
from tests.central.test_cli import kiosk_central
from tests.rigs.central import ADMIN_TOKEN, CentralServer
from tests.rigs.residents import ELDER_CARD

YOUNGER_CARD = ELDER_CARD.model_copy(
    update={
        "name": "张伟",
        "gender": "男",
        "birth_date": dt.date(1985, 6, 12),
        "id_number": "511321198506120030",
    }
)


@pytest.fixture(autouse=True)
def nothing_issued_today(own_database: Database) -> Iterator[None]:
    """Each test starts as if no certificate had been issued in the last two days."""
    with own_database.session() as session:
        for row in session.scalars(select(Certificate)):
            row.issued_at -= dt.timedelta(days=2)
    yield


class Kiosk:
    """One kiosk with one resident's session, as the certificate screen uses the client."""

    def __init__(self, client: CentralClient, card: IdCardFields = ELDER_CARD) -> None:
        self.client = client
        self.token = client.open_session(
            SessionByIdCard(method="idcard", card=card, sam_id="05.01-20101028-0012345678")
        ).token

    def request(self, service: str = "si-cert", key: str | None = None) -> CertificateAnswer:
        return self.client.issue_certificate(self.token, service, key or secrets.token_hex(12))

    def report(self, certificate: CertificateAnswer, status: Literal["printed", "failed"]) -> None:
        result = PrintResult(
            event_id=secrets.token_hex(16),
            status=status,
            pages=1 if status == "printed" else 0,
            printer="A4",
            error=None if status == "printed" else "media-empty",
        )
        self.client.send_print_result(certificate.certificate_id, result)


@pytest.fixture
def kiosk(own_central: CentralServer) -> Kiosk:
    return Kiosk(own_central.client())


def same_certificate(a: CertificateAnswer, b: CertificateAnswer) -> bool:
    return (a.certificate_id, a.serial_no, a.verify, a.document, a.issued_at) == (
        b.certificate_id,
        b.serial_no,
        b.verify,
        b.document,
        b.issued_at,
    )


def test_after_a_failed_printout_a_new_request_gets_the_same_certificate(kiosk: Kiosk) -> None:
    first = kiosk.request()
    assert first.reprint is False
    kiosk.report(first, "failed")

    again = kiosk.request()

    assert again.reprint is True
    assert same_certificate(again, first)


def test_a_retried_reprint_request_answers_the_same_again(kiosk: Kiosk) -> None:
    first = kiosk.request()
    kiosk.report(first, "failed")
    key = secrets.token_hex(12)
    again = kiosk.request(key=key)
    kiosk.report(again, "printed")  # the answer reached the kiosk; its retry is still answered

    retried = kiosk.request(key=key)

    assert retried.reprint is True and same_certificate(retried, first)


def test_a_printed_certificate_is_never_handed_out_again(kiosk: Kiosk) -> None:
    first = kiosk.request()
    kiosk.report(first, "printed")

    second = kiosk.request()

    assert second.reprint is False
    assert second.certificate_id != first.certificate_id
    assert second.serial_no != first.serial_no and second.verify.code != first.verify.code


def test_a_failed_then_printed_certificate_is_not_handed_out_a_third_time(kiosk: Kiosk) -> None:
    first = kiosk.request()
    kiosk.report(first, "failed")
    reprinted = kiosk.request()
    kiosk.report(reprinted, "printed")

    third = kiosk.request()

    assert third.reprint is False and third.certificate_id != first.certificate_id


def test_a_printed_result_wins_whatever_the_order_of_the_results(kiosk: Kiosk) -> None:
    first = kiosk.request()
    kiosk.report(first, "printed")
    kiosk.report(first, "failed")  # a late event from the outbox

    assert kiosk.request().certificate_id != first.certificate_id


def test_a_certificate_without_a_print_result_is_not_handed_out_again(kiosk: Kiosk) -> None:
    first = kiosk.request()
    second = kiosk.request()
    assert second.reprint is False and second.certificate_id != first.certificate_id


def test_the_newest_failed_certificate_is_the_one_handed_out(kiosk: Kiosk) -> None:
    older = kiosk.request()
    kiosk.report(older, "failed")
    newer = kiosk.request()  # the older one is handed out again here ...
    assert newer.certificate_id == older.certificate_id
    kiosk.report(newer, "printed")
    newest = kiosk.request()  # ... printed, so a new one; it fails too
    kiosk.report(newest, "failed")

    assert kiosk.request().certificate_id == newest.certificate_id


def revoke(server: CentralServer, database: Database, certificate: CertificateAnswer) -> None:
    response = requests.post(
        f"{server.url}/admin/certificates/{certificate.serial_no}/revoke",
        json={"reason": "issued_in_error"},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=5,
    )
    assert response.status_code == 200, response.text


def expire(server: CentralServer, database: Database, certificate: CertificateAnswer) -> None:
    with database.session() as session:
        session.execute(
            update(Certificate)
            .where(Certificate.id == certificate.certificate_id)
            .values(valid_until=dt.date.today() - dt.timedelta(days=1))
        )


def age_25_hours(server: CentralServer, database: Database, certificate: CertificateAnswer) -> None:
    with database.session() as session:
        session.execute(
            update(Certificate)
            .where(Certificate.id == certificate.certificate_id)
            .values(issued_at=certificate.issued_at - dt.timedelta(hours=25))
        )


@pytest.mark.parametrize("spoil", [revoke, expire, age_25_hours])
def test_a_revoked_expired_or_day_old_certificate_is_not_handed_out_again(
    own_central: CentralServer,
    own_database: Database,
    kiosk: Kiosk,
    spoil: Callable[[CentralServer, Database, CertificateAnswer], None],
) -> None:
    first = kiosk.request()
    kiosk.report(first, "failed")
    spoil(own_central, own_database, first)

    second = kiosk.request()

    assert second.reprint is False and second.certificate_id != first.certificate_id


def test_a_failed_certificate_of_23_hours_ago_is_still_handed_out(
    own_database: Database, kiosk: Kiosk
) -> None:
    first = kiosk.request()
    kiosk.report(first, "failed")
    with own_database.session() as session:
        session.execute(
            update(Certificate)
            .where(Certificate.id == first.certificate_id)
            .values(issued_at=first.issued_at - dt.timedelta(hours=23))
        )
    assert kiosk.request().certificate_id == first.certificate_id


def test_another_residents_failed_certificate_is_never_handed_out(
    own_central: CentralServer, kiosk: Kiosk
) -> None:
    elders = kiosk.request()
    kiosk.report(elders, "failed")

    younger = Kiosk(own_central.client(), YOUNGER_CARD).request()

    assert younger.reprint is False and younger.certificate_id != elders.certificate_id
    assert "张伟" in str(younger.document) and "李秀英" not in str(younger.document)


def test_another_service_gets_its_own_certificate(kiosk: Kiosk) -> None:
    insurance = kiosk.request("si-cert")
    kiosk.report(insurance, "failed")

    other = kiosk.request("si-detail")

    assert other.reprint is False and other.certificate_id != insurance.certificate_id


def test_a_key_used_for_a_reprint_is_not_answered_for_another_resident(
    own_central: CentralServer, kiosk: Kiosk
) -> None:
    first = kiosk.request()
    kiosk.report(first, "failed")
    key = secrets.token_hex(12)
    assert kiosk.request(key=key).reprint is True

    with pytest.raises(CentralRefusedError) as refused:
        Kiosk(own_central.client(), YOUNGER_CARD).request(key=key)

    assert (refused.value.status, refused.value.code) == (409, "idempotency_conflict")


@pytest.fixture(scope="module")
def second_kiosk(own_central: CentralServer, own_database: Database) -> tuple[str, str]:
    """Another kiosk, registered by an operator while the centre runs."""
    done = kiosk_central("device", "add", "kiosk-town-02", "--db", own_database.url)
    assert done.returncode == 0, done.stderr
    return "kiosk-town-02", done.stdout.strip().splitlines()[-1]


def test_another_kiosk_may_print_it_again_and_report_the_result(
    own_central: CentralServer, kiosk: Kiosk, second_kiosk: tuple[str, str]
) -> None:
    first = kiosk.request()
    kiosk.report(first, "failed")
    kiosk_id, secret = second_kiosk
    elsewhere = Kiosk(own_central.client(kiosk_id=kiosk_id, secret=secret))

    again = elsewhere.request()
    elsewhere.report(again, "printed")  # accepted: this kiosk was handed the certificate

    assert again.reprint is True and same_certificate(again, first)
    assert kiosk.request().certificate_id != first.certificate_id


def test_a_kiosk_never_handed_a_certificate_cannot_report_on_it(
    own_central: CentralServer, kiosk: Kiosk, second_kiosk: tuple[str, str]
) -> None:
    first = kiosk.request()
    kiosk_id, secret = second_kiosk
    stranger = Kiosk(own_central.client(kiosk_id=kiosk_id, secret=secret), YOUNGER_CARD)

    with pytest.raises(CentralRefusedError) as refused:
        stranger.report(first, "printed")

    assert refused.value.status == 404


# --- the preview before 确认打印: what the issue would say, issuing nothing ---------------


def certificates_in(database: Database) -> int:
    with database.session() as session:
        return len(session.scalars(select(Certificate)).all())


def test_a_preview_says_what_the_issue_will_and_issues_nothing(
    kiosk: Kiosk, own_database: Database
) -> None:
    before = certificates_in(own_database)
    preview = kiosk.client.preview_certificate(kiosk.token, "si-cert")
    assert kiosk.client.preview_certificate(kiosk.token, "si-cert") == preview
    assert certificates_in(own_database) == before  # nothing issued, twice over

    issued = kiosk.request()

    assert certificates_in(own_database) == before + 1
    assert issued.document == preview.document
    assert issued.verify.valid_until == preview.valid_until
    assert issued.verify.url.startswith(preview.verify_base_url)


def test_after_a_failed_printout_the_preview_shows_that_certificate(kiosk: Kiosk) -> None:
    first = kiosk.request()
    kiosk.report(first, "failed")

    preview = kiosk.client.preview_certificate(kiosk.token, "si-cert")

    assert preview.document == first.document
    assert preview.valid_until == first.verify.valid_until


@pytest.mark.parametrize("service", ["no-such-service", "si-contrib"])  # si-contrib: a query
def test_a_preview_of_what_is_not_a_certificate_is_refused(kiosk: Kiosk, service: str) -> None:
    with pytest.raises(CentralRefusedError) as refused:
        kiosk.client.preview_certificate(kiosk.token, service)
    assert (refused.value.status, refused.value.code) == (404, "service_not_found")


def test_a_preview_needs_a_resident_session(kiosk: Kiosk) -> None:
    with pytest.raises(CentralRefusedError) as refused:
        kiosk.client.preview_certificate("not-a-session-token", "si-cert")
    assert refused.value.status == 401
