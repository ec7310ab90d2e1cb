"""手机验证码: identify a resident without a card, by ID number and a code sent to their phone.

    start() ──► ID_NUMBER ──send_code()──► SENDING ──► CODE ──submit_code()──► CHECKING ──► menu
                    ▲                          │          ▲ │                      │
                    └──── refused, no answer ──┘          │ └── resend() (60 s) ───┤
                    └──────────── change_number() ────────┘◄── wrong, expired ─────┘

* The ID number is checked as it is typed (`id_number_problem`: characters, the birth date in
  positions 7–14, the GB 11643 check character), so a slip is caught before anything is sent.
* The centre sends the code to the phone it holds and answers with that number masked; the
  kiosk never learns the number itself. The centre keeps the rules: a new code at most every
  60 s, five minutes of life, five wrong entries. The kiosk shows them (a countdown on
  重新获取, the centre's words for a wrong or dead code) and never retries a code by itself.
* The session is `identifying` from the first tap: what is typed is timed out and wiped with
  it like a card's session, and 退出 leaves at once.
* Demo mode: the code the demo centre sent is fetched back for the demo panel (no phone).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from drivers.idcard.id_number import check_character
from kiosk.api.errors import CentralError, CentralRefusedError
from kiosk.executor import Executor, Outcome
from kiosk.privacy import masked_id_number
from kiosk.services.asking import Asking
from kiosk.services.identification import Identification, resident_message
from kiosk.session import Event, Session, State

if TYPE_CHECKING:
    from kiosk.api.client import CentralClient

log = logging.getLogger(__name__)

ID_NUMBER_LENGTH: Final = 18
CODE_LENGTH: Final = 6
RESEND_AFTER_S: Final = 60  # the centre's rule (central/routes/sessions.py), shown as a countdown
ID_CHARACTERS: Final = "0123456789X"
# The centre's refusals that leave the code unusable: only a new one helps.
DEAD_CODE_REFUSALS: Final = frozenset({"sms_code_expired", "sms_code_attempts"})
TOO_SOON_REFUSAL: Final = "sms_too_soon"

ONLY_DIGITS = "身份证号码由数字组成，只有最后一位可以是 X"
BAD_BIRTH_DATE = "第 7–14 位是出生日期，这几位不正确，请核对"
BAD_CHECK_CHARACTER = "身份证号码最后一位校验不符，请核对后重新输入"
ID_INCOMPLETE = "请输入完整的 18 位身份证号码"
CODE_INCOMPLETE = "请输入 6 位验证码"


def id_number_problem(typed: str, today: dt.date | None = None) -> str:
    """What is already wrong with an ID number typed so far (a resident message key), or ""
    while it may still be right. Checked as each character comes: only digits (X last), the
    birth date in positions 7–14 as far as it goes, then the check character (GB 11643)."""
    typed = typed.upper()
    if any(c not in ID_CHARACTERS for c in typed) or "X" in typed[:17] or len(typed) > 18:
        return ONLY_DIGITS
    today = today or dt.date.today()
    if len(typed) >= 10 and not 1900 <= int(typed[6:10]) <= today.year:
        return BAD_BIRTH_DATE
    if len(typed) >= 12 and not 1 <= int(typed[10:12]) <= 12:
        return BAD_BIRTH_DATE
    if len(typed) >= 14:
        try:
            born = dt.date(int(typed[6:10]), int(typed[10:12]), int(typed[12:14]))
        except ValueError:
            return BAD_BIRTH_DATE
        if born > today:
            return BAD_BIRTH_DATE
    if len(typed) == ID_NUMBER_LENGTH and check_character(typed[:17]) != typed[17]:
        return BAD_CHECK_CHARACTER
    return ""


class SmsStep(StrEnum):
    ID_NUMBER = "id_number"  # the resident types their ID number
    SENDING = "sending"  # the code was asked for
    CODE = "code"  # the resident types the code
    CHECKING = "checking"  # the session was asked for


@dataclass(frozen=True, slots=True)
class SmsView:
    """What the sign-in screen shows now. Messages are plain Chinese keys the UI translates."""

    step: SmsStep
    masked_id: str = ""  # from the code step on: 511321********0030
    sent_to: str = ""  # the phone the centre sent the code to, masked by the centre
    resend_in_s: int = 0  # 重新获取 waits this long (the centre's 60 s)
    resident_message: str = ""  # what went wrong last
    code_dead: bool = False  # expired or too many wrong entries: only a new code helps
    attempt: int = 0  # counts the refused codes, so the screen clears the keypad on each


class SmsSignIn(Asking[SmsView]):
    """手机验证码 (kiosk.services.asking says how answers arrive)."""

    def __init__(
        self,
        session: Session,
        identification: Identification,
        executor: Executor,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(session, executor)
        self._identification = identification
        self._clock = clock
        self.central: CentralClient | None = None  # set when the core connects
        self.demo_codes = False  # demo mode: fetch each code back for the demo panel
        self._id_number: str | None = None  # only while signing in, never written anywhere
        self._sent: tuple[str, str] | None = None  # (ID number, masked phone) of the last code
        self._resend_from = 0.0  # the clock's time when 重新获取 opens
        self._demo_listeners: list[Callable[[str, str], None]] = []
        session.on_state_change(self._on_state)

    def on_demo_code(self, listener: Callable[[str, str], None]) -> None:
        """`listener(code, sent_to)` in demo mode when a code was sent; ("", "") when the
        session that asked for it is over."""
        self._demo_listeners.append(listener)

    # --- the resident's steps ----------------------------------------------------------

    def start(self) -> None:
        """手机验证码 on the attract screen."""
        if self._session.state is State.IDLE:
            self._session.start_sign_in()
            self._set(SmsView(SmsStep.ID_NUMBER))

    def send_code(self, id_number: str) -> None:
        """获取验证码 for a complete ID number (checked again here: the screen may be wrong)."""
        if self.view is None or self.view.step is not SmsStep.ID_NUMBER:
            return
        id_number = id_number.strip().upper()
        problem = id_number_problem(id_number) or (
            "" if len(id_number) == ID_NUMBER_LENGTH else ID_INCOMPLETE
        )
        if problem:
            self._set(replace(self.view, resident_message=problem))
            return
        self._id_number = id_number
        self._ask_for_code(SmsView(SmsStep.SENDING, masked_id=masked_id_number(id_number)))

    def resend(self) -> None:
        """重新获取, once the countdown is over."""
        view = self.view
        if view is None or view.step is not SmsStep.CODE or view.resend_in_s > 0:
            return
        self._ask_for_code(replace(view, step=SmsStep.SENDING, resident_message=""))

    def change_number(self) -> None:
        """Back to the ID number (修改身份证号码); a code already sent stays valid there."""
        if self.view is not None and self.view.step is SmsStep.CODE:
            self._set(SmsView(SmsStep.ID_NUMBER))

    def submit_code(self, code: str) -> None:
        view, id_number = self.view, self._id_number
        if view is None or view.step is not SmsStep.CODE or id_number is None:
            return
        if len(code) != CODE_LENGTH or not code.isdigit():
            self._set(replace(view, resident_message=CODE_INCOMPLETE))
            return
        self._set(replace(view, step=SmsStep.CHECKING, resident_message=""))
        self._identification.sign_in_by_sms(id_number, code, self._refused)

    def tick(self) -> None:
        """The window's second: count 重新获取 down."""
        view = self.view
        if view is not None and view.resend_in_s > 0:
            left = self._resend_in_s()
            if left != view.resend_in_s:
                self._set(replace(view, resend_in_s=left))

    def close(self) -> None:
        """The sign-in is over (the session ended by any path, or was identified): forget the
        number and what the screen shows, drop answers still on the way."""
        self._outdate()
        self._id_number = self._sent = None
        if self.view is not None:
            self._set(None)
            for listener in self._demo_listeners:
                listener("", "")

    # --- the centre's answers ----------------------------------------------------------

    def _ask_for_code(self, sending: SmsView) -> None:
        central, id_number = self.central, self._id_number
        assert id_number is not None
        self._outdate()
        self._set(sending)
        if central is None:
            log.warning("no SMS code asked: no central service configured")
            self._set(
                replace(
                    sending,
                    step=self._back_step(sending),
                    resident_message=CentralError.resident_message,
                )
            )
            return
        demo = self.demo_codes

        def work() -> tuple[Any, str]:
            answer = central.request_sms_code(id_number)
            if not demo:
                return answer, ""
            try:
                return answer, central.demo_sms_code(id_number)
            except CentralError as error:  # a centre not in demo mode: the code went out
                log.warning("the demo centre did not tell the code: %s", error)
                return answer, ""

        self._submit(
            work, lambda outcome: self._code_sent(sending, outcome), late="an SMS code answer"
        )

    def _code_sent(self, sending: SmsView, outcome: Outcome[Any]) -> None:
        if self.view is None:
            return
        error = outcome.error
        if error is None:
            assert outcome.value is not None
            answer, demo_code = outcome.value
            log.info("SMS code sent to %s", answer.sent_to)
            self._sent = (self._id_number or "", answer.sent_to)
            self._resend_from = self._clock() + RESEND_AFTER_S
            self._set(
                SmsView(
                    SmsStep.CODE,
                    masked_id=sending.masked_id,
                    sent_to=answer.sent_to,
                    resend_in_s=RESEND_AFTER_S,
                    attempt=sending.attempt,
                )
            )
            if demo_code:
                for listener in self._demo_listeners:
                    listener(demo_code, answer.sent_to)
            return
        if not isinstance(error, CentralError):
            raise error  # a bug: the crash handler reports it
        log.warning("SMS code not sent: %s", error.technician_message)
        sent = self._sent
        if (
            isinstance(error, CentralRefusedError)
            and error.code == TOO_SOON_REFUSAL
            and sent is not None
            and sent[0] == self._id_number
        ):
            # Back at the number and sent again within the minute: the code on the phone
            # is still good, so ask for it rather than keeping the resident waiting.
            sending = replace(sending, sent_to=sent[1])
        self._set(
            replace(
                sending,
                step=self._back_step(sending),
                resident_message=resident_message(error),
                resend_in_s=self._resend_in_s(),
            )
        )

    def _refused(self, error: CentralError) -> None:
        """The centre did not open a session for this code: say why, keep the resident here."""
        view = self.view
        if view is None or view.step is not SmsStep.CHECKING:
            return
        dead = isinstance(error, CentralRefusedError) and error.code in DEAD_CODE_REFUSALS
        log.info("SMS sign-in refused: %s", error.technician_message)
        self._set(
            replace(
                view,
                step=SmsStep.CODE,
                resident_message=resident_message(error),
                code_dead=dead or view.code_dead,
                resend_in_s=self._resend_in_s(),
                attempt=view.attempt + 1,
            )
        )

    def _on_state(self, _old: State, new: State, _event: Event) -> None:
        """Identified (by the code, or by a card laid meanwhile): the sign-in is over and
        the number is not needed any more."""
        if new is not State.IDENTIFYING and self.view is not None:
            self.wipe()

    @staticmethod
    def _back_step(sending: SmsView) -> SmsStep:
        """Where a failed request for a code leaves the resident: at the code if one was sent
        before (重新获取), else at the number."""
        return SmsStep.CODE if sending.sent_to else SmsStep.ID_NUMBER

    def _resend_in_s(self) -> int:
        return max(0, math.ceil(self._resend_from - self._clock()))
