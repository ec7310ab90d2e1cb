"""The one composition of the core: config → logging → drivers → device services → session.

Every front end builds the core here: `kiosk-diag` uses it as it is, the touchscreen's entry
point (`ui/app.py`) puts its windows on top. Demo mode is the same root with simulator drivers.
Nothing here imports Qt.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drivers.idcard.base import IdCardReader
from drivers.idcard.demo import DemoCardReader
from kiosk import logs
from kiosk.catalog import DEMO_CATALOG, Catalog
from kiosk.config import Config
from kiosk.crash import CrashReporter
from kiosk.devices.card_monitor import DEVICE_NAME as IDCARD_DEVICE
from kiosk.devices.card_monitor import CardMonitor
from kiosk.devices.status import DeviceStatus, Level
from kiosk.services.identification import Identification
from kiosk.session import Session, State

log = logging.getLogger(__name__)


@dataclass
class Core:
    """Everything below the windows, built once per process."""

    config: Config
    demo: bool
    session: Session
    identification: Identification
    crash: CrashReporter
    catalog: Catalog
    log_file: Path
    card_monitor: CardMonitor | None = None
    demo_reader: DemoCardReader | None = None

    def start(self) -> None:
        """Start the device threads."""
        if self.card_monitor is not None:
            self.card_monitor.start()

    def stop(self) -> None:
        """Stop the device threads and end a session still under way (wiping it)."""
        if self.card_monitor is not None:
            self.card_monitor.stop()
        if self.session.state is not State.IDLE:
            self.session.exit()

    def device_statuses(self) -> list[DeviceStatus]:
        if self.card_monitor is None:
            return [
                DeviceStatus(
                    IDCARD_DEVICE,
                    Level.OFFLINE,
                    "no reader configured (devices.idcard_reader = none)",
                )
            ]
        return [self.card_monitor.status]


def _card_reader(config: Config, demo: bool) -> IdCardReader | None:
    if demo or config.devices.idcard_reader == "demo":
        return DemoCardReader()
    return None


def build_core(config: Config, *, demo: bool, clock: Callable[[], float] = time.monotonic) -> Core:
    """Build (but do not start) the core. Logging is configured first, so the rest can log.

    `clock` times the session's idle timeout (tests pass a clock they move themselves).
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
    reader = _card_reader(config, demo)
    monitor = (
        CardMonitor(reader, config.devices.card_poll_interval_s) if reader is not None else None
    )
    core = Core(
        config=config,
        demo=demo,
        session=session,
        identification=Identification(session),
        crash=CrashReporter(session),
        catalog=DEMO_CATALOG if demo else Catalog(),
        log_file=log_file,
        card_monitor=monitor,
        demo_reader=reader if isinstance(reader, DemoCardReader) else None,
    )
    log.info("core built: kiosk %s, demo=%s, log file %s", config.kiosk.id, demo, log_file)
    return core
