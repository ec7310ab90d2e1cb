"""What the resident's services that wait on slow work share (the records query, the certificate
preview, 办件查询, applying, the query printout, the SMS sign-in): one view at a time for the
screen; work on the executor, whose answers arrive through its `done` callbacks (the GUI
thread); and every newer request, close or wipe outdating the answers still on their way, so a
resident who asked again, left the service or walked away never sees an old one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from kiosk.executor import Executor, Outcome
    from kiosk.session import Session

log = logging.getLogger(__name__)

View = TypeVar("View")


class Asking(Generic[View]):
    """Call its methods on the thread that owns the session; listeners are called from the
    executor's `done` callbacks (the GUI thread)."""

    def __init__(self, session: Session, executor: Executor) -> None:
        self._session = session
        self._executor = executor
        self.view: View | None = None
        self._request = 0  # the latest request's number; answers to older ones are dropped
        self._listeners: list[Callable[[View | None], None]] = []
        session.add_wipe_hook(self.wipe)

    def on_change(self, listener: Callable[[View | None], None]) -> None:
        self._listeners.append(listener)

    def close(self) -> None:
        """The resident left the service: forget what it showed, drop answers on their way."""
        self._outdate()
        if self.view is not None:
            self._set(None)

    def wipe(self) -> None:
        """The session ended (any path): nothing of the resident's stays."""
        self.close()

    def _outdate(self) -> None:
        """A new request: answers to the earlier ones are dropped when they arrive."""
        self._request += 1

    def _submit(
        self, work: Callable[[], Any], arrived: Callable[[Outcome[Any]], None], *, late: str
    ) -> None:
        """`work()` on the executor, then `arrived(outcome)`, unless outdated by then (`late`
        says what arrived, in the log)."""
        request = self._request

        def done(outcome: Outcome[Any]) -> None:
            if request == self._request:
                arrived(outcome)
            else:
                log.info("%s arrived after it was needed: dropped", late)

        self._executor.submit(work, done)

    def _set(self, view: View | None) -> None:
        self.view = view
        for listener in self._listeners:
            listener(view)
