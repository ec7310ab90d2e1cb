"""Events for the centre, through the outbox: what is sent, and the heartbeat that sends it.

`EventSender` is the outbox's `deliver`: it turns a stored event into the contract's model
and calls the client; a refusal the centre will repeat becomes a non-retryable DeliveryError,
so it is set aside instead of blocking its kind.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from pydantic import ValidationError

from kiosk import __version__
from kiosk.api.client import CentralClient
from kiosk.api.errors import CentralError, CentralRefusedError, KioskNotAuthorizedError
from kiosk.api.models import (
    REASON_MAX_CHARS,
    AuditEvent,
    DeviceReport,
    Heartbeat,
    HeartbeatAnswer,
    HelpAnswer,
    HelpRequest,
    PrintResult,
    Rating,
)
from kiosk.devices.status import DeviceStatus
from kiosk.outbox import DeliveryError, Outbox, OutboxEvent

log = logging.getLogger(__name__)


class EventSender:
    def __init__(
        self,
        client: CentralClient,
        on_heartbeat_answer: Callable[[HeartbeatAnswer], None],
        on_help_answer: Callable[[str, HelpAnswer], None] = lambda _id, _answer: None,
    ) -> None:
        self._client = client
        self._on_heartbeat_answer = on_heartbeat_answer
        self._on_help_answer = on_help_answer

    def __call__(self, event: OutboxEvent) -> None:
        payload = dict(event.payload)
        try:
            if event.kind == "print_result":
                certificate_id = str(payload.pop("certificate_id"))
                result = PrintResult(event_id=event.event_id, **payload)
                self._client.send_print_result(certificate_id, result)
            elif event.kind == "rating":
                self._client.send_rating(Rating(event_id=event.event_id, **payload))
            elif event.kind == "heartbeat":
                answer = self._client.send_heartbeat(Heartbeat(event_id=event.event_id, **payload))
            elif event.kind == "audit":
                self._client.send_audit_event(AuditEvent(event_id=event.event_id, **payload))
            elif event.kind == "help_request":
                request = HelpRequest(event_id=event.event_id, **payload)
                self._on_help_answer(event.event_id, self._client.send_help_request(request))
            else:
                raise DeliveryError(False, f"the v1 API has no route for {event.kind} events")
        except CentralError as error:
            raise DeliveryError(_worth_retrying(error), error.technician_message) from error
        except (ValidationError, KeyError, TypeError) as error:
            raise DeliveryError(
                False, f"stored {event.kind} event is not valid: {error}"
            ) from error
        if event.kind == "heartbeat":
            self._on_heartbeat_answer(answer)


def _worth_retrying(error: CentralError) -> bool:
    """Set an event aside only when the centre will refuse it again, whatever happens.

    A kiosk not (yet) registered or being re-keyed is refused with 401: its print results
    and ratings must wait for the technician, not be dropped. Busy or failing centres too.
    """
    if isinstance(error, KioskNotAuthorizedError):
        return True
    if isinstance(error, CentralRefusedError):
        return error.retryable or error.status >= 500 or error.status == 429
    return error.retryable


class HeartbeatService:
    """Queues a heartbeat every `interval_s` (the first at once), on its own thread."""

    def __init__(
        self, outbox: Outbox, interval_s: float, statuses: Callable[[], list[DeviceStatus]]
    ) -> None:
        self._outbox = outbox
        self._interval_s = interval_s
        self._statuses = statuses
        self._started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> str:
        devices = [
            DeviceReport(
                device=s.device, level=s.level.value, reason=s.reason[:REASON_MAX_CHARS]
            ).model_dump()
            for s in self._statuses()
        ]
        return self._outbox.enqueue(
            "heartbeat",
            {
                "app_version": __version__,
                "uptime_s": round(time.monotonic() - self._started, 1),
                "devices": devices,
                "outbox_depth": self._outbox.depth(),
            },
        )

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.beat()
            except Exception:
                log.exception("heartbeat not queued")
            self._stop.wait(self._interval_s)
