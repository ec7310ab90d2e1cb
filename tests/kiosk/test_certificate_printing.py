"""The print-job service against real parts: the reference centre on loopback, a private cupsd
(tests/rigs/cups.py) with cups-pdf and a backend that fails on demand, the SQLite outbox.

Every failure of the issue's list: paper out before and during the job, CUPS down, a job
aborted, and a crash mid-job reconciled at the next start; in each, nothing is issued twice.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from drivers.idcard.demo import DEMO_CARDS
from drivers.printer.a4 import JobState
from drivers.printer.cups import CupsPrinter
from drivers.printer.folder import FolderPrinter
from kiosk.api.client import CentralClient
from kiosk.app import build_core
from kiosk.config import Config
from kiosk.documents.certificate import render_certificate
from kiosk.executor import ThreadExecutor
from kiosk.outbox import Outbox
from kiosk.services.certificates import (
    BUSY_MARGIN_S,
    JOURNAL_FILE,
    CertificatePrinting,
    FailureKind,
    PrintJournal,
    PrintOutcome,
    Stage,
    event_id_for,
)
from kiosk.services.events import EventSender
from kiosk.services.identification import idcard_session_request
from kiosk.session import Resident, Session, State
from tests.conftest import FakeClock
from tests.rigs.central import CentralServer
from tests.rigs.cups import CupsRig

SERVICE = "si-cert"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def open_resident_session(client: CentralClient, card_index: int = 0) -> str:
    request = idcard_session_request(DEMO_CARDS[card_index], "05.01-20250101-0000000001-1")
    return client.open_session(request).token


@dataclass
class Kiosk:
    """One kiosk's print path: a session in service, the service, its outbox and journal."""

    state_dir: Path
    printing: CertificatePrinting
    session: Session
    outbox: Outbox
    printer: CupsPrinter
    outcomes: list[PrintOutcome] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    finished: threading.Event = field(default_factory=threading.Event)

    def print_and_wait(self, *, retry: bool = False, timeout_s: float = 20) -> PrintOutcome:
        self.finished.clear()
        if retry:
            self.printing.retry()
        else:
            self.printing.print_certificate(SERVICE)
        assert self.finished.wait(timeout_s), "the job did not end"
        return self.outcomes[-1]

    def rows(self) -> list[dict[str, object]]:
        return self.printing.journal.rows()


def make_kiosk(
    state_dir: Path, server: CentralServer, printer: CupsPrinter, *, timeout_s: float = 10
) -> Kiosk:
    client = server.client()
    session = Session(idle_timeout_s=120, elder_idle_timeout_s=180, warning_s=15)
    printing = CertificatePrinting(
        session,
        ThreadExecutor(),
        PrintJournal(state_dir / JOURNAL_FILE),
        printer,
        timeout_s=timeout_s,
    )
    outbox = Outbox(state_dir / "outbox.sqlite3", EventSender(client, lambda _: None))
    printing.central, printing.outbox = client, outbox
    token = open_resident_session(client)
    printing.token = lambda: token
    kiosk = Kiosk(state_dir, printing, session, outbox, printer)
    printing.on_progress(kiosk.stages.append)

    def finished(outcome: PrintOutcome) -> None:
        kiosk.outcomes.append(outcome)
        kiosk.finished.set()

    printing.on_finished(finished)
    session.card_detected()
    session.identified(Resident("张*", "110101********0011"))
    session.choose_service(SERVICE)
    return kiosk


@pytest.fixture
def kiosk(tmp_path: Path, central_server: CentralServer, rig: CupsRig) -> Iterator[Kiosk]:
    kiosk = make_kiosk(tmp_path, central_server, CupsPrinter(rig.fault_queue, rig.server))
    kiosk.outbox.start()
    yield kiosk
    kiosk.outbox.close()
    kiosk.printing.journal.close()


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_a_certificate_prints_through_cups_and_its_result_reaches_the_centre(
    tmp_path: Path, central_server: CentralServer, rig: CupsRig
) -> None:
    kiosk = make_kiosk(tmp_path, central_server, CupsPrinter(rig.pdf_queue, rig.server))
    kiosk.outbox.start()
    try:
        outcome = kiosk.print_and_wait()
        assert outcome.stage is Stage.PRINTED, outcome.technician_message
        assert kiosk.stages == [Stage.ISSUING, Stage.PRINTING]
        [row] = kiosk.rows()
        assert row["state"] == "printed" and row["printer"] == rig.pdf_queue
        text = pdftotext(rig.pdf_for_job(rig.pdf_queue, int(str(row["printer_job"]))))
        assert outcome.serial_no in text and outcome.verify_code in text
        assert DEMO_CARDS[0].id_number not in text
        assert outcome.pages == row["pages"] >= 1
        assert kiosk.outbox.flush(5)
        assert central_server.print_results(row["certificate_id"])[-1:] == ["printed"]
    finally:
        kiosk.outbox.close()


