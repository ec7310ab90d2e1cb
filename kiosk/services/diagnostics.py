"""The diagnostics screen's core: who may open it (the technicians' PIN, with a lockout), what
it shows (devices, outbox, version, uptime, disk, serial ports, the log's tail) and the tests
it runs (a card read, a test page, a test slip, a test sentence, the central service).

Every attempt and every action is an audit event for the county (`diagnostics.*`, through the
outbox, no personal data). The PIN is checked on the executor: PBKDF2 at 200 000 rounds costs
more than the GUI thread's 50 ms. Five wrong PINs lock the screen for ten minutes, a lock kept
in the state directory so that a restart does not lift it. Nothing here imports Qt.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import socket
import ssl
import stat
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from kiosk import __version__
from kiosk.devices.status import DeviceStatus
from kiosk.executor import Executor, Outcome
from kiosk.pin import verify_pin
from kiosk.privacy import mask_for_bundle, masked_id_number, masked_name
from kiosk.session import Session, State

if TYPE_CHECKING:
    from kiosk.api.client import CentralClient
    from kiosk.app import Core
    from kiosk.devices.card_monitor import CardEvent
    from kiosk.outbox import KindSummary, Outbox

log = logging.getLogger(__name__)

AUDIT_KIND = "audit"  # the outbox's kind for audit events
WRONG_PINS_BEFORE_LOCK = 5
LOCK_S = 600.0
LOCK_FILE = "technician-lock.json"
LOG_LINES = 200
LOG_TAIL_BYTES = 256 * 1024  # enough for 200 lines of the kiosk's log
TLS_TIMEOUT_S = 5.0
CERT_WARN_DAYS = 30
TEST_SENTENCE_ID = "diagnostics_test"


class CheckFailedError(Exception):
    """A check's finding in words for the technician (not configured, a certificate that
    expires soon)."""


class Audit:
    """`diagnostics.*` events for the county's audit trail, queued in the outbox (durable,
    delivered once) and written to the log; refused here if a detail holds personal data."""

    def __init__(self, wall: Callable[[], float] = time.time) -> None:
        self.outbox: Outbox | None = None  # set when the core connects
        self._wall = wall

    def record(self, kind: str, **details: str | int | bool) -> None:
        from kiosk.api.models import AuditEvent

        at = dt.datetime.fromtimestamp(self._wall()).astimezone()
        event = AuditEvent(event_id=uuid.uuid4().hex, kind=kind, at=at, details=dict(details))
        log.info("audit %s %s", kind, json.dumps(details, ensure_ascii=False, sort_keys=True))
        if self.outbox is None:
            log.warning("audit %s kept in the log only: no central service configured", kind)
            return
        payload = event.model_dump(mode="json", exclude={"event_id"})
        try:
            self.outbox.enqueue(AUDIT_KIND, payload, event_id=event.event_id)
        except Exception:  # disk full, outbox closed: the log line above still holds it
            log.exception("audit %s not queued", kind)


# --- who may open the screen -------------------------------------------------------------


class Gate(StrEnum):
    OPEN = "open"  # the PIN matched
    WRONG = "wrong"  # it did not; `attempts_left` more before the lock
    LOCKED = "locked"  # too many wrong PINs; `locked_s` seconds left
    NO_PIN = "no_pin"  # no PIN hash configured: nobody gets in
    IN_SESSION = "in_session"  # a resident is using the kiosk


@dataclass(frozen=True, slots=True)
class GateAnswer:
    gate: Gate
    attempts_left: int = WRONG_PINS_BEFORE_LOCK
    locked_s: float = 0.0

    @property
    def locked_minutes(self) -> int:
        return max(1, int(self.locked_s + 59) // 60)


class TechnicianGate:
    def __init__(
        self,
        pin_hash: str,
        session: Session,
        state_dir: Path,
        audit: Audit,
        executor: Executor,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self._pin_hash = pin_hash
        self._session = session
        self._lock_file = state_dir / LOCK_FILE
        self._audit = audit
        self._executor = executor
        self._wall = wall
        self._guard = threading.Lock()
        self.is_open = False
        self._wrong, self._locked_until = self._load()

    def refusal(self) -> GateAnswer | None:
        """Why the PIN pad may not take a PIN now; None when it may."""
        if self._session.state is not State.IDLE:
            return GateAnswer(Gate.IN_SESSION)
        if not self._pin_hash:
            return GateAnswer(Gate.NO_PIN)
        with self._guard:
            left_s = self._locked_until - self._wall()
        if left_s > 0:
            return GateAnswer(Gate.LOCKED, 0, left_s)
        return None

    def check(self, pin: str, done: Callable[[GateAnswer], None]) -> None:
        """Check `pin` on the executor; `done(answer)` as the executor delivers it."""
        refused = self.refusal()
        if refused is not None:
            self._audit.record("diagnostics.pin_refused", reason=str(refused.gate))
            done(refused)
            return
        pin_hash = self._pin_hash
        self._executor.submit(
            lambda: verify_pin(pin, pin_hash), lambda outcome: done(self._judge(outcome))
        )

    def _judge(self, outcome: Outcome[Any]) -> GateAnswer:
        if self._session.state is not State.IDLE:  # a card came while the PIN was checked
            self._audit.record("diagnostics.pin_refused", reason=str(Gate.IN_SESSION))
            return GateAnswer(Gate.IN_SESSION)
        if outcome.error is None and outcome.value:
            with self._guard:
                self._wrong, self._locked_until = 0, 0.0
                self.is_open = True
            self._save()
            self._audit.record("diagnostics.opened")
            return GateAnswer(Gate.OPEN)
        with self._guard:
            self._wrong += 1
            attempt = self._wrong
            if attempt >= WRONG_PINS_BEFORE_LOCK:
                self._wrong, self._locked_until = 0, self._wall() + LOCK_S
        self._save()
        self._audit.record("diagnostics.pin_wrong", attempt=attempt)
        if attempt >= WRONG_PINS_BEFORE_LOCK:
            log.warning("diagnostics locked for %d s after %d wrong PINs", LOCK_S, attempt)
            self._audit.record("diagnostics.locked", minutes=int(LOCK_S // 60))
            return GateAnswer(Gate.LOCKED, 0, LOCK_S)
        return GateAnswer(Gate.WRONG, WRONG_PINS_BEFORE_LOCK - attempt)

    def close(self, reason: str) -> None:
        """The technician left (or stopped touching): back to the residents."""
        if self.is_open:
            self.is_open = False
            self._audit.record("diagnostics.closed", reason=reason)

    def _load(self) -> tuple[int, float]:
        try:
            data = json.loads(self._lock_file.read_text(encoding="utf-8"))
            return int(data["wrong"]), float(data["locked_until"])
        except FileNotFoundError:
            return 0, 0.0
        except (OSError, ValueError, KeyError, TypeError) as error:
            # A damaged lock file must not open the screen to guessing: treat it as a lock.
            log.error("technician lock file %s unreadable (%s): locked", self._lock_file, error)
            return 0, self._wall() + LOCK_S

    def _save(self) -> None:
        with self._guard:
            data = {"wrong": self._wrong, "locked_until": self._locked_until}
        try:
            temporary = self._lock_file.with_suffix(".tmp")
            temporary.write_text(json.dumps(data), encoding="utf-8")
            temporary.replace(self._lock_file)
        except OSError as error:
            log.error("technician lock file %s not written: %s", self._lock_file, error)


# --- what the screen shows ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SerialPort:
    role: str  # idcard, receipt
    path: str
    target: str  # where a udev symlink leads; the path itself otherwise
    exists: bool
    mode: str  # crw-rw----
    owner: str  # root:dialout
    may_open: bool  # this process may read and write it


@dataclass(frozen=True, slots=True)
class Snapshot:
    devices: list[DeviceStatus]
    outbox: list[KindSummary] | None  # None: no central service, so no outbox
    version: str
    uptime_s: float
    disk_free_bytes: int
    disk_total_bytes: int
    serial_ports: list[SerialPort]
    log_lines: list[str] = field(default_factory=list)  # the newest last, masked


class Check(StrEnum):
    IDCARD = "idcard"  # the next card placed is read and shown masked
    PRINTER = "printer"  # an A4 test page
    RECEIPT = "receipt"  # a test slip
    SPEECH = "speech"  # a test sentence
    CENTRAL = "central"  # latency, TLS certificate, clock
    CAPTURE = "capture"  # a page from the scanner, measured and thrown away


@dataclass(frozen=True, slots=True)
class CheckResult:
    test: Check
    ok: bool
    detail: str  # for the technician: what was measured, or what failed and why


ResultListener = Callable[[CheckResult], None]


class Diagnostics:
    def __init__(self, core: Core, started: float, audit: Audit) -> None:
        self._core = core
        self._started = started  # wall clock at start-up, for the uptime
        self._audit = audit
        self._listeners: list[ResultListener] = []
        self.card_test_armed = False

    def on_result(self, listener: ResultListener) -> None:
        """`listener(result)` on the executor's `done` thread (the GUI's on the kiosk)."""
        self._listeners.append(listener)

    # --- the snapshot --------------------------------------------------------------------

    def snapshot(self, done: Callable[[Snapshot], None]) -> None:
        """Gather everything on the executor (disk, sqlite, the log file); `done(snapshot)`."""

        def delivered(outcome: Outcome[Any]) -> None:
            if isinstance(outcome.value, Snapshot):
                done(outcome.value)
            else:
                log.error("diagnostics snapshot failed: %r", outcome.error)

        self._core.executor.submit(self._gather, delivered)

    def _gather(self) -> Snapshot:
        core = self._core
        state_dir = core.config.state_dir
        usage = shutil.disk_usage(state_dir if state_dir.exists() else "/")
        outbox = None
        if core.outbox is not None:
            try:
                outbox = core.outbox.summary()
            except Exception as error:  # closed at shutdown, or a damaged file
                log.warning("outbox summary failed: %s", error)
        return Snapshot(
            devices=core.device_statuses(),
            outbox=outbox,
            version=__version__,
            uptime_s=time.time() - self._started,
            disk_free_bytes=usage.free,
            disk_total_bytes=usage.total,
            serial_ports=serial_ports(core),
            log_lines=log_tail(core.log_file, LOG_LINES),
        )

    # --- the tests -----------------------------------------------------------------------

    def run(self, test: Check) -> None:
        """Start a test; its result comes to the `on_result` listeners."""
        if test is Check.IDCARD:
            self.card_test_armed = True
            return  # the result comes with the next card (`card_event`)
        work = {
            Check.PRINTER: self._print_test_page,
            Check.RECEIPT: self._print_test_slip,
            Check.CENTRAL: self._check_central,
            Check.CAPTURE: self._capture_page,
        }.get(test)
        if test is Check.SPEECH:
            self._speak_test_sentence()
        elif work is not None:
            self._core.executor.submit(work, lambda outcome: self._finish(test, outcome))

    def card_event(self, event: CardEvent) -> None:
        """A card while the screen is open: the card test's result (masked: 张*伟,
        511321********0030, never logged), or nothing when the test is not armed."""
        from kiosk.devices.card_monitor import CardRead, ReadFailed, SocialCardRead

        answers = CardRead | SocialCardRead | ReadFailed
        if not self.card_test_armed or not isinstance(event, answers):
            return
        self.card_test_armed = False
        if isinstance(event, ReadFailed):
            self._report(CheckResult(Check.IDCARD, False, event.error.technician_message))
        elif isinstance(event, CardRead):
            card = event.card
            shown = f"{masked_name(card.name)}  {masked_id_number(card.id_number)}"
            self._report(CheckResult(Check.IDCARD, True, f"{shown}  (SAM {event.sam_id})"))
        else:
            social = event.card
            shown = f"{masked_name(social.name)}  {masked_id_number(social.social_security_number)}"
            self._report(CheckResult(Check.IDCARD, True, f"{shown}  (社会保障卡)"))

    def disarm(self) -> None:
        self.card_test_armed = False

    def _finish(self, test: Check, outcome: Outcome[Any]) -> None:
        from drivers.errors import DeviceError
        from kiosk.api.errors import CentralError

        error = outcome.error
        if error is None:
            self._report(CheckResult(test, True, str(outcome.value)))
        elif isinstance(error, (DeviceError, CentralError)):
            self._report(CheckResult(test, False, error.technician_message))
        elif isinstance(error, CheckFailedError):
            self._report(CheckResult(test, False, str(error)))
        elif isinstance(error, (OSError, ValueError)):  # ssl.SSLError, a refused socket …
            self._report(CheckResult(test, False, f"{type(error).__name__}: {error}"))
        else:
            raise error  # a bug: the crash handler reports it

    def _report(self, result: CheckResult) -> None:
        log.info("diagnostics test %s: %s", result.test, "ok" if result.ok else "FAILED")
        self._audit.record("diagnostics.test", test=str(result.test), ok=result.ok)
        for listener in self._listeners:
            listener(result)

    def _print_test_page(self) -> str:
        from kiosk.print_diag import print_test

        printer = self._core.printer
        if printer is None:
            raise CheckFailedError("no A4 printer configured (devices.a4_printer = none)")
        report = print_test(printer, self._core.config.kiosk.id, self._print_timeout_s)
        data = report.data
        return f"{data['printer']}: job {data['job_id']} {data['state']} in {data['seconds']} s"

    @property
    def _print_timeout_s(self) -> float:
        return self._core.config.devices.print_timeout_s

    def _print_test_slip(self) -> str:
        from kiosk.documents.receipt import Receipt

        receipts = self._core.receipts
        if receipts is None:
            raise CheckFailedError("no receipt printer configured (devices.receipt_printer)")
        now = dt.datetime.now().astimezone()
        site = self._core.config.kiosk.site_name
        kiosk_id = self._core.config.kiosk.id
        slip = Receipt("打印测试 test slip", now, f"TEST-{now:%H%M%S}", "000000", kiosk_id, site)
        warning = receipts.output.print_receipt(slip)
        receipts.check()
        return f"{receipts.output.name}: printed" + (f" ({warning})" if warning else "")

    def _capture_page(self) -> str:
        capture = self._core.capture
        if capture is None:
            raise CheckFailedError("no scanner configured (devices.scanner = none)")
        page = capture.capture()  # measured, then dropped: nothing of it is kept
        return f"{page.width_px}x{page.height_px} px at {page.dpi} dpi, {len(page.jpeg) // 1024} KB"

    def _speak_test_sentence(self) -> None:
        voice = self._core.voice
        if voice is None or not voice.available:
            reason = voice.status.status.reason if voice is not None else "no voice prompts"
            self._report(CheckResult(Check.SPEECH, False, reason))
            return

        def heard(seconds: float | None, problem: str) -> None:
            if seconds is None:
                self._report(CheckResult(Check.SPEECH, False, problem))
            else:
                self._report(CheckResult(Check.SPEECH, True, f"playing {seconds:.1f} s of audio"))

        voice.say_test(TEST_SENTENCE_ID, "zh_CN", heard)

    def _check_central(self) -> str:
        central = self._core.central
        if central is None:
            raise CheckFailedError("no central service configured (central.url is empty)")
        probe = central.probe()
        offset = "unknown" if probe.clock_offset_s is None else f"{probe.clock_offset_s:+.0f} s"
        parts = [f"{probe.round_trip_ms:.0f} ms", f"clock offset {offset}"]
        expiry = tls_expiry(central)
        if expiry is not None:
            days = (expiry - dt.datetime.now(dt.UTC)).days
            parts.append(f"TLS certificate valid until {expiry:%Y-%m-%d} ({days} days)")
            if days < CERT_WARN_DAYS:
                raise CheckFailedError("; ".join(parts) + f": renew it within {days} days")
        return "; ".join(parts)


def tls_expiry(central: CentralClient) -> dt.datetime | None:
    """When the centre's TLS certificate expires (UTC); None over plain HTTP. Verified as the
    client verifies (its CA bundle, its client certificate): raises ssl.SSLError or OSError."""
    settings = central.settings
    parts = urlsplit(settings.base_url)
    if parts.scheme != "https" or parts.hostname is None:
        return None
    context = ssl.create_default_context(cafile=settings.ca_bundle or None)
    if settings.client_cert is not None:
        context.load_cert_chain(*settings.client_cert)
    with (
        socket.create_connection((parts.hostname, parts.port or 443), TLS_TIMEOUT_S) as raw,
        context.wrap_socket(raw, server_hostname=parts.hostname) as tls,
    ):
        certificate = tls.getpeercert()
    not_after = certificate.get("notAfter") if certificate else None
    if not isinstance(not_after, str):
        return None
    return dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), dt.UTC)


def serial_ports(core: Core) -> list[SerialPort]:
    """The configured serial ports: where they lead, their modes, and whether we may open them."""
    devices = core.config.devices
    ports: list[tuple[str, str]] = []
    if core.demo_card_slot is not None:
        ports.append(("idcard", str(core.demo_card_slot.port)))
    elif devices.idcard_reader == "sam-serial":
        ports.append(("idcard", devices.idcard_port))
    if devices.receipt_printer == "escpos-serial":
        ports.append(("receipt", devices.receipt_port))
    return [_port(role, path) for role, path in ports]


def _port(role: str, path: str) -> SerialPort:
    import grp
    import pwd

    try:
        info = os.stat(path)
    except OSError:
        return SerialPort(role, path, path, False, "", "", False)
    try:
        owner = pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        owner = str(info.st_uid)
    try:
        group = grp.getgrgid(info.st_gid).gr_name
    except KeyError:
        group = str(info.st_gid)
    may_open = os.access(path, os.R_OK | os.W_OK)
    return SerialPort(
        role,
        path,
        os.path.realpath(path),
        True,
        stat.filemode(info.st_mode),
        f"{owner}:{group}",
        may_open,
    )


def log_tail(path: Path, lines: int) -> list[str]:
    """The last `lines` lines of the log, masked again for the screen (no ID, no phone)."""
    try:
        with path.open("rb") as file:
            size = file.seek(0, os.SEEK_END)
            file.seek(max(0, size - LOG_TAIL_BYTES))
            data = file.read()
    except OSError as error:
        return [f"log file {path} unreadable: {error}"]
    text = data.decode("utf-8", errors="replace").splitlines()
    if size > LOG_TAIL_BYTES:
        text = text[1:]  # the first line was cut by the seek
    return [mask_for_bundle(line) for line in text[-lines:]]
