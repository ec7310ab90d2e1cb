"""The one composition of the core: config → logging → drivers → central client → outbox →
services → session.

Every front end builds the core here: `kiosk-diag` uses it as it is, the touchscreen's entry
point (`ui/app.py`) puts its windows on top. Demo mode is the same root with simulator drivers
and the reference central service started on a free loopback port. Nothing here imports Qt.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from drivers.idcard.base import IdCardReader
from drivers.idcard.sam_serial import SamSerialReader
from drivers.idcard.simulator import SamSimulator
from drivers.printer.a4 import A4Printer
from drivers.printer.folder import FolderPrinter
from kiosk import logs
from kiosk.api.demo import DEMO_DEVICE_SECRET
from kiosk.api.texts import CentreTexts
from kiosk.catalog import CatalogStore
from kiosk.config import Config
from kiosk.crash import CrashReporter
from kiosk.demo import DEMO_TECH_PIN, DemoControls
from kiosk.demo_central import DemoCentral
from kiosk.devices.card_monitor import DEVICE_NAME as IDCARD_DEVICE
from kiosk.devices.card_monitor import CardMonitor
from kiosk.devices.printer_monitor import DEVICE_NAME as PRINTER_DEVICE
from kiosk.devices.printer_monitor import PrinterMonitor
from kiosk.devices.status import DeviceStatus, Level
from kiosk.executor import Executor, Outcome, ThreadExecutor
from kiosk.services.acceptance import AcceptancePrinting
from kiosk.services.applying import Applying
from kiosk.services.capture import DocumentCapture
from kiosk.services.capture import configured as capture_configured
from kiosk.services.certificates import (
    JOURNAL_FILE,
    NO_PRINTER_MESSAGE,
    CertificatePrinting,
    PrintJournal,
)
from kiosk.services.diagnostics import Audit, Diagnostics, TechnicianGate
from kiosk.services.help import HelpRequests
from kiosk.services.identification import Identification
from kiosk.services.preview import CertificatePreviewing
from kiosk.services.progress import ApplicationsQuery
from kiosk.services.query_print import QueryResultPrinting
from kiosk.services.rating import Ratings
from kiosk.services.receipts import EscPosReceipts, FolderReceipts, ReceiptOutput, ReceiptPrinting
from kiosk.services.records import RecordsQuery
from kiosk.services.sms_sign_in import SmsSignIn
from kiosk.services.support import RemoteSupport
from kiosk.session import Session, State
from kiosk.voice import LANGUAGES, Prompts, PromptsError, VoiceGuide, player_command
from kiosk.voice import device_status as voice_status

if TYPE_CHECKING:  # loaded by Core.connect(), after the first frame
    from kiosk.api.client import CentralClient
    from kiosk.api.models import HeartbeatAnswer
    from kiosk.devices.smartcard_service import SmartCardService
    from kiosk.outbox import Outbox
    from kiosk.services.events import HeartbeatService

log = logging.getLogger(__name__)

OUTBOX_FILE = "outbox.sqlite3"
STOP_DRAIN_S = 3.0
DEMO_CENTRAL_START_S = 30


class Service(Protocol):
    """A part of the core with a thread or a process of its own."""

    def start(self) -> None: ...
    def stop(self) -> object: ...


@dataclass
class Core:
    """Everything below the windows, built once per process.

    Built in two steps so the first frame comes fast: `build_core` makes what the screens
    need at once; `connect()` (called by `start()`, after the first frame) builds what talks to
    the centre, whose imports (requests, pydantic) cost more than the whole first frame.
    """

    config: Config
    demo: bool
    session: Session
    identification: Identification
    sms: SmsSignIn
    certificates: CertificatePrinting
    preview: CertificatePreviewing
    query_print: QueryResultPrinting
    records: RecordsQuery
    applying: Applying  # 申请: the form, the captured materials, the submission
    progress: ApplicationsQuery  # 办件查询
    acceptance: AcceptancePrinting  # the 受理回执, once an application went in
    ratings: Ratings
    help: HelpRequests
    crash: CrashReporter
    catalog: CatalogStore
    log_file: Path
    executor: Executor
    demo_central: DemoCentral | None = None
    central: CentralClient | None = None
    outbox: Outbox | None = None
    card_monitor: CardMonitor | None = None
    demo_card_slot: SamSimulator | None = None  # the simulated SAM module behind the port
    demo_controls: DemoControls | None = None  # what the demo panel and the tour may do
    smartcard: SmartCardService | None = None  # 社会保障卡 in a PC/SC reader
    heartbeat: HeartbeatService | None = None
    printer_monitor: PrinterMonitor | None = None  # the A4 printer's status
    receipts: ReceiptPrinting | None = None  # the 80 mm slip printer, if there is one
    capture: DocumentCapture | None = None  # the scanner or 高拍仪, if there is one
    voice: VoiceGuide | None = None  # voice guidance; None when its prompts cannot be read
    audit: Audit = field(default_factory=Audit)  # what technicians do, for the county
    technician: TechnicianGate = field(init=False)  # the diagnostics screen's PIN (build_core)
    diagnostics: Diagnostics = field(init=False)  # what that screen shows and tests (build_core)
    support: RemoteSupport = field(init=False)  # the centre's requests, done when idle
    services: list[Service] = field(default_factory=list)  # started in order, stopped reversed
    centre_texts: CentreTexts = field(default_factory=CentreTexts)  # its refusals in English
    _connected: bool = field(default=False, repr=False)
    _talk_to_centre: list[Service] = field(default_factory=list, repr=False)
    _start_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _stopping: bool = field(default=False, repr=False)

    def connect(self) -> None:
        """Build the central client, the outbox, the catalog loader and the heartbeat."""
        if self._connected:
            return
        self._connected = True
        if self.demo_central is not None:
            self.services.insert(0, self.demo_central)
        central = _client(self.config, self.demo_central, self.demo, self.centre_texts)
        if central is None:
            return
        from kiosk.catalog import CatalogLoader, notices_from_api
        from kiosk.outbox import Outbox
        from kiosk.services.events import EventSender, HeartbeatService

        loader = CatalogLoader(central, self.catalog)
        catalog = self.catalog

        def heard(answer: HeartbeatAnswer) -> None:
            self.support.heard(answer)  # a new catalog: fetched at the next idle moment
            notices = notices_from_api(answer.announcements, answer.alerts)
            if notices != catalog.current.announcements:
                catalog.update(lambda current: replace(current, announcements=notices))

        self.central = central
        self.support.central, self.support.loader = central, loader
        self.identification.central = central
        self.sms.central = central
        self.sms.demo_codes = self.demo
        self.certificates.central = central
        self.preview.central = central
        self.query_print.central = central
        self.records.central = central
        self.applying.central = central
        self.progress.central = central
        self.outbox = Outbox(
            self.config.state_dir / OUTBOX_FILE,
            EventSender(central, heard, self.help.answered),
            max_events=self.config.central.outbox_max_events,
        )
        self.certificates.outbox = self.outbox
        self.ratings.outbox = self.outbox
        self.help.outbox = self.outbox
        self.audit.outbox = self.outbox
        self.heartbeat = HeartbeatService(
            self.outbox, self.config.central.heartbeat_interval_s, self.device_statuses
        )
        self._talk_to_centre = [self.outbox, loader, self.heartbeat]
        self.services += self._talk_to_centre

    def start(self) -> None:
        self.connect()
        # Demo mode: what talks to the centre waits until the demo centre answers (about a
        # second), rather than filling a newcomer's terminal with "connection refused".
        later = self._talk_to_centre if self.demo_central is not None else []
        for service in self.services:
            if service not in later:
                service.start()
        if later:
            threading.Thread(
                target=self._start_when_the_demo_centre_answers,
                args=(later,),
                name="demo-centre-wait",
                daemon=True,
            ).start()
        if self.receipts is not None:
            self.executor.submit(self.receipts.check, _log_device_check)
        if self.capture is not None:
            self.executor.submit(self.capture.check, _log_device_check)
        if self.voice is not None:
            self.voice.warm_up(LANGUAGES)
        if self.printer is not None:
            # reportlab's imports and the CJK font cost ~120 ms once per process: pay them
            # now, on a worker, rather than on the first resident's print.
            self.executor.submit(_warm_up_documents, _log_warm_up)

    def _start_when_the_demo_centre_answers(self, services: list[Service]) -> None:
        assert self.demo_central is not None
        answering = self.demo_central.wait_until_answering(DEMO_CENTRAL_START_S)
        with self._start_lock:
            if self._stopping:  # stopped while it waited: no fault of the demo centre's
                return
            if not answering:
                log.error(
                    "the demo central service did not answer within %d s", DEMO_CENTRAL_START_S
                )
            for service in services:
                service.start()

    def stop(self) -> None:
        """End a session still under way (wiping it), then stop every thread and process."""
        with self._start_lock:
            self._stopping = True
        if self.session.state is not State.IDLE:
            self.session.exit()  # queues the close of the resident's session at the centre
        for service in reversed(self.services):
            service.stop()
        self.executor.drain(STOP_DRAIN_S)  # let that close go out before the client closes
        if self.central is not None:
            self.central.close()
        if self.voice is not None:
            self.voice.close()

    def rate(self, score: int, tags: tuple[str, ...] = ()) -> None:
        """好差评: queue the resident's score for each service used (durably, no personal
        data), then end the session."""
        try:
            self.ratings.rate(score, tags)
        except Exception:
            # A courtesy must not cost the resident a crash screen: log it and let them go.
            log.exception("rating %d could not be queued", score)
        finally:
            self.session.finish()

    def device_statuses(self) -> list[DeviceStatus]:
        statuses = [
            self.card_monitor.status
            if self.card_monitor is not None
            else DeviceStatus(
                IDCARD_DEVICE, Level.OFFLINE, "no reader configured (devices.idcard_reader = none)"
            )
        ]
        if self.smartcard is not None:
            statuses.append(self.smartcard.status)
        if self.receipts is not None:
            statuses.append(self.receipts.status)
        if self.capture is not None:
            statuses.append(self.capture.status)
        statuses.append(
            self.printer_monitor.status
            if self.printer_monitor is not None
            else DeviceStatus(
                PRINTER_DEVICE,
                Level.OFFLINE,
                "no A4 printer configured (devices.a4_printer = none)",
            )
        )
        statuses.append(voice_status(self.voice))
        return statuses

    @property
    def printer(self) -> A4Printer | None:
        return self.certificates.printer

    def printer_problem(self) -> str:
        """Why certificates cannot be printed now, for the resident (a plain Chinese key the
        UI translates); empty when the A4 printer can print."""
        if self.printer_monitor is None:
            return NO_PRINTER_MESSAGE
        return self.printer_monitor.resident_reason


def _technician_pin_hash(config: Config, demo: bool) -> str:
    """The configured PIN's hash; in demo mode without one, the demo's (kiosk/demo.py)."""
    if config.technician.pin_hash or not demo:
        return config.technician.pin_hash
    from kiosk.pin import hash_pin

    return hash_pin(DEMO_TECH_PIN, iterations=1000)  # a demo's: no need to be slow


def _card_reader(config: Config, demo: bool) -> tuple[IdCardReader | None, SamSimulator | None]:
    """The reader and, in demo mode, the simulated SAM module it talks to over a pty."""
    devices = config.devices
    if demo:
        simulator = SamSimulator(config.state_dir / "idcard-simulator", devices.idcard_baud)
        return SamSerialReader(simulator.port, devices.idcard_baud), simulator
    if devices.idcard_reader == "sam-serial":
        return SamSerialReader(devices.idcard_port, devices.idcard_baud), None
    return None, None


def _voice(config: Config) -> VoiceGuide | None:
    try:
        prompts = Prompts.load()
    except PromptsError as error:
        log.error("voice guidance is off: %s", error)
        return None
    return VoiceGuide(
        prompts,
        player_command=player_command(config.voice.player),
        rate=config.voice.rate,
        volume=config.voice.volume,
    )


def _warm_up_documents() -> None:
    from kiosk.documents.certificate import render_certificate  # noqa: F401
    from kiosk.documents.fonts import register_cjk_font

    register_cjk_font()


def _log_warm_up(outcome: Outcome[Any]) -> None:
    if outcome.error is not None:
        # A missing CJK font: said here at start-up, and again on the first print.
        log.error("documents cannot be rendered: %s", outcome.error)


def _log_device_check(outcome: Outcome[Any]) -> None:
    if outcome.error is not None:  # a status change is logged by the device's reporter
        log.error("device check failed", exc_info=outcome.error)


def _print_folder(config: Config) -> Path:
    return Path(config.devices.print_folder or config.state_dir / "demo-prints")


def a4_printer(config: Config, demo: bool) -> A4Printer | None:
    """The A4 printer the configuration names: demo mode always prints into a folder."""
    devices = config.devices
    if demo or devices.a4_printer == "folder":
        return FolderPrinter(_print_folder(config))
    if devices.a4_printer == "cups":
        from drivers.printer.cups import CupsPrinter  # loads libcups

        return CupsPrinter(devices.a4_queue, devices.cups_server)
    return None


def receipt_output(config: Config, demo: bool) -> ReceiptOutput | None:
    """The receipt printer the configuration names: demo mode writes slips as PDFs."""
    devices = config.devices
    if demo:
        return FolderReceipts(_print_folder(config))
    if devices.receipt_printer == "escpos-serial":
        return EscPosReceipts(devices.receipt_port, devices.receipt_baud)
    return None


def _client(
    config: Config, demo_central: DemoCentral | None, demo: bool, texts: CentreTexts
) -> CentralClient | None:
    from kiosk.api.client import CentralClient, ClientSettings

    section = config.central
    url = section.url or (demo_central.url if demo_central else "")
    if not url:
        return None
    secret = config.kiosk.device_secret or (DEMO_DEVICE_SECRET if demo else "")
    if not secret:
        log.error("central.url is set but kiosk.device_secret is empty: requests will be refused")
    return CentralClient(
        ClientSettings(
            base_url=url,
            kiosk_id=config.kiosk.id,
            secret=secret,
            ca_bundle=section.ca_bundle or None,
            client_cert=(section.client_cert, section.client_key) if section.client_cert else None,
            connect_timeout_s=section.connect_timeout_s,
            read_timeout_s=section.read_timeout_s,
            retries=section.retries,
        ),
        texts,
    )


def build_core(
    config: Config,
    *,
    demo: bool,
    clock: Callable[[], float] = time.monotonic,
    executor: Executor | None = None,
) -> Core:
    """Build (but do not start) the core. Logging is configured first, so the rest can log.

    `clock` times the session's idle timeout (tests pass a clock they move themselves);
    `executor` runs the calls to the centre (the touchscreen passes one that answers on the
    GUI thread).
    """
    log_file = logs.configure(
        config.logging.level,
        config.state_dir,
        max_bytes=config.logging.file_max_bytes,
        backups=config.logging.file_backups,
    )
    session = Session(
        idle_timeout_s=config.session.idle_timeout_s,
        elder_idle_timeout_s=config.session.elder_idle_timeout_s,
        warning_s=config.session.timeout_warning_s,
        default_language=config.kiosk.language,
        clock=clock,
    )
    executor = executor or ThreadExecutor()
    reader, simulator = _card_reader(config, demo)
    monitor = CardMonitor(reader, config.devices.card_poll_interval_s) if reader else None
    smartcard = None
    if config.devices.smartcard_reader == "pcsc":
        from kiosk.devices.smartcard_service import SmartCardService  # loads pyscard

        smartcard = SmartCardService()
    printer = a4_printer(config, demo)
    certificates = CertificatePrinting(
        session,
        executor,
        PrintJournal(config.state_dir / JOURNAL_FILE),
        printer,
        timeout_s=config.devices.print_timeout_s,
    )
    printer_monitor = (
        PrinterMonitor(printer, on_first_contact=certificates.reconcile) if printer else None
    )
    output = receipt_output(config, demo)
    receipts = ReceiptPrinting(output, executor, config.kiosk.site_name) if output else None
    voice = _voice(config)
    if voice is not None:
        session.add_wipe_hook(voice.reset)  # a prompt may hold the resident's name
    identification = Identification(session, executor)
    sms = SmsSignIn(session, identification, executor, clock)
    certificates.token = lambda: identification.token
    preview = CertificatePreviewing(session, executor)
    preview.token = lambda: identification.token
    query_print = QueryResultPrinting(
        session,
        executor,
        printer,
        site=config.kiosk.site_name,
        kiosk_id=config.kiosk.id,
        timeout_s=config.devices.print_timeout_s,
    )
    query_print.token = lambda: identification.token
    records = RecordsQuery(session, executor)
    records.token = lambda: identification.token
    capture = capture_configured(config, demo)
    applying = Applying(session, executor, capture)
    applying.token = lambda: identification.token
    progress = ApplicationsQuery(session, executor)
    progress.token = lambda: identification.token
    acceptance = AcceptancePrinting(
        executor,
        receipts,
        printer,
        site=config.kiosk.site_name,
        timeout_s=config.devices.print_timeout_s,
    )
    applying.on_submitted(acceptance.print_for)
    core = Core(
        config=config,
        demo=demo,
        session=session,
        identification=identification,
        sms=sms,
        certificates=certificates,
        preview=preview,
        query_print=query_print,
        records=records,
        applying=applying,
        progress=progress,
        acceptance=acceptance,
        ratings=Ratings(session, lambda: identification.session_id),
        help=HelpRequests(session, lambda: identification.session_id, clock),
        crash=CrashReporter(session),
        catalog=CatalogStore(),
        log_file=log_file,
        executor=executor,
        demo_central=DemoCentral(config.state_dir) if demo and not config.central.url else None,
        card_monitor=monitor,
        demo_card_slot=simulator,
        demo_controls=DemoControls(
            simulator,
            printer if isinstance(printer, FolderPrinter) else None,
            printer_monitor.refresh if printer_monitor else lambda: None,
            sms,
            technician_pin="" if config.technician.pin_hash else DEMO_TECH_PIN,
            technician_corner=config.technician.corner,
            technician_hold_s=config.technician.hold_s,
        )
        if simulator is not None
        else None,
        smartcard=smartcard,
        printer_monitor=printer_monitor,
        receipts=receipts,
        capture=capture,
        voice=voice,
        services=[s for s in (simulator, monitor, smartcard, printer_monitor) if s is not None],
    )
    if core.demo_controls is not None and core.demo_central is not None:
        core.demo_controls.workbench_url = core.demo_central.url + "/dept/"
    core.technician = TechnicianGate(
        _technician_pin_hash(config, demo), session, config.state_dir, core.audit, executor
    )
    core.diagnostics = Diagnostics(core, time.time(), core.audit)
    core.support = RemoteSupport(config, session, core.catalog, executor, core.device_statuses)
    log.info(
        "core built: kiosk %s, demo=%s, central %s, log file %s",
        config.kiosk.id,
        demo,
        config.central.url or ("demo" if core.demo_central else "none"),
        log_file,
    )
    return core
