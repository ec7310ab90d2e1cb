"""Unhandled exceptions on any thread: log with a short report id, wipe, tell the front end.

A resident must never face a traceback: the front end registers a listener that shows a calm
full-screen message with the report id, which a technician then finds in the log.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from types import TracebackType

from kiosk.session import Session

log = logging.getLogger(__name__)

CrashListener = Callable[[str], None]


def new_report_id() -> str:
    """Six characters a resident can read out over the phone: `7F3A9C`."""
    return os.urandom(3).hex().upper()


class CrashReporter:
    """Installed as `sys.excepthook` and `threading.excepthook` by `install()`."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._listeners: list[CrashListener] = []
        self.last_report_id: str | None = None

    def on_crash(self, listener: CrashListener) -> None:
        """`listener(report_id)`, called on the thread that failed."""
        self._listeners.append(listener)

    def report(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
        thread_name: str,
    ) -> str:
        report_id = new_report_id()
        self.last_report_id = report_id
        log.critical(
            "unhandled exception, report %s, thread %s",
            report_id,
            thread_name,
            exc_info=(exc_type, exc, tb),
        )
        try:
            self._session.crash()
        except Exception:
            log.exception("report %s: wiping the session failed", report_id)
        for listener in self._listeners:
            try:
                listener(report_id)
            except Exception:
                log.exception("report %s: crash listener %r failed", report_id, listener)
        return report_id

    def install(self) -> None:
        def excepthook(
            exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
        ) -> None:
            if issubclass(exc_type, KeyboardInterrupt):
                sys.__excepthook__(exc_type, exc, tb)
                return
            self.report(exc_type, exc, tb, threading.current_thread().name)

        def thread_excepthook(args: threading.ExceptHookArgs) -> None:
            if args.exc_value is None:
                return
            name = args.thread.name if args.thread else "unknown"
            self.report(args.exc_type, args.exc_value, args.exc_traceback, name)

        sys.excepthook = excepthook
        threading.excepthook = thread_excepthook
