"""The centre probed from outside, as a hostile or careless client would: the real server on
loopback, raw sockets where `requests` would be too polite. Each probe is one that once found
a gap (issue 12) and must find none now."""

from __future__ import annotations

import logging
import secrets
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from central.body_limit import DEFAULT_MAX_BYTES, BodyLimit
from central.cli import default_db_url
from central.logs import OUT_OF_RESOURCES, OncePerInterval
from central.rate_limit import RateLimit
from central.routes.sessions import SMS_MAX_ATTEMPTS
from central.routes.verify import REQUESTS_PER_MINUTE
from central.security import ADMIN_FAILURES_PER_MINUTE
from kiosk.api.client import CentralClient, CentralError
from kiosk.api.models import SessionByIdCard, SessionBySms
from tests.rigs.central import ADMIN_TOKEN, CentralServer, free_port, signed_post, start_central
from tests.rigs.residents import ELDER_CARD

MB = 1024 * 1024
CHUNK = MB


@pytest.fixture(scope="module")
def prober_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    """A centre of its own: its memory is measured, so no other test may share it."""
    server = start_central(tmp_path_factory.mktemp("probed"))
    yield server
    server.stop()


def memory_kb(pid: int, field: str) -> int:
    """VmRSS (now) or VmHWM (the peak so far) of a process, in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


def upload(url: str, path: str, total: int, *, declare: bool) -> tuple[str, int]:
    """POST `total` bytes of nonsense, unsigned, with a Content-Length (`declare`) or chunked;
    stop sending as soon as the server answers. The status line and the bytes sent."""
    parts = urlsplit(url)
    sent = 0
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as conn:
        framing = f"Content-Length: {total}" if declare else "Transfer-Encoding: chunked"
        conn.sendall(
            f"POST {path} HTTP/1.1\r\nHost: {parts.hostname}\r\n"
            f"Content-Type: application/json\r\n{framing}\r\n\r\n".encode()
        )
        try:
            while sent < total and not select.select([conn], [], [], 0)[0]:
                payload = b"x" * min(CHUNK, total - sent)
                data = payload if declare else b"%x\r\n%s\r\n" % (len(payload), payload)
                conn.sendall(data)
                sent += len(payload)
            if not declare and sent >= total:
                conn.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server closed after answering: read what it said
        answer = conn.recv(4096).decode("latin-1")
    return answer.split("\r\n", 1)[0], sent


@pytest.mark.parametrize("declare", [True, False], ids=["content-length", "chunked"])
def test_a_huge_unsigned_body_is_refused_before_it_is_read(
    prober_target: CentralServer, declare: bool
) -> None:
    pid = prober_target.process.pid
    peak_before = memory_kb(pid, "VmHWM")
    status, sent = upload(prober_target.url, "/v1/sessions", 200 * MB, declare=declare)
    assert status == "HTTP/1.1 413 Request Entity Too Large"
    assert sent < 20 * MB, "the answer came only after most of the body"
    assert memory_kb(pid, "VmHWM") - peak_before < 20 * 1024, "the server buffered the body"
    expected = "body of Content-Length 209715200" if declare else "chunked body past the limit"
    assert expected in prober_target.log_path.read_text(encoding="utf-8")


def test_parallel_huge_uploads_leave_the_server_small_and_answering(
    prober_target: CentralServer,
) -> None:
    pid = prober_target.process.pid
    peak_before = memory_kb(pid, "VmHWM")
    statuses: list[str] = []

    def probe() -> None:
        statuses.append(upload(prober_target.url, "/v1/ratings", 400 * MB, declare=False)[0])

    threads = [threading.Thread(target=probe) for _ in range(4)]
    for thread in threads:
        thread.start()
    catalog = prober_target.client().catalog()  # a signed request meanwhile
    for thread in threads:
        thread.join(60)
    assert catalog.services
    assert statuses == ["HTTP/1.1 413 Request Entity Too Large"] * 4
    assert memory_kb(pid, "VmHWM") - peak_before < 40 * 1024


def test_a_body_within_the_limit_still_reaches_the_route(prober_target: CentralServer) -> None:
    status, _ = upload(prober_target.url, "/v1/sessions", DEFAULT_MAX_BYTES - 1, declare=True)
    # Read whole, then refused for what it says (not JSON, unsigned), not for its size.
    assert status in ("HTTP/1.1 401 Unauthorized", "HTTP/1.1 422 Unprocessable Entity")


def test_an_upload_route_can_have_a_larger_limit_than_the_rest() -> None:
    limit = BodyLimit(lambda *_: None, default_bytes=10, route_bytes={"/v1/up": 100, "/v": 50})
    assert limit.limit_for("/v1/up/1/materials/a") == 100  # the longest prefix wins
    assert limit.limit_for("/v1/ratings") == 50
    assert limit.limit_for("/verify/ABC") == 50
    assert limit.limit_for("/health") == 10


def verify_statuses(url: str, count: int, forwarded_for: str | None = None) -> list[int]:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return [
        requests.get(f"{url}/verify/ABCD{n:04d}", headers=headers, timeout=5).status_code
        for n in range(count)
    ]


def test_a_forged_forwarded_address_does_not_escape_the_verify_limit(
    prober_target: CentralServer,
) -> None:
    statuses = verify_statuses(prober_target.url, REQUESTS_PER_MINUTE + 1)
    assert statuses[:-1].count(429) == 0 and statuses[-1] == 429
    limited = requests.get(f"{prober_target.url}/verify/ABCD0000", timeout=5)
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    spoofed = [verify_statuses(prober_target.url, 1, f"203.0.113.{n}")[0] for n in range(1, 40)]
    assert set(spoofed) == {429}


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_limit(
    tmp_path: Path,
) -> None:
    server = start_central(tmp_path, extra=("--trusted-proxy", "127.0.0.1"))
    try:
        first = verify_statuses(server.url, REQUESTS_PER_MINUTE + 1, "198.51.100.7")
        assert 429 not in first[:-1] and first[-1] == 429
        assert verify_statuses(server.url, 1, "198.51.100.8") == [404]  # unknown code, not 429
    finally:
        server.stop()


def test_the_limiter_forgets_addresses_a_minute_after_their_last_lookup() -> None:
    now = [0.0]
    limit = RateLimit(per_minute=2, clock=lambda: now[0])
    for n in range(1000):
        assert limit.retry_after_s(f"10.0.{n // 256}.{n % 256}") is None
    assert limit.clients == 1000
    now[0] = 30.0
    assert limit.retry_after_s("10.9.9.9") is None
    assert limit.retry_after_s("10.9.9.9") is None
    assert limit.retry_after_s("10.9.9.9") == 60  # its first lookup leaves the window at 90 s
    now[0] = 61.0
    assert limit.retry_after_s("10.9.9.9") == 29
    assert limit.clients == 1  # the thousand are gone; 10.9.9.9 looked up within the minute


def test_a_demo_database_is_refused_by_a_production_start(tmp_path: Path) -> None:
    start_central(tmp_path).stop()  # demo mode: seeds the demo device and residents
    command = [
        str(Path(sys.executable).with_name("kiosk-central")),
        "serve",
        "--port",
        str(free_port()),
        "--db",
        f"sqlite:///{tmp_path / 'central.sqlite3'}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    message = done.stderr.strip().splitlines()[-1]
    assert f"the database sqlite:///{tmp_path / 'central.sqlite3'} holds" in message
    assert "the demo device demo-0001" in message and "the demo residents" in message
    assert "--demo" in message and "--db" in message


def test_demo_mode_has_a_default_database_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CENTRAL_STATE_DIR", str(tmp_path))
    assert default_db_url(demo=True) == f"sqlite:///{tmp_path / 'central-demo.sqlite3'}"
    assert default_db_url() == f"sqlite:///{tmp_path / 'central.sqlite3'}"


def test_parallel_wrong_codes_take_no_more_tries_than_the_limit(
    prober_target: CentralServer,
) -> None:
    id_number = "511321200110300043"  # 欧阳娜娜, a demo resident no other test here signs in
    client = prober_target.client()
    client.request_sms_code(id_number)
    code = client.demo_sms_code(id_number)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    answers: list[str] = []
    start = threading.Barrier(60)

    def guess(guesser: CentralClient) -> None:
        start.wait()  # all at once, as a script would
        try:
            guesser.open_session(SessionBySms(method="sms", id_number=id_number, code=wrong))
            answers.append("opened")
        except CentralError as error:
            answers.append(error.code)

    threads = [threading.Thread(target=guess, args=(prober_target.client(),)) for _ in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(answers) == 60
    assert answers.count("sms_code_wrong") == SMS_MAX_ATTEMPTS - 1, sorted(set(answers))
    assert answers.count("sms_code_attempts") == 60 - (SMS_MAX_ATTEMPTS - 1)
    with pytest.raises(CentralError) as right_too_late:
        client.open_session(SessionBySms(method="sms", id_number=id_number, code=code))
    assert right_too_late.value.code == "sms_code_attempts"


@pytest.fixture(scope="module")
def small_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    """A centre on a small machine: 256 open files at most, requests timed out after 1 s."""
    server = start_central(
        tmp_path_factory.mktemp("small"), extra=("--request-timeout", "1"), max_open_files=256
    )
    yield server
    server.stop()


def half_open(url: str, count: int) -> list[socket.socket]:
    """Connections that send half a request head and then nothing."""
    parts = urlsplit(url)
    held = []
    for _ in range(count):
        conn = socket.create_connection((parts.hostname, parts.port), timeout=5)
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: probe\r\n")
        held.append(conn)
    return held


def test_half_open_connections_cannot_exhaust_the_server(small_server: CentralServer) -> None:
    log_size = small_server.log_path.stat().st_size
    held = half_open(small_server.url, 400)  # more than the server has file descriptors
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                assert small_server.client(read_timeout_s=2).catalog().services
                break
            except CentralError:
                assert time.monotonic() < deadline, "signed requests never got through"
    finally:
        for conn in held:
            conn.close()
    log = small_server.log_path.read_text(encoding="utf-8")[log_size:]
    assert log.count("out of system resource") <= 1
    assert len(log) < 50_000, "the log grew with every refused accept"


def test_the_first_half_open_connections_are_closed_after_the_request_timeout(
    small_server: CentralServer,
) -> None:
    held = half_open(small_server.url, 5)
    try:
        time.sleep(1.5)
        for conn in held:
            conn.settimeout(2)
            assert conn.recv(100) == b"", "the server kept a connection without a whole head"
    finally:
        for conn in held:
            conn.close()


def test_a_body_that_stops_arriving_is_answered_408(small_server: CentralServer) -> None:
    parts = urlsplit(small_server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as conn:
        conn.sendall(
            b"POST /v1/ratings HTTP/1.1\r\nHost: probe\r\nContent-Type: application/json\r\n"
            b'Content-Length: 100\r\n\r\n{"score": '
        )
        started = time.monotonic()
        received = b""
        while chunk := conn.recv(4096):  # until the server closes: head and body
            received += chunk
        answer = received.decode("utf-8")
    assert answer.startswith("HTTP/1.1 408 ")
    assert time.monotonic() - started < 3
    assert '"code":"request_timeout"' in answer.replace(" ", "")


def test_a_recurring_accept_error_is_logged_once_a_minute() -> None:
    now = [0.0]
    once = OncePerInterval(OUT_OF_RESOURCES, interval_s=60, clock=lambda: now[0])

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("asyncio", logging.ERROR, "", 0, message, None, None)

    assert once.filter(record(OUT_OF_RESOURCES))
    held = [once.filter(record(OUT_OF_RESOURCES)) for _ in range(1000)]
    assert not any(held)
    assert once.filter(record("something else"))
    now[0] = 61.0
    again = record(OUT_OF_RESOURCES)
    assert once.filter(again)
    assert "1000 more since the last one" in again.getMessage()


def test_guessing_the_admin_token_is_throttled(tmp_path: Path) -> None:
    server = start_central(tmp_path)
    try:
        url = f"{server.url}/admin/faults"
        guesses = [
            requests.get(url, headers={"Authorization": f"Bearer guess-{n}"}, timeout=5)
            for n in range(ADMIN_FAILURES_PER_MINUTE + 1)
        ]
        assert [g.status_code for g in guesses] == [403] * ADMIN_FAILURES_PER_MINUTE + [429]
        right = requests.get(url, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=5)
        assert right.status_code == 429, "a guesser's address waits out the minute"
        assert right.json()["code"] == "admin_throttled"
    finally:
        server.stop()


def test_an_id_number_hidden_in_percent_encoding_is_masked_in_the_log(
    prober_target: CentralServer,
) -> None:
    number = "511321194602030029"
    once = "".join(f"%{ord(c):02X}" for c in number)
    twice = once.replace("%", "%25")
    for path in (f"/v1/records/{once}", f"/x/{twice}?id={twice}", f"/verify/{once}"):
        requests.get(prober_target.url + path, timeout=5)
    time.sleep(0.3)
    log = prober_target.log_path.read_text(encoding="utf-8")
    assert number not in log and once[:12] not in log and twice[:15] not in log


def test_new_keys_do_not_mean_new_certificates_without_end(tmp_path: Path) -> None:
    server = start_central(tmp_path, certificates_per_day=2)
    try:
        client = server.client()
        card = SessionByIdCard(method="idcard", card=ELDER_CARD, sam_id="s")
        token = client.open_session(card).token
        serials = {
            client.issue_certificate(token, "si-cert", secrets.token_hex(12)).serial_no
            for _ in range(2)
        }
        assert len(serials) == 2
        with pytest.raises(CentralError) as refused:
            client.preview_certificate(token, "si-cert")
        assert refused.value.code == "certificate_daily_limit"
        with pytest.raises(CentralError) as refused:
            client.issue_certificate(token, "si-cert", secrets.token_hex(12))
        assert refused.value.code == "certificate_daily_limit"
        assert refused.value.resident_text == "此项证明今天已开具2份，如需更多请到窗口办理"  # type: ignore[attr-defined]
        other = client.issue_certificate(token, "residence-cert", secrets.token_hex(12))
        assert other.serial_no not in serials  # another service has its own count
    finally:
        server.stop()


def test_an_event_with_huge_strings_or_an_unknown_service_is_refused(
    prober_target: CentralServer,
) -> None:
    huge = "x" * 100_000
    rating = {
        "event_id": secrets.token_hex(16),
        "session_id": "0123456789abcdef",
        "service_id": "si-cert",
        "score": 5,
        "tags": [],
    }
    heartbeat = {
        "event_id": secrets.token_hex(16),
        "app_version": "0.1.0",
        "uptime_s": 1.0,
        "devices": [{"device": "printer", "level": "ok", "reason": ""}],
        "outbox_depth": 0,
    }
    refusals = [
        signed_post(prober_target, "/v1/ratings", {**rating, "session_id": huge}),
        signed_post(prober_target, "/v1/ratings", {**rating, "service_id": huge[:41]}),
        signed_post(prober_target, "/v1/heartbeat", {**heartbeat, "app_version": huge}),
        signed_post(
            prober_target,
            "/v1/heartbeat",
            {**heartbeat, "devices": [{"device": "printer", "level": "ok", "reason": huge}]},
        ),
        signed_post(
            prober_target, "/v1/heartbeat", {**heartbeat, "devices": heartbeat["devices"] * 33}
        ),
    ]
    assert [r.json()["code"] for r in refusals] == ["validation_error"] * 5
    unknown = signed_post(prober_target, "/v1/ratings", {**rating, "service_id": "no-such"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "service_not_found")
    assert signed_post(prober_target, "/v1/ratings", rating).status_code == 200


def test_the_database_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "central.sqlite3"
    start_central(tmp_path).stop()
    database.chmod(0o644)  # as an older centre left it
    server = start_central(tmp_path)
    try:
        for path in (database, database.with_name(database.name + "-wal")):
            assert path.stat().st_mode & 0o777 == 0o600, path
        assert "was readable by others" in server.log_path.read_text(encoding="utf-8")
    finally:
        server.stop()
