"""The centre's refusals in both languages: learnt by the client, kept bounded."""

from __future__ import annotations

import pytest

from kiosk.api.errors import CentralRefusedError
from kiosk.api.texts import CentreTexts
from tests.rigs.central import CentralServer


def test_a_refusal_teaches_the_client_its_english(central_server: CentralServer) -> None:
    client = central_server.client()
    with pytest.raises(CentralRefusedError) as refused:
        client.request_sms_code("11010119900307001X")  # a number the centre does not hold
    assert refused.value.code == "resident_not_found"
    assert client.texts.english(refused.value.server_message) == (
        "We could not find your records; please ask at the village service station counter"
    )


def test_only_the_newest_texts_are_kept() -> None:
    texts = CentreTexts(limit=2)
    for n in range(3):
        texts.learn(f"消息{n}", f"message {n}")
    texts.learn("", "ignored")
    assert [texts.english(f"消息{n}") for n in range(3)] == [None, "message 1", "message 2"]
