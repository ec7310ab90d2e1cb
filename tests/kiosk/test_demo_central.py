from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import requests

from kiosk.app import build_core
from kiosk.config import from_mapping

SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from kiosk.demo_central import DemoCentral
    central = DemoCentral(Path(sys.argv[1]))
    central.start()
    print(central.url, central._process.pid, flush=True)
    time.sleep(600)
    """
)


def test_the_demo_centre_dies_with_a_kiosk_killed_by_sigkill(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    kiosk = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert kiosk.stdout is not None
    url, pid = kiosk.stdout.readline().split()
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(url + "/health", timeout=1)
            break
        except requests.ConnectionError:
            assert time.monotonic() < deadline, "the demo centre did not start"
            time.sleep(0.1)
    os.kill(kiosk.pid, signal.SIGKILL)
    kiosk.wait()
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid):
        assert time.monotonic() < deadline, "the demo centre outlived the kiosk"
        time.sleep(0.05)


def _state(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split("\n")[0]
    except (FileNotFoundError, IndexError):
        return "zombie"


def test_demo_mode_talks_to_its_centre_only_once_it_answers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """No "connection refused" noise while the demo centre boots; a core stopped before it
    answered starts nothing afterwards, and says nothing of a centre that did not answer."""
    config = from_mapping({"kiosk": {"state_dir": str(tmp_path / "state")}}, environ={})
    core = build_core(config, demo=True)
    core.start()
    try:
        assert not core.catalog.current.services  # not asked yet: the centre is booting
        deadline = time.monotonic() + 30
        while not core.catalog.current.services:
            assert time.monotonic() < deadline, "the catalog never loaded"
            time.sleep(0.05)
    finally:
        core.stop()
    assert "refused" not in caplog.text

    early = build_core(
        from_mapping({"kiosk": {"state_dir": str(tmp_path / "early")}}, environ={}), demo=True
    )
    early.start()
    early.stop()  # before the demo centre could answer
    waiting = [t for t in threading.enumerate() if t.name == "demo-centre-wait"]
    for thread in waiting:
        thread.join(10)
        assert not thread.is_alive()
    started = {t.name for t in threading.enumerate()} & {"catalog", "outbox", "heartbeat"}
    assert started == set()
    assert "did not answer" not in caplog.text