def test_paper_out_before_the_job_sends_nothing_and_the_same_certificate_prints_later(
    kiosk: Kiosk, rig: CupsRig, central_server: CentralServer
) -> None:
    rig.set_reasons(rig.fault_queue, ["media-empty-error"])
    outcome = kiosk.print_and_wait()
    assert (outcome.stage, outcome.failure) == (Stage.FAILED, FailureKind.PRINTER)
    assert outcome.resident_message == "打印机缺纸，请联系工作人员"
    assert "media-empty" in outcome.technician_message
    [failed] = kiosk.rows()
    assert failed["printer_job"] is None  # nothing reached the printer

    rig.set_reasons(rig.fault_queue, ["none"])
    again = kiosk.print_and_wait(retry=True)
    assert again.stage is Stage.PRINTED
    assert again.serial_no == outcome.serial_no  # the same certificate, not a new one
    first, second = kiosk.rows()
    assert second["certificate_id"] == first["certificate_id"]
    assert (second["attempt"], second["state"]) == (2, "printed")
    assert kiosk.outbox.flush(5)
    results = central_server.print_results(first["certificate_id"])
    assert results[-2:] == ["failed", "printed"]


def test_paper_running_out_during_the_job_fails_it_at_once_and_cancels_it(
    kiosk: Kiosk, rig: CupsRig
) -> None:
    rig.set_fault("paper-out-stop")
    outcome = kiosk.print_and_wait(timeout_s=8)  # the job timeout is 10 s: not waited out
    assert (outcome.stage, outcome.failure) == (Stage.FAILED, FailureKind.PRINTER)
    assert outcome.resident_message == "打印机缺纸，请联系工作人员"
    [row] = kiosk.rows()
    assert row["state"] == "failed"
    job = int(str(row["printer_job"]))
    # Cancelled: when the paper is back, no certificate comes out for nobody.
    assert kiosk.printer.job_state(job) is JobState.CANCELED


def test_an_aborted_job_fails_with_a_message_for_both(kiosk: Kiosk, rig: CupsRig) -> None:
    rig.set_fault("abort")
    outcome = kiosk.print_and_wait()
    assert (outcome.stage, outcome.failure) == (Stage.FAILED, FailureKind.PRINTER)
    assert outcome.resident_message == "打印没有完成，请联系工作人员"
    assert "aborted" in outcome.technician_message


def test_cups_down_fails_the_job_and_names_the_server(kiosk: Kiosk, rig: CupsRig) -> None:
    rig.stop_server()
    outcome = kiosk.print_and_wait()
    assert (outcome.stage, outcome.failure) == (Stage.FAILED, FailureKind.PRINTER)
    assert outcome.resident_message == "打印机暂时无法使用，请联系工作人员"
    assert rig.server in outcome.technician_message
    rig.start_server()
    assert kiosk.print_and_wait(retry=True).stage is Stage.PRINTED


def test_cupsd_dying_under_a_job_fails_it_for_the_resident_and_prints_again_once_back(
    tmp_path: Path, central_server: CentralServer, rig: CupsRig, caplog: pytest.LogCaptureFixture
) -> None:
    printer = CupsPrinter(rig.fault_queue, rig.server)
    kiosk = make_kiosk(tmp_path, central_server, printer, timeout_s=4)
    kiosk.outbox.start()
    try:
        rig.set_fault("slow", seconds=3)
        with caplog.at_level(logging.WARNING, logger="kiosk.services.certificates"):
            kiosk.printing.print_certificate(SERVICE)
            assert _wait_for(lambda: [r["state"] for r in kiosk.rows()] == ["submitted"])
            job = int(str(kiosk.rows()[0]["printer_job"]))
            assert _wait_for(lambda: printer.job_state(job) is JobState.PROCESSING)
            rig.kill_server()
            assert kiosk.finished.wait(15), "the job did not end"
        outcome = kiosk.outcomes[-1]
        assert (outcome.stage, outcome.failure) == (Stage.FAILED, FailureKind.PRINTER)
        assert outcome.resident_message == "打印机暂时无法使用，请联系工作人员"
        [line] = [r.getMessage() for r in caplog.records if "not printed" in r.getMessage()]
        assert outcome.serial_no in line and rig.server in line

        rig.set_fault("ok")
        rig.start_server()
        again = kiosk.print_and_wait(retry=True)
        assert again.stage is Stage.PRINTED, again.technician_message
        assert again.serial_no == outcome.serial_no  # the same certificate, printed
        first, second = kiosk.rows()
        assert (first["state"], second["state"]) == ("failed", "printed")
        reprinted = rig.pdf_for_job(rig.fault_queue, int(str(second["printer_job"])))
        assert outcome.serial_no in pdftotext(reprinted)
    finally:
        kiosk.outbox.close()
        kiosk.printing.journal.close()


