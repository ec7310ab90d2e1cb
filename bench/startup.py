"""Time from process start to the attract screen's first painted frame, against a bare window;
and to the moment the journey is attached (the core built, every screen ready for a tap)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

TITLE = "start-up to first attract frame"

RUNS = 9
FLOOR = [sys.executable, "-m", "bench.floor_window"]
KIOSK = [sys.executable, "-m", "ui.app", "--demo", "--windowed", "--bench-first-paint"]


def stamps_s(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from just before the process is spawned to each `name <monotonic>` it prints
    (`first-paint`, and for the kiosk `attached`)."""
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    stamps = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition(" ")
        if name in ("first-paint", "attached"):
            stamps[name] = float(value) - started
    if "first-paint" not in stamps:
        raise RuntimeError(f"{command} painted nothing: {done.stderr[-2000:]}")
    return stamps


def run() -> list[tuple[str, float, float, str]]:
    with tempfile.TemporaryDirectory() as state_dir:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_STATE_DIR": state_dir}
        # Warm the page cache, fontconfig's cache and the bytecode cache: an installed kiosk
        # has its .pyc files (pip compiles them), whatever PYTHONDONTWRITEBYTECODE says here.
        warm = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
        stamps_s(FLOOR, warm)
        stamps_s(KIOSK, warm)
        # Taken in turns, so that a busy moment of the machine weighs on both alike.
        floors, kiosks = [], []
        for _ in range(RUNS):
            floors.append(stamps_s(FLOOR, env)["first-paint"])
            kiosks.append(stamps_s(KIOSK, env))
    floor = statistics.median(floors) * 1000
    first = statistics.median(k["first-paint"] for k in kiosks) * 1000
    attached = statistics.median(k["attached"] for k in kiosks) * 1000
    return [
        ("start-up to first attract frame", first, floor, "ms"),
        ("start-up to every screen ready", attached, floor, "ms"),
    ]
