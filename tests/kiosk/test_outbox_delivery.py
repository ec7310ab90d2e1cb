"""The outbox against the real centre: killed with SIGKILL mid-delivery, restarted, and every
event stored exactly once (the centre deduplicates by event id)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tests.rigs.central import CentralServer

EVENTS = 300

CHILD = textwrap.dedent(
    """
    import json, os, secrets, sys, time
    from pathlib import Path
    from kiosk.api.client import CentralClient, ClientSettings
    from kiosk.outbox import Outbox
    from kiosk.services.events import EventSender

    client = CentralClient(ClientSettings(base_url=os.environ["CENTRAL_URL"],
                                          kiosk_id="demo-0001", secret="demo-secret-0001"))
    outbox = Outbox(Path(os.environ["OUTBOX"]), EventSender(client, lambda answer: None))
    if sys.argv[1] == "enqueue":
        ids = [outbox.enqueue("rating", {"session_id": "s" + str(n), "service_id": "si-cert",
                                         "score": 1 + n % 5, "tags": []})
               for n in range(int(os.environ["EVENTS"]))]
        Path(os.environ["IDS"]).write_text(json.dumps(ids))
    outbox.start()
    print("delivering", flush=True)
    sys.exit(0 if outbox.flush(60) else 1)
    """
)


def stored(database: Path, ids: list[str]) -> list[str]:
    with sqlite3.connect(database) as db:
        marks = ",".join("?" * len(ids))
        rows = db.execute(f"SELECT event_id FROM received_events WHERE event_id IN ({marks})", ids)
        return [row[0] for row in rows]


def test_the_outbox_survives_sigkill_and_delivers_each_event_exactly_once(
    tmp_path: Path, central_server: CentralServer
) -> None:
    env = {
        **os.environ,
        "CENTRAL_URL": central_server.url,
        "OUTBOX": str(tmp_path / "out.db"),
        "IDS": str(tmp_path / "ids.json"),
        "EVENTS": str(EVENTS),
    }
    database = central_server.log_path.parent / "central.sqlite3"
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    first = subprocess.Popen(
        [sys.executable, str(script), "enqueue"], env=env, cwd=root, stdout=subprocess.PIPE
    )
    assert first.stdout is not None and first.stdout.readline().strip() == b"delivering"
    import json

    ids = json.loads((tmp_path / "ids.json").read_text())
    deadline = time.monotonic() + 30
    while len(stored(database, ids)) < 20:
        assert time.monotonic() < deadline, "nothing delivered"
        time.sleep(0.005)
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    assert len(stored(database, ids)) < EVENTS, "killed too late to prove anything"
    second = subprocess.run(
        [sys.executable, str(script), "resume"], env=env, cwd=root, capture_output=True, timeout=120
    )
    assert second.returncode == 0, second.stderr.decode()[-2000:]
    received = stored(database, ids)
    assert sorted(received) == sorted(ids)  # all there, none twice (event_id is the key)