def test_a_centre_that_fails_keeps_the_key_and_issues_only_once(
    kiosk: Kiosk, central_server: CentralServer
) -> None:
    central_server.set_faults({"POST /v1/certificates": {"error_rate": 1.0}})
    try:
        outcome = kiosk.print_and_wait()
    finally:
        central_server.set_faults({})
    assert (outcome.stage, outcome.failure) == (Stage.FAILED, FailureKind.CENTRAL)
    # The resident goes back and chooses the service again: still the same request.
    again = kiosk.print_and_wait()
    assert again.stage is Stage.PRINTED
    first, second = kiosk.rows()
    assert first["idempotency_key"] == second["idempotency_key"]
    assert first["certificate_id"] is None and second["certificate_id"]


def test_a_resident_who_leaves_before_the_certificate_is_issued_gets_nothing_printed(
    kiosk: Kiosk, central_server: CentralServer
) -> None:
    central_server.set_faults({"POST /v1/certificates": {"latency_ms": 500}})
    try:
        kiosk.printing.print_certificate(SERVICE)
        kiosk.session.exit()
        assert _wait_for(lambda: kiosk.rows()[0]["state"] == "failed")
    finally:
        central_server.set_faults({})
    [row] = kiosk.rows()
    assert row["printer_job"] is None and row["certificate_id"]
    assert kiosk.outcomes == []  # nobody to tell
    assert kiosk.session.state is State.IDLE


def _wait_for(condition: Callable[[], bool], timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


CRASH_SCRIPT = """
import os, sys, time
from pathlib import Path
from drivers.printer.cups import CupsPrinter
from drivers.printer.folder import FolderPrinter
from kiosk.app import build_core
from kiosk.services.certificates import JOURNAL_FILE, PrintJournal
from tests.kiosk.test_certificate_printing import make_kiosk
from tests.conftest import FakeClock
from tests.rigs.central import CentralServer

state_dir, url, server, queue = sys.argv[1:5]
central = CentralServer(url=url, process=None, log_path=Path(sys.argv[5]))
kiosk = make_kiosk(Path(state_dir), central, CupsPrinter(queue, server), timeout_s=60)
kiosk.printing.print_certificate("si-cert")
journal = PrintJournal(Path(state_dir) / JOURNAL_FILE)
deadline = time.monotonic() + 20
while time.monotonic() < deadline:
    if any(row["state"] == "submitted" for row in journal.rows()):
        os._exit(137)  # power lost with the job at the printer
    time.sleep(0.01)
os._exit(3)
"""


def crash_mid_job(state_dir: Path, server: CentralServer, rig: CupsRig) -> dict[str, object]:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            CRASH_SCRIPT,
            str(state_dir),
            server.url,
            rig.server,
            rig.fault_queue,
            str(server.log_path),
        ],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 137, done.stderr
    [row] = PrintJournal(state_dir / JOURNAL_FILE).rows()
    assert row["state"] == "submitted"
    return row


@pytest.mark.parametrize("finished_meanwhile", [True, False])
def test_after_a_crash_mid_job_the_next_start_records_what_cups_says(
    tmp_path: Path, central_server: CentralServer, rig: CupsRig, finished_meanwhile: bool
) -> None:
    rig.set_fault("slow", seconds=1.0 if finished_meanwhile else 30.0)
    row = crash_mid_job(tmp_path, central_server, rig)
    printer = CupsPrinter(rig.fault_queue, rig.server)
    job = int(str(row["printer_job"]))
    if finished_meanwhile:
        rig.pdf_for_job(rig.fault_queue, job, timeout_s=10)
        assert _wait_for(lambda: printer.job_state(job) is JobState.COMPLETED)

    # The centre may know the certificate already: the demo resident's earlier failed
    # prints in this session make it hand the same one out again (a reprint).
    before = central_server.print_results(row["certificate_id"])
    kiosk = make_kiosk(tmp_path, central_server, printer)  # the next start
    kiosk.outbox.start()
    try:
        assert kiosk.printing.reconcile() == 1
        assert kiosk.printing.reconcile() == 0  # settled once
        [settled] = kiosk.rows()
        expected = "printed" if finished_meanwhile else "failed"
        assert settled["state"] == expected
        if not finished_meanwhile:
            assert printer.job_state(job) is JobState.CANCELED
        assert kiosk.outbox.flush(5)
        after = central_server.print_results(row["certificate_id"])
        assert after == [*before, expected]
    finally:
        kiosk.outbox.close()


