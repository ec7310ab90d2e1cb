"""A social security card opens a resident session too: real pcscd, vpcd, virtual card."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator

import pytest

from kiosk.app import Core, build_core
from kiosk.config import Config
from kiosk.services.identification import NEEDS_IDCARD
from kiosk.session import State
from tests.conftest import FakeClock
from tests.rigs.pcsc import PcscRig


def wait_until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)


@pytest.fixture
def smartcard_core(config: Config, clock: FakeClock, pcsc: PcscRig) -> Iterator[Core]:
    with_reader = dataclasses.replace(
        config,
        devices=dataclasses.replace(config.devices, smartcard_reader="pcsc"),
        kiosk=dataclasses.replace(config.kiosk, device_secret="demo-secret-0001"),
    )
    core = build_core(with_reader, demo=False, clock=clock)
    assert core.smartcard is not None
    core.smartcard.on_card_event(core.identification.handle)
    core.start()
    yield core
    core.stop()


def test_a_social_security_card_identifies_the_resident(
    smartcard_core: Core, pcsc: PcscRig
) -> None:
    pcsc.insert()  # 张伟, 社会保障号码 511321198506120030
    wait_until(lambda: smartcard_core.session.state is State.IDENTIFIED)
    resident = smartcard_core.session.resident
    assert resident is not None
    assert (resident.display_name, resident.masked_id) == ("张*", "511321********0030")


def test_a_card_without_the_application_is_a_calm_error(
    smartcard_core: Core, pcsc: PcscRig
) -> None:
    pcsc.insert("--no-application")
    wait_until(lambda: smartcard_core.session.state is State.ERROR)
    failure = smartcard_core.session.failure
    assert failure is not None
    assert failure.resident_message == "这不是社会保障卡，请插入社会保障卡"


def test_a_social_security_card_session_may_use_only_what_its_services_accept(
    smartcard_core: Core, pcsc: PcscRig
) -> None:
    pcsc.insert()
    wait_until(lambda: smartcard_core.session.state is State.IDENTIFIED)
    wait_until(lambda: bool(smartcard_core.catalog.current.services))
    identification = smartcard_core.identification
    assert identification.method == "sscard"
    refusals = {
        service.identification: identification.refusal_for(service.identification)
        for service in smartcard_core.catalog.current.services
    }
    assert refusals == {"idcard": NEEDS_IDCARD, "idcard_or_sms": ""}
    assert identification.refusal_for("a way this kiosk does not know") == NEEDS_IDCARD
    smartcard_core.session.exit()
    assert identification.method is None and identification.refusal_for("idcard") == ""
