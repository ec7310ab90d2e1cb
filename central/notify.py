"""Sending text messages to residents, behind one interface.

The reference sender records each message in the `sms_messages` table (in the same
transaction as what caused it, so a message is queued before the action is reported done)
and logs the masked number; a county's gateway is another implementation of `SmsSender`.
A message holds a code and a full phone number: the table keeps it only as long as the code
it carries can be used, then the row is deleted.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Protocol

from sqlalchemy import delete
from sqlalchemy.orm import Session

from central.models import SmsMessage

log = logging.getLogger(__name__)


def masked_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


class SmsSender(Protocol):
    def send(self, session: Session, phone: str, text: str) -> None: ...


class RecordingSmsSender:
    """The reference implementation: the message table is the outbox of a real gateway.
    Messages older than `keep` (the life of the code they carry) are deleted at each send."""

    def __init__(self, keep: dt.timedelta) -> None:
        self.keep = keep

    def send(self, session: Session, phone: str, text: str) -> None:
        now = dt.datetime.now(dt.UTC)
        session.execute(delete(SmsMessage).where(SmsMessage.created_at < now - self.keep))
        session.add(SmsMessage(phone=phone, text=text, created_at=now))
        log.info("SMS queued for %s (%d characters)", masked_phone(phone), len(text))
