"""Receipts through the real ESC/POS driver to the printer simulator on a pseudo-terminal."""

from __future__ import annotations

import threading

from drivers.printer.escpos_simulator import ReceiptPrinterSimulator
from kiosk.devices.status import Level
from kiosk.executor import ThreadExecutor
from kiosk.services.receipts import EscPosReceipts, ReceiptPrinting

SERIAL, CODE, URL = (
    "ZM2026112612345678",
    "ABCDEFGHJKLM",
    "http://127.0.0.1:8700/verify/ABCDEFGHJKLM",
)


def receipts_on(printer: ReceiptPrinterSimulator) -> ReceiptPrinting:
    return ReceiptPrinting(EscPosReceipts(printer.port, 115_200), ThreadExecutor(), "青龙村")


def print_one(receipts: ReceiptPrinting) -> str:
    done = threading.Event()
    messages: list[str] = []
    receipts.on_finished(lambda message: (messages.append(message), done.set()))
    receipts.print_for("社会保险参保证明", SERIAL, CODE, URL)
    assert done.wait(10), "the slip did not finish"
    return messages[-1]


def test_a_slip_prints_with_the_serial_code_and_qr(
    receipt_printer: ReceiptPrinterSimulator,
) -> None:
    receipts = receipts_on(receipt_printer)
    assert print_one(receipts) == ""
    printed = receipt_printer.printed
    assert f"编号：{SERIAL}".encode("gb18030") in printed
    assert f"验证码：{CODE}".encode("gb18030") in printed
    assert URL.encode() in printed and printed.endswith(b"\x1dV\x00")
    assert receipts.status.level is Level.OK


def test_no_paper_means_no_slip_and_a_message_for_both(
    receipt_printer: ReceiptPrinterSimulator,
) -> None:
    receipt_printer.paper = "end"
    receipts = receipts_on(receipt_printer)
    assert print_one(receipts) == "回执打印机缺纸，请联系工作人员"
    assert receipt_printer.printed == b""
    assert receipts.status.level is Level.OFFLINE and "paper end" in receipts.status.reason


def test_paper_near_end_prints_and_warns_the_technician(
    receipt_printer: ReceiptPrinterSimulator,
) -> None:
    receipt_printer.paper = "near_end"
    receipts = receipts_on(receipt_printer)
    assert print_one(receipts) == ""
    assert SERIAL.encode() in receipt_printer.printed
    assert receipts.status.level is Level.DEGRADED and "near end" in receipts.status.reason


def test_a_check_asks_the_printer_and_a_silent_one_is_offline(
    receipt_printer: ReceiptPrinterSimulator,
) -> None:
    receipts = receipts_on(receipt_printer)
    assert receipts.check().level is Level.OK
    receipt_printer.cover_open = True
    assert "cover open" in receipts.check().reason
    receipt_printer.cover_open, receipt_printer.silent = False, True
    status = receipts.check()
    assert status.level is Level.OFFLINE and "no answer" in status.reason
