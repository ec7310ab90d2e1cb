"""Receipts (回执): a small slip with the service, time, serial, verification code and QR.

The resident asks for one on the done screen after a certificate has printed. It carries no
name and no ID number (a slip may be left in the tray). Two outputs: the 80 mm ESC/POS
printer on a serial port, and, in demo mode, a PDF of the slip in the demo's print folder.
The slip prints on the core's executor; `on_finished` listeners get the resident message
(empty when it printed).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from drivers.errors import DeviceError
from kiosk.devices.status import DeviceStatus, Level, StatusReporter
from kiosk.executor import Executor, Outcome

log = logging.getLogger(__name__)

DEVICE_NAME = "receipt"

if TYPE_CHECKING:  # reportlab stays off the start-up path
    from drivers.printer.escpos import ReceiptStatus
    from kiosk.documents.receipt import Receipt


class ReceiptOutput(Protocol):
    name: str

    def print_receipt(self, receipt: Receipt) -> str:
        """Print one slip; returns a warning for a technician (纸将尽), empty when all is
        well; raises DeviceError (with both messages) when it cannot print."""
        ...

    def check(self) -> str:
        """Ask the printer how it is: a warning as above, or DeviceError."""
        ...


class EscPosReceipts:
    """The receipt printer; its status is asked before and after every slip."""

    def __init__(self, port: str, baud: int) -> None:
        from drivers.printer.escpos import ReceiptPrinter

        self._printer = ReceiptPrinter(port, baud)
        self.name = port

    def print_receipt(self, receipt: Receipt) -> str:
        from kiosk.documents.receipt import receipt_escpos

        return self._warning(self._printer.print_job(receipt_escpos(receipt)))

    def check(self) -> str:
        status = self._printer.status()
        status.raise_if_unusable(self.name)
        return self._warning(status)

    def _warning(self, status: ReceiptStatus) -> str:
        return f"{self.name}: paper near end" if status.paper_near_end else ""


class FolderReceipts:
    """Demo mode: the slip as a PDF beside the demo's printed certificates."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.name = str(folder)

    def print_receipt(self, receipt: Receipt) -> str:
        from kiosk.documents.receipt import render_receipt_pdf

        safe_serial = re.sub(r"[^A-Za-z0-9]", "_", receipt.serial_no)
        count = len(list(self.folder.glob(f"receipt-{safe_serial}-*.pdf"))) + 1
        target = self.folder / f"receipt-{safe_serial}-{count}.pdf"
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            target.write_bytes(render_receipt_pdf(receipt))
        except OSError as error:
            raise _FolderError(f"cannot write {target}: {error}") from error
        log.info("demo receipt printer: %s", target)
        return ""

    def check(self) -> str:
        return ""


class _FolderError(DeviceError):
    resident_message = "回执打印机暂时无法使用，请联系工作人员"


class ReceiptPrinting:
    def __init__(self, output: ReceiptOutput, executor: Executor, site: str) -> None:
        self.output = output
        self._executor = executor
        self._site = site
        self._listeners: list[Callable[[str], None]] = []
        self._reporter = StatusReporter(DEVICE_NAME, "receipt printer")

    @property
    def status(self) -> DeviceStatus:
        """As of the last look: at start, and before and after each slip."""
        return self._reporter.status

    def on_finished(self, listener: Callable[[str], None]) -> None:
        self._listeners.append(listener)

    def check(self) -> DeviceStatus:
        """Ask the printer now, on the caller's thread (a worker, or kiosk-diag)."""
        try:
            warning = self.output.check()
        except DeviceError as error:
            return self._reporter.set(Level.OFFLINE, error.technician_message)
        return self._reporter.set(Level.DEGRADED if warning else Level.OK, warning)

    def print_for(self, service: str, serial_no: str, verify_code: str, verify_url: str) -> None:
        def work() -> str:
            from kiosk.documents.receipt import Receipt

            now = dt.datetime.now().astimezone()
            return self.output.print_receipt(
                Receipt(service, now, serial_no, verify_code, verify_url, self._site)
            )

        self._executor.submit(work, self._printed)

    def _printed(self, outcome: Outcome[Any]) -> None:
        error = outcome.error
        if error is None:
            warning = str(outcome.value or "")
            self._reporter.set(Level.DEGRADED if warning else Level.OK, warning)
            message = ""
        elif isinstance(error, DeviceError):
            log.warning("receipt not printed: %s", error.technician_message)
            self._reporter.set(Level.OFFLINE, error.technician_message)
            message = error.resident_message
        else:
            raise error  # a bug: the crash handler reports it
        for listener in self._listeners:
            listener(message)
