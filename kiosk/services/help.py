"""找人帮忙: a resident asks for a person, and learns who will call back and by when.

The request goes through the outbox (durable: a kiosk offline or restarted still delivers it,
once, by its event id). While the resident waits, the outbox delivers it at once when the centre
answers; the centre's answer names the helper and the time. If it has not come within
`ANSWER_WAIT_S`, the screen says the request is kept and will be sent, and where else to go.

What travels: the kiosk (signed), the service in progress and, only if the resident agreed on
screen, their resident session's public id, from which the centre finds the masked name and the
phone it holds. The kiosk sends no name, phone or ID number, and keeps none on disk.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from kiosk.session import Session

if TYPE_CHECKING:
    from kiosk.api.models import HelpAnswer
    from kiosk.outbox import Outbox

log = logging.getLogger(__name__)

ANSWER_WAIT_S = 10.0
KIND = "help_request"
NOT_SENT = "暂时无法发出求助，请到村便民服务站找工作人员"  # resident message (translated)


class HelpPhase(StrEnum):
    ASKING = "asking"  # the screen explains, and asks for consent when there is a resident
    SENDING = "sending"  # queued; waiting for the centre's answer
    SENT = "sent"  # the centre named the helper and the time
    QUEUED = "queued"  # no answer yet: kept in the outbox, sent when the centre answers
    FAILED = "failed"  # not even queued (no centre configured, the outbox refused it)


@dataclass(frozen=True, slots=True)
class HelpView:
    phase: HelpPhase
    with_resident: bool  # a resident is identified: consent can be asked
    helper: str = ""  # the helper's masked name; empty: the service point's staff
    call_back_by: dt.datetime | None = None  # local time
    resident_message: str = ""


HelpListener = Callable[[HelpView | None], None]


class HelpRequests:
    def __init__(
        self,
        session: Session,
        session_id: Callable[[], str | None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._session = session
        self._session_id = session_id
        self._clock = clock
        self.outbox: Outbox | None = None  # set when the core connects
        self._lock = threading.Lock()
        self._view: HelpView | None = None
        self._pending: str | None = None  # the event id whose answer the screen awaits
        self._sent_at = 0.0
        self._listeners: list[HelpListener] = []
        session.add_wipe_hook(self.close)

    @property
    def view(self) -> HelpView | None:
        return self._view

    def on_change(self, listener: HelpListener) -> None:
        self._listeners.append(listener)

    def open(self) -> None:
        """找人帮忙 tapped: what will happen, and the question of consent."""
        self._set(HelpView(HelpPhase.ASKING, with_resident=self._session.resident is not None))

    def send(self, consent: bool) -> None:
        """Queue the request; `consent`: the resident agreed that the helper may call them."""
        view = self._view
        if view is None or view.phase is not HelpPhase.ASKING:
            return  # one request per visit to the screen
        outbox = self.outbox
        session_id = self._session_id() if consent and view.with_resident else None
        payload: dict[str, object] = {
            "consent": session_id is not None,
            "session_id": session_id,
            "service_id": self._session.service_id,
        }
        event_id = uuid.uuid4().hex
        try:
            if outbox is None:
                raise RuntimeError("no central service configured")
            outbox.enqueue(KIND, payload, event_id=event_id)
        except Exception as error:  # the outbox refused (disk full, closed …): say so
            log.error("help request not queued: %s", error)
            self._set(HelpView(HelpPhase.FAILED, view.with_resident, resident_message=NOT_SENT))
            return
        log.info("help request %s queued (consent %s)", event_id[:8], session_id is not None)
        with self._lock:
            self._pending, self._sent_at = event_id, self._clock()
        self._set(HelpView(HelpPhase.SENDING, view.with_resident))

    def answered(self, event_id: str, answer: HelpAnswer) -> None:
        """The centre's answer, from the outbox's thread (also for a request made earlier)."""
        with self._lock:
            if event_id != self._pending:
                return
            self._pending = None
        view = self._view
        if view is not None:
            when = answer.call_back_by.astimezone()  # the kiosk's local time
            helper = answer.helper if answer.role == "helper" else ""
            self._set(HelpView(HelpPhase.SENT, view.with_resident, helper, when))

    def tick(self) -> None:
        """About once a second: no answer within `ANSWER_WAIT_S` → say it is kept."""
        with self._lock:
            late = self._pending is not None and self._clock() - self._sent_at > ANSWER_WAIT_S
        view = self._view
        if late and view is not None and view.phase is HelpPhase.SENDING:
            self._set(HelpView(HelpPhase.QUEUED, view.with_resident))

    def close(self) -> None:
        """The screen was left or the session ended; a queued request is still delivered."""
        with self._lock:
            self._pending = None
        self._set(None)

    def _set(self, view: HelpView | None) -> None:
        self._view = view
        for listener in self._listeners:
            listener(view)
