"""A real cupsd with two queues, private to the test process: `kiosk-pdf` (cups-pdf, prints
to a folder; the server's default) and `kiosk-fault` (a backend of ours that fails on demand).

cups-pdf reads its configuration only from `/etc/cups/cups-pdf.conf` (platform.md), so cupsd
runs as root in a private mount namespace (`unshare --mount`) with the rig's own directory
bind-mounted on /etc/cups. That directory is also cupsd's ServerRoot, RequestRoot, CacheDir,
StateDir and ServerBin: the filters run as user `lp` and must reach the spool files and PPDs,
which they could not under pytest's 0700 temporary directories, but can under /etc/cups. A
system cupsd, if any, is untouched: its /etc/cups, socket, port and spool are not ours. The
clients (pycups, lpadmin `-h`) reach the private server through a unix socket in the work
directory, or a free loopback TCP port.

cupsd dies with the test process (PR_SET_PDEATHSIG, which also covers a test run killed
with SIGKILL; it fires when the *thread* that started cupsd ends, so start and restart it
from the main thread, as session fixtures do) and the rig stops it by its pid. Usage:

    rig = start_cups(workdir)
    printer = CupsPrinter(rig.pdf_queue, server=rig.server)
    ...
    rig.stop()
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

PDF_QUEUE = "kiosk-pdf"
FAULT_QUEUE = "kiosk-fault"
FAULT_MODES = ("ok", "paper-out-stop", "abort", "cancel", "slow")
CUPS_PDF_BACKEND = Path("/usr/lib/cups/backend/cups-pdf")  # Debian printer-driver-cups-pdf
CUPS_PDF_PPD = Path("/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd")
SERVER_BIN = Path("/usr/lib/cups")
PRIVATE_ROOT = "/etc/cups"  # the rig's directory, as cupsd sees it inside its namespace
START_TIMEOUT_S = 10.0
POLL_S = 0.005
SOCKET_PATH_MAX = 107  # sun_path holds 108 bytes with the NUL
PR_SET_PDEATHSIG = 1

# The fault printer. Runs as root (mode 0700); its mode is one line of the fault file,
# "MODE SECONDS", written by CupsRig.set_fault. The exit codes are CUPS's (backend(7)):
# 4 stops the queue and keeps the job, 1 fails the job (aborted under abort-job), 5 cancels it.
FAULT_BACKEND = """#!/bin/sh
if [ $# -eq 0 ]; then
    echo 'direct kiosk-fault "Unknown" "Kiosk test printer that fails on demand"'
    exit 0
fi
mode=ok seconds=0
read -r mode seconds < "{fault_file}" || true
print_it() {{
    target="{fault_out}/job-$1.pdf"
    if [ -n "$6" ]; then cat "$6"; else cat; fi > "$target.part" && mv "$target.part" "$target"
}}
case "$mode" in
    ok) print_it "$@" ;;
    paper-out-stop) echo "STATE: +media-empty-error" >&2; echo "ERROR: out of paper" >&2; exit 4 ;;
    abort) echo "ERROR: kiosk-fault: the printer failed" >&2; exit 1 ;;
    cancel) echo "ERROR: kiosk-fault: job refused" >&2; exit 5 ;;
    slow)
        trap 'kill $sleeper 2>/dev/null; wait $sleeper; exit 0' TERM
        sleep "$seconds" & sleeper=$!
        wait $sleeper
        print_it "$@" ;;
    *) echo "ERROR: kiosk-fault: unknown mode $mode" >&2; exit 1 ;;
esac
exit 0
"""

CUPSD_CONF = """Listen {socket}
Listen 127.0.0.1:{port}
LogLevel debug
MaxLogSize 0
WebInterface No
Browsing No
BrowseLocalProtocols none
DirtyCleanInterval 0
PreserveJobHistory Yes
PreserveJobFiles No
JobRetryInterval 1
<Location />
  Order allow,deny
  Allow localhost
