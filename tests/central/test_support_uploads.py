"""`PUT /v1/support-uploads/{id}` probed as an outsider would: a request of another kiosk, an
unknown id, a file that is not what was asked for (whatever its Content-Type says), a body over
the limit (refused before it is read), and the same upload twice (the first is kept)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import requests

from central.routes.support import UPLOAD_MAX_BYTES
from kiosk.api import signing
from kiosk.api.demo import DEMO_DEVICE_ID, DEMO_DEVICE_SECRET
from tests.rigs.central import CentralServer, start_central

CENTRAL = [sys.executable, "-m", "central.cli"]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)
ZIP = b"PK\x03\x04" + bytes(64)
OTHER_KIOSK, OTHER_SECRET = "village-0099", "another-kiosks-secret-0123456789abcdef"


@pytest.fixture(scope="module")
def centre(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    server = start_central(tmp_path_factory.mktemp("central-uploads"))
    yield server
    server.stop()


def admin(centre: CentralServer, *args: str) -> str:
    db = f"sqlite:///{centre.log_path.parent / 'central.sqlite3'}"
    done = subprocess.run([*CENTRAL, *args, "--db", db], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def ask(centre: CentralServer, kind: str) -> str:
    return admin(centre, "kiosk", f"request-{kind}", DEMO_DEVICE_ID).split()[1].rstrip(":")


def put(
    centre: CentralServer,
    request_id: str,
    body: bytes,
    *,
    kiosk: tuple[str, str] = (DEMO_DEVICE_ID, DEMO_DEVICE_SECRET),
    content_type: str = "application/octet-stream",
) -> requests.Response:
    path = f"/v1/support-uploads/{request_id}"
    headers = signing.signed_headers(*kiosk, "PUT", path, body, int(time.time()))
    headers["Content-Type"] = content_type
    return requests.put(centre.url + path, data=body, headers=headers, timeout=30)


def test_the_same_upload_twice_keeps_the_first(centre: CentralServer) -> None:
    request_id = ask(centre, "screenshot")
    first = put(centre, request_id, PNG)
    assert first.status_code == 200, first.text
    assert first.json() == {"id": request_id, "kind": "screenshot", "bytes": len(PNG),
                            "duplicate": False}  # fmt: skip
    again = put(centre, request_id, PNG + b"more")
    assert again.json()["duplicate"] is True and again.json()["bytes"] == len(PNG)


def test_a_file_of_the_wrong_kind_is_refused_whatever_its_header_says(
    centre: CentralServer,
) -> None:
    request_id = ask(centre, "bundle")
    answer = put(centre, request_id, PNG, content_type="application/zip")
    assert answer.status_code == 422 and answer.json()["code"] == "support_upload_wrong_type"
    assert put(centre, request_id, ZIP).status_code == 200


def test_another_kiosks_request_or_an_unknown_one_is_not_found(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    server = start_central(
        tmp_path_factory.mktemp("central-two-kiosks"),
        demo=False,
        devices={DEMO_DEVICE_ID: DEMO_DEVICE_SECRET, OTHER_KIOSK: OTHER_SECRET},
    )
    try:
        request_id = ask(server, "screenshot")
        other = put(server, request_id, PNG, kiosk=(OTHER_KIOSK, OTHER_SECRET))
        unknown = put(server, "0" * 32, PNG)
        assert other.status_code == unknown.status_code == 404
        assert other.json() == unknown.json()  # nothing tells whose it is
        assert put(server, request_id, PNG).status_code == 200
    finally:
        server.stop()


def test_a_body_over_the_limit_is_refused_before_it_is_read(centre: CentralServer) -> None:
    request_id = ask(centre, "bundle")
    huge = ZIP + bytes(UPLOAD_MAX_BYTES)
    answer = put(centre, request_id, huge)
    assert answer.status_code == 413 and answer.json()["code"] == "request_too_large"
    assert "waiting" in admin(centre, "kiosk", "uploads")
