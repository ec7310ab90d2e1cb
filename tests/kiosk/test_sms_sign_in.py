"""手机验证码 in the core: the ID number checked as it is typed, then the whole sign-in against
the reference centre on loopback (its codes, its minute between codes, its five minutes of
life and its five wrong entries), with the demo route telling the code a phone would get."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.idcard.demo import DEMO_CARDS
from drivers.idcard.id_number import check_character
from kiosk.executor import ThreadExecutor
from kiosk.services.identification import NEEDS_IDCARD, Identification
from kiosk.services.sms_sign_in import (
    BAD_BIRTH_DATE,
    BAD_CHECK_CHARACTER,
    ID_INCOMPLETE,
    ONLY_DIGITS,
    RESEND_AFTER_S,
    SmsSignIn,
    SmsStep,
    SmsView,
    id_number_problem,
)
from kiosk.session import Session, State
from tests.conftest import FakeClock
from tests.rigs.central import CentralServer

TODAY = dt.date(2026, 12, 2)
RESIDENT = DEMO_CARDS[0]  # 张伟, phone 138****0000 in the demo data
NOT_REGISTERED = "110101199003070000"[:17] + check_character("11010119900307000")


# --- the ID number as it is typed ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", ""),
        ("5113", ""),
        ("511321198506120030", ""),
        ("11010519491231002X", ""),
        ("11010519491231002x", ""),  # a lower-case x is the same character
        ("51132A", ONLY_DIGITS),
        ("5113X", ONLY_DIGITS),  # X only ever last
        ("5113211985061200301", ONLY_DIGITS),  # 19 characters
        ("5113211885", BAD_BIRTH_DATE),  # born in 1885: no
        ("5113212030", BAD_BIRTH_DATE),  # born after today
        ("511321198513", BAD_BIRTH_DATE),  # month 13
        ("51132119850230", BAD_BIRTH_DATE),  # 30 February
        ("51132120261203", BAD_BIRTH_DATE),  # tomorrow
        ("511321198506120031", BAD_CHECK_CHARACTER),
    ],
)
def test_an_id_number_is_checked_as_it_is_typed(typed: str, problem: str) -> None:
    assert id_number_problem(typed, TODAY) == problem


@given(st.dates(dt.date(1900, 1, 1), TODAY), st.text("0123456789", min_size=9, max_size=9))
def test_every_real_number_passes_every_prefix(born: dt.date, digits: str) -> None:
    first17 = digits[:6] + born.strftime("%Y%m%d") + digits[6:]
    number = first17 + check_character(first17)
    for length in range(len(number) + 1):
        assert id_number_problem(number[:length], TODAY) == ""


@given(st.text("0123456789", min_size=17, max_size=17), st.sampled_from("0123456789X"))
def test_one_wrong_check_character_in_eleven_passes(first17: str, last: str) -> None:
    right = check_character(first17) == last
    problem = id_number_problem(first17 + last, TODAY)
    assert problem != BAD_CHECK_CHARACTER if right else problem in (BAD_CHECK_CHARACTER,
                                                                     BAD_BIRTH_DATE)  # fmt: skip


# --- against the centre ---------------------------------------------------------------------


class SignIn:
    """A session, its identification and the SMS sign-in, talking to the shared centre."""

    def __init__(self, central: CentralServer, clock: FakeClock) -> None:
        self.clock = clock
        self.session = Session(
            idle_timeout_s=60, elder_idle_timeout_s=120, warning_s=15, clock=clock
        )
        self.executor = ThreadExecutor()
        self.identification = Identification(self.session, self.executor)
        self.sms = SmsSignIn(self.session, self.identification, self.executor, clock)
        client = central.client()
        self.identification.central = self.sms.central = client
        self.sms.demo_codes = True
        self.views: list[SmsView | None] = []
        self.codes: list[tuple[str, str]] = []
        self.sms.on_change(self.views.append)
        self.sms.on_demo_code(lambda code, sent_to: self.codes.append((code, sent_to)))

    def wait(self, ready: Callable[[], bool], timeout_s: float = 10.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not ready():
            assert time.monotonic() < deadline, f"not reached; last view {self.sms.view}"
            time.sleep(0.01)

    def at(self, step: SmsStep) -> Callable[[], bool]:
        return lambda: self.sms.view is not None and self.sms.view.step is step

    @property
    def view(self) -> SmsView:
        assert self.sms.view is not None
        return self.sms.view

    def send(self, id_number: str = RESIDENT.id_number) -> None:
        self.sms.start()
        self.sms.send_code(id_number)
        self.wait(lambda: self.view.step is not SmsStep.SENDING)

    def enter(self, code: str) -> None:
        self.sms.submit_code(code)
        self.wait(lambda: self.sms.view is None or self.view.step is not SmsStep.CHECKING)

    @property
    def code(self) -> str:
        return self.codes[-1][0]

    @property
    def wrong_code(self) -> str:
        return "000000" if self.code != "000000" else "111111"


@pytest.fixture
def sign_in(central_server: CentralServer, clock: FakeClock) -> Iterator[SignIn]:
    central_server.forget_sms_codes(RESIDENT.id_number)
    rig = SignIn(central_server, clock)
    yield rig
    rig.session.exit() if rig.session.state is not State.IDLE else None
    rig.executor.drain(5)


def test_a_code_sent_then_entered_opens_a_session_by_sms(sign_in: SignIn) -> None:
    sign_in.sms.start()
    assert sign_in.session.state is State.IDENTIFYING  # timed out and wiped like a card's
    sign_in.sms.send_code(RESIDENT.id_number)
    assert sign_in.view.step is SmsStep.SENDING
    sign_in.wait(sign_in.at(SmsStep.CODE))
    assert sign_in.view.sent_to == "138****0000"
    assert sign_in.view.masked_id == "511321********0030"
    assert sign_in.view.resend_in_s == RESEND_AFTER_S
    assert sign_in.codes == [(sign_in.code, "138****0000")]
    sign_in.enter(sign_in.code)
    sign_in.wait(lambda: sign_in.session.state is State.IDENTIFIED)
    assert sign_in.session.resident is not None
    assert sign_in.session.resident.display_name == "张*"
    assert sign_in.identification.method == "sms"
    assert sign_in.sms.view is None  # the number is forgotten once identified
    # An SMS session may query, not print what the centre wants an ID card for.
    assert sign_in.identification.refusal_for("idcard_or_sms") == ""
    assert sign_in.identification.refusal_for("idcard") == NEEDS_IDCARD


def test_a_wrong_code_keeps_the_resident_at_the_keypad(sign_in: SignIn) -> None:
    sign_in.send()
    sign_in.enter(sign_in.wrong_code)
    view = sign_in.view
    assert (view.step, view.resident_message, view.attempt) == (
        SmsStep.CODE,
        "验证码不正确，请重新输入",
        1,
    )
    assert not view.code_dead
    assert sign_in.session.state is State.IDENTIFYING  # no error page: try again
    sign_in.enter(sign_in.code)
    sign_in.wait(lambda: sign_in.session.state is State.IDENTIFIED)


def test_the_fifth_wrong_code_kills_it_and_only_a_new_one_helps(sign_in: SignIn) -> None:
    sign_in.send()
    right = sign_in.code
    for _ in range(4):
        sign_in.enter(sign_in.wrong_code)
        assert not sign_in.view.code_dead
    sign_in.enter(sign_in.wrong_code)
    assert sign_in.view.code_dead
    assert sign_in.view.resident_message == "验证码输入错误次数过多，请重新获取验证码"
    sign_in.enter(right)  # the right code is refused too now
    assert sign_in.view.code_dead and sign_in.session.state is State.IDENTIFYING


def test_an_expired_code_asks_for_a_new_one(sign_in: SignIn, central_server: CentralServer) -> None:
    sign_in.send()
    central_server.expire_sms_codes(RESIDENT.id_number)
    sign_in.enter(sign_in.code)
    assert sign_in.view.code_dead
    assert sign_in.view.resident_message == "验证码已失效，请重新获取"


def test_resend_waits_out_the_centres_minute(
    sign_in: SignIn, central_server: CentralServer
) -> None:
    sign_in.send()
    first = sign_in.code
    sign_in.sms.resend()  # too early: nothing happens
    assert sign_in.view.step is SmsStep.CODE and len(sign_in.codes) == 1
    sign_in.clock.advance(25)
    sign_in.sms.tick()
    assert sign_in.view.resend_in_s == RESEND_AFTER_S - 25
    sign_in.clock.advance(RESEND_AFTER_S)
    sign_in.sms.tick()
    assert sign_in.view.resend_in_s == 0
    central_server.forget_sms_codes(RESIDENT.id_number)  # the centre's minute, passed too
    sign_in.sms.resend()
    sign_in.wait(lambda: len(sign_in.codes) == 2 and sign_in.view.step is SmsStep.CODE)
    assert sign_in.view.resend_in_s == RESEND_AFTER_S
    if sign_in.code != first:
        sign_in.enter(first)  # the old code was forgotten with the centre's rows
        assert sign_in.view.resident_message
    sign_in.enter(sign_in.code)
    sign_in.wait(lambda: sign_in.session.state is State.IDENTIFIED)


def test_the_same_number_again_within_the_minute_goes_back_to_the_code(sign_in: SignIn) -> None:
    sign_in.send()
    code = sign_in.code
    sign_in.sms.change_number()
    assert sign_in.view.step is SmsStep.ID_NUMBER
    sign_in.sms.send_code(RESIDENT.id_number)
    sign_in.wait(lambda: sign_in.view.step is not SmsStep.SENDING)
    view = sign_in.view
    assert view.step is SmsStep.CODE and view.sent_to == "138****0000"
    assert view.resident_message == "验证码已发送，请稍后再试"
    sign_in.enter(code)  # the code on the phone still works
    sign_in.wait(lambda: sign_in.session.state is State.IDENTIFIED)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("51132119850612003", ID_INCOMPLETE),
        ("511321198506120031", BAD_CHECK_CHARACTER),
    ],
)
def test_a_number_with_a_problem_is_never_sent(sign_in: SignIn, typed: str, message: str) -> None:
    sign_in.sms.start()
    sign_in.sms.send_code(typed)
    assert sign_in.view.step is SmsStep.ID_NUMBER
    assert sign_in.view.resident_message == message
    assert sign_in.codes == []


def test_a_number_the_centre_does_not_know_is_said_at_the_number(sign_in: SignIn) -> None:
    sign_in.send(NOT_REGISTERED)
    assert sign_in.view.step is SmsStep.ID_NUMBER
    assert sign_in.view.resident_message == "未查询到您的信息，请到村便民服务站窗口办理"
    assert sign_in.session.state is State.IDENTIFYING


def test_a_centre_that_does_not_answer_is_said_and_loses_nothing(
    sign_in: SignIn, central_server: CentralServer
) -> None:
    central_server.set_faults({"POST /v1/sms-codes": {"error_rate": 1.0}})
    try:
        sign_in.send()
    finally:
        central_server.set_faults({})
    assert sign_in.view.step is SmsStep.ID_NUMBER
    assert sign_in.view.resident_message  # what happened, in words
    assert sign_in.codes == []
    sign_in.sms.send_code(RESIDENT.id_number)  # the same number, sent again
    sign_in.wait(sign_in.at(SmsStep.CODE))


def test_leaving_forgets_everything_and_drops_late_answers(sign_in: SignIn) -> None:
    sign_in.sms.start()
    sign_in.sms.send_code(RESIDENT.id_number)
    sign_in.session.exit()  # 退出 while the code is on its way
    assert sign_in.sms.view is None
    assert sign_in.codes[-1:] in ([], [("", "")])
    sign_in.executor.drain(5)
    assert sign_in.sms.view is None  # the answer came, and was dropped
    assert sign_in.session.state is State.IDLE
    assert RESIDENT.id_number not in repr(vars(sign_in.sms))
