from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from kiosk.documents.receipt import PAPER_WIDTH, Receipt, receipt_escpos, render_receipt_pdf

RECEIPT = Receipt(
    service="社会保险参保证明",
    printed_at=dt.datetime(2026, 11, 26, 9, 30),
    serial_no="ZM2026112612345678",
    verify_code="ABCDEFGHJKLM",
    verify_url="https://zw.example.gov.cn/verify/ABCDEFGHJKLM",
    site="青龙村便民服务站",
)


def test_the_receipt_is_80_mm_wide_and_says_what_it_should(tmp_path: Path) -> None:
    path = tmp_path / "receipt.pdf"
    path.write_bytes(render_receipt_pdf(RECEIPT))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    width_pt = float(
        next(line for line in info.splitlines() if line.startswith("Page size:")).split()[2]
    )
    assert abs(width_pt - PAPER_WIDTH) < 0.5
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")
    for expected in (
        "政务服务回执",
        "社会保险参保证明",
        "2026-11-2609:30",
        "ZM2026112612345678",
        "ABCDEFGHJKLM",
        "青龙村便民服务站",
    ):
        assert expected in text


def test_the_receipt_as_escpos_is_the_same_slip_in_chinese_mode_with_a_qr_and_a_cut() -> None:
    job = receipt_escpos(RECEIPT)
    assert job.startswith(b"\x1b@\x1c&")  # ESC @, then FS & (Chinese mode)
    for line in RECEIPT.lines():
        assert line.encode("gb18030") + b"\n" in job
    url = RECEIPT.verify_url.encode()
    store = len(url) + 3
    assert bytes([0x1D, 0x28, 0x6B, store, 0, 0x31, 0x50, 0x30]) + url in job  # QR data
    assert job.endswith(b"\x1dV\x00")  # GS V 0: full cut
