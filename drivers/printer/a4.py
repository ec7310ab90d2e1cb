"""What every A4 printer offers the kiosk: state, submit, follow, cancel.

Two implementations: `cups.CupsPrinter` (a queue of a CUPS server, the real thing) and
`folder.FolderPrinter` (demo mode: each job becomes a PDF in a folder the screen names).
The print-job service (kiosk/services/certificates.py) knows only this module.

CUPS tells a printer's trouble as IPP `printer-state-reasons` keywords (RFC 8011 §5.4.12,
PWG 5100.9) with a -report / -warning / -error suffix; `PrinterState.problem()` turns the
ones that stop a job into typed errors with a message for the resident.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from drivers.errors import DeviceError


class A4PrinterError(DeviceError):
    resident_message = "打印机暂时无法使用，请联系工作人员"


class PrinterUnavailableError(A4PrinterError):
    """The print server cannot be reached, or the queue does not exist."""


class PaperOutError(A4PrinterError):
    resident_message = "打印机缺纸，请联系工作人员"


class DoorOpenError(A4PrinterError):
    resident_message = "打印机舱门未关好，请联系工作人员"


class PaperJamError(A4PrinterError):
    resident_message = "打印机卡纸，请联系工作人员"


class TonerOutError(A4PrinterError):
    resident_message = "打印机墨粉用尽，请联系工作人员"


class PrinterStoppedError(A4PrinterError):
    """The queue is stopped or not accepting jobs, or the printer is offline."""

    resident_message = "打印机暂停服务，请联系工作人员"


class JobFailedError(A4PrinterError):
    """The job ended without printing (aborted, cancelled) or the printer stopped under it."""

    resident_message = "打印没有完成，请联系工作人员"


class JobTimeoutError(A4PrinterError):
    resident_message = "打印超时，请联系工作人员"


class JobState(StrEnum):
    """IPP job-state (RFC 8011 §5.3.7), plus UNKNOWN for a job the server no longer knows."""

    PENDING = "pending"
    HELD = "held"
    PROCESSING = "processing"
    STOPPED = "stopped"
    CANCELED = "canceled"
    ABORTED = "aborted"
    COMPLETED = "completed"
    UNKNOWN = "unknown"

    @property
    def final(self) -> bool:
        return self in (JobState.CANCELED, JobState.ABORTED, JobState.COMPLETED, JobState.UNKNOWN)


# Reasons that stop a job, by the keyword without its suffix, most specific first.
_BLOCKING: tuple[tuple[tuple[str, ...], type[A4PrinterError]], ...] = (
    (("media-empty", "media-needed", "input-tray-missing"), PaperOutError),
    (("door-open", "cover-open", "interlock-open"), DoorOpenError),
    (("media-jam",), PaperJamError),
    (("toner-empty", "marker-supply-empty"), TonerOutError),
    (("offline", "shutdown", "paused", "stopped-partly", "timed-out"), PrinterStoppedError),
)
PRINTING_PROBLEM_GRACE_S = 3.0
# systemd restarts a crashed cupsd within a second (cups.service: Restart=on-failure, and
# cups.socket holds the socket meanwhile): a server silent for this long is not restarting.
UNREACHABLE_GRACE_S = 20.0
JOB_TITLE_MAX_CHARS = 64
_UNSAFE_IN_TITLE = re.compile(r"[^A-Za-z0-9._-]+")


def job_title(readable: str) -> str:
    """The title a job carries to the print server: `[A-Za-z0-9._-]` only, at most 64
    characters, never empty. Every other run of characters becomes one `_`.

    cupsd 2.4.2-3+deb12u10 (Debian 12's security update of 2026) dies with a segfault when
    a job's document name (which the kiosk sets to the title) holds a space or a tab, taking
    every later job with it; a title of these characters is also a file name as it is
    (cups-pdf, the demo's folder). The readable title stays in the kiosk's log and journal.
    """
    return _UNSAFE_IN_TITLE.sub("_", readable)[:JOB_TITLE_MAX_CHARS] or "job"


# Reasons worth a technician's visit that do not stop a job.
_WARNINGS = ("media-low", "toner-low", "marker-supply-low", "marker-waste-almost-full")


def _keyword(reason: str) -> str:
    for suffix in ("-error", "-warning", "-report"):
        if reason.endswith(suffix):
            return reason[: -len(suffix)]
    return reason


@dataclass(frozen=True, slots=True)
class PrinterState:
    """One look at a queue: IPP printer-state, printer-state-reasons and the state message."""

    queue: str
    state: str  # idle | processing | stopped
    accepting: bool
    reasons: tuple[str, ...] = ()
    message: str = ""

    def problem(self) -> A4PrinterError | None:
        """The error a job sent now would meet, or None when the printer can print."""
        keywords = {_keyword(reason) for reason in self.reasons if reason != "none"}
        found = self._blocking(keywords)
        if found is not None:
            return found
        if self.state == "stopped":
            return PrinterStoppedError(self._describe("queue is stopped"))
        if not self.accepting:
            return PrinterStoppedError(self._describe("queue is not accepting jobs"))
        return None

    def problem_under_a_printing_job(self) -> A4PrinterError | None:
        """What stops a job already printing: only -error reasons and a stopped queue.

        A -report reason is information (CUPS reports `offline-report` while a USB printer
        wakes up), and a queue that stops accepting new jobs still prints the ones it has.
        """
        errors = {
            reason.removesuffix("-error") for reason in self.reasons if reason.endswith("-error")
        }
        found = self._blocking(errors)
        if found is None and self.state == "stopped":
            found = PrinterStoppedError(self._describe("queue is stopped"))
        return found

    def _blocking(self, keywords: set[str]) -> A4PrinterError | None:
        for names, error in _BLOCKING:
            found = sorted(keywords.intersection(names))
            if found:
                return error(self._describe(f"printer reports {', '.join(found)}"))
        return None

    def warnings(self) -> tuple[str, ...]:
        """Reasons a technician should act on soon (纸将尽 …) that still let a job print."""
        return tuple(r for r in self.reasons if _keyword(r) in _WARNINGS)

    def _describe(self, what: str) -> str:
        detail = f" ({self.message})" if self.message else ""
        reasons = ",".join(self.reasons) or "none"
        return f"{self.queue}: {what}; state {self.state}, reasons {reasons}{detail}"


class A4Printer(Protocol):
    """A queue that prints PDF. Every method blocks and may raise A4PrinterError."""

    @property
    def name(self) -> str: ...

    def state(self) -> PrinterState: ...

    def submit(self, pdf: bytes, title: str) -> int:
        """Queue the PDF; returns the job id. `title` names the job for a technician (a
        certificate serial, never a resident's name); the printer sends `job_title(title)`."""
        ...

    def job_state(self, job_id: int) -> JobState: ...

    def cancel(self, job_id: int) -> None:
        """Cancel a job that has not ended; a job already ended or unknown is left alone."""
        ...

    def jobs_titled(self, title: str, since: float) -> dict[int, JobState]:
        """The queue's jobs named `title` created at or after `since` (Unix time), ended or
        not: finds a job whose id was lost (a crash between the server accepting it and the
        kiosk writing its id down). A reprint carries the same title: `since` keeps older
        jobs of the same certificate out."""
        ...


def wait_for_job(
    printer: A4Printer,
    job_id: int,
    timeout_s: float,
    *,
    poll_s: float = 0.1,
    grace_s: float = PRINTING_PROBLEM_GRACE_S,
    unreachable_grace_s: float = UNREACHABLE_GRACE_S,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Return when the job has completed; raise when it cannot.

    A job that ends aborted, cancelled or forgotten raises JobFailedError. A job waiting
    (pending, stopped, held) under a printer that cannot print raises the printer's own
    problem at once rather than waiting out the timeout; a job already printing only when
    an -error reason (paper out mid-job, door opened, a jam) or a stopped queue has lasted
    `grace_s`: a tray that reads empty just after its last sheet was picked must not fail
    a job that prints. JobTimeoutError after `timeout_s`. A print server that does not
    answer is asked again (cupsd restarting keeps its jobs and resumes them) until it has
    been silent for `unreachable_grace_s` or the deadline passes: then its
    PrinterUnavailableError. The caller decides whether to cancel what is left.
    """
    deadline = clock() + timeout_s
    state = JobState.UNKNOWN
    troubled_since: float | None = None
    silent_since: float | None = None
    while True:
        unreachable: PrinterUnavailableError | None = None
        try:
            state = printer.job_state(job_id)
            printer_state = None if state.final else printer.state()
        except PrinterUnavailableError as error:
            unreachable = error
            silent_since = clock() if silent_since is None else silent_since
            if clock() - silent_since >= unreachable_grace_s:
                raise PrinterUnavailableError(
                    f"job {job_id} {state}, then no answer for {unreachable_grace_s:.0f} s: "
                    f"{error.technician_message}"
                ) from error
        else:
            silent_since = None
            if state is JobState.COMPLETED:
                return
            if state.final:
                raise JobFailedError(f"{printer.name}: job {job_id} ended {state}")
            assert printer_state is not None
            if state is JobState.PROCESSING:
                problem = printer_state.problem_under_a_printing_job()
                if problem is None:
                    troubled_since = None
                elif troubled_since is None:
                    troubled_since = clock()
                if troubled_since is not None and clock() - troubled_since < grace_s:
                    problem = None
            else:
                problem = printer_state.problem()
            if problem is not None:
                raise type(problem)(f"job {job_id} {state}: {problem.technician_message}")
        if clock() >= deadline:
            if unreachable is not None:
                raise unreachable
            raise JobTimeoutError(
                f"{printer.name}: job {job_id} still {state} after {timeout_s:.0f} s"
            )
        sleep(poll_s)
