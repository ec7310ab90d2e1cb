"""`kiosk-diag render-sample`, `print-test` and `receipt-test`: the printers, checked by hand.

- render-sample: a certificate from the reference server's demo data, through the real
  renderer, to a file (fonts, layout and QR checked without a printer).
- print-test: a test page (grey ramp, line widths, a grid, a Chinese line in the embedded
  certificate font, the kiosk id and the time) to the A4 printer, followed to its end.
- receipt-test: a test slip to the ESC/POS printer, with its DLE EOT status bytes before and
  after, as read and as decoded.

Each returns a Report (what to print, as JSON and as text) or raises PrintDiagError or a
driver's DeviceError; `kiosk.diag` turns those into one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import re
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.app import a4_printer as configured_a4_printer
from kiosk.config import Config

if TYPE_CHECKING:
    from drivers.printer.a4 import A4Printer
    from drivers.printer.escpos import ReceiptStatus
    from kiosk.api.client import CentralClient

COMMANDS = ("render-sample", "print-test", "receipt-test")
SAMPLE_SERVICE = "si-cert"  # 社会保险参保证明: one page with tables, seal and QR code
SAMPLE_CARD = 1  # drivers/idcard/demo.py: 李秀英, who has records in the demo data
CENTRAL_START_TIMEOUT_S = 30.0
TEST_PAGE_TITLE = "kiosk-diag test page"
# Every page object reportlab writes is a plain dictionary "/Type /Page" (only the content
# streams are compressed), so counting them counts the pages without a PDF parser.
_PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


class PrintDiagError(Exception):
    """A check that could not be made (no printer configured, the demo centre did not start)."""


@dataclass(frozen=True, slots=True)
class Report:
    data: dict[str, Any]
    text: str


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sample = commands.add_parser(
        "render-sample",
        help="render a certificate from the demo centre's data to a PDF file (no printer)",
    )
    sample.add_argument("--out", type=Path, required=True, help="where to write the PDF")
    sample.add_argument(
        "--service", default=SAMPLE_SERVICE, help=f"certificate service (default {SAMPLE_SERVICE})"
    )
    test_page = commands.add_parser(
        "print-test", help="print a test page on the A4 printer and follow the job to its end"
    )
    test_page.add_argument("--printer", help="CUPS queue (default: devices.a4_queue)")
    test_page.add_argument("--server", help="CUPS server (default: devices.cups_server)")
    receipt = commands.add_parser(
        "receipt-test", help="print a test slip on the receipt printer; show its status bytes"
    )
    receipt.add_argument("--port", help="serial port (default: devices.receipt_port)")
    receipt.add_argument("--baud", type=int, help="line rate (default: devices.receipt_baud)")


def run(args: argparse.Namespace, config: Config) -> Report:
    """Raises PrintDiagError, a DeviceError, or a CentralError (render-sample)."""
    if args.command == "render-sample":
        return render_sample(args.out, args.service)
    if args.command == "print-test":
        printer = a4_printer(config, args.demo, args.printer, args.server)
        return print_test(printer, config.kiosk.id, config.devices.print_timeout_s)
    return receipt_test(
        args.port or config.devices.receipt_port,
        args.baud or config.devices.receipt_baud,
        config.kiosk.id,
    )


# --- render-sample ---------------------------------------------------------------------


def render_sample(out: Path, service: str = SAMPLE_SERVICE) -> Report:
    """Start the demo centre in a temporary directory, open a session with a demo card,
    issue `service`, render it and write it to `out`."""
    from kiosk.api.demo import DEMO_DEVICE_ID, DEMO_DEVICE_SECRET
    from kiosk.demo_central import DemoCentral
    from kiosk.documents.certificate import render_certificate

    with tempfile.TemporaryDirectory(prefix="kiosk-diag-central-") as state:
        (Path(state) / "logs").mkdir()
        central = DemoCentral(Path(state))
        central.start()
        try:
            client = _demo_client(central.url, DEMO_DEVICE_ID, DEMO_DEVICE_SECRET)
            try:
                answer = _issue(client, service)
            finally:
                client.close()
        finally:
            central.stop()
    pdf = render_certificate(answer)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(pdf)
    except OSError as error:
        raise PrintDiagError(f"cannot write {out}: {error}") from error
    pages = page_count(pdf)
    data = {
        "path": str(out),
        "pages": pages,
        "bytes": len(pdf),
        "service": service,
        "serial_no": answer.serial_no,
    }
    text = f"{out}  {pages} page{'s' if pages != 1 else ''}, {len(pdf)} bytes  ({answer.serial_no})"
    return Report(data, text)


def page_count(pdf: bytes) -> int:
    return len(_PAGE_OBJECT.findall(pdf))


def _demo_client(url: str, device_id: str, secret: str) -> CentralClient:
    from kiosk.api.client import CentralClient, ClientSettings
    from kiosk.api.errors import CentralUnreachableError

    client = CentralClient(ClientSettings(base_url=url, kiosk_id=device_id, secret=secret))
    deadline = time.monotonic() + CENTRAL_START_TIMEOUT_S
    while True:
        try:
            client.probe()
            return client
        except CentralUnreachableError as error:
            if time.monotonic() > deadline:
                client.close()
                raise PrintDiagError(
                    f"the demo centre did not answer at {url} within "
                    f"{CENTRAL_START_TIMEOUT_S:.0f} s: {error.technician_message}"
                ) from error
            time.sleep(0.1)


def _issue(client: CentralClient, service: str) -> Any:
    from drivers.idcard.demo import DEMO_CARDS
    from kiosk.services.identification import idcard_session_request

    request = idcard_session_request(DEMO_CARDS[SAMPLE_CARD], "kiosk-diag-sample")
    session = client.open_session(request)
    try:
        return client.issue_certificate(session.token, service, secrets.token_hex(12))
    finally:
        client.close_session(session.token)


# --- print-test ------------------------------------------------------------------------


def a4_printer(config: Config, demo: bool, queue: str | None, server: str | None) -> A4Printer:
    """The configured A4 printer, as the kiosk makes it (demo mode: the folder printer);
    --printer/--server always mean a CUPS queue."""
    devices = config.devices
    if queue is not None or server is not None:
        from drivers.printer.cups import CupsPrinter

        chosen_queue = devices.a4_queue if queue is None else queue
        return CupsPrinter(chosen_queue, devices.cups_server if server is None else server)
    printer = configured_a4_printer(config, demo)
    if printer is None:
        raise PrintDiagError(
            "no A4 printer configured (devices.a4_printer = none); name one with --printer"
        )
    return printer


def print_test(printer: A4Printer, kiosk_id: str, timeout_s: float) -> Report:
    """Print the test page and follow it; raises the printer's A4PrinterError on a problem:
    before sending when the printer already reports one, else once the job cannot end well
    (then the job is cancelled: a test page must not come out hours later)."""
    from drivers.printer.a4 import A4PrinterError, wait_for_job

    before = printer.state()
    problem = before.problem()
    if problem is not None:
        raise problem
    now = dt.datetime.now().astimezone()
    pdf = render_test_page(kiosk_id, now, printer.name)
    started = time.monotonic()
    job_id = printer.submit(pdf, f"{TEST_PAGE_TITLE} {kiosk_id}")
    try:
        wait_for_job(printer, job_id, timeout_s)
    except A4PrinterError as error:
        withdrawn = _withdraw(printer, job_id)
        raise type(error)(f"{error.technician_message}; {withdrawn}") from error
    seconds = time.monotonic() - started
    after = printer.state()
    data = {
        "printer": after.queue,
        "job_id": job_id,
        "state": str(printer.job_state(job_id)),
        "seconds": round(seconds, 2),
        "printer_state": after.state,
        "reasons": list(after.reasons),
        "warnings": list(after.warnings()),
        "message": after.message,
    }
    text = "\n".join(
        [
            f"printer    {after.queue}  {after.state}",
            f"job        {job_id}  {data['state']} in {seconds:.1f} s",
            f"reasons    {', '.join(after.reasons) or 'none'}"
            + (f"  ({after.message})" if after.message else ""),
            *([f"warnings   {', '.join(after.warnings())}"] if after.warnings() else []),
        ]
    )
    return Report(data, text)


def _withdraw(printer: A4Printer, job_id: int) -> str:
    from drivers.printer.a4 import A4PrinterError

    try:
        state = printer.job_state(job_id)
        if state.final:
            return f"job {job_id} {state}"
        printer.cancel(job_id)
    except A4PrinterError as error:
        return f"job {job_id} not cancelled: {error.technician_message}"
    return f"job {job_id} cancelled"


def render_test_page(kiosk_id: str, now: dt.datetime, printer_name: str = "") -> bytes:
    """One A4 page that shows what a printer does to greys, thin lines, margins and Chinese,
    and says which kiosk printed it when. All text in the certificates' embedded font."""
    import io

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from kiosk.documents.fonts import register_cjk_font

    font = register_cjk_font()
    width, height = A4
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(TEST_PAGE_TITLE)
    canvas.setLineWidth(0.5)
    canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)  # 10 mm from each edge
    canvas.setFont(font, 20)
    canvas.drawString(20 * mm, height - 30 * mm, "A4 打印机测试页  Printer test page")
    canvas.setFont(font, 12)
    lines = [
        f"终端 Kiosk: {kiosk_id}",
        f"时间 Time: {now:%Y-%m-%d %H:%M:%S %z}",
        f"打印机 Printer: {printer_name or '-'}",
        "中文测试：政务服务自助终端，证明打印字体检查。",
    ]
    for row, line in enumerate(lines):
        canvas.drawString(20 * mm, height - (45 + 8 * row) * mm, line)
    # Grey ramp: 0 % to 100 % black in steps of 10 %.
    top = height - 95 * mm
    step = (width - 40 * mm) / 11
    canvas.setFont(font, 8)
    for index in range(11):
        x = 20 * mm + index * step
        canvas.setFillColor(colors.Color(1 - index / 10, 1 - index / 10, 1 - index / 10))
        canvas.rect(x, top - 20 * mm, step, 20 * mm, stroke=1, fill=1)
        canvas.setFillColor(colors.black)
        canvas.drawCentredString(x + step / 2, top - 25 * mm, f"{index * 10}%")
    # Line widths: 0.1 pt (a printer's thinnest) to 2 pt.
    y = top - 40 * mm
    for line_width in (0.1, 0.25, 0.5, 1.0, 2.0):
        canvas.setLineWidth(line_width)
        canvas.line(20 * mm, y, width - 60 * mm, y)
        canvas.drawString(width - 55 * mm, y - 1 * mm, f"{line_width} pt")
        y -= 8 * mm
    # A 5 mm grid with its diagonals: scaling and skew show up as uneven squares.
    canvas.setLineWidth(0.25)
    left, bottom, size = 20 * mm, 25 * mm, 100 * mm
    for offset in range(0, 101, 5):
        canvas.line(left + offset * mm, bottom, left + offset * mm, bottom + size)
        canvas.line(left, bottom + offset * mm, left + size, bottom + offset * mm)
    canvas.line(left, bottom, left + size, bottom + size)
    canvas.line(left, bottom + size, left + size, bottom)
    canvas.drawString(left + size + 5 * mm, bottom, "5 mm / 100 mm")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- receipt-test ----------------------------------------------------------------------


