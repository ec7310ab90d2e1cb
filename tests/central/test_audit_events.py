"""Audit events reach the centre: `POST /v1/audit-events` through the kiosk's own client and
through its outbox, once per event id, never with a resident's data, and listed by
`kiosk-central audit list` for the county's technicians."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.api.models import AuditEvent
from kiosk.outbox import Outbox
from kiosk.services.events import EventSender
from tests.rigs.central import CentralServer, signed_post

CENTRAL = [sys.executable, "-m", "central.cli"]
AT = dt.datetime(2026, 12, 2, 21, 5, 7, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def audit_list(central: CentralServer, *args: str) -> subprocess.CompletedProcess[str]:
    db = f"sqlite:///{central.log_path.parent / 'central.sqlite3'}"
    return subprocess.run(
        [*CENTRAL, "audit", "list", "--db", db, *args], capture_output=True, text=True, timeout=60
    )


def test_an_audit_event_is_stored_once_and_listed(central: CentralServer) -> None:
    event = AuditEvent(
        event_id=secrets.token_hex(16),
        kind="diagnostics.pin_wrong",
        at=AT,
        details={"attempt": 3, "locked": False, "corner": "top-right"},
    )
    client = central.client()
    assert client.send_audit_event(event).duplicate is False
    assert client.send_audit_event(event).duplicate is True
    listed = audit_list(central, "--kiosk", "demo-0001", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    mine = [r for r in rows if r["details"] == "attempt=3 locked=False corner=top-right"]
    assert len(mine) == 1 and mine[0]["kind"] == "diagnostics.pin_wrong"
    local = AT.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    assert mine[0]["time"] == local
    table = audit_list(central, "--since", "2026-01-01")
    assert table.stdout.splitlines()[0].split() == ["time", "kiosk", "kind", "details"]
    assert "diagnostics.pin_wrong" in table.stdout
    assert audit_list(central, "--kiosk", "nobody").stdout.strip() == "no audit events"


RESIDENT_DATA = [
    "511321198506120030",
    "身份证 51132119850612003X",
    "13800138000",
    "tel 13908170000",
]


@pytest.mark.parametrize("value", [*RESIDENT_DATA, 13800138000, 511321198506120030])
def test_details_that_look_like_a_residents_data_are_refused_by_the_centre(
    central: CentralServer, value: object
) -> None:
    # Sent as raw JSON: the kiosk's own models would not even build such an event.
    payload = {
        "event_id": secrets.token_hex(16),
        "kind": "diagnostics.card_test",
        "at": AT.isoformat(),
        "details": {"x": value},
    }
    answer = signed_post(central, "/v1/audit-events", payload)
    assert answer.status_code == 422 and answer.json()["code"] == "validation_error"
    assert "diagnostics.card_test" not in audit_list(central).stdout


@pytest.mark.parametrize("value", RESIDENT_DATA)
def test_the_kiosk_will_not_build_an_audit_event_with_a_residents_data(value: str) -> None:
    with pytest.raises(ValueError):
        AuditEvent(
            event_id=secrets.token_hex(16), kind="diagnostics.x", at=AT, details={"x": value}
        )


def test_device_facts_with_short_digit_runs_pass_the_contract() -> None:
    details = {"sam": "05.01-20101028-0012345678", "latency_ms": 123, "port": "/dev/ttyUSB0"}
    event = AuditEvent(event_id=secrets.token_hex(16), kind="diagnostics.x", at=AT, details=details)
    assert event.details == details


@pytest.mark.parametrize(
    "details",
    [{"Bad Key": 1}, {f"k{i}": i for i in range(21)}, {"long": "x" * 201}],
)
def test_malformed_details_are_refused_by_the_contract(details: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        AuditEvent(event_id=secrets.token_hex(16), kind="diagnostics.x", at=AT, details=details)


def test_the_outbox_delivers_audit_events_instead_of_setting_them_aside(
    central: CentralServer, tmp_path: Path
) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3", EventSender(central.client(), lambda _a: None))
    outbox.enqueue(
        "audit",
        {"kind": "diagnostics.opened", "at": AT.isoformat(), "details": {"by": "pin"}},
    )
    outbox.start()
    try:
        assert outbox.flush(10)
        assert outbox.depth() == 0 and outbox.dead_count() == 0
    finally:
        outbox.close()
    rows = [json.loads(line) for line in audit_list(central, "--json").stdout.splitlines()]
    assert any(r["kind"] == "diagnostics.opened" and r["details"] == "by=pin" for r in rows)
