"""The watchdog: how long a frozen kiosk stays frozen before systemd kills and restarts it.

PID 1 here is not systemd, so no real unit restarts the app (../shared/reference/platform.md);
this measures what the unit would act on. The real `kiosk --demo --windowed` runs with a
NOTIFY_SOCKET this benchmark listens on and `WATCHDOG_USEC` of `WATCHDOG_S`; after READY=1 it
is frozen whole with SIGSTOP (as a GUI thread stuck in a driver call would be, and worse) at a
moment unrelated to its ping timer. systemd kills it `WatchdogSec` after the last ping, so the
figure is last ping + WatchdogSec − freeze, against the bound WatchdogSec: between half of it
(a freeze just before a ping) and all of it. The unit's RestartSec=2 s and a start-up follow.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TITLE = "watchdog"
WATCHDOG_S = 4.0  # the unit says 30 s; scaled down so a round takes seconds
ROUNDS = 3
READY_TIMEOUT_S = 60.0


def run() -> list[tuple[str, float, float, str]]:
    figures = [_one_freeze() for _ in range(ROUNDS)]
    return [
        (
            f"frozen → watchdog kill (WatchdogSec {WATCHDOG_S:g} s)",
            statistics.median(figures) * 1000,
            WATCHDOG_S * 1000,
            "ms",
        )
    ]


def _one_freeze() -> float:
    with tempfile.TemporaryDirectory() as state:
        address = str(Path(state) / "notify.sock")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        listener.bind(address)
        kiosk = str(Path(sys.executable).with_name("kiosk"))
        env = {
            **os.environ,
            "KIOSK_STATE_DIR": state,
            "NOTIFY_SOCKET": address,
            "WATCHDOG_USEC": str(int(WATCHDOG_S * 1_000_000)),
            "QT_QPA_PLATFORM": "offscreen",
        }
        process = subprocess.Popen(
            [kiosk, "--demo", "--windowed"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            last_ping = _wait_for(listener, b"READY=1", READY_TIMEOUT_S)
            deadline = time.monotonic() + WATCHDOG_S * random.uniform(0.5, 1.0)
            while time.monotonic() < deadline:  # pings go on while the app runs
                last_ping = _wait_for(
                    listener, b"WATCHDOG=1", deadline - time.monotonic(), last_ping
                )
            os.kill(process.pid, signal.SIGSTOP)
            frozen = time.monotonic()
            listener.setblocking(False)
            try:
                while True:  # queued: sent just before the stop, so no later than it
                    if b"WATCHDOG=1" in listener.recv(256):
                        last_ping = frozen
            except BlockingIOError:
                pass
            listener.settimeout(WATCHDOG_S)
            try:
                listener.recv(256)
                raise RuntimeError("the kiosk pinged while frozen")
            except TimeoutError:
                pass  # silent for a whole WatchdogSec: systemd would have killed it
            return last_ping + WATCHDOG_S - frozen
        finally:
            os.kill(process.pid, signal.SIGCONT)
            process.terminate()
            process.wait(30)
            listener.close()


def _wait_for(
    listener: socket.socket, message: bytes, timeout_s: float, last: float = 0.0
) -> float:
    """When `message` arrived (monotonic); `last` if the time ran out first."""
    end = time.monotonic() + max(timeout_s, 0.0)
    while (left := end - time.monotonic()) > 0:
        listener.settimeout(left)
        try:
            if message in listener.recv(256):
                return time.monotonic()
        except TimeoutError:
            break
    if not last:
        raise RuntimeError(f"no {message.decode()} from the kiosk within {timeout_s:.0f} s")
    return last
