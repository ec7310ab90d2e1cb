"""好差评 in the core: one rating per service used, reasons only below 3, delivered through the
real outbox to the reference centre, which stores each once."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.outbox import Outbox
from kiosk.services.events import EventSender
from kiosk.services.rating import RATING_TAGS, Ratings, rating_event_id
from kiosk.session import Resident, Session
from tests.rigs.central import CentralServer


@pytest.fixture
def session() -> Session:
    session = Session(idle_timeout_s=120, elder_idle_timeout_s=180, warning_s=15)
    session.card_detected()
    session.identified(Resident("张*", "110101********0011"))
    return session


def use(session: Session, *services: str) -> None:
    for service_id in services:
        session.choose_service(service_id)
        session.back_to_menu()


def test_each_service_used_is_rated_once_with_the_reasons_given(
    tmp_path: Path, session: Session, central_server: CentralServer
) -> None:
    session_id = f"test-{tmp_path.name}"[:32]
    ratings = Ratings(session, lambda: session_id)
    outbox = Outbox(
        tmp_path / "outbox.sqlite3", EventSender(central_server.client(), lambda _: None)
    )
    ratings.outbox = outbox
    use(session, "si-contrib", "si-cert", "si-contrib")
    assert ratings.unrated == ["si-contrib", "si-cert"]
    assert ratings.rate(2, ["machine_fault", "slow", "slow"]) == 2
    assert ratings.rate(5) == 0, "a service is rated once"
    outbox.start()
    try:
        assert outbox.flush(10)
    finally:
        outbox.close()
    stored = central_server.ratings(session_id)
    assert sorted((r["service_id"], r["score"], tuple(r["tags"])) for r in stored) == [  # type: ignore[arg-type]
        ("si-cert", 2, ("slow", "machine_fault")),
        ("si-contrib", 2, ("slow", "machine_fault")),
    ]
    assert {r["event_id"] for r in stored} == {
        rating_event_id(session_id, "si-contrib"),
        rating_event_id(session_id, "si-cert"),
    }


def test_a_good_score_carries_no_reasons_and_bad_input_is_refused(
    tmp_path: Path, session: Session
) -> None:
    queued: list[dict[str, object]] = []

    class Recorder:
        def enqueue(self, kind: str, payload: dict[str, object], event_id: str) -> str:
            queued.append(payload)
            return event_id

    ratings = Ratings(session, lambda: "s")
    ratings.outbox = Recorder()  # type: ignore[assignment]
    use(session, "si-cert")
    with pytest.raises(ValueError, match="1 to 5"):
        ratings.rate(6)
    with pytest.raises(ValueError, match="unknown rating tags"):
        ratings.rate(1, ["rude"])
    assert ratings.rate(4, ["slow"]) == 1
    assert queued[0]["tags"] == [] and queued[0]["score"] == 4
    assert set(RATING_TAGS) >= {"slow", "other"}


def test_a_new_session_starts_with_nothing_used(session: Session) -> None:
    ratings = Ratings(session, lambda: "s")
    use(session, "si-cert")
    session.exit()
    assert ratings.unrated == []
