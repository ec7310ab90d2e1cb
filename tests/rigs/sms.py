"""What a phone received from the SMS gateway simulator (central/sms_gateway_sim.py), which the
`sms_gateway` and `sms_centre` fixtures of tests/conftest.py run beside a real centre."""

from __future__ import annotations

import time
from collections.abc import Callable

from central.sms_gateway_sim import SmsGatewaySimulator


def texts_to(gateway: SmsGatewaySimulator, phone: str) -> list[str]:
    return [message["text"] for message in gateway.received() if message["phone"] == phone]


def wait_for(condition: Callable[[], object], timeout_s: float = 20.0) -> None:
    """Until `condition()` is true (queued messages go out on the centre's own schedule)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.1)
