from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import requests

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
