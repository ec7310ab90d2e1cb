"""Certificate printing: issue → render → check the printer → print → follow → record.

Each request is one *job*, journalled in `print-jobs.sqlite3` (DESIGN.md allows tokens and
certificate serials on disk, nothing about the resident) before each step that can outlive
the process:

    issuing ──► issued ──► submitting ──► submitted ──► printed
       │          │            │              │
       └──────────┴────────────┴──────────────┴──────► failed

* The idempotency key is made once per request and kept until the job ends: asking again
  after a timeout returns the same certificate, never a second one.
* A printer that fails before or during the job fails the job, records it in the outbox,
  and keeps the certificate: `retry()` prints the same one again (a new attempt).
* A job's print result has an event id derived from its key and attempt, so the result a
  crashed kiosk reconciles at its next start reaches the centre once.
* After a crash or power loss, `reconcile()` settles what earlier runs left open: a job the
  printer reports completed is recorded as printed, everything else as failed (an
  unfinished job is cancelled first: no certificate comes out for nobody); a job whose id
  was never written down ("submitting") is found by its title, the serial.

The steps, with every journal and outbox write, run on the core's executor; `on_progress`
and `on_finished` listeners are called from its `done` callbacks (the GUI thread in the
touchscreen). A job already at the printer is followed to its end even if the resident
has left; one not yet submitted when the session ends is not printed.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from drivers.printer.a4 import A4Printer, A4PrinterError, JobState, wait_for_job
from kiosk.executor import Executor, Outcome
from kiosk.session import Session, State

if TYPE_CHECKING:
    import sqlite3

    from kiosk.api.client import CentralClient
    from kiosk.api.models import CertificateAnswer
    from kiosk.outbox import Outbox

log = logging.getLogger(__name__)

JOURNAL_FILE: Final = "print-jobs.sqlite3"
KEEP_FINISHED_DAYS: Final = 30
OPEN_ATTEMPTS: Final = 100  # 2 s of 20 ms waits for a journal being created elsewhere
BUSY_MARGIN_S: Final = 30.0  # issuing and rendering, beyond the printer's own timeout
SESSION_ENDED: Final = "the session ended before the job was sent to the printer"
NO_PRINTER_MESSAGE: Final = "本机暂时不能打印证明，请联系工作人员"
REPRINT_HOURS: Final = 24  # the centre hands a failed certificate out again for this long

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    idempotency_key TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    service_id TEXT NOT NULL,
    certificate_id TEXT,
    serial_no TEXT,
    printer TEXT,
    printer_job INTEGER,
    pages INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL,
    error TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    UNIQUE (idempotency_key, attempt)
);
"""
OPEN_STATES: Final = ("issuing", "issued", "submitting", "submitted")


class Stage(StrEnum):
    """What the resident is waiting for; each has its own line on the printing screen."""

    ISSUING = "issuing"  # the centre makes the certificate
    PRINTING = "printing"  # rendered, checked, at the printer
    PRINTED = "printed"
    FAILED = "failed"


class FailureKind(StrEnum):
    CENTRAL = "central"  # nothing was issued, or we cannot tell: try again (same key)
    PRINTER = "printer"  # issued, not printed: the same certificate can be printed again
    INTERNAL = "internal"  # a bug or a broken document: a technician must look


@dataclass(frozen=True, slots=True)
class PrintOutcome:
    """The end of one job, for the screens. `resident_message` is a plain Chinese key the UI
    translates (empty when printed); `serial_no`/`verify_code` are on the paper."""

    stage: Stage
    service_id: str
    serial_no: str = ""
    verify_code: str = ""
    verify_url: str = ""  # serial, code and URL: what a receipt slip carries
    pages: int = 0
    failure: FailureKind | None = None
    resident_message: str = ""
    technician_message: str = ""


