"""找人帮忙 at the reference centre: a request through the kiosk's own client, answered with the
helper and the time; once per event id; the resident's phone kept only with their consent and
their ID number never; and `kiosk-central help list` for the person who calls back."""

from __future__ import annotations

import json
import secrets
import sqlite3
import subprocess
import sys

from central.demo_data import CARD_RESIDENTS, DEMO_HELPER
from kiosk.api.models import HelpRequest, SessionByIdCard
from tests.rigs.central import CentralServer
from tests.rigs.residents import ELDER_CARD

CENTRAL = [sys.executable, "-m", "central.cli"]


def elder_session_id(central: CentralServer) -> str:
    answer = central.client().open_session(
        SessionByIdCard(method="idcard", card=ELDER_CARD, sam_id="05.01-20101028-0012345678")
    )
    return answer.session_id


def stored(central: CentralServer, event_id: str) -> dict[str, object]:
    db = sqlite3.connect(central.log_path.parent / "central.sqlite3")
    db.row_factory = sqlite3.Row
    try:
        row = db.execute("SELECT * FROM help_requests WHERE event_id = ?", (event_id,)).fetchone()
    finally:
        db.close()
    assert row is not None
    return dict(row)


def test_a_request_with_consent_names_the_helper_and_keeps_the_phone_for_them(
    central: CentralServer,
) -> None:
    request = HelpRequest(
        event_id=secrets.token_hex(16),
        session_id=elder_session_id(central),
        service_id="si-cert",
        consent=True,
    )
    answer = central.client().send_help_request(request)
    helper = DEMO_HELPER[0][0] + "*" + DEMO_HELPER[0][-1]
    assert (answer.role, answer.helper, answer.duplicate) == ("helper", helper, False)
    row = stored(central, request.event_id)
    assert row["masked_name"] == "李*英" and row["phone"] == "13808170001"
    assert CARD_RESIDENTS[1][3] not in json.dumps(row, default=str)  # no ID number anywhere
    again = central.client().send_help_request(request)  # the outbox's retry: one request
    assert again.duplicate is True and again.call_back_by == answer.call_back_by


def test_without_consent_nothing_of_the_resident_is_kept(central: CentralServer) -> None:
    request = HelpRequest(
        event_id=secrets.token_hex(16), session_id=elder_session_id(central), consent=False
    )
    answer = central.client().send_help_request(request)
    assert answer.role == "helper"
    row = stored(central, request.event_id)
    assert (row["resident_id"], row["masked_name"], row["phone"]) == (None, None, None)


def test_another_kiosks_session_gives_away_nobody(central: CentralServer) -> None:
    """A session id the kiosk did not open (a guess, another kiosk's) names no one."""
    request = HelpRequest(event_id=secrets.token_hex(16), session_id="guess0001", consent=True)
    central.client().send_help_request(request)
    assert stored(central, request.event_id)["phone"] is None


def test_help_list_shows_the_phone_to_call_back(central: CentralServer) -> None:
    request = HelpRequest(
        event_id=secrets.token_hex(16),
        session_id=elder_session_id(central),
        service_id="pension",
        consent=True,
    )
    central.client().send_help_request(request)
    db = f"sqlite:///{central.log_path.parent / 'central.sqlite3'}"
    listed = subprocess.run(
        [*CENTRAL, "help", "list", "--db", db, "--kiosk", "demo-0001", "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert any(r["service"] == "pension" and r["call"] == "13808170001" for r in rows)
    assert all(r["helper"] == "刘*芳" for r in rows)
    table = subprocess.run(
        [*CENTRAL, "help", "list", "--db", db, "--since", "2026-01-01"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert table.returncode == 0, table.stderr
    header, *lines = table.stdout.splitlines()
    assert header.split() == ["time", "kiosk", "service", "resident", "call", "helper", "by"]
    assert any("李*英" in line and "13808170001" in line for line in lines)
    none = subprocess.run(
        [*CENTRAL, "help", "list", "--db", db, "--kiosk", "nobody"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert none.stdout.strip() == "no help requests"