def receipt_test(port: str, baud: int, kiosk_id: str) -> Report:
    """Status, test slip, status. The driver refuses a printer that cannot print (paper end,
    cover open …) with its typed error, which names the status it read."""
    from drivers.printer.escpos import ReceiptPrinter, ReceiptPrinterError

    before = status_bytes(port, baud)
    job = build_test_receipt(kiosk_id, dt.datetime.now().astimezone())
    try:
        ReceiptPrinter(port, baud).print_job(job)
    except ReceiptPrinterError as error:
        raise type(error)(
            f"{error.technician_message}; status before: {_hex(before)} ({_describe(before)})"
        ) from error
    after = status_bytes(port, baud)
    data = {
        "port": port,
        "baud": baud,
        "bytes_sent": len(job),
        "before": {"bytes": _hex(before), "status": _flags(before)},
        "after": {"bytes": _hex(after), "status": _flags(after)},
    }
    text = "\n".join(
        [
            f"before     {_hex(before)}  {_describe(before)}  (DLE EOT 1, 2, 4)",
            f"printed    {len(job)} bytes to {port} at {baud} bd",
            f"after      {_hex(after)}  {_describe(after)}",
        ]
    )
    return Report(data, text)


def status_bytes(port: str, baud: int) -> tuple[int, int, int]:
    """The printer's answers to DLE EOT 1, 2 and 4, as read (reference/printers.md §1)."""
    from drivers.printer.escpos import ReceiptPrinter

    return ReceiptPrinter(port, baud).status().raw


