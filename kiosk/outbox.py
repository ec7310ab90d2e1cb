"""The outbox: a durable queue of events that must reach the central service.

DESIGN.md, "Central service API": print results, ratings, heartbeats and audit events are
written here *before* the action they report is shown as done, and delivered later, with
retries and back-off, whenever the centre answers. The queue is one SQLite file in WAL mode;
an `enqueue` that returned has been fsynced (``synchronous=FULL``), so it survives a kill -9
and a power cut.

Delivery is **at-least-once**: an event is deleted only after `deliver` returned, so a crash
between the centre accepting it and the local delete sends it again after a restart. The
centre deduplicates by ``event_id`` (a uuid4 hex assigned here), which makes the pair
exactly-once in effect.

Order: events of one kind reach the centre in the order they were queued (FIFO by ``seq``);
while the oldest event of a kind is backing off, later ones of that kind wait. Kinds are
independent, so a rating the centre keeps refusing does not hold up print results.

DESIGN.md, "Personal data": the outbox is the only place a session writes to disk, so it holds
no names and no ID numbers (tokens and certificate serials only); `enqueue` refuses a payload
that looks like either.
"""

from __future__ import annotations

import json
import logging
import random
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from kiosk.privacy import ID_NUMBER_PATTERN, mask_for_log

log = logging.getLogger(__name__)

KINDS: Final = ("print_result", "rating", "help_request", "heartbeat", "audit")
# When the queue is full these go first, in this order; print results and ratings never do:
# a heartbeat is superseded by the next one, and the audit trail matters less than a
# resident's certificate or rating.
DROPPABLE_KINDS: Final = ("heartbeat", "audit")
FORBIDDEN_KEYS: Final = frozenset({"name", "id_number", "resident_name"})

BATCH_SIZE: Final = 64  # events of one kind read per query
MAX_WAIT_S: Final = 5.0  # the worker re-reads the queue at least this often, whatever the clock
ERROR_PAUSE_S: Final = 1.0  # after a round failed on the database itself (disk full …)
FLUSH_POLL_S: Final = 0.05
BUSY_TIMEOUT_S: Final = 10.0  # the two connections wait this long for each other's writes
LAST_ERROR_MAX_CHARS: Final = 500
MAX_BACKOFF_DOUBLINGS: Final = 60  # 2**60 × any base is past any cap; keeps the float finite

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    dead INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS events_by_kind ON events (dead, kind, seq);
"""


class DeliveryError(Exception):
    """The centre did not take an event.

    `retryable` False means it never will (HTTP 400: the event fails validation), so the
    event is set aside instead of blocking its kind forever; True (a 5xx, 429, a timeout)
    means try again after a back-off. Any other exception from `deliver` counts as retryable.
    """

    def __init__(self, retryable: bool, message: str) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.message = message


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    """One queued event as `deliver` receives it; `event_id` is the centre's idempotency key."""

    event_id: str
    kind: str
    payload: dict[str, Any]
    created_at: float  # clock() seconds when queued
    attempts: int  # failed deliveries so far


@dataclass(frozen=True, slots=True)
class KindSummary:
    kind: str
    waiting: int
    set_aside: int  # refused for good by the centre
    oldest: float  # created_at of the oldest event of the kind (wall clock, seconds)
    attempts: int  # the most any of them was tried
    last_error: str | None