</Location>
"""

# TempDir stays unset: cupsd's default (RequestRoot/tmp) is one user lp may write. Every
# directive has a value: since 2.4.2-3+deb12u10 (a CVE fix) cupsd refuses a bare directive
# ("Missing value for Printcap"); the printcap cupsd writes stays in the rig's directory.
CUPS_FILES_CONF = """ServerRoot {root}
ServerBin {root}/bin
RequestRoot {root}/spool
CacheDir {root}/cache
StateDir {root}/state
ErrorLog {log}/error_log
AccessLog {log}/access_log
PageLog {log}/page_log
Printcap {root}/printcap
SystemGroup root
FileDevice No
"""

# cups-pdf: output, its spool, its log and gs's temporary files all in the work directory;
# Label 2 puts "-job_<id>" at the end of every name.
CUPS_PDF_CONF = """Out {out}
AnonDirName {out}
Spool {workdir}/cups-pdf-spool
Log {log}
GSTmp {workdir}/gs-tmp
Label 2
"""


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class CupsRig:
    """A private cupsd. `server` is what CupsPrinter(server=…) and devices.cups_server take."""

    workdir: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    pdf_queue: str = PDF_QUEUE
    fault_queue: str = FAULT_QUEUE
    start_s: float = 0.0  # how long the last start took, for the report

    @property
    def server(self) -> str:
        return str(self.socket_path)

    @property
    def tcp_server(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def socket_path(self) -> Path:
        return self.workdir / "cups.sock"

    @property
    def root(self) -> Path:
        """The private /etc/cups, as seen from outside the namespace."""
        return self.workdir / "etc-cups"

    @property
    def out_dir(self) -> Path:
        return self.workdir / "out"

    @property
    def fault_out_dir(self) -> Path:
        return self.workdir / "fault-out"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        path = self.workdir / "log" / "error_log"
        return path.read_text(errors="replace") if path.exists() else ""

    # --- faults ------------------------------------------------------------------------

    def set_fault(self, mode: str, *, seconds: float = 0.0) -> None:
        """What kiosk-fault does with the next job: ok, paper-out-stop, abort, cancel, or slow
        (`seconds`, then ok)."""
        if mode not in FAULT_MODES:
            raise ValueError(f"fault mode {mode!r}: one of {', '.join(FAULT_MODES)}")
        fault_file = self.workdir / "fault-mode"
        partial = fault_file.with_suffix(".part")
        partial.write_text(f"{mode} {seconds:g}\n", encoding="ascii")
        partial.rename(fault_file)

    def set_reasons(self, queue: str, reasons: Iterable[str]) -> None:
        """Set printer-state-reasons as a driver would report them (`none` clears them)."""
        self.admin("lpadmin", "-p", queue, "-o", f"printer-state-reasons={','.join(reasons)}")

    def disable(self, queue: str, reason: str = "") -> None:
        """Stop the queue (cupsdisable): jobs wait, the printer's state is stopped."""
        self.admin("cupsdisable", *(["-r", reason] if reason else []), queue)

    def enable(self, queue: str) -> None:
        self.admin("cupsenable", queue)

    def reject(self, queue: str) -> None:
        """Stop accepting jobs (cupsreject): the printer may be idle, but a submit fails."""
        self.admin("cupsreject", queue)

    def accept(self, queue: str) -> None:
        self.admin("cupsaccept", queue)

    def reset(self) -> None:
        """A clean state for the next test: every job cancelled, queues enabled, accepting and
        without reasons, kiosk-fault printing."""
        self.set_fault("ok")
        if not self.running:
            self.start_server()
        for queue in (self.pdf_queue, self.fault_queue):
            self.admin("cancel", "-a", queue)
            self.set_reasons(queue, ["none"])
            self.admin("cupsenable", queue)
            self.admin("cupsaccept", queue)

    def admin(self, tool: str, *args: str) -> str:
        """Run a CUPS command-line tool against this server (`-h SOCKET`); raise on failure."""
        done = subprocess.run(
            [tool, "-h", self.server, *args], capture_output=True, text=True, timeout=10
        )
        if done.returncode != 0:
            raise RuntimeError(f"{tool} {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    # --- output ------------------------------------------------------------------------

    def pdf_for_job(self, queue: str, job_id: int, timeout_s: float = 5.0) -> Path:
        """The PDF a job became: cups-pdf names it `<mangled title>-job_<id>.pdf`; kiosk-fault
        `job-<id>.pdf`. Waits until it is there and whole."""
        if queue == self.fault_queue:
            pattern, folder = f"job-{job_id}.pdf", self.fault_out_dir
        else:
            pattern, folder = f"*-job_{job_id}.pdf", self.out_dir
        deadline = time.monotonic() + timeout_s
        while True:
            found = sorted(folder.glob(pattern))
            if found and _complete_pdf(found[0]):
                return found[0]
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {folder / pattern} after {timeout_s} s")
            time.sleep(0.01)

    # --- the server --------------------------------------------------------------------

    def start_server(self) -> None:
        """Start cupsd (again: queues and job history survive) and wait until it answers."""
        if self.running:
            return
        started = time.monotonic()
        self.socket_path.unlink(missing_ok=True)
        log_path = self.workdir / "log" / "cupsd.out"
        with log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self._cupsd_command("-f"),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        deadline = started + START_TIMEOUT_S
        while not self._answers():
            if self.process.poll() is not None:
                output = log_path.read_text(errors="replace")[-2000:]
                raise RuntimeError(
                    f"cupsd exited ({self.process.returncode}):\n{output}\n{self.log()[-2000:]}"
                )
            if time.monotonic() > deadline:
                self.stop_server()
                raise RuntimeError(f"cupsd did not answer:\n{self.log()[-2000:]}")
            time.sleep(POLL_S)
        self.start_s = time.monotonic() - started

    def stop_server(self) -> None:
        """Stop cupsd (SIGTERM, by its pid): the server is down until start_server()."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None
        self.socket_path.unlink(missing_ok=True)

    def kill_server(self) -> None:
        """Kill cupsd (SIGKILL), as a crash would: its backends live on, orphaned, and a job
        it was printing is resumed by the next start_server()."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait(5)
        self.process = None

    def check_config(self) -> str:
        """cupsd's own check of the rig's configuration (`cupsd -t`), in the rig's namespace;
        its output. Raises RuntimeError when cupsd finds an error."""
        done = subprocess.run(self._cupsd_command("-t"), capture_output=True, text=True, timeout=10)
        if done.returncode != 0:
            raise RuntimeError(f"cupsd -t ({done.returncode}): {done.stdout}{done.stderr}")
        return done.stdout + done.stderr

    def stop(self) -> None:
        self.stop_server()

    def _cupsd_command(self, mode: str) -> list[str]:
        """cupsd with the rig's configuration, in a mount namespace where the rig's directory
        is /etc/cups; `mode`: -f (run in the foreground) or -t (check the configuration)."""
        script = (
            f'mount --bind "{self.root}" {PRIVATE_ROOT} && exec cupsd {mode}'
            f" -c {PRIVATE_ROOT}/cupsd.conf -s {PRIVATE_ROOT}/cups-files.conf"
        )
        return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script]

    def _answers(self) -> bool:
        if not self.socket_path.exists():
            return False
        for family, address in (
            (socket.AF_UNIX, str(self.socket_path)),
            (socket.AF_INET, ("127.0.0.1", self.port)),
        ):
            with socket.socket(family) as probe:
                try:
                    probe.connect(address)
                except OSError:
                    return False
        return True


