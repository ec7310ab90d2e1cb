"""The receipt slip (回执): service, time, serial, verification code and QR, 80 mm wide.

The receipt printer gets it as ESC/POS (`receipt_escpos`, through drivers/printer/escpos.py);
the demo gets the same content as a small PDF of the paper's width (`render_receipt_pdf`).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from drivers.printer.escpos import EscPos
from kiosk.documents.certificate import QrCode
from kiosk.documents.fonts import register_cjk_font

TITLE = "政务服务回执"
FOOTER = "扫码核验，请妥善保管本回执"
PAPER_WIDTH = 80 * mm
PRINTABLE_WIDTH = 72 * mm  # an 80 mm printer prints 72 mm (576 dots at 203 dpi)
LINE = 6 * mm


ACCEPTANCE_TITLE = "受理回执"
ACCEPTANCE_FOOTER = "扫码查看办理进度，请妥善保管本回执"


@dataclass(frozen=True, slots=True)
class Receipt:
    """What a slip says; no name and no ID number (it may be left in the tray)."""

    service: str
    printed_at: dt.datetime
    serial_no: str
    verify_code: str
    verify_url: str
    site: str
    title: str = TITLE
    footer: str = FOOTER
    extra: tuple[str, ...] = ()  # more lines, after the serial (a 受理回执's materials)

    def lines(self) -> list[str]:
        lines = [self.site, f"业务：{self.service}", f"时间：{self.printed_at:%Y-%m-%d %H:%M}"]
        if self.title == ACCEPTANCE_TITLE:
            lines.append(f"受理号：{self.serial_no}")
        else:
            lines += [f"编号：{self.serial_no}", f"验证码：{self.verify_code}"]
        return lines + list(self.extra)


def render_receipt_pdf(receipt: Receipt) -> bytes:
    font = register_cjk_font()
    qr_size = 30 * mm
    lines = receipt.lines()
    height = (len(lines) + 3) * LINE + qr_size + 10 * mm
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer,
        pagesize=(PAPER_WIDTH, height),
        initialFontName=font,  # type: ignore[arg-type]
    )  # (types-reportlab types initialFontName as a number; reportlab wants the name)
    left = (PAPER_WIDTH - PRINTABLE_WIDTH) / 2
    y = height - 8 * mm
    canvas.setFont(font, 12)
    canvas.drawCentredString(PAPER_WIDTH / 2, y, receipt.title)
    canvas.setFont(font, 9)
    for line in lines:
        y -= LINE
        canvas.drawString(left, y, line)
    y -= qr_size + 2 * mm
    qr = QrCode(receipt.verify_url, qr_size)
    qr.drawOn(canvas, (PAPER_WIDTH - qr_size) / 2, y)
    canvas.setFont(font, 8)
    canvas.drawCentredString(PAPER_WIDTH / 2, y - 4 * mm, receipt.footer)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def receipt_escpos(receipt: Receipt) -> bytes:
    """The same slip as the receipt printer's bytes: title in double size, lines, QR, cut."""
    builder = EscPos().align("center").style(bold=True, double=True).line(receipt.title).style()
    builder.align("left")
    for line in receipt.lines():
        builder.line(line)
    return (
        builder.align("center").qr(receipt.verify_url).line(receipt.footer).feed_and_cut().build()
    )
