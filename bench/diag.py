"""`kiosk-diag all` with every simulator present (the demo's SAM module, folder printer and
receipt slip, the demo centre started for the network check): its wall time against the 5 s a
technician should wait for a whole check-up (issue 13's goal)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TITLE = "kiosk-diag all"
GOAL_MS = 5000.0
ROUNDS = 3


def run() -> list[tuple[str, float, float, str]]:
    diag = str(Path(sys.executable).with_name("kiosk-diag"))
    times = []
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as state:
            env = {**os.environ, "KIOSK_STATE_DIR": state}
            started = time.monotonic()
            done = subprocess.run(
                [diag, "--demo", "all"], capture_output=True, text=True, timeout=120, env=env
            )
            times.append((time.monotonic() - started) * 1000)
        if done.returncode != 0:
            raise RuntimeError(f"kiosk-diag all failed: {done.stdout[-500:]}")
    return [("kiosk-diag all, every simulator (goal)", statistics.median(times), GOAL_MS, "ms")]
