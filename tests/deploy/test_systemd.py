"""The kiosk under systemd: its unit passes systemd's own checker (which must be able to fail),
carries the hardening and the watchdog, and the app speaks the notify protocol: READY=1 after
its first frame, WATCHDOG=1 from its event loop, and no ping while that loop is blocked."""

from __future__ import annotations

import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from ui.watchdog import SystemdNotifier

DEPLOY = Path(__file__).parents[2] / "deploy"
UNIT = DEPLOY / "village-kiosk.service"


def verify(unit: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["systemd-analyze", "verify", "--recursive-errors=yes", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )


def unit_lines() -> dict[str, list[str]]:
    keys: dict[str, list[str]] = {}
    for line in UNIT.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            keys.setdefault(key, []).append(value)
    return keys


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    copy = tmp_path / UNIT.name
    copy.write_text(UNIT.read_text(encoding="utf-8"), encoding="utf-8")
    done = verify(copy)
    assert done.returncode == 0, done.stderr


def test_the_check_fails_on_a_misspelt_key(tmp_path: Path) -> None:
    copy = tmp_path / UNIT.name
    copy.write_text(UNIT.read_text(encoding="utf-8").replace("Restart=", "Restartt="))
    done = verify(copy)
    assert done.returncode != 0 and "Restartt" in done.stderr


def test_the_unit_runs_the_kiosk_unprivileged_hardened_and_watched() -> None:
    keys = unit_lines()
    assert keys["User"] == ["kiosk"] and keys["Restart"] == ["always"]
    assert keys["Type"] == ["notify"] and keys["NotifyAccess"] == ["all"]
    assert keys["WatchdogSec"] == ["30s"]
    assert set(keys["SupplementaryGroups"][0].split()) >= {"dialout", "lp"}
    for key in ("NoNewPrivileges", "ProtectHome", "PrivateTmp"):
        assert keys[key] == ["yes"], key
    assert keys["ProtectSystem"] == ["strict"] and keys["StateDirectory"] == ["village-kiosk"]
    assert keys["ExecStart"][0].startswith("/usr/bin/cage -s -- ")


# --- the notify protocol --------------------------------------------------------------------


class NotifySocket:
    """What systemd listens on: an AF_UNIX datagram socket; every message with its time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.messages: list[tuple[float, str]] = []
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.bind(str(path))
        self._socket.settimeout(0.1)
        self._running = True
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while self._running:
            try:
                data = self._socket.recv(4096)
            except TimeoutError:
                continue
            self.messages.append((time.monotonic(), data.decode()))

    def times(self, prefix: str) -> list[float]:
        return [at for at, message in self.messages if message.startswith(prefix)]

    def close(self) -> None:
        self._running = False
        self._thread.join(1)
        self._socket.close()


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[NotifySocket]:
    listening = NotifySocket(tmp_path / "notify")
    yield listening
    listening.close()


def test_a_blocked_event_loop_stops_the_pings(
    qtbot: QtBot, notify_socket: NotifySocket, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NOTIFY_SOCKET", str(notify_socket.path))
    monkeypatch.setenv("WATCHDOG_USEC", "200000")  # a ping every 100 ms
    notifier = SystemdNotifier()
    assert notifier.interval_ms == 100
    notifier.ready()
    qtbot.waitUntil(lambda: len(notify_socket.times("WATCHDOG=1")) >= 5, timeout=3000)
    blocked_at = time.monotonic()
    QTimer.singleShot(0, lambda: time.sleep(1.0))  # the GUI thread frozen for a second
    qtbot.wait(1400)
    pings = notify_socket.times("WATCHDOG=1")
    during = [at for at in pings if blocked_at + 0.1 < at < blocked_at + 0.95]
    assert during == [], "pings went on while the event loop was blocked"
    assert any(at > blocked_at + 1.0 for at in pings), "the pings did not come back"
    steady = [b - a for a, b in itertools.pairwise(pings) if b < blocked_at]
    assert max(steady) < 0.2
    assert notify_socket.times("READY=1")


def test_the_kiosk_says_ready_after_its_first_frame_then_pings_then_stops(
    notify_socket: NotifySocket, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "KIOSK_STATE_DIR": str(tmp_path / "state"),
        "NOTIFY_SOCKET": str(notify_socket.path),
        "WATCHDOG_USEC": "400000",
    }
    started = time.monotonic()
    kiosk = subprocess.Popen(
        [sys.executable, "-m", "ui.app", "--demo", "--windowed"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while len(notify_socket.times("WATCHDOG=1")) < 4:
            assert time.monotonic() < deadline, notify_socket.messages
            assert kiosk.poll() is None, "the kiosk exited"
            time.sleep(0.05)
        ready = notify_socket.times("READY=1")
        assert len(ready) == 1 and ready[0] - started < 10
        assert min(notify_socket.times("WATCHDOG=1")) >= ready[0]
    finally:
        kiosk.send_signal(signal.SIGTERM)
        assert kiosk.wait(30) == 0
    assert notify_socket.times("STOPPING=1")
