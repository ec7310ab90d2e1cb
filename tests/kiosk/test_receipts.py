"""Receipts through the real ESC/POS driver to the printer simulator on a pseudo-terminal."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.printer.escpos_simulator import ReceiptPrinterSimulator
from kiosk.devices.status import Level
from kiosk.executor import ThreadExecutor
from kiosk.services.receipts import EscPosReceipts, ReceiptPrinting

SERIAL, CODE, URL = (
    "ZM2026112612345678",
    "ABCDEFGHJKLM",
    "http://127.0.0.1:8700/verify/ABCDEFGHJKLM",
)


@pytest.fixture
def printer(tmp_path: Path) -> Iterator[ReceiptPrinterSimulator]:
    simulator = ReceiptPrinterSimulator(tmp_path / "ttyRECEIPT")
    simulator.start()
    yield simulator
    simulator.stop()


def print_one(receipts: ReceiptPrinting) -> str:
    done = threading.Event()
    messages: list[str] = []
    receipts.on_finished(lambda message: (messages.append(message), done.set()))
    receipts.print_for("社会保险参保证明", SERIAL, CODE, URL)
    assert done.wait(10), "the slip did not finish"
    return messages[-1]


def test_a_slip_prints_with_the_serial_code_and_qr(printer: ReceiptPrinterSimulator) -> None:
    receipts = ReceiptPrinting(EscPosReceipts(printer.port, 115_200), ThreadExecutor(), "青龙村")
    assert print_one(receipts) == ""
    printed = printer.printed
    assert f"编号：{SERIAL}".encode("gb18030") in printed
    assert f"验证码：{CODE}".encode("gb18030") in printed
    assert URL.encode() in printed and printed.endswith(b"\x1dV\x00")
    assert receipts.status.level is Level.OK


def test_no_paper_means_no_slip_and_a_message_for_both(printer: ReceiptPrinterSimulator) -> None:
    printer.paper = "end"
    receipts = ReceiptPrinting(EscPosReceipts(printer.port, 115_200), ThreadExecutor(), "青龙村")
    assert print_one(receipts) == "回执打印机缺纸，请联系工作人员"
    assert printer.printed == b""
    assert receipts.status.level is Level.OFFLINE and "paper end" in receipts.status.reason


def test_paper_near_end_prints_and_warns_the_technician(printer: ReceiptPrinterSimulator) -> None:
    printer.paper = "near_end"
    receipts = ReceiptPrinting(EscPosReceipts(printer.port, 115_200), ThreadExecutor(), "青龙村")
    assert print_one(receipts) == ""
    assert SERIAL.encode() in printer.printed
    assert receipts.status.level is Level.DEGRADED and "near end" in receipts.status.reason


def test_a_check_asks_the_printer_and_a_silent_one_is_offline(
    printer: ReceiptPrinterSimulator,
) -> None:
    receipts = ReceiptPrinting(EscPosReceipts(printer.port, 115_200), ThreadExecutor(), "青龙村")
    assert receipts.check().level is Level.OK
    printer.cover_open = True
    assert "cover open" in receipts.check().reason
    printer.cover_open, printer.silent = False, True
    status = receipts.check()
    assert status.level is Level.OFFLINE and "no answer" in status.reason
