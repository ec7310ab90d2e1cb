"""Blocking work (HTTP, spooling) off the caller's thread, with the outcome handed back.

The core only asks for an `Executor`; the touchscreen provides one whose `done` callbacks run
on the GUI thread (ui/executor.py), `kiosk-diag` and tests use `ThreadExecutor`, whose
callbacks run on its worker threads.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """What the work returned, or the exception it raised."""

    value: T | None = None
    error: BaseException | None = None


class Executor(Protocol):
    def submit(self, work: Callable[[], Any], done: Callable[[Outcome[Any]], None]) -> None:
        """Run `work()` elsewhere, then `done(outcome)`; never raises itself."""
        ...

    def drain(self, timeout_s: float) -> bool:
        """Wait up to `timeout_s` for submitted work to finish (at shutdown)."""
        ...


class ThreadExecutor:
    """A small pool of plain threads; `done` runs on the worker that did the work."""

    def __init__(self, workers: int = 2) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="core-worker")
        self._pending: set[Future[Any]] = set()
        self._lock = threading.Lock()

    def submit(self, work: Callable[[], Any], done: Callable[[Outcome[Any]], None]) -> None:
        def finished(future: Future[Any]) -> None:
            with self._lock:
                self._pending.discard(future)
            error = future.exception()
            done(Outcome(error=error) if error else Outcome(value=future.result()))

        future = self._pool.submit(work)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(finished)

    def drain(self, timeout_s: float) -> bool:
        with self._lock:
            pending = list(self._pending)
        _, not_done = wait(pending, timeout=timeout_s)
        return not not_done
