"""The A4 contract without a print server: what a printer's state means, how a job is
followed, and demo mode's folder printer."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from drivers.printer.a4 import (
    PRINTING_PROBLEM_GRACE_S,
    UNREACHABLE_GRACE_S,
    A4PrinterError,
    DoorOpenError,
    JobFailedError,
    JobState,
    JobTimeoutError,
    PaperJamError,
    PaperOutError,
    PrinterState,
    PrinterStoppedError,
    PrinterUnavailableError,
    TonerOutError,
    wait_for_job,
)
from drivers.printer.folder import FolderPrinter
from tests.conftest import FakeClock

PDF = b"%PDF-1.4\n%test\n%%EOF\n"


@pytest.mark.parametrize(
    ("state", "accepting", "reasons", "problem"),
    [
        ("idle", True, (), None),
        ("processing", True, ("none",), None),
        ("idle", True, ("media-empty-error",), PaperOutError),
        ("idle", True, ("media-empty-report",), PaperOutError),
        ("idle", True, ("media-needed-warning",), PaperOutError),
        ("idle", True, ("cover-open-error",), DoorOpenError),
        ("idle", True, ("door-open-report",), DoorOpenError),
        ("idle", True, ("media-jam-error",), PaperJamError),
        ("idle", True, ("toner-empty-error",), TonerOutError),
        ("idle", True, ("marker-supply-empty-warning",), TonerOutError),
        ("idle", True, ("offline-report",), PrinterStoppedError),
        ("stopped", True, ("paused",), PrinterStoppedError),
        ("stopped", True, (), PrinterStoppedError),
        ("idle", False, (), PrinterStoppedError),
        ("idle", True, ("media-low-report", "toner-low-warning"), None),
        # Paper out outranks an open door: what the resident is told first.
        ("stopped", True, ("door-open-error", "media-empty-error"), PaperOutError),
    ],
)
def test_a_printers_state_names_the_problem_a_job_would_meet(
    state: str, accepting: bool, reasons: tuple[str, ...], problem: type[A4PrinterError] | None
) -> None:
    found = PrinterState("q", state, accepting, reasons).problem()
    assert (type(found) if found else None) is problem
    if found is not None:
        assert found.resident_message and found.technician_message.startswith("q: ")


def test_the_technician_message_carries_state_reasons_and_the_printers_own_words() -> None:
    found = PrinterState("A4", "stopped", True, ("media-empty-error",), "Tray 2 empty").problem()
    assert found is not None
    assert found.technician_message == (
        "A4: printer reports media-empty; state stopped, reasons media-empty-error (Tray 2 empty)"
    )


@pytest.mark.parametrize(
    ("reasons", "warnings"),
    [
        ((), ()),
        (("none",), ()),
        (("media-low-report",), ("media-low-report",)),
        (("toner-low-warning", "media-empty-error"), ("toner-low-warning",)),
        (("marker-supply-low-report", "marker-waste-almost-full-warning"),
         ("marker-supply-low-report", "marker-waste-almost-full-warning")),
        (("door-open-error",), ()),
    ],
)  # fmt: skip
def test_warnings_are_the_reasons_that_still_let_a_job_print(
    reasons: tuple[str, ...], warnings: tuple[str, ...]
) -> None:
    assert PrinterState("q", "idle", True, reasons).warnings() == warnings


class ScriptedPrinter:
    """A printer whose job goes through the given states, one per look; None: the print
    server does not answer that look."""

    def __init__(self, states: list[JobState | None], printer: PrinterState | None = None) -> None:
        self.states = states
        self.printer = printer or PrinterState("scripted", "idle", True)
        self.looks = 0

    @property
    def name(self) -> str:
        return "scripted"

    def state(self) -> PrinterState:
        return self.printer

    def submit(self, pdf: bytes, title: str) -> int:
        return 1

    def job_state(self, job_id: int) -> JobState:
        self.looks += 1
        state = self.states[min(self.looks - 1, len(self.states) - 1)]
        if state is None:
            raise PrinterUnavailableError("scripted: no answer")
        return state

    def cancel(self, job_id: int) -> None:
        pass


def follow(printer: ScriptedPrinter, clock: FakeClock, timeout_s: float = 10) -> None:
    wait_for_job(printer, 1, timeout_s, poll_s=1, clock=clock, sleep=clock.advance)


def test_a_job_followed_to_completion_returns(clock: FakeClock) -> None:
    printer = ScriptedPrinter([JobState.PENDING, JobState.PROCESSING, JobState.COMPLETED])
    follow(printer, clock)
    assert printer.looks == 3


@pytest.mark.parametrize("final", [JobState.ABORTED, JobState.CANCELED, JobState.UNKNOWN])
def test_a_job_that_ends_without_printing_fails(clock: FakeClock, final: JobState) -> None:
    with pytest.raises(JobFailedError, match=f"ended {final}"):
        follow(ScriptedPrinter([JobState.PROCESSING, final]), clock)


def test_a_waiting_job_on_a_printer_with_a_problem_fails_at_once(clock: FakeClock) -> None:
    out = PrinterState("scripted", "stopped", True, ("media-empty-error",))
    with pytest.raises(PaperOutError, match="job 1 pending"):
        follow(ScriptedPrinter([JobState.PENDING], out), clock)
    assert clock.now == 1000.0, "no time waited"


def test_a_job_still_printing_at_the_deadline_times_out(clock: FakeClock) -> None:
    with pytest.raises(JobTimeoutError, match="still processing after 10 s"):
        follow(ScriptedPrinter([JobState.PROCESSING]), clock)
    assert clock.now == 1010.0


def test_a_print_server_gone_silent_fails_the_job_after_its_grace_not_the_deadline(
    clock: FakeClock,
) -> None:
    gone = ScriptedPrinter([JobState.PROCESSING, None])
    with pytest.raises(PrinterUnavailableError, match="job 1 processing, then no answer for 20 s"):
        follow(gone, clock, timeout_s=120)
    assert clock.now - 1000.0 == 1 + UNREACHABLE_GRACE_S


def test_a_print_server_back_within_its_grace_finishes_the_job(clock: FakeClock) -> None:
    silent = [None] * int(UNREACHABLE_GRACE_S - 2)
    restarting = ScriptedPrinter(
        [JobState.PROCESSING, *silent, JobState.PROCESSING, *silent, JobState.COMPLETED]
    )
    follow(restarting, clock, timeout_s=120)  # each answer starts the grace again


def test_folder_printer_writes_each_job_and_reports_it_completed(tmp_path: Path) -> None:
    printer = FolderPrinter(tmp_path / "printed")
    assert printer.state().problem() is None
    job_id = printer.submit(PDF, "ZM/2026 证明")
    assert printer.job_state(job_id) is JobState.COMPLETED
    path = printer.path_of(job_id)
    assert path is not None and path.read_bytes() == PDF
    assert path.name == f"job-{job_id:04d}-ZM_2026_.pdf"
    assert printer.job_state(job_id + 1) is JobState.UNKNOWN
    wait_for_job(printer, job_id, 1)


def test_folder_printer_job_ids_continue_across_instances(tmp_path: Path) -> None:
    first = FolderPrinter(tmp_path)
    ids = [first.submit(PDF, "a"), first.submit(PDF, "b")]
    again = FolderPrinter(tmp_path)
    ids.append(again.submit(PDF, "c"))
    assert ids == [1, 2, 3]
    assert again.job_state(1) is JobState.COMPLETED, "a restarted kiosk finds its old job"


def test_folder_printer_without_paper_says_so_and_a_job_fails(tmp_path: Path) -> None:
    printer = FolderPrinter(tmp_path)
    printer.paper_out = True
    state = printer.state()
    assert state.state == "stopped"
    assert isinstance(state.problem(), PaperOutError)
    printer.paper_out = False
    assert printer.state().problem() is None


def test_folder_printer_on_a_folder_it_cannot_make_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    printer = FolderPrinter(blocker / "printed")
    with pytest.raises(PrinterUnavailableError, match="cannot make"):
        printer.state()
    with pytest.raises(PrinterUnavailableError, match="cannot write"):
        printer.submit(PDF, "x")


def test_the_folder_printer_finds_its_jobs_by_title(tmp_path: Path) -> None:
    printer = FolderPrinter(tmp_path / "printed")
    assert printer.jobs_titled("ZM1", since=0) == {}
    job = printer.submit(b"%PDF-1.4", "ZM1")
    printer.submit(b"%PDF-1.4", "ZM2")
    assert printer.jobs_titled("ZM1", since=0) == {job: JobState.COMPLETED}
    assert printer.jobs_titled("ZM1", since=time.time() + 60) == {}


@pytest.mark.parametrize(
    "printer",
    [
        PrinterState("scripted", "processing", True, ("offline-report",)),  # a USB printer waking
        PrinterState("scripted", "processing", False),  # cupsreject: new jobs only
        PrinterState("scripted", "processing", True, ("cups-waiting-for-job-completed",)),
    ],
)
def test_information_about_the_printer_does_not_fail_a_job_printing(
    clock: FakeClock, printer: PrinterState
) -> None:
    follow(ScriptedPrinter([JobState.PROCESSING] * 3 + [JobState.COMPLETED], printer), clock)


def test_a_printing_job_fails_only_when_an_error_lasts(clock: FakeClock) -> None:
    empty = PrinterState("scripted", "processing", True, ("media-empty-error",))
    scripted = ScriptedPrinter([JobState.PROCESSING] * 2 + [JobState.COMPLETED], empty)
    follow(scripted, clock)  # the tray read empty after its last sheet: the job completes
    with pytest.raises(PaperOutError, match="job 1 processing"):
        follow(ScriptedPrinter([JobState.PROCESSING], empty), clock)
    assert PRINTING_PROBLEM_GRACE_S <= clock.now - 1000.0 - 2 <= PRINTING_PROBLEM_GRACE_S + 1