def _complete_pdf(path: Path) -> bool:
    """A PDF ends with %%EOF (and maybe a newline): not one ghostscript is still writing."""
    try:
        with path.open("rb") as pdf:
            pdf.seek(max(path.stat().st_size - 32, 0))
            return b"%%EOF" in pdf.read()
    except OSError:
        return False


def _write_config(workdir: Path, port: int) -> None:
    root = workdir / "etc-cups"
    for folder in ("etc-cups/bin/backend", "etc-cups/ppd", "log", "out", "fault-out"):
        (workdir / folder).mkdir(parents=True, exist_ok=True)
    for folder in ("cups-pdf-spool", "gs-tmp"):
        (workdir / folder).mkdir(mode=0o700, exist_ok=True)
    values = {
        "root": PRIVATE_ROOT,
        "log": workdir / "log",
        "socket": workdir / "cups.sock",
        "port": port,
        "out": workdir / "out",
        "workdir": workdir,
    }
    (root / "cupsd.conf").write_text(CUPSD_CONF.format(**values))
    (root / "cups-files.conf").write_text(CUPS_FILES_CONF.format(**values))
    (root / "cups-pdf.conf").write_text(CUPS_PDF_CONF.format(**values))
    # ServerBin: Debian's filters and helpers, and a backend directory of our own.
    for part in ("filter", "daemon", "cgi-bin", "monitor", "notifier", "driver", "command"):
        link = root / "bin" / part
        if not link.is_symlink() and (SERVER_BIN / part).exists():
            link.symlink_to(SERVER_BIN / part)
    backends = root / "bin" / "backend"
    cups_pdf = backends / "cups-pdf"
    if not cups_pdf.is_symlink():
        cups_pdf.symlink_to(CUPS_PDF_BACKEND)
    fault = backends / "kiosk-fault"
    fault.write_text(
        FAULT_BACKEND.format(fault_file=workdir / "fault-mode", fault_out=workdir / "fault-out")
    )
    fault.chmod(0o700)  # not executable by others: cupsd runs it as root


def start_cups(workdir: Path) -> CupsRig:
    """Start the private cupsd in `workdir` and make its two queues (see the module doc).

    Needs root (the mount namespace), unshare (util-linux), cupsd and cups-pdf.
    """
    if os.geteuid() != 0:
        raise PermissionError("the cups rig needs root (a mount namespace for /etc/cups)")
    for needed in (CUPS_PDF_BACKEND, CUPS_PDF_PPD):
        if not needed.exists():
            raise FileNotFoundError(f"{needed} missing: install printer-driver-cups-pdf")
    if shutil.which("cupsd") is None:
        raise FileNotFoundError("cupsd missing: install cups-daemon")
    workdir = workdir.resolve()
    if len(str(workdir / "cups.sock")) > SOCKET_PATH_MAX:
        raise ValueError(f"{workdir}: too long a path for a unix socket in it")
    port = free_port()
    _write_config(workdir, port)
    rig = CupsRig(workdir, port)
    rig.set_fault("ok")
    rig.start_server()
    try:
        rig.admin("lpadmin", "-p", PDF_QUEUE, "-E", "-v", "cups-pdf:/", "-P", str(CUPS_PDF_PPD),
                  "-o", "PageSize=A4")  # fmt: skip
        rig.admin("lpadmin", "-p", FAULT_QUEUE, "-E", "-v", "kiosk-fault:/",
                  "-o", "printer-error-policy=abort-job")  # fmt: skip
        rig.admin("lpadmin", "-d", PDF_QUEUE)  # the server's default destination
    except Exception:
        rig.stop()
        raise
    return rig


@contextlib.contextmanager
def cups_server(workdir: Path) -> Iterator[CupsRig]:
    """start_cups as a context manager."""
    rig = start_cups(workdir)
    try:
        yield rig
    finally:
        rig.stop()
