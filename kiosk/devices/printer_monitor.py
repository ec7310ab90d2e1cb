"""The A4 printer's status, asked on its own thread, for the screens and the heartbeat.

A printer that cannot print now (缺纸, 舱门未关, stopped, unreachable) is offline: the
certificate services are shown as unavailable with the reason, never as a button that fails
later. A warning (纸将尽) is degraded: jobs still go out. The first time the printer answers,
`on_first_contact` runs (the print-job service reconciles what a previous run left open).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from drivers.printer.a4 import A4Printer, A4PrinterError
from kiosk.devices.status import DeviceStatus, Level, StatusReporter

log = logging.getLogger(__name__)

DEVICE_NAME = "printer"
POLL_INTERVAL_S = 15.0


class PrinterMonitor:
    def __init__(
        self,
        printer: A4Printer,
        poll_interval_s: float = POLL_INTERVAL_S,
        on_first_contact: Callable[[], object] | None = None,
    ) -> None:
        self._printer = printer
        self._poll_interval_s = poll_interval_s
        self._on_first_contact = on_first_contact
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        # Unknown until the printer first answers: no certificate is offered before that.
        self._reporter = StatusReporter(
            DEVICE_NAME, "A4 printer", DeviceStatus(DEVICE_NAME, Level.OFFLINE, "not asked yet")
        )
        self.resident_reason = A4PrinterError.resident_message  # a key the UI translates

    @property
    def status(self) -> DeviceStatus:
        return self._reporter.status

    def on_status(self, listener: Callable[[DeviceStatus], None]) -> None:
        self._reporter.on_status(listener)

    def refresh(self) -> None:
        """Ask again now (after a job, or when a screen needs to know)."""
        self._wake.set()

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="printer-monitor", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 2.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    def check(self) -> DeviceStatus:
        """One look at the printer, on the caller's thread; updates the status."""
        try:
            state = self._printer.state()
        except A4PrinterError as error:
            return self._set(Level.OFFLINE, error.technician_message, error.resident_message)
        if self._on_first_contact is not None:
            first, self._on_first_contact = self._on_first_contact, None
            try:
                first()
            except Exception:
                log.exception("printer %s: first-contact work failed", self._printer.name)
        problem = state.problem()
        if problem is not None:
            return self._set(Level.OFFLINE, problem.technician_message, problem.resident_message)
        warnings = state.warnings()
        if warnings:
            return self._set(Level.DEGRADED, f"{state.queue}: {', '.join(warnings)}", "")
        return self._set(Level.OK, "", "")

    def _run(self) -> None:
        while not self._stop.is_set():
            self.check()
            self._wake.wait(self._poll_interval_s)
            self._wake.clear()

    def _set(self, level: Level, reason: str, resident_reason: str) -> DeviceStatus:
        self.resident_reason = resident_reason
        return self._reporter.set(level, reason)
