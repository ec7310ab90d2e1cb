from __future__ import annotations

import pytest

from kiosk.session import (
    TRANSITIONS,
    Event,
    Failure,
    IllegalTransitionError,
    Preferences,
    Resident,
    Session,
    State,
)
from tests.conftest import FakeClock

RESIDENT = Resident(display_name="张*", masked_id="511321********0039", age=40)
FAILURE = Failure("读取身份证失败，请重新放置身份证", "SAM 0x41")

# How to bring a fresh session into each state, and which call fires each event.
PATH_TO: dict[State, list[Event]] = {
    State.IDLE: [],
    State.IDENTIFYING: [Event.CARD_DETECTED],
    State.IDENTIFIED: [Event.CARD_DETECTED, Event.IDENTIFIED],
    State.IN_SERVICE: [Event.CARD_DETECTED, Event.IDENTIFIED, Event.SERVICE_CHOSEN],
    State.DONE: [
        Event.CARD_DETECTED,
        Event.IDENTIFIED,
        Event.SERVICE_CHOSEN,
        Event.SERVICE_COMPLETED,
    ],
    State.ERROR: [Event.CARD_DETECTED, Event.FAILED],
}


def fire(session: Session, event: Event) -> None:
    calls = {
        Event.CARD_DETECTED: session.card_detected,
        Event.SIGN_IN: session.start_sign_in,
        Event.IDENTIFIED: lambda: session.identified(RESIDENT),
        Event.SERVICE_CHOSEN: lambda: session.choose_service("si-contrib"),
        Event.SERVICE_COMPLETED: session.complete_service,
        Event.BACK_TO_MENU: session.back_to_menu,
        Event.FINISHED: session.finish,
        Event.FAILED: lambda: session.fail(FAILURE),
        Event.ERROR_ACKNOWLEDGED: session.acknowledge_error,
        Event.EXIT: session.exit,
        Event.CRASH: session.crash,
    }
    calls[event]()


def make_session(clock: FakeClock) -> Session:
    return Session(idle_timeout_s=60, elder_idle_timeout_s=120, warning_s=15, clock=clock)


def session_in(state: State, clock: FakeClock) -> Session:
    session = make_session(clock)
    for event in PATH_TO[state]:
        fire(session, event)
    assert session.state is state
    return session


FIREABLE = [e for e in Event if e is not Event.TIMEOUT]


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("event", FIREABLE)
def test_every_event_in_every_state_follows_the_table_or_is_refused(
    state: State, event: Event, clock: FakeClock
) -> None:
    session = session_in(state, clock)
    expected = TRANSITIONS.get((state, event))
    if expected is None:
        with pytest.raises(IllegalTransitionError) as refused:
            fire(session, event)
        assert refused.value.state is state and refused.value.event is event
        assert str(event) in str(refused.value) and str(state) in str(refused.value)
        assert session.state is state, "a refused event must leave the state unchanged"
    else:
        fire(session, event)
        assert session.state is expected


def test_the_happy_path_goes_round_to_idle(clock: FakeClock) -> None:
    session = make_session(clock)
    seen: list[tuple[State, State, Event]] = []
    session.on_state_change(lambda old, new, event: seen.append((old, new, event)))
    session.card_detected()
    session.identified(RESIDENT)
    session.choose_service("si-cert")
    assert session.service_id == "si-cert"
    session.complete_service()
    session.finish()
    assert [new for _, new, _ in seen] == [
        State.IDENTIFYING,
        State.IDENTIFIED,
        State.IN_SERVICE,
        State.DONE,
        State.IDLE,
    ]


def test_listeners_see_the_resident_when_told_of_identification(clock: FakeClock) -> None:
    session = session_in(State.IDENTIFYING, clock)
    residents = []
    session.on_state_change(lambda old, new, event: residents.append(session.resident))
    session.identified(RESIDENT)
    assert residents == [RESIDENT]


@pytest.mark.parametrize(
    ("state", "event"),
    [(s, e) for (s, e), new in TRANSITIONS.items() if new is State.IDLE and e is not Event.TIMEOUT],
)
def test_every_way_back_to_idle_wipes(state: State, event: Event, clock: FakeClock) -> None:
    session = session_in(state, clock)
    session.set_preferences(Preferences(elder_mode=True, language="en"))
    wiped = []
    session.add_wipe_hook(lambda: wiped.append(True))
    fire(session, event)
    assert wiped == [True]
    assert (session.resident, session.service_id, session.failure) == (None, None, None)
    assert session.preferences == Preferences()


@pytest.mark.parametrize("state", [s for s in State if s is not State.IDLE])
def test_idle_timeout_warns_counts_down_then_ends_and_wipes(state: State, clock: FakeClock) -> None:
    session = session_in(state, clock)
    warnings: list[int | None] = []
    wiped = []
    session.on_timeout_warning(warnings.append)
    session.add_wipe_hook(lambda: wiped.append(True))
    clock.advance(44)
    session.tick()
    assert warnings == [], "no warning before the last 15 s"
    for _ in range(15):
        clock.advance(1)
        session.tick()
    assert warnings == list(range(15, 0, -1))
    assert session.state is state and wiped == []
    clock.advance(1)
    session.tick()
    assert session.state is State.IDLE
    assert wiped == [True]


def test_a_touch_calls_off_the_warning_and_restarts_the_countdown(clock: FakeClock) -> None:
    session = session_in(State.IDENTIFIED, clock)
    warnings: list[int | None] = []
    session.on_timeout_warning(warnings.append)
    clock.advance(50)
    session.tick()
    session.touch()
    assert warnings == [10, None]
    clock.advance(50)
    session.tick()
    assert session.state is State.IDENTIFIED


def test_elder_mode_has_the_longer_timeout(clock: FakeClock) -> None:
    session = make_session(clock)
    session.set_preferences(Preferences(elder_mode=True))
    fire(session, Event.CARD_DETECTED)
    clock.advance(100)
    session.tick()
    assert session.state is State.IDENTIFYING
    clock.advance(20)
    session.tick()
    assert session.state is State.IDLE


def test_preferences_chosen_on_the_attract_screen_revert_when_nobody_comes(
    clock: FakeClock,
) -> None:
    session = make_session(clock)
    changes: list[Preferences] = []
    session.on_preferences_change(changes.append)
    session.set_preferences(Preferences(elder_mode=True, language="en"))
    clock.advance(119)
    session.tick()
    assert session.preferences.elder_mode
    clock.advance(1)
    session.tick()
    assert session.preferences == Preferences()
    assert changes[-1] == Preferences()


def test_a_broken_wipe_hook_does_not_stop_the_others(clock: FakeClock) -> None:
    session = session_in(State.IDENTIFIED, clock)
    wiped = []

    def broken() -> None:
        raise RuntimeError("widget already deleted")

    session.add_wipe_hook(broken)
    session.add_wipe_hook(lambda: wiped.append(True))
    session.exit()
    assert wiped == [True]
    assert session.state is State.IDLE


def test_the_warning_must_be_shorter_than_the_timeouts() -> None:
    with pytest.raises(ValueError, match="warning_s"):
        Session(idle_timeout_s=10, elder_idle_timeout_s=20, warning_s=10)
