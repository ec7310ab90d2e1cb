"""The A4 printer as a CUPS queue, through pycups (libcups).

Why pycups: libcups already speaks IPP (attribute encoding, chunked document upload, domain
sockets, local-certificate and peer-credential authentication, encryption when a remote server
asks for it) and is what every other CUPS client on the machine uses, so the kiosk sees a
queue as `lpstat` does. IPP by hand over HTTP is ~100 lines of binary encoding that would have
to learn unix sockets and CUPS's authentication; the `lp`/`lpstat` command-line tools print
localised text meant for people (parsing it breaks with the next translation) and cost a
process per question while a job is followed ten times a second.

pycups connections are not thread-safe, so this driver opens one `cups.Connection(host, port)`
per call (over the unix socket: ~0.3 ms). One libcups 2.4.2 quirk needs more: Create-Job
(`cupsCreateJob`, behind pycups's createJob and printFile) treats a TCP connection to anything
but the thread's default server (`cupsSetServer`, port included) as a connection to a printer
*device* and asks for the queue at its device URI, which fails ("The printer or class does not
exist") for a server on another port or named by address. libcups keeps that default per
thread, so for a TCP server the driver sets it around each call and puts the old one back;
other threads never see it. libcups gives pycups no per-request timeout: a server that accepts
a connection and then never answers blocks the call, which is why a device service calls the
driver from its own worker thread (DESIGN.md, "Layers").

A job's title on the wire (its job-name and its document-name) is `job_title(title)`, made
of `[A-Za-z0-9._-]` only, built in submit() and jobs_titled() alone: the cupsd of Debian 12's
2.4.2-3+deb12u10 dies (segfault) on a document named with a space or a tab, and every later
job with it.

Submitting streams the PDF from memory (Create-Job, then Send-Document with the bytes):
measured as fast as `printFile` on a temporary file (15-25 ms either way for a 50 kB PDF on
the test server), and no copy of a resident's certificate is left in /tmp for a crash to
strand. cupsd itself keeps a job's file for a day unless told otherwise:
deploy/configure-cups.sh sets `PreserveJobFiles No` on a kiosk.

Errors: every cups.IPPError, cups.HTTPError, RuntimeError (pycups's "failed to connect to
server") and OSError becomes an A4PrinterError naming the server and the queue.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any, NoReturn

import cups  # type: ignore[import-not-found]  # pycups: a C extension, no stubs

from drivers.printer.a4 import (
    A4PrinterError,
    JobFailedError,
    JobState,
    PrinterState,
    PrinterStoppedError,
    PrinterUnavailableError,
    job_title,
)

log = logging.getLogger(__name__)

# IPP printer-state (RFC 8011 §5.4.11) and job-state (§5.3.7).
PRINTER_STATES = {3: "idle", 4: "processing", 5: "stopped"}
JOB_STATES = {
    3: JobState.PENDING,
    4: JobState.HELD,
    5: JobState.PROCESSING,
    6: JobState.STOPPED,
    7: JobState.CANCELED,
    8: JobState.ABORTED,
    9: JobState.COMPLETED,
}
PRINTER_ATTRIBUTES = [
    "printer-state",
    "printer-state-reasons",
    "printer-is-accepting-jobs",
    "printer-state-message",
]
# IPP status codes (RFC 8011 §13.1).
IPP_NOT_FOUND = 0x0406  # client-error-not-found: no such printer or job
IPP_NOT_POSSIBLE = 0x0404  # client-error-not-possible: e.g. cancelling an ended job
IPP_NOT_ACCEPTING = 0x0506  # server-error-not-accepting-jobs
HTTP_CONTINUE = 100  # what startDocument/writeRequestData answer while a document flows
CUPS_ERRORS = (cups.IPPError, cups.HTTPError, RuntimeError, OSError)
DOCUMENT_FORMAT = "application/pdf"


class CupsPrinter:
    """A queue of a CUPS server; blocking, safe to call from several threads.

    `queue` empty: the server's default destination (libcups's choice, so `LPDEST`/`PRINTER`
    and lpoptions apply as they do for `lp`). `server`: a unix socket path, `host` or
    `host:port`; empty: libcups's own default (`CUPS_SERVER`, client.conf, the local socket).
    """

    def __init__(self, queue: str = "", server: str = "") -> None:
        self.queue = queue
        self.server = server
        self._host, self._port = _split_server(server)

    @property
    def name(self) -> str:
        return self.queue or "default queue"

    @property
    def where(self) -> str:
        """The server as a technician would look for it."""
        return self.server or f"{cups.getServer()} (libcups default)"

    def state(self) -> PrinterState:
        with self._connection() as connection:
            queue = self._resolve(connection)
            attributes = self._printer_attributes(connection, queue, PRINTER_ATTRIBUTES)
        reasons = attributes.get("printer-state-reasons", ())
        if isinstance(reasons, str):
            reasons = (reasons,)
        return PrinterState(
            queue=queue,
            state=PRINTER_STATES.get(attributes.get("printer-state", 5), "stopped"),
            accepting=bool(attributes.get("printer-is-accepting-jobs", False)),
            reasons=tuple(reason for reason in reasons if reason != "none"),
            message=str(attributes.get("printer-state-message", "")),
        )

    def submit(self, pdf: bytes, title: str) -> int:
        """Queue the PDF as one job titled `title`; returns the job id.

        Raises PrinterUnavailableError (no server, no such queue), PrinterStoppedError (the
        queue refuses jobs) or JobFailedError (the server refused this job).
        """
        wire_title = job_title(title)
        with self._connection() as connection:
            queue = self._resolve(connection)
            accepting = self._printer_attributes(
                connection, queue, ["printer-is-accepting-jobs"]
            ).get("printer-is-accepting-jobs", True)
            if not accepting:
                raise PrinterStoppedError(f"{self._at(queue)}: not accepting jobs")
            try:
                job_id = int(connection.createJob(queue, wire_title, {}))
            except CUPS_ERRORS as error:
                self._refused(queue, "create a job", error)
            try:
                self._send(connection, queue, job_id, pdf, wire_title)
            except BaseException as error:
                self._abandon(job_id)
                if isinstance(error, CUPS_ERRORS):
                    self._refused(queue, f"send job {job_id}'s document", error)
                raise
        log.info(
            "%s: job %d queued (%d bytes, %r, titled %s on the server)",
            self._at(queue),
            job_id,
            len(pdf),
            title,
            wire_title,
        )
        return job_id

    def job_state(self, job_id: int) -> JobState:
        """The job's IPP state; UNKNOWN when the server no longer knows the job."""
        with self._connection() as connection:
            try:
                attributes = connection.getJobAttributes(job_id, requested_attributes=["job-state"])
            except cups.IPPError as error:
                if _ipp_status(error) == IPP_NOT_FOUND:
                    return JobState.UNKNOWN
                raise
        return JOB_STATES.get(attributes.get("job-state", 0), JobState.UNKNOWN)

    def cancel(self, job_id: int) -> None:
        """Cancel a job that has not ended; one that ended or is unknown is left alone."""
        with self._connection() as connection:
            try:
                connection.cancelJob(job_id)
            except cups.IPPError as error:
                if _ipp_status(error) not in (IPP_NOT_FOUND, IPP_NOT_POSSIBLE):
                    raise
                log.info("%s: job %d not cancelled: already ended or unknown", self.where, job_id)
                return
        log.info("%s: job %d cancelled", self.where, job_id)

    def jobs_titled(self, title: str, since: float) -> dict[int, JobState]:
        wire_title = job_title(title)
        found: dict[int, JobState] = {}
        with self._connection() as connection:
            queue = self._resolve(connection)
            # "all" answers nothing with cupsd 2.4 here (platform.md): ask both halves. pycups
            # keys the answer by job-id, so it must be asked for; cupsd withholds job-name
            # (a private value) but not document-name-supplied, which submit sets too.
            for which in ("not-completed", "completed"):
                jobs = connection.getJobs(
                    which_jobs=which,
                    requested_attributes=[
                        "job-id",
                        "job-name",
                        "document-name-supplied",
                        "job-state",
                        "job-printer-uri",
                        "time-at-creation",
                    ],
                )
                for job_id, attributes in jobs.items():
                    uri = str(attributes.get("job-printer-uri", ""))
                    names = (attributes.get("job-name"), attributes.get("document-name-supplied"))
                    created = float(attributes.get("time-at-creation", 0))
                    if wire_title in names and uri.endswith(f"/{queue}") and created >= since - 1:
                        state = attributes.get("job-state", 0)
                        found[int(job_id)] = JOB_STATES.get(state, JobState.UNKNOWN)
        return found

    # --- helpers -----------------------------------------------------------------------

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Any]:
        """A new connection for one call; every pycups failure leaves as an A4PrinterError."""
        with self._thread_default_server():
            try:
                if self._host is None:
                    connection = cups.Connection()
                else:
                    connection = cups.Connection(host=self._host, port=self._port)
            except CUPS_ERRORS as error:
                raise PrinterUnavailableError(
                    f"cannot reach CUPS server {self.where} (for {self._queue_label}): "
                    f"{_text(error)}"
                ) from error
            try:
                yield connection
            except CUPS_ERRORS as error:
                raise PrinterUnavailableError(
                    f"CUPS server {self.where} (for {self._queue_label}): {_text(error)}"
                ) from error

    @contextlib.contextmanager
    def _thread_default_server(self) -> Iterator[None]:
        """For a TCP server: make it this thread's libcups default for the call (see the
        module's docstring), then restore the previous one."""
        if self._host is None or self._host.startswith("/"):
            yield
            return
        previous = (cups.getServer(), cups.getPort())
        cups.setServer(f"[{self._host}]" if ":" in self._host else self._host)  # IPv6: brackets
        cups.setPort(self._port)
        try:
            yield
        finally:
            cups.setServer(previous[0])
            cups.setPort(previous[1])

    def _resolve(self, connection: Any) -> str:
        if self.queue:
            return self.queue
        default = connection.getDefault()
        if not default:
            raise PrinterUnavailableError(
                f"CUPS server {self.where} has no default queue: name one"
            )
        return str(default)

    def _printer_attributes(self, connection: Any, queue: str, names: list[str]) -> Any:
        try:
            return connection.getPrinterAttributes(queue, requested_attributes=names)
        except cups.IPPError as error:
            if _ipp_status(error) == IPP_NOT_FOUND:
                raise PrinterUnavailableError(
                    f"CUPS server {self.where} has no queue {queue!r}"
                ) from error
            raise

    def _send(self, connection: Any, queue: str, job_id: int, pdf: bytes, title: str) -> None:
        status = connection.startDocument(queue, job_id, title, DOCUMENT_FORMAT, 1)
        if status == HTTP_CONTINUE:
            status = connection.writeRequestData(pdf, len(pdf))
        if status != HTTP_CONTINUE:
            raise JobFailedError(
                f"{self._at(queue)}: job {job_id}: the server stopped the upload (HTTP {status})"
            )
        connection.finishDocument(queue)

    def _abandon(self, job_id: int) -> None:
        """Cancel a job whose document did not arrive whole (best effort, new connection)."""
        with contextlib.suppress(A4PrinterError):
            self.cancel(job_id)

    def _refused(self, queue: str, what: str, error: BaseException) -> NoReturn:
        if isinstance(error, cups.IPPError) and _ipp_status(error) == IPP_NOT_ACCEPTING:
            raise PrinterStoppedError(
                f"{self._at(queue)}: not accepting jobs ({_text(error)})"
            ) from error
        if isinstance(error, cups.IPPError):
            raise JobFailedError(
                f"{self._at(queue)}: the server refused to {what}: {_text(error)}"
            ) from error
        raise PrinterUnavailableError(
            f"{self._at(queue)}: lost the server trying to {what}: {_text(error)}"
        ) from error

    def _at(self, queue: str) -> str:
        return f"queue {queue} on CUPS server {self.where}"

    @property
    def _queue_label(self) -> str:
        return f"queue {self.queue}" if self.queue else "its default queue"


def _split_server(server: str) -> tuple[str | None, int]:
    """(host, port) for cups.Connection: a socket path, `host`, `host:port`, `[v6]:port`."""
    port = int(cups.getPort())
    if not server:
        return None, port
    if server.startswith("/"):
        return server, port
    if server.startswith("["):
        host, _, rest = server[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else port
    host, colon, number = server.rpartition(":")
    if colon and number.isdigit() and ":" not in host:
        return host, int(number)
    return server, port


def _ipp_status(error: BaseException) -> int | None:
    status = error.args[0] if error.args else None
    return status if isinstance(status, int) else None


def _text(error: BaseException) -> str:
    """pycups errors carry (status, message) or (message,): one readable line."""
    if isinstance(error, cups.IPPError) and len(error.args) == 2:
        status, message = error.args
        return f"{message} (IPP status 0x{status:04x})"
    if isinstance(error, cups.HTTPError) and error.args:
        return f"HTTP status {error.args[0]}"
    return str(error) or type(error).__name__