def test_a_job_the_crash_caught_before_the_printer_is_failed_without_a_print_result(
    tmp_path: Path, central_server: CentralServer, rig: CupsRig
) -> None:
    PrintJournal(tmp_path / JOURNAL_FILE).begin("k" * 32, 1, SERVICE)  # issuing, then power cut
    kiosk = make_kiosk(tmp_path, central_server, CupsPrinter(rig.fault_queue, rig.server))
    try:
        assert kiosk.printing.reconcile() == 1
        [row] = kiosk.rows()
        assert row["state"] == "failed" and "before the job was sent" in str(row["error"])
        assert kiosk.outbox.depth() == 0  # no certificate id: nothing to tell the centre
    finally:
        kiosk.outbox.close()


def test_the_core_reconciles_open_jobs_when_its_printer_first_answers(
    config: Config, clock: FakeClock, central_server: CentralServer
) -> None:
    """A kiosk that died with a job at its (demo) printer settles it at its next start."""
    client = central_server.client()
    token = open_resident_session(client)
    answer = client.issue_certificate(token, SERVICE, "r" * 32)
    printer = FolderPrinter(config.state_dir / "demo-prints")
    job = printer.submit(b"%PDF-1.4 printed before the power cut", answer.serial_no)
    journal = PrintJournal(config.state_dir / JOURNAL_FILE)
    journal.begin("r" * 32, 1, SERVICE, state="issued")
    journal.update(
        "r" * 32,
        1,
        certificate_id=answer.certificate_id,
        state="submitted",
        printer=printer.name,
        printer_job=job,
        pages=1,
    )
    journal.close()
    before = central_server.print_results(answer.certificate_id)

    core = build_core(config, demo=True, clock=clock)
    core.start()
    try:
        assert _wait_for(lambda: core.certificates.journal.open_jobs() == [])
        [row] = core.certificates.journal.rows()
        assert row["state"] == "printed"
        assert core.outbox is not None and core.outbox.flush(5)
        assert central_server.print_results(answer.certificate_id) == [*before, "printed"]
    finally:
        core.stop()


def test_a_jam_while_the_job_prints_fails_it_at_once(kiosk: Kiosk, rig: CupsRig) -> None:
    rig.set_fault("slow", seconds=30)
    kiosk.printing.print_certificate(SERVICE)
    assert _wait_for(lambda: kiosk.rows()[-1]["state"] == "submitted")
    rig.set_reasons(rig.fault_queue, ["media-jam-error"])
    assert kiosk.finished.wait(8), "a jam must not wait out the 10 s job timeout"
    outcome = kiosk.outcomes[-1]
    assert outcome.resident_message == "打印机卡纸，请联系工作人员"
    job = int(str(kiosk.rows()[-1]["printer_job"]))
    assert kiosk.printer.job_state(job) is JobState.CANCELED


class LeavingPrinter:
    """The real CUPS printer, but the resident walks away while its state is asked."""

    def __init__(self, printer: CupsPrinter, session: Session) -> None:
        self._printer, self._session = printer, session
        self.name = printer.name
        self.submitted: list[int] = []

    def state(self) -> object:
        state = self._printer.state()
        self._session.exit()  # on the worker, as a timeout or a crash would
        return state

    def submit(self, pdf: bytes, title: str) -> int:
        job = self._printer.submit(pdf, title)
        self.submitted.append(job)
        return job

    def job_state(self, job_id: int) -> JobState:
        return self._printer.job_state(job_id)

    def cancel(self, job_id: int) -> None:
        self._printer.cancel(job_id)


def test_a_job_not_yet_at_the_printer_when_the_resident_leaves_is_never_sent(
    kiosk: Kiosk, central_server: CentralServer
) -> None:
    leaving = LeavingPrinter(kiosk.printer, kiosk.session)
    kiosk.printing.printer = leaving  # type: ignore[assignment]
    kiosk.printing.print_certificate(SERVICE)
    assert _wait_for(lambda: kiosk.rows()[-1]["state"] == "failed")
    [row] = kiosk.rows()
    assert leaving.submitted == [] and row["printer_job"] is None
    assert "session ended" in str(row["error"])
    assert kiosk.outcomes == []  # nobody left to tell
    assert kiosk.outbox.flush(5)
    assert central_server.print_results(row["certificate_id"])[-1:] == ["failed"]


