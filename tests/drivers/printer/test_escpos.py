"""The receipt printer driver against the simulator on a pseudo-terminal."""

from __future__ import annotations

import time

import pytest

from drivers.printer.escpos import (
    CoverOpenError,
    EscPos,
    PaperEndError,
    ReceiptPrinter,
    ReceiptPrinterUnavailableError,
    ReceiptStatus,
)
from drivers.printer.escpos_simulator import ReceiptPrinterSimulator


def receipt() -> bytes:
    return (
        EscPos()
        .align("center")
        .style(bold=True, double=True)
        .line("政务服务回执")
        .style()
        .align("left")
        .line("编号：ZM2026112612345678")
        .qr("https://x/verify/ABC")
        .feed_and_cut()
        .build()
    )


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ((0x12, 0x12, 0x12), ReceiptStatus(False, False, False, False, False)),
        ((0x1A, 0x16, 0x12), ReceiptStatus(True, True, False, False, False)),
        ((0x12, 0x12, 0x1E), ReceiptStatus(False, False, False, True, False)),
        ((0x1A, 0x32, 0x72), ReceiptStatus(True, False, True, False, False)),
        ((0x12, 0x12, 0x7E), ReceiptStatus(False, False, True, True, False)),
    ],
)
def test_status_bytes_decode_as_the_reference_says(
    answers: tuple[int, int, int], expected: ReceiptStatus
) -> None:
    assert ReceiptStatus.decode(*answers) == expected


def test_the_builder_speaks_gb18030_in_chinese_mode_and_cuts() -> None:
    job = receipt()
    assert job.startswith(b"\x1b@\x1c&")  # ESC @, FS &
    assert "政务服务回执".encode("gb18030") in job
    assert b"\x1d(k\x04\x001A2\x00" in job  # QR model 2
    assert job.endswith(b"\x1dV\x00")


def test_a_receipt_is_printed_after_a_status_check(
    receipt_printer: ReceiptPrinterSimulator,
) -> None:
    job = receipt()
    ReceiptPrinter(receipt_printer.port).print_job(job)
    deadline = time.monotonic() + 3
    while receipt_printer.printed != job:
        assert time.monotonic() < deadline, "the job did not arrive whole"
        time.sleep(0.01)


@pytest.mark.parametrize(
    ("paper", "cover", "error"), [("end", False, PaperEndError), ("ok", True, CoverOpenError)]
)
def test_paper_end_and_an_open_cover_refuse_the_job_with_both_messages(
    receipt_printer: ReceiptPrinterSimulator, paper: str, cover: bool, error: type
) -> None:
    receipt_printer.paper, receipt_printer.cover_open = paper, cover
    with pytest.raises(error) as refused:
        ReceiptPrinter(receipt_printer.port).print_job(receipt())
    assert refused.value.resident_message and refused.value.technician_message
    assert receipt_printer.printed == b"", "nothing printed on a printer that cannot"


def test_paper_near_end_still_prints_and_says_so(
    receipt_printer: ReceiptPrinterSimulator,
) -> None:
    receipt_printer.paper = "near_end"
    assert ReceiptPrinter(receipt_printer.port).print_job(receipt()).paper_near_end


def test_a_silent_printer_is_unavailable_not_ok(receipt_printer: ReceiptPrinterSimulator) -> None:
    receipt_printer.silent = True
    with pytest.raises(ReceiptPrinterUnavailableError, match="no answer to DLE EOT 1"):
        ReceiptPrinter(receipt_printer.port).status()
