"""好差评: the resident's rating of the services used in this session, with reasons when they
were not satisfied.

* One rating per service used in the session, queued in the outbox: its event id derives from
  the resident session's public id and the service, so a second tap, a retry or an event
  replayed after a crash is still one rating at the centre.
* Reasons are fixed tags (codes the centre counts; the screen shows them in words), chosen by
  tapping, several allowed, and only with a score below `REASONS_BELOW_SCORE`.
* Nothing about the resident: the session's public id, the service, the score and the tags.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Final

from kiosk.session import Event, Session, State

if TYPE_CHECKING:
    from kiosk.outbox import Outbox

log = logging.getLogger(__name__)

RATING_TAGS: Final = (
    "slow",  # 办理时间长
    "complicated",  # 操作复杂
    "machine_fault",  # 机器故障
    "print_error",  # 打印有误
    "hard_to_see_or_hear",  # 看不清/听不清
    "other",  # 其他
)
REASONS_BELOW_SCORE: Final = 3  # 不满意 (2) and 非常不满意 (1) ask why


def rating_event_id(session_id: str, service_id: str) -> str:
    """The same for every attempt to rate this service in this resident session."""
    return hashlib.sha256(f"rating\n{session_id}\n{service_id}".encode()).hexdigest()[:32]


class Ratings:
    """Which services this session used, and their ratings into the outbox (once each)."""

    def __init__(self, session: Session, session_id: Callable[[], str | None]) -> None:
        self._session = session
        self._session_id = session_id
        self.outbox: Outbox | None = None  # set when the core connects
        self._used: list[str] = []
        self._rated: set[str] = set()
        session.on_state_change(self._on_state)
        session.add_wipe_hook(self._wipe)

    @property
    def unrated(self) -> list[str]:
        """The services used in this session that have no rating yet, in the order used."""
        return [service for service in self._used if service not in self._rated]

    def rate(self, score: int, tags: Iterable[str] = ()) -> int:
        """Queue the score (and, below 3, the tags) for every unrated service used; returns
        how many ratings were queued. Raises ValueError for a score or tag outside the
        rules: the screen offers nothing else."""
        if not 1 <= score <= 5:
            raise ValueError(f"a score is 1 to 5, got {score}")
        given = set(tags)
        unknown = given - set(RATING_TAGS)
        if unknown:
            raise ValueError(f"unknown rating tags {sorted(unknown)}")
        chosen = sorted(given, key=RATING_TAGS.index) if score < REASONS_BELOW_SCORE else []
        session_id = self._session_id() or ""
        outbox = self.outbox
        if outbox is None:
            log.warning("rating %d not sent: no central service", score)
            return 0
        queued = 0
        for service_id in self.unrated:
            outbox.enqueue(
                "rating",
                {
                    "session_id": session_id,
                    "service_id": service_id,
                    "score": score,
                    "tags": chosen,
                },
                event_id=rating_event_id(session_id, service_id),
            )
            self._rated.add(service_id)
            queued += 1
        log.info("rating %d (%s) queued for %d services", score, ",".join(chosen) or "-", queued)
        return queued

    def _on_state(self, old: State, new: State, event: Event) -> None:
        service_id = self._session.service_id
        if event is Event.SERVICE_CHOSEN and service_id and service_id not in self._used:
            self._used.append(service_id)

    def _wipe(self) -> None:
        self._used = []
        self._rated = set()