def test_reconcile_settles_only_what_earlier_runs_left_open(tmp_path: Path) -> None:
    earlier = PrintJournal(tmp_path / JOURNAL_FILE)
    earlier.begin("e" * 32, 1, SERVICE)
    earlier.close()
    journal = PrintJournal(tmp_path / JOURNAL_FILE)  # the next start
    journal.begin("n" * 32, 1, SERVICE)  # this run's job, under way
    assert [row["idempotency_key"] for row in journal.open_jobs()] == ["e" * 32]
    journal.close()


def test_a_result_queued_just_before_a_power_cut_is_not_queued_twice(tmp_path: Path) -> None:
    printer = FolderPrinter(tmp_path / "prints")
    job = printer.submit(b"%PDF-1.4 printed", "ZM2026112600000001")
    key = "p" * 32
    journal = PrintJournal(tmp_path / JOURNAL_FILE)
    journal.begin(key, 1, SERVICE, state="issued")
    journal.update(
        key,
        1,
        certificate_id="c" * 16,
        state="submitted",
        printer=printer.name,
        printer_job=job,
        pages=1,
    )
    journal.close()
    outbox = Outbox(tmp_path / "outbox.sqlite3", lambda _event: None)  # never started
    payload = {"certificate_id": "c" * 16, "status": "printed", "pages": 1, "printer": "x"}
    outbox.enqueue("print_result", payload, event_id=event_id_for(key, 1))  # then: power cut
    session = Session(idle_timeout_s=120, elder_idle_timeout_s=180, warning_s=15)
    printing = CertificatePrinting(
        session, ThreadExecutor(), PrintJournal(tmp_path / JOURNAL_FILE), printer, timeout_s=10
    )
    printing.outbox = outbox
    try:
        assert printing.reconcile() == 1
        assert outbox.depth() == 1  # the same event, once
        assert printing.journal.rows()[0]["state"] == "printed"
    finally:
        outbox.close()


@pytest.mark.parametrize("completed", [True, False])
def test_a_job_whose_id_a_crash_lost_is_found_by_its_serial(
    tmp_path: Path, central_server: CentralServer, rig: CupsRig, completed: bool
) -> None:
    """Power lost after CUPS accepted the job but before its id was written down."""
    client = central_server.client()
    token = open_resident_session(client, card_index=2)  # a resident no other test prints for
    answer = client.issue_certificate(token, "residence-cert", "t" * 31 + str(int(completed)))
    printer = CupsPrinter(rig.fault_queue, rig.server)
    key = "s" * 32
    journal = PrintJournal(tmp_path / JOURNAL_FILE)
    journal.begin(key, 1, "residence-cert", state="issued")
    journal.update(
        key,
        1,
        certificate_id=answer.certificate_id,
        serial_no=answer.serial_no,
        state="submitting",
        printer=printer.name,
    )
    journal.close()
    rig.set_fault("ok" if completed else "slow", seconds=30)
    job = printer.submit(render_certificate(answer), answer.serial_no)  # then: the power cut
    if completed:
        assert _wait_for(lambda: printer.job_state(job) is JobState.COMPLETED)

    kiosk = make_kiosk(tmp_path, central_server, printer)  # the next start
    try:
        assert kiosk.printing.reconcile() == 1
        [row] = kiosk.rows()
        assert row["state"] == ("printed" if completed else "failed")
        if not completed:
            assert printer.job_state(job) is JobState.CANCELED
            assert f"job {job}" in str(row["error"])
    finally:
        kiosk.outbox.close()


def test_a_job_stuck_past_its_time_no_longer_keeps_the_session_open(
    kiosk: Kiosk, central_server: CentralServer, rig: CupsRig
) -> None:
    """A worker stuck in a print server that never answers (pycups has no timeout)."""
    rig.set_fault("slow", seconds=30)
    kiosk.printing.print_certificate(SERVICE)
    assert _wait_for(lambda: kiosk.rows()[-1]["state"] == "submitted")
    assert kiosk.printing.busy
    job = kiosk.printing._job
    assert job is not None
    job.started -= kiosk.printing.timeout_s + BUSY_MARGIN_S  # as if it had hung that long
    assert not kiosk.printing.busy
    rig.admin("cancel", "-a", rig.fault_queue)  # let the worker go before the outbox closes
    assert kiosk.finished.wait(10)
