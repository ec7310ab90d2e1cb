"""The core's `Executor` for the touchscreen: work on a small QThreadPool, outcome on the GUI
thread (a queued signal), so no widget or session call ever happens on a worker."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from kiosk.executor import Outcome

WORKERS = 2


class _Relay(QObject):
    finished = Signal(object, object)  # done callback, Outcome


class _Job(QRunnable):
    def __init__(
        self, work: Callable[[], Any], done: Callable[[Outcome[Any]], None], relay: _Relay
    ) -> None:
        super().__init__()
        self._work, self._done, self._relay = work, done, relay

    def run(self) -> None:
        try:
            outcome: Outcome[Any] = Outcome(value=self._work())
        except BaseException as error:  # handed to `done`, which decides what is a crash
            outcome = Outcome(error=error)
        self._relay.finished.emit(self._done, outcome)


class QtExecutor(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(WORKERS)
        self._relay = _Relay(self)
        self._relay.finished.connect(lambda done, outcome: done(outcome))

    def submit(self, work: Callable[[], Any], done: Callable[[Outcome[Any]], None]) -> None:
        self._pool.start(_Job(work, done, self._relay))

    def drain(self, timeout_s: float) -> bool:
        """Wait for running work to finish (at shutdown); outcomes are not delivered then."""
        return self._pool.waitForDone(round(timeout_s * 1000))
