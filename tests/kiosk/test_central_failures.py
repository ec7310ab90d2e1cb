"""How the kiosk's side copes when the centre or a card does not play along."""

from __future__ import annotations

import dataclasses
import logging
import time

import pytest

from drivers.idcard.demo import DEMO_CARDS
from kiosk.api.client import CentralClient, ClientSettings
from kiosk.api.errors import CentralUnreachableError
from kiosk.app import Core
from kiosk.demo_central import free_loopback_port
from kiosk.outbox import DeliveryError, OutboxEvent
from kiosk.services.events import EventSender
from kiosk.session import State
from tests.rigs.central import CentralServer


def test_a_kiosk_the_centre_does_not_know_keeps_its_events_for_later(
    central_server: CentralServer,
) -> None:
    client = central_server.client(kiosk_id="not-registered-yet")
    event = OutboxEvent(
        "ab" * 16,
        "rating",
        {"session_id": "s", "service_id": "si-cert", "score": 5, "tags": []},
        time.time(),
        0,
    )
    with pytest.raises(DeliveryError) as refused:
        EventSender(client, lambda answer: None)(event)
    assert refused.value.retryable, "a 401 must not set a print result or rating aside"


def test_a_session_token_never_reaches_a_log_line() -> None:
    token = "SECRET-TOKEN-" + "x" * 30
    client = CentralClient(
        ClientSettings(
            base_url=f"http://127.0.0.1:{free_loopback_port()}", kiosk_id="k", secret="s", retries=0
        )
    )
    with pytest.raises(CentralUnreachableError) as failed:
        client.close_session(token)
    assert token not in failed.value.technician_message
    assert "/v1/sessions/{token}" in failed.value.technician_message


def test_a_url_without_a_scheme_is_a_typed_error_not_a_crash() -> None:
    client = CentralClient(
        ClientSettings(base_url="zw.example.gov.cn", kiosk_id="k", secret="s", retries=0)
    )
    with pytest.raises(CentralUnreachableError, match="cannot send: MissingSchema"):
        client.catalog()


def test_a_card_outside_the_contract_fails_calmly_without_logging_the_name(
    core: Core, caplog: pytest.LogCaptureFixture
) -> None:
    assert core.card_monitor is not None and core.demo_card_slot is not None
    core.card_monitor.on_card_event(core.identification.handle)
    core.start()
    name = ""  # a chip with an empty name: the contract wants at least one character
    with caplog.at_level(logging.INFO):
        core.demo_card_slot.place(dataclasses.replace(DEMO_CARDS[0], name=name))
        deadline = time.monotonic() + 5
        while core.session.state is not State.ERROR:
            assert time.monotonic() < deadline
            time.sleep(0.01)
    failure = core.session.failure
    assert failure is not None
    assert failure.resident_message == "此证件暂时无法在本机办理，请到村便民服务站窗口办理"
    assert "name: string_too_short" in failure.technician_message
    assert DEMO_CARDS[0].id_number not in caplog.text
