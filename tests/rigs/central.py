"""The reference central service, started for real on a free loopback port."""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from kiosk.api import signing
from kiosk.api.client import CentralClient, ClientSettings
from kiosk.api.demo import DEMO_DEVICE_ID, DEMO_DEVICE_SECRET
from tests.rigs.tls import TlsFiles

ADMIN_TOKEN = "test-admin-token-0123456789abcdef0123"  # 32+ characters
START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class CentralServer:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    ca_bundle: str | None = None
    clients: list[CentralClient] = field(default_factory=list)

    def client(self, **overrides: object) -> CentralClient:
        settings = ClientSettings(
            base_url=self.url,
            kiosk_id=DEMO_DEVICE_ID,
            secret=DEMO_DEVICE_SECRET,
            ca_bundle=self.ca_bundle,
        )
        client = CentralClient(dataclasses.replace(settings, **overrides))  # type: ignore[arg-type]
        self.clients.append(client)
        return client

    def received(self, kind: str, subject: object = None) -> list[dict[str, Any]]:
        """The bodies of the events of `kind` received (for `subject`, when given), oldest
        first."""
        db = sqlite3.connect(self.log_path.parent / "central.sqlite3")
        try:
            rows = db.execute(
                "SELECT body FROM received_events WHERE kind = ?"
                " AND (? IS NULL OR subject = ?) ORDER BY received_at",
                (kind, subject, subject),
            ).fetchall()
        finally:
            db.close()
        return [json.loads(body) for (body,) in rows]

    def print_results(self, certificate_id: object) -> list[str]:
        """The statuses of the print results received for a certificate, oldest first."""
        return [body["status"] for body in self.received("print_result", certificate_id)]

    def ratings(self, session_id: str) -> list[dict[str, Any]]:
        """The ratings received from one resident session."""
        return [body for body in self.received("rating") if body["session_id"] == session_id]

    def _sms_codes(self, statement: str, id_number: str) -> None:
        db = sqlite3.connect(self.log_path.parent / "central.sqlite3")
        try:
            with db:
                db.execute(
                    statement
                    + " WHERE resident_id = (SELECT id FROM residents WHERE id_number = ?)",
                    (id_number,),
                )
        finally:
            db.close()

    def forget_sms_codes(self, id_number: str) -> None:
        """Forget the codes sent to a resident, so a test may send one at once (the centre
        sends a resident at most one a minute, and the server is shared by the tests)."""
        self._sms_codes("DELETE FROM sms_codes", id_number)

    def expire_sms_codes(self, id_number: str) -> None:
        """Age the codes sent to a resident past their five minutes (the year becomes 2000)."""
        self._sms_codes(
            "UPDATE sms_codes SET expires_at = '2000' || substr(expires_at, 5)", id_number
        )

    def set_faults(self, rules: dict[str, dict[str, float]]) -> None:
        response = requests.put(
            f"{self.url}/admin/faults",
            json={"rules": rules},
            headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
            verify=self.ca_bundle or True,
            timeout=5,
        )
        response.raise_for_status()

    def answered(self, method: str, path: str, status: int) -> int:
        """How many `method path` requests the server has answered with `status` so far.

        Read from uvicorn's access log, which is written before the answer is sent.
        """
        line = f'"{method} {path} HTTP/1.1" {status}'
        return self.log_path.read_text(encoding="utf-8", errors="replace").count(line)

    def stop(self) -> None:
        for client in self.clients:
            client.close()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _limit_open_files(count: int) -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (count, count))


def start_central(
    directory: Path,
    *,
    tls: TlsFiles | None = None,
    extra: tuple[str, ...] = (),
    admin_token: str | None = ADMIN_TOKEN,
    demo: bool = True,
    max_open_files: int | None = None,
    devices: dict[str, str] | None = None,
    certificates_per_day: int = 1000,
) -> CentralServer:
    """Start `kiosk-central serve` on a free port and wait until /health answers.

    `admin_token` None starts it without one (no admin endpoints); `demo` False without demo
    data and devices (accept kiosks with `devices={ID: SECRET}`, written to a devices file);
    `max_open_files` its hard limit of open files (as a small machine's would be);
    `certificates_per_day` high, since the suite prints the same certificates all day long.
    """
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    scheme = "https" if tls else "http"
    command = [
        str(Path(sys.executable).with_name("kiosk-central")),
        "serve",
        *(["--demo"] if demo else []),
        "--port",
        str(port),
        "--db",
        f"sqlite:///{directory / 'central.sqlite3'}",
        "--certificates-per-day",
        str(certificates_per_day),
        *extra,
    ]
    if devices:
        devices_file = directory / "devices"
        devices_file.write_text("".join(f"{k}:{v}\n" for k, v in devices.items()))
        devices_file.chmod(0o600)
        command += ["--devices-file", str(devices_file)]
    if tls:
        command += ["--tls-cert", str(tls.server_cert), "--tls-key", str(tls.server_key)]
    log_path = directory / "central.log"
    # The token comes from the argument only, never from the environment of the test run.
    env = {k: v for k, v in os.environ.items() if k != "CENTRAL_ADMIN_TOKEN"}
    if admin_token is not None:
        env["CENTRAL_ADMIN_TOKEN"] = admin_token
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**env, "PYTHONUNBUFFERED": "1"},
            preexec_fn=(lambda: _limit_open_files(max_open_files)) if max_open_files else None,
        )
    server = CentralServer(
        f"{scheme}://127.0.0.1:{port}", process, log_path, str(tls.ca_cert) if tls else None
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            requests.get(f"{server.url}/health", timeout=1, verify=server.ca_bundle or True)
            return server
        except requests.ConnectionError as error:
            if process.poll() is not None or time.monotonic() > deadline:
                server.stop()
                output = log_path.read_text()
                raise RuntimeError(f"kiosk-central did not start:\n{output}") from error
            time.sleep(0.05)


def signed_post(server: CentralServer, path: str, payload: object) -> requests.Response:
    """A POST signed as the demo kiosk, with any JSON: for what the kiosk's models would refuse."""
    body = json.dumps(payload).encode()
    headers = signing.signed_headers(
        DEMO_DEVICE_ID, DEMO_DEVICE_SECRET, "POST", path, body, int(time.time())
    )
    return requests.post(
        server.url + path,
        data=body,
        headers={**headers, "Content-Type": "application/json"},
        timeout=10,
    )