def page_count(pdf: bytes) -> int:
    """Pages of a reportlab PDF (page objects are written as plain dictionaries)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def event_id_for(idempotency_key: str, attempt: int) -> str:
    import hashlib

    return hashlib.sha256(f"print:{idempotency_key}:{attempt}".encode()).hexdigest()[:32]


class PrintJournal:
    """The job rows, in SQLite with synchronous=FULL: a row written is on the disk.

    The file is opened at first use (after the first frame, on a worker): the kiosk's
    start-up pays neither sqlite3's import nor the journal's first fsync."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self._path = path
        self._db: sqlite3.Connection | None = None
        self._earlier_runs_up_to = 0  # the last row written before this process opened it
        self._lock = threading.Lock()
        self._clock = clock

    def _open(self) -> sqlite3.Connection:
        import sqlite3

        self._path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        for attempt in range(OPEN_ATTEMPTS):  # another process may be creating it now
            try:
                db.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or attempt == OPEN_ATTEMPTS - 1:
                    raise
                time.sleep(0.02)
        db.execute("PRAGMA synchronous=FULL")
        db.executescript(_SCHEMA)
        cutoff = self._clock() - KEEP_FINISHED_DAYS * 86_400
        db.execute(
            f"DELETE FROM jobs WHERE updated_at < ? AND state NOT IN {OPEN_STATES}", (cutoff,)
        )
        last = db.execute("SELECT COALESCE(MAX(seq), 0) FROM jobs").fetchone()
        self._earlier_runs_up_to = int(last[0])
        return db

    @contextmanager
    def _locked(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._db is None:
                self._db = self._open()
            yield self._db

    def _execute(self, sql: str, params: tuple[Any, ...]) -> None:
        with self._locked() as db:
            db.execute(sql, params)

    def begin(self, key: str, attempt: int, service_id: str, state: str = "issuing") -> None:
        now = self._clock()
        self._execute(
            "INSERT INTO jobs (idempotency_key, attempt, service_id, state, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (key, attempt, service_id, state, now, now),
        )

    def update(self, key: str, attempt: int, **columns: object) -> None:
        names = ", ".join(f"{name} = ?" for name in columns)
        self._execute(
            f"UPDATE jobs SET {names}, updated_at = ? WHERE idempotency_key = ? AND attempt = ?",
            (*columns.values(), self._clock(), key, attempt),
        )

    def open_jobs(self) -> list[dict[str, Any]]:
        """Jobs an earlier run of the kiosk left open; this run's own are never among them."""
        with self._locked():
            last = self._earlier_runs_up_to
        return self._select(
            f"SELECT * FROM jobs WHERE state IN {OPEN_STATES} AND seq <= {int(last)} ORDER BY seq"
        )

    def rows(self) -> list[dict[str, Any]]:
        """Every row, oldest first (for the tests and a technician)."""
        return self._select("SELECT * FROM jobs ORDER BY seq")

    def _select(self, sql: str) -> list[dict[str, Any]]:
        with self._locked() as db:
            cursor = db.execute(sql)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None


@dataclass
class _Job:
    """One request in memory: the key, and the certificate once the centre has issued it."""

    service_id: str
    key: str
    attempt: int = 0  # the journal's attempt: each run of the job is one more
    answer: CertificateAnswer | None = None
    running: bool = False
    started: float = 0.0  # time.monotonic() of the last run
    printed: bool = False
    pdf: bytes = b""
    pages: int = 0
    printer_job: int | None = None


Listener = Callable[[Any], None]


class CertificatePrinting:
    """Prints one certificate at a time for the resident at the screen."""

    def __init__(
        self,
        session: Session,
        executor: Executor,
        journal: PrintJournal,
        printer: A4Printer | None,
        *,
        timeout_s: float,
    ) -> None:
        self._session = session
        self._executor = executor
        self.journal = journal
        self.printer = printer
        self.timeout_s = timeout_s
        self.central: CentralClient | None = None  # set when the core connects
        self.outbox: Outbox | None = None
        self.token: Callable[[], str | None] = lambda: None  # the resident session's token
        self._job: _Job | None = None  # the resident's, until the session ends
        self._generation = 0  # which session a step belongs to; moved on by wipe
        self._progress: list[Listener] = []
        self._finished: list[Listener] = []
        session.add_wipe_hook(self.wipe)

    # --- for the screens -----------------------------------------------------------------

    def on_progress(self, listener: Callable[[Stage], None]) -> None:
        self._progress.append(listener)

    def on_finished(self, listener: Callable[[PrintOutcome], None]) -> None:
        self._finished.append(listener)

    @property
    def busy(self) -> bool:
        """A job of this session is under way, and not yet overdue: a worker stuck in a
        print server that never answers must not keep the session open for ever."""
        job = self._job
        overdue = self.timeout_s + BUSY_MARGIN_S
        return job is not None and job.running and time.monotonic() - job.started < overdue

    def print_certificate(self, service_id: str) -> None:
        """Print a certificate of `service_id`. A new request (a new idempotency key), unless
        this session's last request for the same service has not printed yet: then that
        one again, so coming back to the service after a failure issues nothing new."""
        import secrets

        job = self._job
        if job is None or job.service_id != service_id or job.printed:
            job = self._job = _Job(service_id=service_id, key=secrets.token_hex(16))
        self._run(job)

    def retry(self) -> None:
        """After a failure: the same request again. Not issued yet → the same key (the
        centre answers with the certificate if it made one); issued → the same certificate."""
        job = self._job
        if job is None:
            raise RuntimeError("nothing to retry: no job in this session")
        self._run(job)

    def wipe(self) -> None:
        """The session ended: forget the certificate. A job already at the printer still
        finishes; one not yet sent to it never is."""
        self._generation += 1
        self._job = None

    # --- the steps -----------------------------------------------------------------------

    def _run(self, job: _Job) -> None:
        if job.running:
            log.info("%s: a job is already under way", job.service_id)
            return
        job.running = True
        job.started = time.monotonic()
        job.attempt += 1
        job.printer_job = None
        generation = self._generation
        if job.answer is None:
            self._emit_progress(Stage.ISSUING)
            token = self.token()  # this resident's, read now, not when a worker gets to it
            self._executor.submit(
                lambda: self._issue(job, token),
                lambda outcome: self._issued(generation, job, outcome),
            )
        else:
            self._print_step(generation, job, new_row=True)

    # Every journal and outbox write happens on a worker: the GUI thread never waits on a
    # disk (or on the outbox's lock), only on the callbacks that follow.

    def _issue(self, job: _Job, token: str | None) -> CertificateAnswer:
        from kiosk.api.errors import CentralError

        self.journal.begin(job.key, job.attempt, job.service_id)
        central = self.central
        try:
            if central is None or token is None:
                raise _NoCentralError("no central service or no resident session")
            answer = central.issue_certificate(token, job.service_id, job.key)
        except (CentralError, _NoCentralError) as error:
            # Nothing may have been issued, or the answer was lost: the key stays for a retry.
            technician = getattr(error, "technician_message", str(error))
            self.journal.update(job.key, job.attempt, state="failed", error=technician[:500])
            raise
        self.journal.update(
            job.key,
            job.attempt,
            state="issued",
            certificate_id=answer.certificate_id,
            serial_no=answer.serial_no,
        )
        log.info(
            "certificate %s issued for %s (key %s…%s)",
            answer.serial_no,
            job.service_id,
            job.key[:6],
            " reprint" if answer.reprint else "",
        )
        return answer

    def _issued(self, generation: int, job: _Job, outcome: Outcome[Any]) -> None:
        if outcome.error is not None:
            self._fail_before_issue(generation, job, outcome.error)
            return
        job.answer = outcome.value
        if generation != self._generation:
            job.running = False
            self._executor.submit(
                lambda: self._settle(job, "failed", SESSION_ENDED), lambda _outcome: None
            )
            return
        self._print_step(generation, job, new_row=False)

    def _print_step(self, generation: int, job: _Job, *, new_row: bool) -> None:
        self._emit_progress(Stage.PRINTING, generation)
        self._executor.submit(
            lambda: self._print_and_settle(job, generation, new_row),
            lambda outcome: self._printed(generation, job, outcome),
        )

    def _print_and_settle(self, job: _Job, generation: int, new_row: bool) -> None:
        """Print, then record the end either way (on this worker)."""
        assert job.answer is not None
        if new_row:  # printing an issued certificate again: a new attempt
            self.journal.begin(job.key, job.attempt, job.service_id, state="issued")
            self.journal.update(
                job.key,
                job.attempt,
                certificate_id=job.answer.certificate_id,
                serial_no=job.answer.serial_no,
            )
        try:
            self._print(job, generation)
        except _SessionEndedError as error:
            self._settle(job, "failed", str(error))
            raise
        except A4PrinterError as error:
            self._settle(job, "failed", error.technician_message)
            raise
        except Exception as error:
            self._settle(job, "failed", _internal(error))
            raise
        self._settle(job, "printed", None)

    def _print(self, job: _Job, generation: int) -> None:
        from kiosk.documents.certificate import render_certificate

        assert job.answer is not None
        printer = self.printer
        if printer is None:
            raise _NoPrinterError("no A4 printer configured (devices.a4_printer = none)")
        if not job.pdf:
            started = time.perf_counter()
            job.pdf = render_certificate(job.answer)
            job.pages = page_count(job.pdf)
            log.info(
                "certificate %s rendered: %d pages, %d bytes in %.0f ms",
                job.answer.serial_no,
                job.pages,
                len(job.pdf),
                (time.perf_counter() - started) * 1000,
            )
        problem = printer.state().problem()
        if problem is not None:
            raise problem
        # The resident may have gone while this waited for a worker or the printer: then
        # nothing is sent, or what was just sent is taken back at once. (No lock: a wipe on
        # the GUI thread must never wait for a print server.)
        if generation != self._generation:
            raise _SessionEndedError(SESSION_ENDED)
        # Written before the job exists: a crash before its id is written down still leaves
        # a row that tells the next start to look for the job by its title (the serial).
        self.journal.update(job.key, job.attempt, state="submitting", printer=printer.name)
        job.printer_job = printer.submit(job.pdf, job.answer.serial_no)
        self.journal.update(
            job.key,
            job.attempt,
            state="submitted",
            printer=printer.name,
            printer_job=job.printer_job,
            pages=job.pages,
        )
        if generation != self._generation:
            self._cancel_quietly(printer, job.printer_job)
            if printer.job_state(job.printer_job) is not JobState.COMPLETED:
                raise _SessionEndedError(SESSION_ENDED)
            return  # too fast to take back: it printed, and is recorded so
        try:
            wait_for_job(printer, job.printer_job, self.timeout_s)
        except A4PrinterError:
            self._cancel_quietly(printer, job.printer_job)
            raise

    def _printed(self, generation: int, job: _Job, outcome: Outcome[Any]) -> None:
        job.running = False
        error = outcome.error
        answer = job.answer
        assert answer is not None
        if isinstance(error, _SessionEndedError):
            log.info("certificate %s not printed: %s", answer.serial_no, error)
            return
        if error is None:
            job.printed = True
            self._emit_finished(
                generation,
                PrintOutcome(
                    Stage.PRINTED,
                    job.service_id,
                    serial_no=answer.serial_no,
                    verify_code=answer.verify.code,
                    verify_url=answer.verify.url,
                    pages=job.pages,
                ),
            )
            return
        if isinstance(error, A4PrinterError):
            technician, resident = error.technician_message, error.resident_message
            kind = FailureKind.PRINTER
        else:
            # A bug or a document reportlab cannot lay out: the traceback goes to the log
            # (ID numbers masked there); the journal and the centre get only its kind, since
            # the message may quote the document.
            log.error("certificate %s: printing failed", answer.serial_no, exc_info=error)
            technician = _internal(error)
            resident = "证明暂时无法打印，请联系工作人员"
            kind = FailureKind.INTERNAL
        log.warning("certificate %s not printed: %s", answer.serial_no, technician)
        self._emit_finished(
            generation,
            PrintOutcome(
                Stage.FAILED,
                job.service_id,
                serial_no=answer.serial_no,
                pages=job.pages,
                failure=kind,
                resident_message=resident,
                technician_message=technician,
            ),
        )

    def _fail_before_issue(self, generation: int, job: _Job, error: BaseException) -> None:
        from kiosk.api.errors import CentralError, ResidentSessionEndedError
        from kiosk.services.identification import resident_message

        job.running = False
        current = generation == self._generation and self._session.state is State.IN_SERVICE
        if isinstance(error, ResidentSessionEndedError) and current:
            # The centre's session expired: a timeout (wipe, then 办理已超时), not an error.
            log.info("certificate for %s not issued: %s", job.service_id, error)
            self._session.time_out()
            return
        if isinstance(error, CentralError):
            resident, technician = resident_message(error), error.technician_message
        elif isinstance(error, _NoCentralError):
            resident, technician = "暂时无法连接服务中心，请稍后再试", str(error)
        else:
            raise error  # a bug: the crash handler reports it
        log.warning("certificate for %s not issued: %s", job.service_id, technician)
        self._emit_finished(
            generation,
            PrintOutcome(
                Stage.FAILED,
                job.service_id,
                failure=FailureKind.CENTRAL,
                resident_message=resident,
                technician_message=technician,
            ),
        )

    def _settle(self, job: _Job, status: str, error: str | None) -> None:
        """The job's end: queue its print result (once, by event id), then close its row.

        In that order: a power cut between the two leaves the row open, and the next start
        queues the same event again, which the outbox and the centre take once."""
        import sqlite3

        assert job.answer is not None
        try:
            self._record(
                job.key,
                job.attempt,
                job.answer.certificate_id,
                status,
                job.pages,
                self.printer.name if self.printer else "none",
                error,
            )
            self.journal.update(
                job.key, job.attempt, state=status, error=(error or "")[:500] or None
            )
        except (OSError, ValueError, RuntimeError, sqlite3.Error):
            # A full disk, a broken file or an outbox already closed (the kiosk stopping
            # under a job) must not take the screen down; the row stays open and the next
            # start settles it.
            log.exception("print result of %s (%s) not recorded", job.answer.serial_no, status)

    def _record(
        self,
        key: str,
        attempt: int,
        certificate_id: str,
        status: str,
        pages: int,
        printer: str,
        error: str | None,
    ) -> None:
        outbox = self.outbox
        if outbox is None:
            log.error("print result of %s (%s) not recorded: no outbox", certificate_id, status)
            return
        payload: dict[str, object] = {
            "certificate_id": certificate_id,
            "status": status,
            "pages": pages,
            "printer": printer,
        }
        if error:
            payload["error"] = error[:500]
        outbox.enqueue("print_result", payload, event_id=event_id_for(key, attempt))

    @staticmethod
    def _cancel_quietly(printer: A4Printer, job_id: int) -> None:
        try:
            printer.cancel(job_id)
        except A4PrinterError as error:
            log.warning("job %d could not be cancelled: %s", job_id, error.technician_message)

    # --- after a crash -------------------------------------------------------------------

    def reconcile(self) -> int:
        """Settle the jobs a previous run left open; returns how many. Blocking: call it on
        a worker thread once the printer and the outbox exist."""
        if self.outbox is None:
            log.info("print jobs not reconciled: no outbox to record their results in")
            return 0
        import sqlite3

        settled = 0
        for row in self.journal.open_jobs():
            try:
                settled += self._reconcile_row(row)
            except (OSError, ValueError, sqlite3.Error):
                # One bad row must not keep the others open: it is tried at the next start.
                log.exception("job %s attempt %d not reconciled", row["serial_no"], row["attempt"])
        return settled

    def _reconcile_row(self, row: dict[str, Any]) -> bool:
        """Settle one row; False when the printer cannot be asked now."""
        key, attempt = row["idempotency_key"], row["attempt"]
        status = "failed"
        error: str | None = "the kiosk stopped before the job was sent to the printer"
        if row["state"] in ("submitting", "submitted"):
            status, error = self._reconciled_job(row)
            if status == "open":
                return False  # the printer cannot be asked now: try at the next start
        if row["certificate_id"]:
            self._record(
                key,
                attempt,
                row["certificate_id"],
                status,
                row["pages"] if status == "printed" else 0,
                row["printer"] or "none",
                error,
            )
        self.journal.update(key, attempt, state=status, error=error)
        log.warning(
            "reconciled job %s attempt %d (%s, certificate %s): %s%s",
            key[:6],
            attempt,
            row["state"],
            row["serial_no"] or "not issued",
            status,
            f" ({error})" if error else "",
        )
        return True

    def _reconciled_job(self, row: dict[str, Any]) -> tuple[str, str | None]:
        printer = self.printer
        if printer is None or printer.name != row["printer"]:
            return "failed", f"printer {row['printer']} is no longer configured"
        try:
            if row["printer_job"] is not None:
                jobs = {int(row["printer_job"]): printer.job_state(int(row["printer_job"]))}
            else:  # the crash came before the job's id was written down
                jobs = printer.jobs_titled(str(row["serial_no"]), since=float(row["created_at"]))
        except A4PrinterError as error:
            log.warning("cannot reconcile %s yet: %s", row["serial_no"], error.technician_message)
            return "open", None
        for job_id, state in jobs.items():
            if not state.final:  # nobody is there to take it
                self._cancel_quietly(printer, job_id)
        if any(state is JobState.COMPLETED for state in jobs.values()):
            return "printed", None
        found = ", ".join(f"job {job_id} {state}" for job_id, state in jobs.items())
        return "failed", f"{found or 'no job at the printer'} when the kiosk restarted"

    # --- listeners -----------------------------------------------------------------------

    def _emit_progress(self, stage: Stage, generation: int | None = None) -> None:
        if generation is not None and generation != self._generation:
            return
        for listener in self._progress:
            listener(stage)

    def _emit_finished(self, generation: int, outcome: PrintOutcome) -> None:
        if generation != self._generation or self._session.state is not State.IN_SERVICE:
            log.info(
                "job for %s ended after the resident left: %s", outcome.service_id, outcome.stage
            )
            return
        for listener in self._finished:
            listener(outcome)


class _NoCentralError(Exception):
    pass


def _internal(error: BaseException) -> str:
    """A bug's line for the journal and the centre: its kind only, since a message from
    the renderer may quote the document."""
    return f"{type(error).__name__} while rendering or printing (see the log)"


class _SessionEndedError(Exception):
    """The resident left before the job reached the printer: it is never sent."""


class _NoPrinterError(A4PrinterError):
    resident_message = NO_PRINTER_MESSAGE
