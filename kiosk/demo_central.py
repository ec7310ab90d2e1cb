"""Demo mode's central service: the reference server, started as a child process on a free
loopback port with its own SQLite file in the state directory. The kiosk runs it as a
program (`python -m central.cli`), never imports it (DESIGN.md, "Layers")."""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import time
from pathlib import Path

from kiosk.api.demo import DEMO_DEVICE_ID, DEMO_DEVICE_SECRET

log = logging.getLogger(__name__)


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class DemoCentral:
    """Started by `start()`, stopped by `stop()`; `url` is known from construction."""

    device_id = DEMO_DEVICE_ID
    secret = DEMO_DEVICE_SECRET

    def __init__(self, state_dir: Path) -> None:
        self._state_dir = state_dir
        self._port = free_loopback_port()
        self.url = f"http://127.0.0.1:{self._port}"
        self._process: subprocess.Popen[bytes] | None = None
        self.sms_log = state_dir / "logs" / "sms-gateway.log"

    def start(self) -> None:
        log_path = self._state_dir / "logs" / "central-demo.log"
        database = self._state_dir / "central-demo.sqlite3"
        command = [
            sys.executable,
            "-m",
            "central.cli",
            "serve",
            "--demo",
            "--port",
            str(self._port),
            "--db",
            f"sqlite:///{database}",
            "--exit-with-parent",  # a kiosk killed with SIGKILL leaves no orphan behind
            # What residents' phones would show (application steps, login codes): one JSON
            # line a message, for the newcomer to read (README: "SMS in demo mode").
            "--sms-gateway-sim",
            str(self.sms_log),
        ]
        with log_path.open("ab") as log_file:
            self._process = subprocess.Popen(
                command, stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        log.info("demo central service starting at %s (log: %s)", self.url, log_path)

    def wait_until_answering(self, timeout_s: float) -> bool:
        """Block until the service accepts connections (True), or it has exited or
        `timeout_s` has passed (False)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            process = self._process
            if process is None or process.poll() is not None:
                return False
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self._port)) == 0:
                    return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None
