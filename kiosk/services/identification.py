"""From a card on the reader to an identified resident session at the central service.

The card's fields go to `POST /v1/sessions` (off the caller's thread, through the executor);
the answer's masked resident and session token identify the resident for this session only.
The rules about *when* a card may start a session live here too.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from drivers.idcard.base import IdCard
from drivers.smartcard.base import SocialSecurityCard
from kiosk.api.errors import CentralError, CentralRefusedError
from kiosk.devices.card_monitor import (
    CardEvent,
    CardInserted,
    CardRead,
    CardRemoved,
    ReadFailed,
    SocialCardRead,
)
from kiosk.executor import Executor, Outcome
from kiosk.session import Failure, Resident, Session, State

if TYPE_CHECKING:  # pydantic and requests load when the core connects, after the first frame
    from kiosk.api.client import CentralClient
    from kiosk.api.models import SessionByIdCard, SessionBySms, SessionBySsCard

    SessionRequest = SessionByIdCard | SessionBySms | SessionBySsCard

log = logging.getLogger(__name__)

IN_SESSION = (State.IDENTIFIED, State.IN_SERVICE, State.DONE)
# What each of the catalog's `identification` values accepts; a value this kiosk does not
# know accepts only the ID card, the strictest.
ACCEPTED_METHODS = {
    "idcard": frozenset({"idcard"}),
    "idcard_or_sms": frozenset({"idcard", "sscard", "sms"}),
}
NEEDS_IDCARD = "此项业务需刷身份证办理"
CARD_UNUSABLE = "此证件暂时无法在本机办理，请到村便民服务站窗口办理"
NO_CENTRAL = Failure(
    "服务中心暂时无法访问，请稍后再试", "no central service configured (central.url is empty)"
)


def resident_message(error: CentralError) -> str:
    """What the resident reads: the centre's own words for a refusal, else the type's."""
    if type(error) is CentralRefusedError:
        return error.resident_text
    return error.resident_message


class Identification:
    """Feeds card events into the session. Call `handle` on the thread that owns the session.

    Holds the resident session's token (in memory only) until the session ends, then asks the
    centre to close it. A card laid during a session is compared with the card that opened
    it by a keyed hash held in memory (never the number itself): the same card again is
    ignored, another card raises a question for the resident (`on_card_swap`): end the
    current session and start one for the new card (`confirm_swap`), or go on (`cancel_swap`).
    """

    def __init__(self, session: Session, executor: Executor) -> None:
        self._session = session
        self.central: CentralClient | None = None  # set when the core connects
        self._executor = executor
        self._generation = 0  # which card placement an answer belongs to
        self.token: str | None = None
        self.session_id: str | None = None
        self._key = secrets.token_bytes(32)  # this process's key for the holder's hash
        self._opening: str | None = None  # the hash of the card whose session is opening
        self._holder: str | None = None  # the hash of the card that opened the session
        # Another card's session request and hash, while the resident is asked about it.
        self._swap: tuple[Callable[[], SessionRequest], str] | None = None
        self.method: str | None = None  # how this session's resident was identified
        self._opening_method: str | None = None
        self._swap_listeners: list[Callable[[bool], None]] = []
        session.add_wipe_hook(self.wipe)

    def on_card_swap(self, listener: Callable[[bool], None]) -> None:
        """`listener(True)`: another card lies on the reader, ask the resident whether to end
        the session; `listener(False)`: the question is moot (answered, card lifted, wiped)."""
        self._swap_listeners.append(listener)

    def confirm_swap(self) -> None:
        """End the current session (wiped as by 退出) and identify the new card."""
        swap = self._swap
        if swap is None:
            return
        build, holder = swap
        self._set_swap(None)
        self._session.exit()
        self._session.card_detected()
        self._open_session(build, holder)

    def cancel_swap(self) -> None:
        """Go on with the current session; the new card is ignored until it is laid again."""
        self._set_swap(None)

    def handle(self, event: CardEvent) -> None:
        state = self._session.state
        match event:
            case CardInserted():
                if state is State.IDLE:
                    self._generation += 1
                    self._session.card_detected()
                else:
                    log.info("card placed in state %s: ignored, a session is under way", state)
            case CardRead(card=card, sam_id=sam_id) if state is State.IDENTIFYING:
                self._open_session(
                    lambda: idcard_session_request(card, sam_id), self._hash(card.id_number)
                )
            case SocialCardRead(card=social) if state is State.IDENTIFYING:
                self._open_session(
                    lambda: self._social_request(social),
                    self._hash(social.social_security_number),
                )
            case CardRead(card=card, sam_id=sam_id) if state in IN_SESSION:
                self._another_card(
                    lambda: idcard_session_request(card, sam_id), self._hash(card.id_number)
                )
            case SocialCardRead(card=social) if state in IN_SESSION:
                self._another_card(
                    lambda: self._social_request(social),
                    self._hash(social.social_security_number),
                )
            case ReadFailed(error=error) if state is State.IDENTIFYING:
                self._session.fail(Failure(error.resident_message, error.technician_message))
            case CardRemoved():
                log.debug("card lifted in state %s", state)
                if self._swap is not None:
                    log.info("the other card was lifted before the resident answered")
                    self._set_swap(None)
            case _:
                log.info("%s in state %s: ignored", type(event).__name__, state)

    def sign_in_by_sms(
        self, id_number: str, code: str, refused: Callable[[CentralError], None]
    ) -> None:
        """手机验证码: open the session for this ID number and code. A refusal or a failure
        goes to `refused` (the resident stays at the code keypad), not to the error page."""
        from kiosk.api.models import SessionBySms

        self._open_session(
            lambda: SessionBySms(method="sms", id_number=id_number, code=code),
            self._hash(id_number),
            refused,
        )

    def refusal_for(self, identification: str) -> str:
        """Why this session may not use a service that asks for `identification` (a resident
        message key), or "" when it may."""
        accepted = ACCEPTED_METHODS.get(identification, ACCEPTED_METHODS["idcard"])
        if self.method is None or self.method in accepted:
            return ""
        return NEEDS_IDCARD

    def _hash(self, id_number: str) -> str:
        return hmac.new(self._key, id_number.strip().upper().encode(), "sha256").hexdigest()

    def _another_card(self, build: Callable[[], SessionRequest], holder: str) -> None:
        if holder == self._holder:
            log.info("the resident's own card was laid again: the session goes on")
            return
        log.info("another card was laid during a session: asking the resident")
        self._set_swap((build, holder))

    def _set_swap(self, swap: tuple[Callable[[], SessionRequest], str] | None) -> None:
        pending, self._swap = self._swap is not None, swap
        if pending or swap is not None:
            for listener in self._swap_listeners:
                listener(swap is not None)

    def _open_session(
        self,
        build: Callable[[], SessionRequest],
        holder: str,
        refused: Callable[[CentralError], None] | None = None,
    ) -> None:
        from pydantic import ValidationError

        central = self.central
        if central is None:
            self._session.fail(NO_CENTRAL)
            return
        try:
            request = build()
        except ValidationError as error:
            # Never log the input: it is the resident's card. Where and what kind suffices.
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['type']}" for e in error.errors()
            )
            log.warning("card fields outside the contract: %s", problems)
            self._session.fail(
                Failure(CARD_UNUSABLE, f"card fields outside the contract: {problems}")
            )
            return
        generation = self._generation
        self._opening = holder
        self._opening_method = request.method
        self._executor.submit(
            lambda: central.open_session(request),
            lambda outcome: self._opened(generation, outcome, refused),
        )

    @staticmethod
    def _social_request(card: SocialSecurityCard) -> SessionBySsCard:
        from kiosk.api.models import SessionBySsCard

        return SessionBySsCard(
            method="sscard",
            card_number=card.card_number,
            social_security_number=card.social_security_number,
            name=card.name,
        )

    def _opened(
        self,
        generation: int,
        outcome: Outcome[Any],
        refused: Callable[[CentralError], None] | None,
    ) -> None:
        from kiosk.api.models import SessionAnswer

        answer = outcome.value
        current = generation == self._generation and self._session.state is State.IDENTIFYING
        if not current:
            if isinstance(answer, SessionAnswer):
                log.info("session %s opened after the resident left: closing it", answer.session_id)
                self._close(answer.token)
            return
        if outcome.error is not None:
            if not isinstance(outcome.error, CentralError):
                raise outcome.error  # a bug: let the crash handler report it
            log.warning("identification failed: %s", outcome.error.technician_message)
            if refused is not None:
                refused(outcome.error)
                return
            self._session.fail(
                Failure(resident_message(outcome.error), outcome.error.technician_message)
            )
            return
        assert isinstance(answer, SessionAnswer)
        self.token, self.session_id = answer.token, answer.session_id
        self._holder, self._opening = self._opening, None
        self.method = self._opening_method
        resident = answer.resident
        self._session.identified(Resident(resident.display_name, resident.masked_id, resident.age))

    def wipe(self) -> None:
        """Session over (any path): forget the token and close the session at the centre."""
        self._generation += 1
        self._holder = self._opening = None
        self.method = self._opening_method = None
        self._set_swap(None)
        token, self.token, self.session_id = self.token, None, None
        if token is not None:
            self._close(token)

    def _close(self, token: str) -> None:
        central = self.central
        if central is None:
            return

        def closed(outcome: Outcome[Any]) -> None:
            if outcome.error is not None:
                # The centre expires it on its own; nothing for the resident to see.
                log.info("closing the resident session failed: %s", outcome.error)

        self._executor.submit(lambda: central.close_session(token), closed)


def idcard_session_request(card: IdCard, sam_id: str) -> SessionByIdCard:
    """POST /v1/sessions for a resident ID card read by the SAM module `sam_id`."""
    from kiosk.api.models import IdCardFields, SessionByIdCard

    return SessionByIdCard(
        method="idcard",
        sam_id=sam_id,
        card=IdCardFields(
            name=card.name,
            gender=card.gender,
            ethnicity=card.ethnicity,
            birth_date=card.birth_date,
            address=card.address,
            id_number=card.id_number,
            issuer=card.issuer,
            valid_from=card.valid_from,
            valid_until=card.valid_until,
        ),
    )