def build_test_receipt(kiosk_id: str, now: dt.datetime) -> bytes:
    from drivers.printer.escpos import EscPos

    return (
        EscPos()
        .align("center")
        .style(bold=True, double=True)
        .line("回执打印机测试")
        .style()
        .line("Receipt printer test")
        .align("left")
        .line(f"终端：{kiosk_id}")
        .line(f"时间：{now:%Y-%m-%d %H:%M:%S}")
        .line("中文测试：政务服务自助终端")
        .line("123456789012345678901234567890123456789012345678")  # 48 columns, font A
        .align("center")
        .qr(f"KIOSK-TEST {kiosk_id}")
        .feed_and_cut()
        .build()
    )


def _decoded(answers: tuple[int, int, int]) -> ReceiptStatus:
    from drivers.printer.escpos import ReceiptStatus

    return ReceiptStatus.decode(*answers)


def _flags(answers: tuple[int, int, int]) -> dict[str, bool]:
    status = _decoded(answers)
    return {f.name: getattr(status, f.name) for f in dataclasses.fields(status) if f.compare}


def _describe(answers: tuple[int, int, int]) -> str:
    raised = [name.replace("_", " ") for name, on in _flags(answers).items() if on]
    return ", ".join(raised) or "ready"


def _hex(answers: tuple[int, int, int]) -> str:
    return " ".join(f"{byte:02X}" for byte in answers)