class Outbox:
    """A durable, bounded, per-kind FIFO queue with one delivery thread.

    `deliver(event)` runs on the worker thread and must return only once the centre accepted
    the event (the caller maps HTTP 2xx to a return); it raises `DeliveryError` or anything
    else on failure, and should bound its own network timeout, since `stop` cannot interrupt
    it. `clock` is wall-clock seconds by default because due times are stored and must mean
    something after a reboot; a due time further ahead than `backoff_max_s` can only come
    from a clock stepped backwards and is treated as due.

    `enqueue`, `depth`, `dead_count` and `flush` may be called from any thread.
    """

    def __init__(
        self,
        path: Path,
        deliver: Callable[[OutboxEvent], None],
        *,
        max_events: int = 10_000,
        backoff_base_s: float = 1.0,
        backoff_max_s: float = 300.0,
        clock: Callable[[], float] = time.time,
        rng: random.Random | None = None,
    ) -> None:
        """Open (or create) the queue at `path`; the worker starts only with `start`.

        `max_events` bounds the pending events (see `enqueue`); the back-off before retry n
        is uniform in [0, min(backoff_max_s, backoff_base_s × 2**(n-1))] ("full jitter", so a
        fleet of kiosks does not retry in step after an outage). `rng` is for tests.
        Raises ValueError for a bound or back-off that cannot work, sqlite3.Error if the
        file cannot be opened.
        """
        if max_events < 1:
            raise ValueError(f"max_events must be at least 1, not {max_events}")
        if not 0 < backoff_base_s <= backoff_max_s:
            raise ValueError(
                f"need 0 < backoff_base_s <= backoff_max_s, got {backoff_base_s}, {backoff_max_s}"
            )
        self._deliver = deliver
        self._max_events = max_events
        self._backoff_base_s = backoff_base_s
        self._backoff_max_s = backoff_max_s
        self._clock = clock
        self._rng = rng if rng is not None else random.Random()
        path.parent.mkdir(parents=True, exist_ok=True)
        # Two connections, each behind its own lock, so an enqueue never waits for a
        # delivery in flight. Intake commits are fsynced; the worker's bookkeeping (delete
        # after delivery, attempts, dead mark) is not: WAL with synchronous=NORMAL still
        # survives a kill -9, and a power cut can only undo it, which means one more resend
        # that the centre deduplicates. One fsync per delivered event would cap the
        # throughput at the storage's fsync rate (a few hundred a second on eMMC).
        self._intake = _connect(path, durable=True)
        self._intake.executescript(_SCHEMA)
        self._bookkeeping = _connect(path, durable=False)
        self._intake_lock = threading.Lock()
        self._round_lock = threading.Lock()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._progress = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    # --- producers ----------------------------------------------------------------------

    def enqueue(self, kind: str, payload: dict[str, Any], event_id: str | None = None) -> str:
        """Store an event durably and wake the worker; returns its event id.

        `event_id` (32 hex digits) makes the enqueue idempotent: a producer that may repeat
        itself after a crash (a print result reconciled at start-up) names the event, and
        an id already pending is not stored twice; the centre drops one already delivered.

        Raises ValueError for a kind outside `KINDS`, a payload that is not JSON, or one
        holding what looks like personal data: a key named name / id_number /
        resident_name, or a string (or integer) shaped like a resident ID number, at any
        depth. When `max_events` are pending, the oldest pending heartbeat is dropped to make
        room, else the oldest audit event; print results and ratings are never dropped, and a
        queue full of them still takes the new event (logged as an error).
        """
        if kind not in KINDS:
            raise ValueError(f"unknown outbox event kind {kind!r}; expected one of {KINDS}")
        _refuse_personal_data(payload, "payload")
        try:
            text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"outbox payload for {kind} is not JSON: {exc}") from exc
        if event_id is None:
            event_id = uuid.uuid4().hex
        elif not re.fullmatch(r"[0-9a-f]{32}", event_id):
            raise ValueError(f"an outbox event id is 32 hex digits, got {event_id!r}")
        with self._intake_lock:
            self._check_open()
            with _transaction(self._intake) as db:
                if db.execute("SELECT 1 FROM events WHERE event_id = ?", (event_id,)).fetchone():
                    log.info("outbox: %s %s is already queued", kind, event_id)
                    return event_id
                self._make_room(db, kind, event_id)
                db.execute(
                    "INSERT INTO events (event_id, kind, payload, created_at) VALUES (?, ?, ?, ?)",
                    (event_id, kind, text, self._clock()),
                )
        self._wake.set()
        log.debug("outbox: queued %s %s", kind, event_id)
        return event_id

    def _make_room(self, db: sqlite3.Connection, kind: str, event_id: str) -> None:
        """Drop droppable events until the new one fits; runs inside enqueue's transaction."""
        pending = _count(db, dead=False)
        excess = pending - self._max_events + 1
        if excess <= 0:
            return
        victims = db.execute(
            "SELECT seq, event_id, kind FROM events WHERE dead = 0 AND kind IN (?, ?)"
            " ORDER BY kind != ?, seq LIMIT ?",
            (*DROPPABLE_KINDS, DROPPABLE_KINDS[0], excess),
        ).fetchall()
        for seq, victim_id, victim_kind in victims:
            db.execute("DELETE FROM events WHERE seq = ?", (seq,))
            log.warning(
                "outbox full (%d pending): dropped the oldest %s %s",
                pending,
                victim_kind,
                victim_id,
            )
        if len(victims) < excess:
            log.error(
                "outbox full (%d pending) of print results and ratings: keeping %s %s anyway",
                pending,
                kind,
                event_id,
            )

    # --- delivery -----------------------------------------------------------------------

    def start(self) -> None:
        """Start the daemon worker thread "outbox"; a no-op while it runs."""
        self._check_open()
        if self._thread is not None and self._thread.is_alive():
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> bool:
        """Stop the worker after the delivery in flight; False if it outlived `timeout_s`.

        Events not yet delivered stay queued for the next `start` (or the next process).
        """
        self._stopping.set()
        self._wake.set()
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout_s)
        if thread.is_alive():
            log.warning("outbox: worker still inside deliver() %.1f s after stop", timeout_s)
            return False
        self._thread = None
        self._stopping.clear()  # so deliver_due on another thread works again
        return True

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop the worker and close the database; the queue stays on disk for next time."""
        self.stop(timeout_s)
        if not self._round_lock.acquire(timeout=timeout_s):
            log.warning("outbox: not closed, a delivery is still in flight")
            return
        try:
            with self._intake_lock:
                if not self._closed:
                    self._closed = True
                    self._bookkeeping.close()
                    self._intake.close()
        finally:
            self._round_lock.release()

    def deliver_due(self) -> float | None:
        """Run one delivery round on the calling thread: every kind, up to a batch each.

        The worker calls this in a loop; tests call it directly with an injected clock.
        Returns the clock time at which the next event falls due (not later than now: more
        is ready), or None when nothing is pending.
        """
        with self._round_lock:
            self._check_open()
            now = self._clock()
            due_times = [self._deliver_kind(kind, now) for kind in KINDS]
        with self._progress:
            self._progress.notify_all()
        return min((due for due in due_times if due is not None), default=None)

    def _deliver_kind(self, kind: str, now: float) -> float | None:
        """Deliver the due head of one kind's queue, in order, until one fails or waits."""
        rows = self._bookkeeping.execute(
            "SELECT seq, event_id, payload, created_at, attempts, next_attempt_at FROM events"
            " WHERE dead = 0 AND kind = ? ORDER BY seq LIMIT ?",
            (kind, BATCH_SIZE),
        ).fetchall()
        for seq, event_id, payload, created_at, attempts, next_attempt_at in rows:
            if self._stopping.is_set():
                return now
            if now < next_attempt_at <= now + self._backoff_max_s:
                return float(next_attempt_at)  # the head backs off; the rest of its kind waits
            event = OutboxEvent(event_id, kind, json.loads(payload), created_at, attempts)
            retry_at = self._attempt(seq, event)
            if retry_at is not None:
                return retry_at
        return now if len(rows) == BATCH_SIZE else None

    def _attempt(self, seq: int, event: OutboxEvent) -> float | None:
        """Deliver one event and record the outcome; returns its retry time if it failed."""
        try:
            self._deliver(event)
        except DeliveryError as exc:
            if exc.retryable:
                return self._retry_later(seq, event, exc.message)
            self._set_aside(seq, event, exc.message)
            return None
        except Exception as exc:  # a bug or timeout in deliver must not stop the queue
            return self._retry_later(seq, event, f"{type(exc).__name__}: {exc}")
        self._bookkeeping.execute("DELETE FROM events WHERE seq = ?", (seq,))
        return None

    def _retry_later(self, seq: int, event: OutboxEvent, error: str) -> float:
        attempts = event.attempts + 1
        doublings = min(attempts - 1, MAX_BACKOFF_DOUBLINGS)
        cap_s = min(self._backoff_max_s, self._backoff_base_s * 2.0**doublings)
        delay_s = self._rng.uniform(0.0, cap_s)  # full jitter
        retry_at = self._clock() + delay_s
        error = _clip(error)
        self._bookkeeping.execute(
            "UPDATE events SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE seq = ?",
            (attempts, retry_at, error, seq),
        )
        # The first failure is news; the rest of an outage would flood the log.
        level = logging.WARNING if attempts == 1 else logging.INFO
        log.log(
            level,
            "outbox: %s %s not delivered (attempt %d), retry in %.1f s: %s",
            event.kind,
            event.event_id,
            attempts,
            delay_s,
            error,
        )
        return retry_at

    def _set_aside(self, seq: int, event: OutboxEvent, error: str) -> None:
        """Mark an event the centre refused for good as dead, keeping the newest dead ones."""
        error = _clip(error)
        with _transaction(self._bookkeeping) as db:
            db.execute(
                "UPDATE events SET dead = 1, attempts = attempts + 1, last_error = ? WHERE seq = ?",
                (error, seq),
            )
            db.execute(
                "DELETE FROM events WHERE dead = 1 AND seq NOT IN"
                " (SELECT seq FROM events WHERE dead = 1 ORDER BY seq DESC LIMIT ?)",
                (self._max_events,),
            )
        log.error(
            "outbox: centre refused %s %s for good, set aside: %s",
            event.kind,
            event.event_id,
            error,
        )

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()  # before the round: an enqueue during it sets it again
            try:
                next_due = self.deliver_due()
            except Exception:
                log.exception("outbox: delivery round failed; again in %.0f s", ERROR_PAUSE_S)
                self._wake.wait(ERROR_PAUSE_S)
                continue
            wait_s = MAX_WAIT_S if next_due is None else next_due - self._clock()
            if wait_s > 0:
                self._wake.wait(min(wait_s, MAX_WAIT_S))

    # --- inspection ---------------------------------------------------------------------

    def depth(self) -> int:
        """Events waiting for delivery (dead ones not counted); the heartbeat reports it."""
        with self._intake_lock:
            self._check_open()
            return _count(self._intake, dead=False)

    def dead_count(self) -> int:
        """Events the centre refused for good, kept for a technician to look at."""
        with self._intake_lock:
            self._check_open()
            return _count(self._intake, dead=True)

    def summary(self) -> list[KindSummary]:
        """Per kind: what waits, what was set aside, since when, and the last error (for
        `kiosk-diag outbox` and the diagnostics screen)."""
        with self._intake_lock:
            self._check_open()
            rows = self._intake.execute(
                "SELECT kind, SUM(dead = 0), SUM(dead = 1), MIN(created_at), MAX(attempts),"
                " (SELECT last_error FROM events AS e WHERE e.kind = events.kind"
                "  AND e.last_error IS NOT NULL ORDER BY e.seq DESC LIMIT 1)"
                " FROM events GROUP BY kind ORDER BY kind"
            ).fetchall()
        return [
            KindSummary(kind, int(waiting), int(set_aside), float(oldest), int(attempts), error)
            for kind, waiting, set_aside, oldest, attempts, error in rows
        ]

    def flush(self, timeout_s: float) -> bool:
        """Wait until nothing is pending; False on timeout. Needs the worker running."""
        deadline = time.monotonic() + timeout_s
        while self.depth() > 0:
            remaining_s = deadline - time.monotonic()
            if remaining_s <= 0:
                return False
            with self._progress:
                self._progress.wait(min(remaining_s, FLUSH_POLL_S))
        return True

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the outbox is closed")


