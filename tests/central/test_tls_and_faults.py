"""TLS against a CA the suite makes, and every injected fault as the client's typed error.

Each fault must surface as its own error type, and within the time the client's settings
promise: attempts × (connect + read timeout) + the back-off between them. The fault tests
run on a server of their own so their rules cannot leak into other tests.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from kiosk.api.client import CentralClient, ClientSettings
from kiosk.api.errors import (
    CentralError,
    CentralMalformedAnswerError,
    CentralRefusedError,
    CentralTimeoutError,
    CentralTlsError,
    CentralUnreachableError,
)
from kiosk.api.models import SessionByIdCard
from tests.rigs.central import ADMIN_TOKEN, CentralServer, start_central
from tests.rigs.residents import ELDER_CARD
from tests.rigs.tls import TlsFiles, make_ca_and_server_cert

CONNECT_TIMEOUT_S = 1.0
READ_TIMEOUT_S = 0.5
RETRIES = 2
BACKOFF_S = 0.05
LATENCY_MS = 1500  # three times the read timeout
SLACK_S = 1.0  # process scheduling on a busy two-core machine


def worst_case_s(settings: ClientSettings, *, idempotent: bool) -> float:
    """The longest a call may take: every attempt timing out, every back-off at its cap."""
    attempts = 1 + (settings.retries if idempotent else 0)
    per_attempt_s = settings.connect_timeout_s + settings.read_timeout_s
    backoff_s = sum(settings.backoff_s * 2.0**n for n in range(attempts - 1))
    return attempts * per_attempt_s + backoff_s + SLACK_S


def elder_card_session() -> SessionByIdCard:
    return SessionByIdCard(method="idcard", card=ELDER_CARD, sam_id="05.01-20101028-0012345678")


# --- TLS ----------------------------------------------------------------------------------


def test_a_client_trusting_the_test_ca_talks_to_the_tls_server(
    tls_central: CentralServer, tls_files: TlsFiles
) -> None:
    assert tls_central.url.startswith("https://")
    assert tls_central.client(ca_bundle=str(tls_files.ca_cert)).catalog().services


def test_a_client_trusting_another_ca_refuses_the_server(
    tls_central: CentralServer, tmp_path: Path
) -> None:
    other = make_ca_and_server_cert(tmp_path / "other", ca_name="Some Other Test CA")
    client = tls_central.client(ca_bundle=str(other.ca_cert))
    started = time.monotonic()
    with pytest.raises(CentralTlsError) as refused:
        client.catalog()
    assert time.monotonic() - started < worst_case_s(client.settings, idempotent=False)
    assert refused.value.retryable is False
    assert "TLS" in refused.value.technician_message


def test_a_client_trusting_only_the_system_cas_refuses_the_server(
    tls_central: CentralServer,
) -> None:
    with pytest.raises(CentralTlsError):
        tls_central.client(ca_bundle=None).catalog()


# --- injected faults ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def faulty_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    server = start_central(tmp_path_factory.mktemp("central-faults"))
    yield server
    server.stop()


@pytest.fixture
def faults(
    faulty_central: CentralServer,
) -> Iterator[Callable[[dict[str, dict[str, float]]], None]]:
    """Set fault rules for one test; they are cleared again whatever the test did."""
    yield faulty_central.set_faults
    faulty_central.set_faults({})


@pytest.fixture
def client(faulty_central: CentralServer) -> CentralClient:
    return faulty_central.client(
        connect_timeout_s=CONNECT_TIMEOUT_S,
        read_timeout_s=READ_TIMEOUT_S,
        retries=RETRIES,
        backoff_s=BACKOFF_S,
    )


def timed_failure(call: Callable[[], object]) -> tuple[CentralError, float]:
    started = time.monotonic()
    with pytest.raises(CentralError) as failed:
        call()
    return failed.value, time.monotonic() - started


def test_latency_beyond_the_read_timeout_is_a_timeout(
    faults: Callable[[dict[str, dict[str, float]]], None], client: CentralClient
) -> None:
    faults({"GET /v1/catalog": {"latency_ms": LATENCY_MS}})
    error, elapsed_s = timed_failure(client.catalog)
    assert type(error) is CentralTimeoutError
    assert elapsed_s < worst_case_s(client.settings, idempotent=True)
    assert elapsed_s >= (1 + RETRIES) * READ_TIMEOUT_S, "every attempt waited its read timeout"


def test_an_injected_503_is_a_retryable_refusal_after_the_retries(
    faults: Callable[[dict[str, dict[str, float]]], None],
    client: CentralClient,
    faulty_central: CentralServer,
) -> None:
    faults({"GET /v1/catalog": {"error_rate": 1, "error_status": 503}})
    before = faulty_central.answered("GET", "/v1/catalog", 503)
    error, elapsed_s = timed_failure(client.catalog)
    assert type(error) is CentralRefusedError
    assert (error.status, error.code, error.retryable) == (503, "injected_fault", True)
    assert error.resident_text == "系统繁忙，请稍后再试"
    assert elapsed_s < worst_case_s(client.settings, idempotent=True)
    assert faulty_central.answered("GET", "/v1/catalog", 503) - before == 1 + RETRIES


def test_a_dropped_connection_is_unreachable(
    faults: Callable[[dict[str, dict[str, float]]], None], client: CentralClient
) -> None:
    faults({"GET /v1/catalog": {"reset_rate": 1}})
    error, elapsed_s = timed_failure(client.catalog)
    assert type(error) is CentralUnreachableError
    assert elapsed_s < worst_case_s(client.settings, idempotent=True)


def test_broken_json_is_a_malformed_answer(
    faults: Callable[[dict[str, dict[str, float]]], None], client: CentralClient
) -> None:
    faults({"GET /v1/catalog": {"malformed_rate": 1}})
    error, elapsed_s = timed_failure(client.catalog)
    assert type(error) is CentralMalformedAnswerError
    assert "not a valid Catalog" in error.technician_message
    assert elapsed_s < worst_case_s(client.settings, idempotent=True)


def test_opening_a_session_is_not_retried(
    faults: Callable[[dict[str, dict[str, float]]], None],
    client: CentralClient,
    faulty_central: CentralServer,
) -> None:
    faults({"POST /v1/sessions": {"error_rate": 1, "error_status": 503}})
    before = faulty_central.answered("POST", "/v1/sessions", 503)
    error, elapsed_s = timed_failure(lambda: client.open_session(elder_card_session()))
    assert isinstance(error, CentralRefusedError) and error.code == "injected_fault"
    assert elapsed_s < worst_case_s(client.settings, idempotent=False)
    assert faulty_central.answered("POST", "/v1/sessions", 503) - before == 1


def test_a_fault_on_one_route_leaves_the_others_alone(
    faults: Callable[[dict[str, dict[str, float]]], None], client: CentralClient
) -> None:
    faults({"GET /v1/catalog": {"error_rate": 1}})
    assert client.open_session(elder_card_session()).token


def test_the_rules_are_cleared_after_each_test(client: CentralClient) -> None:
    assert client.catalog().services


# --- the admin endpoint -------------------------------------------------------------------


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer not-the-admin-token", f"Session {ADMIN_TOKEN}", "Bearer ", "Bearer é"],
    ids=["no token", "a wrong token", "the token as another scheme", "an empty token", "latin-1"],
)
def test_the_admin_endpoint_refuses_without_the_token(
    faulty_central: CentralServer, authorization: str | None
) -> None:
    # Regression: a non-ASCII token made hmac.compare_digest raise (HTTP 500).
    headers = {"Authorization": authorization.encode("latin-1")} if authorization else {}
    for method in ("GET", "PUT"):
        response = requests.request(
            method,
            faulty_central.url + "/admin/faults",
            json={"rules": {"*": {"error_rate": 1}}},
            headers=headers,
            timeout=5,
        )
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "admin_forbidden"
    assert faulty_central.client().catalog().services, "the refused rules were not applied"


def test_the_admin_endpoint_shows_the_rules_in_force(
    faults: Callable[[dict[str, dict[str, float]]], None], faulty_central: CentralServer
) -> None:
    faults({"/v1/records": {"latency_ms": 5}})
    response = requests.get(
        faulty_central.url + "/admin/faults",
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=5,
    )
    assert response.status_code == 200
    assert response.json()["rules"]["/v1/records"]["latency_ms"] == 5


# --- the --fault flag, on a server without an admin token -----------------------------------


@pytest.fixture(scope="module")
def flagged_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    """Faults from the command line, and no --admin-token: no admin endpoint at all."""
    server = start_central(
        tmp_path_factory.mktemp("central-flagged"),
        admin_token=None,
        extra=("--fault", "GET /v1/catalog=error_rate:1,error_status:502"),
    )
    yield server
    server.stop()


def test_the_fault_flag_injects_its_rule(flagged_central: CentralServer) -> None:
    client = flagged_central.client(retries=0)
    with pytest.raises(CentralRefusedError) as refused:
        client.catalog()
    assert (refused.value.status, refused.value.code) == (502, "injected_fault")
    assert client.open_session(elder_card_session()).token, "other routes are untouched"


@pytest.mark.parametrize("token", ["", ADMIN_TOKEN, "anything"])
def test_a_server_without_an_admin_token_has_no_admin(
    flagged_central: CentralServer, token: str
) -> None:
    response = requests.put(
        flagged_central.url + "/admin/faults",
        json={"rules": {}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    assert response.status_code == 403
    assert response.json()["code"] == "admin_forbidden"
    with pytest.raises(CentralRefusedError):
        flagged_central.client(retries=0).catalog()  # the flag's rule is still in force
