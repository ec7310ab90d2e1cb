"""Sending text messages to residents, behind one interface.

The reference sender records each message in the `sms_messages` table (in the same
transaction as what caused it, so a message is queued before the action is reported done)
and logs the masked number; a county's gateway is another implementation of `SmsSender`.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Protocol

from sqlalchemy.orm import Session

from central.models import SmsMessage

log = logging.getLogger(__name__)


def masked_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]


class SmsSender(Protocol):
    def send(self, session: Session, phone: str, text: str) -> None: ...


class RecordingSmsSender:
    """The reference implementation: the message table is the outbox of a real gateway."""

    def send(self, session: Session, phone: str, text: str) -> None:
        session.add(SmsMessage(phone=phone, text=text, created_at=dt.datetime.now(dt.UTC)))
        log.info("SMS queued for %s (%d characters)", masked_phone(phone), len(text))
