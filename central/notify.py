"""Text messages to residents, behind one interface: login codes and every step of an
application (受理, 补正, 办结, 不予许可, 待领取).

A message is queued in the `sms_messages` table in the same transaction as what caused it, so
it exists before the action is reported done. `SmsDispatcher` delivers the queue to the
county's gateway (`HttpSmsGateway`, or any `SmsGateway`), claiming each message before it
sends it (several server processes never send one twice), and tries a refused or unanswered
one again with back-off until the gateway accepts it: a gateway down for a while loses none.
Without a gateway the table only records (the demo and tests read it).

The words of application messages are templates with ${…} variables, kept in the database
(`notification_templates`) from `DEFAULT_TEMPLATES`; the 【signature】 is added by the gateway
adapter, as Chinese SMS platforms do. No message ever carries a full ID number.
"""

from __future__ import annotations

import datetime as dt
import logging
import string
import threading
from collections.abc import Callable
from typing import Any, Protocol

import requests
from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from central.logs import ID_NUMBER
from central.models import NotificationTemplate, SmsMessage
from central.records import masked_id

log = logging.getLogger(__name__)

SMS_CHARS = 70  # one SMS of Chinese text, signature included
SIGNATURE = "村便民服务"
POLL_S = 1.0
CLAIM_S = 30.0  # a claimed message not marked sent by then is free again
BACKOFF_MAX_S = 300.0
BATCH = 20
KEEP_SENT = dt.timedelta(days=7)  # then a sent message (a phone number) is deleted

DEFAULT_TEMPLATES = {
    "accepted": "您申请的${事项}已受理，受理号${受理号}，承诺${日期}前办结。",
    "not_accepted": "您申请的${事项}(受理号${受理号})不予受理：${理由}",
    "correction": "您申请的${事项}(受理号${受理号})需补正：${材料}。请到自助终端补交。",
    "approved": "您申请的${事项}(受理号${受理号})已办结，审核通过。",
    "denied": "您申请的${事项}(受理号${受理号})不予许可：${理由}",
    "ready": "您申请的${事项}(受理号${受理号})结果已备好，请带身份证到${地点}领取。",
    "ready_post": "您申请的${事项}(受理号${受理号})结果已寄出，请注意查收。",
}


class SmsTemplate(string.Template):
    """${…} only, and any name inside the braces (${事项}, ${受理号})."""

    delimiter = "$"
    pattern = r"\$(?:(?P<escaped>\$)|\{(?P<braced>[^{}$]+)\}|(?P<named>(?!))|(?P<invalid>))"  # type: ignore[assignment]


def render(session: Session, key: str, values: dict[str, str]) -> str:
    """The template `key` (the database's, else the default) with its ${…} filled in."""
    row = session.get(NotificationTemplate, key)
    text = row.text if row is not None else DEFAULT_TEMPLATES[key]
    message = SmsTemplate(text).safe_substitute(values)
    if len(message) + len(SIGNATURE) + 2 > SMS_CHARS:
        log.info("SMS %s is %d characters: sent as a long message", key, len(message))
    return message


def masked_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


def queue(session: Session, phone: str, text: str, purpose: str) -> None:
    """Put a message in the outbox, in the caller's transaction."""
    text = ID_NUMBER.sub(lambda m: masked_id(m.group(0)), text)
    session.add(
        SmsMessage(
            phone=phone, text=text, purpose=purpose, created_at=dt.datetime.now(dt.UTC), attempts=0
        )
    )
    log.info("SMS (%s) queued for %s, %d characters", purpose, masked_phone(phone), len(text))


class SmsSender(Protocol):
    def send(self, session: Session, phone: str, text: str) -> None: ...


class RecordingSmsSender:
    """Login codes into the outbox. Code messages older than `keep` (the life of the code
    they carry) are deleted at each send, sent or not: a dead code is no use to anyone."""

    def __init__(self, keep: dt.timedelta) -> None:
        self.keep = keep

    def send(self, session: Session, phone: str, text: str) -> None:
        now = dt.datetime.now(dt.UTC)
        session.execute(
            delete(SmsMessage).where(
                SmsMessage.purpose == "code", SmsMessage.created_at < now - self.keep
            )
        )
        queue(session, phone, text, "code")


class SmsGatewayError(Exception):
    pass


