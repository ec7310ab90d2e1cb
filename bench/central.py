"""The central API on loopback: a signed GET /v1/catalog, and the outbox's delivery rate.

Both against the floor of the same uvicorn: the unsigned bare route GET /health, called
through the very requests session (pool, TLS and proxy settings) the signed client uses. The
server is `kiosk-central serve --demo` on a free loopback port with a temporary SQLite file.
"""

from __future__ import annotations

import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

from kiosk.api.client import CentralClient, ClientSettings
from kiosk.api.demo import DEMO_DEVICE_ID, DEMO_DEVICE_SECRET
from kiosk.api.models import Heartbeat
from kiosk.outbox import Outbox, OutboxEvent

TITLE = "signed GET /v1/catalog, outbox"

CALLS = 500
WARMUP_CALLS = 50
EVENTS = 1000
START_TIMEOUT_S = 60.0
FLUSH_TIMEOUT_S = 120.0
HEARTBEAT = {"app_version": "bench", "uptime_s": 1.0, "devices": [], "outbox_depth": 0}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_server(directory: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [
        str(Path(sys.executable).with_name("kiosk-central")),
        "serve",
        "--demo",
        "--port",
        str(port),
        "--db",
        f"sqlite:///{directory / 'central.sqlite3'}",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            requests.get(f"{url}/health", timeout=1)
            return process, url
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                _stop_server(process)
                raise RuntimeError(f"kiosk-central did not start: {command}") from None
            time.sleep(0.05)


def _stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[98]


def _round_trips_ms(
    signed: Callable[[], object], bare: Callable[[], object]
) -> tuple[list[float], list[float]]:
    """Interleaved, so a change of CPU clock or load hits both series alike."""
    for _ in range(WARMUP_CALLS):
        signed()
        bare()
    signed_ms, bare_ms = [], []
    for _ in range(CALLS):
        started = time.perf_counter()
        signed()
        middle = time.perf_counter()
        bare()
        signed_ms.append((middle - started) * 1000)
        bare_ms.append((time.perf_counter() - middle) * 1000)
    return signed_ms, bare_ms


def _outbox_rate(client: CentralClient, directory: Path) -> float:
    """Events per second the outbox worker delivers, from a full queue to an empty one."""

    def deliver(event: OutboxEvent) -> None:
        client.send_heartbeat(Heartbeat(event_id=event.event_id, **event.payload))

    outbox = Outbox(directory / "outbox.sqlite3", deliver)
    try:
        for _ in range(EVENTS):
            outbox.enqueue("heartbeat", HEARTBEAT)
        started = time.perf_counter()
        outbox.start()
        if not outbox.flush(FLUSH_TIMEOUT_S):
            raise RuntimeError(f"outbox still holds {outbox.depth()} events")
        elapsed_s = time.perf_counter() - started
        if outbox.dead_count():
            raise RuntimeError(f"the centre refused {outbox.dead_count()} heartbeats")
    finally:
        outbox.close()
    return EVENTS / elapsed_s


def _bare_rate(health: Callable[[], object]) -> float:
    started = time.perf_counter()
    for _ in range(EVENTS):
        health()
    return EVENTS / (time.perf_counter() - started)


def run() -> list[tuple[str, float, float, str]]:
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        process, url = _start_server(directory)
        try:
            client = CentralClient(ClientSettings(url, DEMO_DEVICE_ID, DEMO_DEVICE_SECRET))
            session = client._http  # the client's own pool: the floor differs only by route
            timeout = (client.settings.connect_timeout_s, client.settings.read_timeout_s)

            def health() -> None:
                session.get(f"{url}/health", timeout=timeout).raise_for_status()

            try:
                signed_ms, bare_ms = _round_trips_ms(client.catalog, health)
                delivered = _outbox_rate(client, directory)
                bare = _bare_rate(health)
            finally:
                client.close()
        finally:
            _stop_server(process)
    return [
        (
            "signed GET /v1/catalog median",
            statistics.median(signed_ms),
            statistics.median(bare_ms),
            "ms",
        ),
        ("signed GET /v1/catalog p99", _p99(signed_ms), _p99(bare_ms), "ms"),
        ("outbox heartbeats (higher is better)", delivered, bare, "ev/s"),
    ]
