"""A centre that answers with strings past the contract's bounds (broken or hostile) is a
malformed answer at the kiosk: a clear error, never a 100,000-character title on screen."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kiosk.api.client import CentralClient, ClientSettings
from kiosk.api.errors import CentralMalformedAnswerError

HUGE = "长" * 100_000


def catalog(title: str) -> dict[str, object]:
    text = {"zh_CN": title, "en": "x"}
    service = {
        "id": "si-cert",
        "kind": "certificate",
        "title": text,
        "description": {"zh_CN": "说明", "en": "About"},
        "icon": "shield",
        "identification": "idcard",
        "enabled": True,
    }
    return {"config_version": 1, "services": [service], "announcements": [], "alerts": []}


@pytest.fixture
def centre_answering() -> Iterator[tuple[str, list[dict[str, object]]]]:
    """A plain HTTP server answering every GET with the next body of the list."""
    bodies: list[dict[str, object]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            payload = json.dumps(bodies.pop(0) if bodies else {}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", bodies
    server.shutdown()
    server.server_close()


def test_a_title_past_the_bound_is_a_malformed_answer(
    centre_answering: tuple[str, list[dict[str, object]]],
) -> None:
    url, bodies = centre_answering
    client = CentralClient(
        ClientSettings(base_url=url, kiosk_id="k-1", secret="0123456789abcdef", retries=0)
    )
    bodies.append(catalog("社会保险参保证明"))
    assert client.catalog().services[0].title.zh_CN == "社会保险参保证明"
    bodies.append(catalog(HUGE))
    with pytest.raises(CentralMalformedAnswerError) as malformed:
        client.catalog()
    assert HUGE[:100] not in malformed.value.technician_message
