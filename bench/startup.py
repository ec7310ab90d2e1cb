"""Time from process start to the attract screen's first painted frame, against a bare window."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

TITLE = "start-up to first attract frame"

RUNS = 7


def first_paint_s(command: list[str], env: dict[str, str]) -> float:
    """Seconds from just before the process is spawned to its first painted frame."""
    started = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
    for line in done.stdout.splitlines():
        if line.startswith("first-paint "):
            return float(line.split()[1]) - started
    raise RuntimeError(f"{command} painted nothing: {done.stderr[-2000:]}")


def median_first_paint_s(command: list[str], env: dict[str, str]) -> float:
    first_paint_s(command, env)  # warm the page cache and fontconfig's cache
    return statistics.median(first_paint_s(command, env) for _ in range(RUNS))


def run() -> list[tuple[str, float, float, str]]:
    with tempfile.TemporaryDirectory() as state_dir:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_STATE_DIR": state_dir}
        floor = median_first_paint_s([sys.executable, "-m", "bench.floor_window"], env)
        kiosk = median_first_paint_s(
            [sys.executable, "-m", "ui.app", "--demo", "--windowed", "--bench-first-paint"], env
        )
    return [("start-up to first attract frame", kiosk * 1000, floor * 1000, "ms")]
