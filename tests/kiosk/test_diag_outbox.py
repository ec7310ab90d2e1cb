"""`kiosk-diag outbox`, as a technician runs it: what waits for the centre, what the centre
refused for good, and `--flush` delivering to the (demo) centre now; text and JSON, exit codes."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from kiosk.outbox import DeliveryError, Outbox, OutboxEvent

DIAG = str(Path(sys.executable).with_name("kiosk-diag"))
AUDIT = {"kind": "diagnostics.opened", "at": "2026-12-02T21:00:00+08:00", "details": {"by": "pin"}}


def diag(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KIOSK_STATE_DIR": str(state)}
    return subprocess.run(
        [DIAG, "--demo", "outbox", *args], capture_output=True, text=True, timeout=120, env=env
    )


def test_an_empty_outbox_is_ok(tmp_path: Path) -> None:
    done = diag(tmp_path, "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["ok"], report["waiting"], report["kinds"]) == (True, 0, [])


def test_refused_events_fail_with_the_reason_and_what_to_do(tmp_path: Path) -> None:
    def refuse(event: OutboxEvent) -> None:
        raise DeliveryError(False, "HTTP 422 validation_error")

    outbox = Outbox(tmp_path / "outbox.sqlite3", refuse)
    outbox.enqueue("audit", AUDIT)
    outbox.start()
    try:
        while outbox.dead_count() == 0:
            outbox.flush(0.1)
    finally:
        outbox.close()
    outbox = Outbox(tmp_path / "outbox.sqlite3", refuse)
    outbox.enqueue("rating", {"session_id": "s1", "service_id": "si-cert", "score": 5, "tags": []})
    outbox.close()

    text = diag(tmp_path)
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    assert lines[0].startswith("outbox     FAILED / 异常")
    header = lines[1].split()
    assert header[:3] == ["kind", "waiting", "set"]
    audit_row = next(line for line in lines if line.startswith("audit "))
    assert audit_row.split()[1:3] == ["0", "1"] and "HTTP 422 validation_error" in audit_row
    assert any(line.startswith("do ") and "refused" in line for line in lines)
    report = json.loads(diag(tmp_path, "--json").stdout)
    assert (report["waiting"], report["set_aside"]) == (1, 1)


def test_flush_delivers_what_waits_to_the_centre_now(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3", lambda _event: None)
    event_id = outbox.enqueue("audit", AUDIT)
    outbox.close()
    done = diag(tmp_path, "--flush", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["flushed"] is True and report["waiting"] == 0
    centre = sqlite3.connect(tmp_path / "central-demo.sqlite3")
    try:
        kinds = centre.execute(
            "SELECT kind FROM received_events WHERE event_id = ?", (event_id,)
        ).fetchall()
    finally:
        centre.close()
    assert kinds == [("audit",)]


def test_an_unreadable_outbox_cannot_run(tmp_path: Path) -> None:
    (tmp_path / "outbox.sqlite3").write_bytes(b"this is not a database" * 100)
    done = diag(tmp_path, "--json")
    assert done.returncode == 2
    assert "not a database" in json.loads(done.stdout)["error"]
