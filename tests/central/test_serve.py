from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from central import __version__


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_answers_health_on_loopback() -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("kiosk-central")), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/health", timeout=2) as r:
                    answer = json.loads(r.read())
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
                assert time.monotonic() < deadline, "kiosk-central did not come up"
                time.sleep(0.1)
        assert answer == {"status": "ok", "version": __version__}
    finally:
        server.terminate()
        server.wait(10)
