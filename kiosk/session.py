"""The resident session: one state machine that every screen renders (DESIGN.md, "Layers").

    idle → identifying (a card, or 手机验证码) → identified → in service → done (rating) → idle

with `failed` (any state with a resident → error → idle), `exit` and `timeout` (any state but
idle → idle) and `crash` (any state → idle). Every way back to idle runs the wipe hooks, so that
models, widgets and caches drop every trace of the resident.

Plain Python, no Qt and no threads of its own: the owner calls `tick()` about once a second
(the UI from a timer) and the clock is injectable, so tests need no waiting. Listeners are
called synchronously, on the caller's thread, under the session's lock.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

log = logging.getLogger(__name__)


class State(StrEnum):
    IDLE = "idle"
    IDENTIFYING = "identifying"
    IDENTIFIED = "identified"
    IN_SERVICE = "in_service"
    DONE = "done"
    ERROR = "error"


class Event(StrEnum):
    CARD_DETECTED = "card_detected"
    SIGN_IN = "sign_in"  # 手机验证码: the resident chose to type their ID number
    IDENTIFIED = "identified"
    SERVICE_CHOSEN = "service_chosen"
    SERVICE_COMPLETED = "service_completed"
    BACK_TO_MENU = "back_to_menu"
    FINISHED = "finished"
    FAILED = "failed"
    ERROR_ACKNOWLEDGED = "error_acknowledged"
    EXIT = "exit"
    TIMEOUT = "timeout"
    CRASH = "crash"


_WITH_RESIDENT = (State.IDENTIFYING, State.IDENTIFIED, State.IN_SERVICE, State.DONE, State.ERROR)

TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.IDLE, Event.CARD_DETECTED): State.IDENTIFYING,
    (State.IDLE, Event.SIGN_IN): State.IDENTIFYING,
    (State.IDENTIFYING, Event.IDENTIFIED): State.IDENTIFIED,
    (State.IDENTIFIED, Event.SERVICE_CHOSEN): State.IN_SERVICE,
    (State.IN_SERVICE, Event.SERVICE_COMPLETED): State.DONE,
    (State.IN_SERVICE, Event.BACK_TO_MENU): State.IDENTIFIED,
    (State.DONE, Event.BACK_TO_MENU): State.IDENTIFIED,
    (State.DONE, Event.FINISHED): State.IDLE,
    (State.ERROR, Event.ERROR_ACKNOWLEDGED): State.IDLE,
    **{(state, Event.FAILED): State.ERROR for state in _WITH_RESIDENT if state is not State.ERROR},
    **{(state, Event.EXIT): State.IDLE for state in _WITH_RESIDENT},
    **{(state, Event.TIMEOUT): State.IDLE for state in _WITH_RESIDENT},
    **{(state, Event.CRASH): State.IDLE for state in State},
}


class IllegalTransitionError(RuntimeError):
    """An event that the current state does not accept; the state is left unchanged."""

    def __init__(self, state: State, event: Event) -> None:
        super().__init__(f"event {event} is not allowed in state {state}")
        self.state = state
        self.event = event


@dataclass(frozen=True, slots=True)
class Resident:
    """What the kiosk knows of the person in front of it, for the length of one session."""

    display_name: str
    masked_id: str
    age: int | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """Why a session went to the error state, for the resident and for the technician."""

    resident_message: str
    technician_message: str


@dataclass(frozen=True, slots=True)
class Preferences:
    """Choices a resident can make before or during a session; reset when it ends."""

    elder_mode: bool = False
    language: str = "zh_CN"
    voice: bool = False  # voice guidance: on by default in elder mode, one tap in the other


StateListener = Callable[[State, State, Event], None]
WarningListener = Callable[[int | None], None]
PreferencesListener = Callable[[Preferences], None]
WipeHook = Callable[[], None]


class Session:
    """The state machine of one kiosk; one instance lives as long as the app."""

    def __init__(
        self,
        *,
        idle_timeout_s: float,
        elder_idle_timeout_s: float,
        warning_s: float,
        default_language: str = "zh_CN",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 < warning_s < min(idle_timeout_s, elder_idle_timeout_s):
            raise ValueError("warning_s must be positive and shorter than the idle timeouts")
        self._idle_timeout_s = idle_timeout_s
        self._elder_idle_timeout_s = elder_idle_timeout_s
        self._warning_s = warning_s
        # Elders get twice the countdown too, where their timeout leaves room for it.
        self._elder_warning_s = 2 * warning_s if 2 * warning_s < elder_idle_timeout_s else warning_s
        self._default_preferences = Preferences(language=default_language)
        self._clock = clock
        self._lock = threading.RLock()
        self._state = State.IDLE
        self._preferences = self._default_preferences
        self._last_activity = clock()
        self._warning_shown = False
        self.resident: Resident | None = None
        self.service_id: str | None = None
        self.failure: Failure | None = None
        self._state_listeners: list[StateListener] = []
        self._warning_listeners: list[WarningListener] = []
        self._preferences_listeners: list[PreferencesListener] = []
        self._wipe_hooks: list[WipeHook] = []

    # --- observation -------------------------------------------------------------------

    @property
    def state(self) -> State:
        return self._state

    @property
    def preferences(self) -> Preferences:
        return self._preferences

    @property
    def idle_timeout_s(self) -> float:
        """The timeout in force: longer in elder mode."""
        if self._preferences.elder_mode:
            return self._elder_idle_timeout_s
        return self._idle_timeout_s

    @property
    def warning_s(self) -> float:
        """How long the countdown before a timeout lasts: longer in elder mode."""
        if self._preferences.elder_mode:
            return self._elder_warning_s
        return self._warning_s

    def on_state_change(self, listener: StateListener) -> None:
        self._state_listeners.append(listener)

    def on_timeout_warning(self, listener: WarningListener) -> None:
        """`listener(seconds_left)` during the countdown, `listener(None)` when it is called off."""
        self._warning_listeners.append(listener)

    def on_preferences_change(self, listener: PreferencesListener) -> None:
        self._preferences_listeners.append(listener)

    def add_wipe_hook(self, hook: WipeHook) -> None:
        """`hook()` runs on every way back to idle; it must drop every trace of the resident."""
        self._wipe_hooks.append(hook)

    # --- events ------------------------------------------------------------------------

    def card_detected(self) -> None:
        self._fire(Event.CARD_DETECTED)

    def start_sign_in(self) -> None:
        """手机验证码 on the attract screen: what the resident types is theirs from now on,
        timed out and wiped like a card's session."""
        self._fire(Event.SIGN_IN)

    def identified(self, resident: Resident) -> None:
        self._fire(Event.IDENTIFIED, resident=resident)

    def choose_service(self, service_id: str) -> None:
        self._fire(Event.SERVICE_CHOSEN, service_id=service_id)

    def complete_service(self) -> None:
        self._fire(Event.SERVICE_COMPLETED)

    def back_to_menu(self) -> None:
        self._fire(Event.BACK_TO_MENU, service_id=None)

    def finish(self) -> None:
        """Done (rated or not): the resident leaves."""
        self._fire(Event.FINISHED)

    def fail(self, failure: Failure) -> None:
        self._fire(Event.FAILED, failure=failure)

    def acknowledge_error(self) -> None:
        self._fire(Event.ERROR_ACKNOWLEDGED)

    def exit(self) -> None:
        """The resident pressed 退出."""
        self._fire(Event.EXIT)

    def time_out(self) -> None:
        """The centre ended the resident's session (it expired there): the same as an idle
        timeout here, a wipe and then the attract screen's 办理已超时, never an error page."""
        self._fire(Event.TIMEOUT)

    def crash(self) -> None:
        """Unhandled failure somewhere: wipe now, from any state, on any thread."""
        self._fire(Event.CRASH)

    def touch(self) -> None:
        """The resident did something: restart the idle countdown and call off a warning."""
        with self._lock:
            self._last_activity = self._clock()
            if self._warning_shown:
                self._warning_shown = False
                self._notify_warning(None)

    def set_preferences(self, preferences: Preferences) -> None:
        with self._lock:
            self.touch()
            if preferences != self._preferences:
                self._preferences = preferences
                for listener in self._preferences_listeners:
                    listener(preferences)

    def tick(self) -> None:
        """Check the idle timeout; the owner calls this about once a second."""
        with self._lock:
            idle_for = self._clock() - self._last_activity
            if self._state is State.IDLE:
                # Someone chose elder mode or English and walked away: the next person
                # should find the kiosk as it normally is.
                if (
                    idle_for >= self.idle_timeout_s
                    and self._preferences != self._default_preferences
                ):
                    log.info("idle too long: preferences back to defaults")
                    self.set_preferences(self._default_preferences)
                return
            left = self.idle_timeout_s - idle_for
            if left <= 0:
                log.info("session timed out in state %s after %.0f s", self._state, idle_for)
                self._fire(Event.TIMEOUT)
            elif left <= self.warning_s:
                self._warning_shown = True
                self._notify_warning(math.ceil(left))

    # --- machinery ---------------------------------------------------------------------

    def _fire(self, event: Event, **data: object) -> None:
        """Move to the next state, set the session's `data` attributes, then tell listeners."""
        with self._lock:
            old = self._state
            new = TRANSITIONS.get((old, event))
            if new is None:
                raise IllegalTransitionError(old, event)
            self._state = new
            for name, value in data.items():
                setattr(self, name, value)
            log.info("session %s --%s--> %s", old, event, new)
            if new is State.IDLE:
                self._wipe()
            self.touch()
            for listener in self._state_listeners:
                listener(old, new, event)

    def _wipe(self) -> None:
        self.resident = None
        self.service_id = None
        self.failure = None
        if self._preferences != self._default_preferences:
            self._preferences = self._default_preferences
            for listener in self._preferences_listeners:
                listener(self._preferences)
        for hook in self._wipe_hooks:
            try:
                hook()
            except Exception:
                # One broken hook must not keep the others from wiping.
                log.exception("wipe hook %r failed", hook)

    def _notify_warning(self, seconds_left: int | None) -> None:
        for listener in self._warning_listeners:
            listener(seconds_left)
