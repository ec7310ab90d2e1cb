"""一窗受理 on loopback: an application with three captured pages submitted, and the
department workbench's queue page with 10,000 applications in the database.

The submission is the kiosk's own path (kiosk/services/applying.py `_send`): create the
application, upload the household register (two pages, one PDF) and the bank card (one JPEG),
submit; capture excluded. Its floor is the same number of requests (four) to the bare route
GET /health plus one PUT carrying the same bytes to that bare route's server (a 405 answer, so
only the wire and the parsing of the body count). The queue page is p95 of GET /dept/ as a
logged-in clerk, against p95 of GET /health. The server is `kiosk-central serve --demo` with
a temporary SQLite file; pages are noise compacted to the scanner's budget (≈ 300 KB each).
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import requests

from bench.central import _start_server, _stop_server
from kiosk.api.client import CentralClient, ClientSettings
from kiosk.api.demo import DEMO_DEVICE_ID, DEMO_DEVICE_SECRET

TITLE = "application submit, workbench queue"

SUBMISSIONS = 20
QUEUE_APPLICATIONS = 10_000
QUEUE_CALLS = 100


def _pages(count: int) -> list[object]:
    from PIL import Image

    from drivers.scanner import PAGE_BUDGET_BYTES, compact
    from kiosk.services.applying import CapturedPage

    pages = []
    for _ in range(count):
        image = Image.effect_noise((1240, 1754), 40).convert("RGB")  # A4 at 150 dpi
        jpeg, (width, height) = compact(image, PAGE_BUDGET_BYTES)
        pages.append(CapturedPage(jpeg, b"", width, height, 150))
    return pages


def _submit_ms(client: CentralClient, token: str) -> tuple[list[float], int]:
    from kiosk.catalog import from_api
    from kiosk.services.applying import ApplyingView, Step, _send, material_file

    service = next(s for s in from_api(client.catalog()).services if s.id == "senior-allowance")
    pages = _pages(3)
    files = {
        "household_book": material_file(tuple(pages[:2])),  # type: ignore[arg-type]
        "bank_card": material_file(tuple(pages[2:])),  # type: ignore[arg-type]
    }
    view = ApplyingView(Step.REVIEW, service, answers={"phone": "13800000001"})
    timings = []
    for _ in range(SUBMISSIONS):
        started = time.perf_counter()
        answer = _send(client, token, view, files, secrets.token_urlsafe(24))
        timings.append((time.perf_counter() - started) * 1000)
        if answer.status != "submitted":
            raise RuntimeError(f"submitted as {answer.status}")
    return timings, sum(len(data) for data in files.values())


def _floor_ms(url: str, body_bytes: int) -> list[float]:
    session = requests.Session()
    body = bytes(body_bytes)
    timings = []
    for _ in range(SUBMISSIONS):
        started = time.perf_counter()
        for _request in range(4):
            session.get(f"{url}/health", timeout=10).raise_for_status()
        session.put(f"{url}/health", data=body, timeout=10)  # 405: the bytes crossed
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _seed_queue(database_url: str) -> None:
    from sqlalchemy import insert, select

    from central.db import Database
    from central.models import Application, Resident

    database = Database(database_url)
    now = dt.datetime.now(dt.UTC)
    with database.session() as session:
        residents = session.scalars(select(Resident.id)).all()
        rows = [
            {
                "id": uuid.uuid4().hex,
                "application_no": f"BENCH{index:011d}",
                "kind": "application",
                "service_id": "senior-allowance",
                "resident_id": residents[index % len(residents)],
                "kiosk_id": "bench",
                "idempotency_key": None,
                "case_id": None,
                "step": 0,
                "after": "",
                "department_id": "minzheng",
                "status": ("submitted", "accepted", "reviewing", "correction")[index % 4],
                "form": {"phone": "13800000001"},
                "delivery": "pickup",
                "address": None,
                "missing": "",
                "created_at": now,
                "submitted_at": now - dt.timedelta(minutes=index),
                "promised_date": (now - dt.timedelta(days=index % 40 - 20)).date(),
                "decided_at": None,
            }
            for index in range(QUEUE_APPLICATIONS)
        ]
        session.execute(insert(Application), rows)
    database.engine.dispose()


def _queue_ms(url: str) -> tuple[list[float], list[float]]:
    from central.demo_applications import DEMO_PASSWORD

    browser = requests.Session()
    login = browser.get(f"{url}/login", timeout=10)
    csrf = re.search(r'name="csrf_token" value="([^"]*)"', login.text)
    if csrf is None:
        raise RuntimeError("no CSRF token on the login page")
    answer = browser.post(
        f"{url}/login",
        data={"csrf_token": csrf.group(1), "username": "clerk-minzheng",
              "password": DEMO_PASSWORD, "next": "/dept/"},
        allow_redirects=False,
        timeout=10,
    )  # fmt: skip
    if answer.status_code != 303:
        raise RuntimeError(f"login refused: HTTP {answer.status_code}")
    queue, bare = [], []
    for call in range(QUEUE_CALLS + 10):
        started = time.perf_counter()
        page = browser.get(f"{url}/dept/", timeout=30)
        middle = time.perf_counter()
        browser.get(f"{url}/health", timeout=10).raise_for_status()
        if page.status_code != 200 or "BENCH" not in page.text:
            raise RuntimeError(f"the queue page did not show the applications: {page.status_code}")
        if call >= 10:  # warmed up
            queue.append((middle - started) * 1000)
            bare.append((time.perf_counter() - middle) * 1000)
    return queue, bare


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100, method="inclusive")[94]


def run() -> list[tuple[str, float, float, str]]:
    from drivers.idcard.demo import DEMO_CARDS
    from kiosk.services.identification import idcard_session_request

    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        process, url = _start_server(directory)
        try:
            client = CentralClient(ClientSettings(url, DEMO_DEVICE_ID, DEMO_DEVICE_SECRET))
            try:
                token = client.open_session(idcard_session_request(DEMO_CARDS[0], "bench")).token
                submit, body_bytes = _submit_ms(client, token)
            finally:
                client.close()
            floor = _floor_ms(url, body_bytes)
            _seed_queue(f"sqlite:///{directory / 'central.sqlite3'}")
            queue, bare = _queue_ms(url)
        finally:
            _stop_server(process)
    return [
        (
            f"submit, 3 pages ({body_bytes // 1024} KB) median",
            statistics.median(submit),
            statistics.median(floor),
            "ms",
        ),
        (
            f"workbench queue, {QUEUE_APPLICATIONS} apps p95",
            _p95(queue),
            _p95(bare),
            "ms",
        ),
    ]
