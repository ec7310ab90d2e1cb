"""From a card on the reader to an identified resident session.

Until the central service issues sessions (`POST /v1/sessions`), the card's own fields identify
the resident; the rules about *when* a card may start a session live here either way.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from drivers.idcard.base import IdCard
from kiosk.devices.card_monitor import CardEvent, CardInserted, CardRead, CardRemoved, ReadFailed
from kiosk.privacy import mask_for_screen, mask_name
from kiosk.session import Failure, Resident, Session, State

log = logging.getLogger(__name__)


def age_on(birth_date: dt.date, today: dt.date) -> int:
    had_birthday = (today.month, today.day) >= (birth_date.month, birth_date.day)
    return today.year - birth_date.year - (0 if had_birthday else 1)


class Identification:
    """Feeds card events into the session. Call `handle` on the thread that owns the session."""

    def __init__(self, session: Session, today: Callable[[], dt.date] = dt.date.today) -> None:
        self._session = session
        self._today = today

    def handle(self, event: CardEvent) -> None:
        state = self._session.state
        match event:
            case CardInserted():
                if state is State.IDLE:
                    self._session.card_detected()
                else:
                    log.info("card placed in state %s: ignored, a session is under way", state)
            case CardRead(card=card) if state is State.IDENTIFYING:
                self._session.identified(self._resident(card))
            case ReadFailed(error=error) if state is State.IDENTIFYING:
                self._session.fail(Failure(error.resident_message, error.technician_message))
            case CardRemoved():
                log.debug("card lifted in state %s", state)
            case _:
                log.info("%s in state %s: ignored", type(event).__name__, state)

    def _resident(self, card: IdCard) -> Resident:
        return Resident(
            display_name=mask_name(card.name),
            masked_id=mask_for_screen(card.id_number),
            age=age_on(card.birth_date, self._today()),
        )
