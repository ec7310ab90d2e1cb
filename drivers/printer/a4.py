"""What every A4 printer offers the kiosk: state, submit, follow, cancel.

Two implementations: `cups.CupsPrinter` (a queue of a CUPS server, the real thing) and
`folder.FolderPrinter` (demo mode: each job becomes a PDF in a folder the screen names).
The print-job service (kiosk/services/certificates.py) knows only this module.

CUPS tells a printer's trouble as IPP `printer-state-reasons` keywords (RFC 8011 §5.4.12,
PWG 5100.9) with a -report / -warning / -error suffix; `PrinterState.problem()` turns the
ones that stop a job into typed errors with a message for the resident.
"""

from __future__ import annotations

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
        for names, error in _BLOCKING:
            found = sorted(keywords.intersection(names))
            if found:
                return error(self._describe(f"printer reports {', '.join(found)}"))
        if self.state == "stopped":
            return PrinterStoppedError(self._describe("queue is stopped"))
        if not self.accepting:
            return PrinterStoppedError(self._describe("queue is not accepting jobs"))
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
        certificate serial, never a resident's name)."""
        ...

    def job_state(self, job_id: int) -> JobState: ...

    def cancel(self, job_id: int) -> None:
        """Cancel a job that has not ended; a job already ended or unknown is left alone."""
        ...

    def jobs_titled(self, title: str) -> dict[int, JobState]:
        """The queue's jobs named `title`, ended or not: finds a job whose id was lost (a
        crash between the server accepting it and the kiosk writing its id down)."""
        ...


def wait_for_job(
    printer: A4Printer,
    job_id: int,
    timeout_s: float,
    *,
    poll_s: float = 0.1,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Return when the job has completed; raise when it cannot.

    A job that ends aborted, cancelled or forgotten raises JobFailedError; a job not ended
    under a printer that cannot print (paper out mid-job, door opened, a jam, the queue
    stopped) raises the printer's own problem at once rather than waiting out the timeout;
    JobTimeoutError after `timeout_s`. A print server that does not answer is asked again
    until then (cupsd restarting keeps its jobs). The caller decides whether to cancel what
    is left.
    """
    deadline = clock() + timeout_s
    state = JobState.UNKNOWN
    while True:
        unreachable: PrinterUnavailableError | None = None
        try:
            state = printer.job_state(job_id)
            problem = None if state.final else printer.state().problem()
        except PrinterUnavailableError as error:
            unreachable = error  # cupsd restarting keeps its jobs: ask until the deadline
        else:
            if state is JobState.COMPLETED:
                return
            if state.final:
                raise JobFailedError(f"{printer.name}: job {job_id} ended {state}")
            if problem is not None:
                raise type(problem)(f"job {job_id} {state}: {problem.technician_message}")
        if clock() >= deadline:
            if unreachable is not None:
                raise unreachable
            raise JobTimeoutError(
                f"{printer.name}: job {job_id} still {state} after {timeout_s:.0f} s"
            )
        sleep(poll_s)
