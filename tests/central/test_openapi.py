"""The committed OpenAPI document is current, and the live server keeps to it.

Schemathesis reads the committed `kiosk/api/openapi.json` (the document a kiosk vendor would
read), generates requests for every operation, signs each one as a kiosk would and checks the
answers: never a 500, always a documented status, content type and body.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import negative_data_rejection

from central.demo_data import SERVICES
from central.openapi import openapi_document
from kiosk.api import signing
from kiosk.api.demo import DEMO_DEVICE_ID, DEMO_DEVICE_SECRET
from kiosk.api.models import SessionByIdCard
from tests.rigs.central import CentralServer, start_central
from tests.rigs.residents import ELDER_CARD

OPENAPI_PATH = Path(__file__).parents[2] / "kiosk" / "api" / "openapi.json"
# Nine operations; about 1000 requests in all, under 15 s on two cores.
MAX_EXAMPLES = 40
RESIDENT_PATHS = ("/v1/records/", "/v1/certificates")  # a resident session's routes
RECORDS_SERVICES = [row[0] for row in SERVICES if row[1] == "records"]
CERTIFICATE_SERVICES = [row[0] for row in SERVICES if row[1] == "certificate"]

SCHEMA = schemathesis.openapi.from_path(str(OPENAPI_PATH))


def test_the_committed_openapi_document_is_current() -> None:
    generated = json.dumps(openapi_document(), ensure_ascii=False, indent=2) + "\n"
    assert OPENAPI_PATH.read_text(encoding="utf-8") == generated, (
        "kiosk/api/openapi.json is stale: `kiosk-central openapi > kiosk/api/openapi.json`"
    )


class KioskSigning(requests.auth.AuthBase):
    """Signs a prepared request as the demo kiosk, over exactly what goes on the wire."""

    def __init__(self, session_token: str) -> None:
        self.session_token = session_token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        raw = body.encode() if isinstance(body, str) else body
        assert isinstance(raw, bytes), "schemathesis sends bodies as bytes or str"
        method, path = request.method or "GET", request.path_url
        request.headers.update(
            signing.signed_headers(
                DEMO_DEVICE_ID, DEMO_DEVICE_SECRET, method, path, raw, int(time.time())
            )
        )
        if path.startswith(RESIDENT_PATHS) and not path.endswith("/print-result"):
            request.headers["Authorization"] = f"Session {self.session_token}"
        return request


@pytest.fixture(scope="module")
def fuzzed_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    """A server of its own: the run issues certificates and stores events by the hundred."""
    server = start_central(tmp_path_factory.mktemp("central-fuzzed"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def kiosk_signing(fuzzed_central: CentralServer) -> KioskSigning:
    opened = fuzzed_central.client().open_session(
        SessionByIdCard(method="idcard", card=ELDER_CARD, sam_id="05.01-20101028-0012345678")
    )
    return KioskSigning(opened.token)


# Random service ids are all 404; half the cases name a real service, so the success paths
# (records pages, certificate documents) are fuzzed too. flatmap keeps it shrinkable.
@SCHEMA.hook
def flatmap_path_parameters(
    context: schemathesis.HookContext, path_parameters: dict[str, Any]
) -> st.SearchStrategy[dict[str, Any]]:
    operation = context.operation
    if operation is None or operation.path != "/v1/records/{service_id}":
        return st.just(path_parameters)
    real = st.sampled_from(RECORDS_SERVICES).map(lambda sid: {**path_parameters, "service_id": sid})
    return st.one_of(st.just(path_parameters), real)


@SCHEMA.hook
def flatmap_body(context: schemathesis.HookContext, body: Any) -> st.SearchStrategy[Any]:
    operation = context.operation
    if operation is None or operation.path != "/v1/certificates" or not isinstance(body, dict):
        return st.just(body)
    real = st.sampled_from(CERTIFICATE_SERVICES).map(lambda sid: {**body, "service_id": sid})
    return st.one_of(st.just(body), real)


@SCHEMA.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_server_keeps_to_its_openapi_document(
    case: schemathesis.Case[Any], fuzzed_central: CentralServer, kiosk_signing: KioskSigning
) -> None:
    # negative_data_rejection is left out: the contract validates in pydantic's lax mode (an
    # integer also as "3"; JSON Schema itself calls 3.0 an integer, so strict mode is no cure).
    case.call_and_validate(
        base_url=fuzzed_central.url,
        auth=kiosk_signing,
        timeout=10,
        excluded_checks=[negative_data_rejection],
    )