def summary_of(path: Path) -> list[KindSummary]:
    """The summary of the outbox file at `path`, opened without a worker (for technicians'
    tools; a running kiosk may be delivering from it meanwhile). Raises sqlite3.Error or
    OSError when it cannot be read."""
    outbox = Outbox(path, lambda _event: None)
    try:
        return outbox.summary()
    finally:
        outbox.close()


def _connect(path: Path, *, durable: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions explicit), shared behind a lock."""
    db = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    (mode,) = db.execute("PRAGMA journal_mode=WAL").fetchone()
    if mode != "wal":  # e.g. a file system without shared memory; FULL still keeps it safe
        log.warning("outbox: %s runs in journal mode %s, not WAL", path, mode)
    db.execute("PRAGMA synchronous=FULL" if durable else "PRAGMA synchronous=NORMAL")
    return db


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE: take the write lock first, so a read-then-write never hits BUSY."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _count(db: sqlite3.Connection, *, dead: bool) -> int:
    (count,) = db.execute("SELECT COUNT(*) FROM events WHERE dead = ?", (int(dead),)).fetchone()
    return int(count)


def _refuse_personal_data(value: object, where: str) -> None:
    """Raise ValueError naming the place (never the value) of a name or an ID number."""
    if isinstance(value, dict):
        for key, item in value.items():
            key_text = str(key)
            if ID_NUMBER_PATTERN.search(key_text):
                raise ValueError(f"{where} has a key shaped like an ID number")
            if key_text.lower() in FORBIDDEN_KEYS:
                raise ValueError(f"{where}.{key_text}: the outbox holds no names or ID numbers")
            _refuse_personal_data(item, f"{where}.{key_text}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _refuse_personal_data(item, f"{where}[{index}]")
    elif _is_text_or_integer(value) and ID_NUMBER_PATTERN.search(str(value)):
        raise ValueError(f"{where} looks like an ID number; the outbox holds none")


def _is_text_or_integer(value: object) -> bool:
    """An ID number can hide in an int as well as a str (bool is an int, but never one)."""
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _clip(error: str) -> str:
    """An error text fit for the log and the table: no ID number, bounded length."""
    return mask_for_log(error)[:LAST_ERROR_MAX_CHARS]