class SmsGateway(Protocol):
    def deliver(self, phone: str, text: str) -> None:
        """Hand one message over; raises SmsGatewayError when the gateway did not take it."""
        ...


class HttpSmsGateway:
    """The reference adapter: POST {phone, text} as JSON, the signature prefixed to the text;
    any 2xx is accepted."""

    def __init__(self, url: str, signature: str = SIGNATURE, timeout_s: float = 10.0) -> None:
        self.url, self.signature, self.timeout_s = url, signature, timeout_s
        self._http = requests.Session()

    def deliver(self, phone: str, text: str) -> None:
        try:
            answer = self._http.post(
                self.url,
                json={"phone": phone, "text": f"【{self.signature}】{text}"},
                timeout=self.timeout_s,
            )
        except requests.RequestException as error:
            raise SmsGatewayError(f"{type(error).__name__}: {error}") from error
        if not 200 <= answer.status_code < 300:
            raise SmsGatewayError(f"HTTP {answer.status_code}: {answer.text[:80]}")


class SmsDispatcher:
    """Delivers the outbox to the gateway on a thread of its own."""

    def __init__(
        self,
        session_factory: Callable[[], Any],
        gateway: SmsGateway,
        poll_s: float = POLL_S,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        self._session = session_factory
        self._gateway = gateway
        self._poll_s = poll_s
        self._clock = clock
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sms-dispatcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(15)

    def wake(self) -> None:
        """Something was queued: look now rather than at the next poll."""
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.deliver_due()
            except Exception:  # the database away for a moment: try again at the next poll
                log.exception("SMS dispatch failed")
            self._wake.wait(self._poll_s)
            self._wake.clear()

    def deliver_due(self) -> int:
        """Send what is due now; the number sent. A phone gets its messages of one purpose in
        the order they were queued: one waits while an earlier one to that phone is unsent
        (each has its own back-off, and 不予许可 must not arrive before 已受理)."""
        now = self._clock()
        earlier = aliased(SmsMessage)
        with self._session() as session:
            due = session.scalars(
                select(SmsMessage.id)
                .where(
                    SmsMessage.sent_at.is_(None),
                    or_(SmsMessage.next_try_at.is_(None), SmsMessage.next_try_at <= now),
                    ~exists().where(
                        earlier.phone == SmsMessage.phone,
                        earlier.purpose == SmsMessage.purpose,
                        earlier.sent_at.is_(None),
                        earlier.id < SmsMessage.id,
                    ),
                )
                .order_by(SmsMessage.id)
                .limit(BATCH)
            ).all()
            session.execute(delete(SmsMessage).where(SmsMessage.sent_at < now - KEEP_SENT))
        sent = 0
        for message_id in due:
            sent += self._deliver(message_id, now)
        return sent

    def _deliver(self, message_id: int, now: dt.datetime) -> bool:
        with self._session() as session:  # claim it: no other process sends it meanwhile
            claimed = session.execute(
                update(SmsMessage)
                .where(
                    SmsMessage.id == message_id,
                    SmsMessage.sent_at.is_(None),
                    or_(SmsMessage.next_try_at.is_(None), SmsMessage.next_try_at <= now),
                )
                .values(next_try_at=now + dt.timedelta(seconds=CLAIM_S))
            ).rowcount
            row = session.get(SmsMessage, message_id) if claimed else None
            phone, text, attempts = (row.phone, row.text, row.attempts) if row else ("", "", 0)
        if not claimed or row is None:
            return False
        try:
            self._gateway.deliver(phone, text)
        except SmsGatewayError as error:
            delay = min(2.0 ** (attempts + 1), BACKOFF_MAX_S)
            with self._session() as session:
                session.execute(
                    update(SmsMessage)
                    .where(SmsMessage.id == message_id)
                    .values(
                        attempts=attempts + 1,
                        last_error=str(error)[:200],
                        next_try_at=self._clock() + dt.timedelta(seconds=delay),
                    )
                )
            log.warning(
                "SMS %d to %s not delivered (attempt %d), again in %.0f s: %s",
                message_id, masked_phone(phone), attempts + 1, delay, error,
            )  # fmt: skip
            return False
        with self._session() as session:
            session.execute(
                update(SmsMessage)
                .where(SmsMessage.id == message_id)
                .values(sent_at=self._clock(), attempts=attempts + 1, last_error=None)
            )
        log.info("SMS %d delivered to %s", message_id, masked_phone(phone))
        return True
