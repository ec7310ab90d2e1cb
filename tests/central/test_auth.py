"""Device authentication: each way a request can fail has its own 401 code, except that an
unknown kiosk id looks from outside like a wrong signature (the log tells them apart)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
import requests

from kiosk.api import signing
from tests.rigs.central import CentralServer

SECRET = "demo-secret-0001"
PATH = "/v1/catalog"


def signed(
    method: str = "GET",
    path: str = PATH,
    body: bytes = b"",
    *,
    kiosk_id: str = "demo-0001",
    secret: str = SECRET,
    timestamp: int | None = None,
) -> dict[str, str]:
    return signing.signed_headers(
        kiosk_id, secret, method, path, body, int(time.time()) if timestamp is None else timestamp
    )


def code_of(response: requests.Response) -> str:
    assert response.status_code == 401, response.text
    body = response.json()
    assert body["message"] == "终端认证失败，请联系工作人员" and body["retryable"] is False
    return str(body["code"])


@pytest.mark.parametrize(
    "missing",
    [
        signing.HEADER_KIOSK_ID,
        signing.HEADER_TIMESTAMP,
        signing.HEADER_NONCE,
        signing.HEADER_SIGNATURE,
    ],
)
def test_each_missing_header_is_refused(central: CentralServer, missing: str) -> None:
    headers = signed()
    del headers[missing]
    assert code_of(requests.get(central.url + PATH, headers=headers, timeout=5)) == (
        "auth_missing_header"
    )


def test_an_unknown_kiosk_is_refused_like_a_wrong_signature(central: CentralServer) -> None:
    headers = signed(kiosk_id="stranger-01")
    assert code_of(requests.get(central.url + PATH, headers=headers, timeout=5)) == (
        "auth_bad_signature"
    )
    time.sleep(0.2)
    assert "unknown kiosk id 'stranger-01'" in central.log_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("stamp", ["+{now}", "{now}.0", "{now_}", "-{now}"])
def test_a_timestamp_is_digits_only(central: CentralServer, stamp: str) -> None:
    now = int(time.time())
    headers = signed()
    headers[signing.HEADER_TIMESTAMP] = stamp.format(now=now, now_=f"{now:_}")
    assert code_of(requests.get(central.url + PATH, headers=headers, timeout=5)) == (
        "auth_bad_timestamp"
    )


TAMPERINGS: dict[str, Callable[[str, dict[str, str]], requests.Response]] = {
    "another path": lambda url, h: requests.get(url + "/v1/catalog?x=1", headers=h, timeout=5),
    "another method": lambda url, _: requests.get(url + PATH, headers=signed("POST"), timeout=5),
    "a wrong secret": lambda url, _: requests.get(
        url + PATH, headers=signed(secret="wrong-secret-0000"), timeout=5
    ),
    "an upper-case signature of another string": lambda url, h: requests.get(
        url + PATH, headers={**h, signing.HEADER_SIGNATURE: "A" * 64}, timeout=5
    ),
}


@pytest.mark.parametrize("tampering", sorted(TAMPERINGS))
def test_a_bad_signature_is_refused(central: CentralServer, tampering: str) -> None:
    assert code_of(TAMPERINGS[tampering](central.url, signed())) == "auth_bad_signature"


def test_a_changed_body_breaks_the_signature(central: CentralServer) -> None:
    body = json.dumps({"id_number": "511321198506120030"}).encode()
    headers = signed("POST", "/v1/sms-codes", body)
    headers["Content-Type"] = "application/json"
    tampered = body.replace(b"0030", b"0049")
    response = requests.post(
        central.url + "/v1/sms-codes", data=tampered, headers=headers, timeout=5
    )
    assert code_of(response) == "auth_bad_signature"


@pytest.mark.parametrize("offset_s", [-301, 301, -86_400])
def test_a_timestamp_too_far_from_the_server_clock_is_refused(
    central: CentralServer, offset_s: int
) -> None:
    headers = signed(timestamp=int(time.time()) + offset_s)
    response = requests.get(central.url + PATH, headers=headers, timeout=5)
    assert code_of(response) == "auth_clock_skew"
    assert response.headers["Date"]


def test_a_replayed_request_is_refused(central: CentralServer) -> None:
    headers = signed()
    assert requests.get(central.url + PATH, headers=headers, timeout=5).status_code == 200
    assert code_of(requests.get(central.url + PATH, headers=headers, timeout=5)) == (
        "auth_replayed_nonce"
    )


def test_a_short_nonce_is_refused(central: CentralServer) -> None:
    nonce = "ab" * 8  # 8 bytes: fewer than the 16 the contract asks for
    timestamp = int(time.time())
    canonical = signing.canonical_string("GET", PATH, timestamp, nonce, b"")
    headers = {
        signing.HEADER_KIOSK_ID: "demo-0001",
        signing.HEADER_TIMESTAMP: str(timestamp),
        signing.HEADER_NONCE: nonce,
        signing.HEADER_SIGNATURE: signing.signature(SECRET, canonical),
    }
    assert code_of(requests.get(central.url + PATH, headers=headers, timeout=5)) == "auth_bad_nonce"


def test_the_client_corrects_a_drifting_clock_once(central: CentralServer) -> None:
    client = central.client()
    client.clock_offset_s = -1000.0  # the kiosk's clock is 1000 s behind
    catalog = client.catalog()
    assert catalog.services
    assert abs(client.clock_offset_s) < 3, "learned from the server's Date header"


def test_the_canonical_string_is_the_documented_one() -> None:
    canonical = signing.canonical_string(
        "get", "/v1/records/si-contrib?page=2", 1764000000, "00" * 16, b""
    )
    assert canonical.split("\n") == [
        "GET",
        "/v1/records/si-contrib?page=2",
        "1764000000",
        "00" * 16,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ]


def test_a_signature_that_is_not_ascii_is_refused_not_a_500(central: CentralServer) -> None:
    # Regression: hmac.compare_digest raised TypeError on non-ASCII text (HTTP 500).
    headers = {k: v.encode("latin-1") for k, v in signed().items()}
    headers[signing.HEADER_SIGNATURE] = "é".encode("latin-1") * 64
    response = requests.get(central.url + PATH, headers=headers, timeout=5)
    assert code_of(response) == "auth_bad_signature"


@pytest.mark.parametrize(
    "nonce", ["zz" * 16, "ab" * 65], ids=["not hex", "longer than the server keeps"]
)
def test_a_signed_but_malformed_nonce_is_refused(central: CentralServer, nonce: str) -> None:
    # Regression: a 130-character nonce was stored in a 128-character column (PostgreSQL: 500).
    timestamp = int(time.time())
    canonical = signing.canonical_string("GET", PATH, timestamp, nonce, b"")
    headers = {
        signing.HEADER_KIOSK_ID: "demo-0001",
        signing.HEADER_TIMESTAMP: str(timestamp),
        signing.HEADER_NONCE: nonce,
        signing.HEADER_SIGNATURE: signing.signature(SECRET, canonical),
    }
    assert code_of(requests.get(central.url + PATH, headers=headers, timeout=5)) == "auth_bad_nonce"
