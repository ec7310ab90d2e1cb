"""`kiosk-diag render-sample`, `print-test` and `receipt-test`, run as a technician runs them:
against the demo centre, a real cupsd (tests/rigs/cups.py) and the receipt printer simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from drivers.printer.escpos_simulator import ReceiptPrinterSimulator
from tests.rigs.cups import CupsRig

DIAG = str(Path(sys.executable).with_name("kiosk-diag"))
KIOSK_ID = "diag-test-kiosk-42"


def run_diag(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KIOSK_STATE_DIR": str(tmp_path / "state"), "KIOSK_ID": KIOSK_ID}
    return subprocess.run([DIAG, *args], capture_output=True, text=True, timeout=60, env=env)


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def one_error_line(done: subprocess.CompletedProcess[str], command: str) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"kiosk-diag: {command}: "), done.stderr
    return lines[0]


def test_render_sample_writes_a_certificate_from_the_demo_data(tmp_path: Path) -> None:
    out = tmp_path / "sample.pdf"
    done = run_diag(["--json", "render-sample", "--out", str(out)], tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["path"] == str(out) and report["bytes"] == out.stat().st_size
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    assert f"Pages:           {report['pages']}" in info.stdout
    text = pdf_text(out).replace(" ", "")
    for expected in ("社会保险参保证明", "李秀英", "511321********0029", report["serial_no"]):
        assert expected in text


def test_render_sample_of_a_service_the_centre_does_not_know_fails_in_one_line(
    tmp_path: Path,
) -> None:
    out = tmp_path / "sample.pdf"
    done = run_diag(["render-sample", "--out", str(out), "--service", "no-such"], tmp_path)
    assert "service_not_found" in one_error_line(done, "render-sample")
    assert not out.exists()


def test_print_test_prints_a_page_that_names_the_kiosk(rig: CupsRig, tmp_path: Path) -> None:
    args = ["--json", "print-test", "--printer", rig.pdf_queue, "--server", rig.server]
    done = run_diag(args, tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["printer"], report["state"], report["reasons"]) == (
        rig.pdf_queue,
        "completed",
        [],
    )
    text = pdf_text(rig.pdf_for_job(rig.pdf_queue, report["job_id"]))
    # cups-pdf's ghostscript drops the fonts' ToUnicode maps: the Chinese prints, but only
    # the ASCII comes back as text (the next test reads the page as the kiosk sent it).
    assert "Printer test page" in text and KIOSK_ID in text


def test_print_test_takes_the_printer_from_the_config_and_shows_warnings(
    rig: CupsRig, tmp_path: Path
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'[devices]\na4_printer = "cups"\na4_queue = "{rig.fault_queue}"\n'
        f'cups_server = "{rig.server}"\n',
        encoding="utf-8",
    )
    rig.set_reasons(rig.fault_queue, ["media-low-report"])
    done = run_diag(["--config", str(config), "print-test"], tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    job_id = int(lines[1].split()[1])
    assert lines[1].startswith(f"job        {job_id}  completed")
    assert "warnings   media-low-report" in lines
    sent = pdf_text(rig.pdf_for_job(rig.fault_queue, job_id))  # the PDF as submitted
    assert KIOSK_ID in sent and "中文测试" in sent


def test_print_test_on_a_printer_without_paper_sends_nothing(rig: CupsRig, tmp_path: Path) -> None:
    rig.set_reasons(rig.pdf_queue, ["media-empty-error"])
    done = run_diag(["print-test", "--printer", rig.pdf_queue, "--server", rig.server], tmp_path)
    assert "printer reports media-empty" in one_error_line(done, "print-test")
    assert rig.admin("lpstat", "-o", rig.pdf_queue) == "", "no job was sent"


def test_paper_running_out_mid_job_fails_and_withdraws_the_test_page(
    rig: CupsRig, tmp_path: Path
) -> None:
    rig.set_fault("paper-out-stop")
    done = run_diag(["print-test", "--printer", rig.fault_queue, "--server", rig.server], tmp_path)
    line = one_error_line(done, "print-test")
    assert "media-empty" in line and "cancelled" in line
    assert rig.admin("lpstat", "-o", rig.fault_queue) == "", "the page will not come out later"


def test_print_test_without_a_server_names_it(tmp_path: Path) -> None:
    missing = str(tmp_path / "no-cups.sock")
    done = run_diag(["print-test", "--printer", "kiosk-pdf", "--server", missing], tmp_path)
    assert f"cannot reach CUPS server {missing}" in one_error_line(done, "print-test")


def test_receipt_test_prints_a_slip_and_shows_the_status_bytes(
    receipt_printer: ReceiptPrinterSimulator, tmp_path: Path
) -> None:
    receipt_printer.paper = "near_end"
    done = run_diag(["--json", "receipt-test", "--port", receipt_printer.port], tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["before"]["bytes"] == "12 12 1E"  # DLE EOT 4: bits 2 and 3, near end
    assert report["before"]["status"]["paper_near_end"] is True
    assert report["after"]["status"]["paper_end"] is False
    printed = receipt_printer.printed
    assert len(printed) == report["bytes_sent"]
    assert "回执打印机测试".encode("gb18030") in printed
    assert KIOSK_ID.encode() in printed
    assert printed.endswith(b"\x1dV\x00"), "cut at the end"


def test_receipt_test_text_output_decodes_the_status(
    receipt_printer: ReceiptPrinterSimulator, tmp_path: Path
) -> None:
    done = run_diag(["receipt-test", "--port", receipt_printer.port], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0].startswith("before     12 12 12  ready")


def test_receipt_test_without_paper_exits_1_saying_so(
    receipt_printer: ReceiptPrinterSimulator, tmp_path: Path
) -> None:
    receipt_printer.paper = "end"
    done = run_diag(["receipt-test", "--port", receipt_printer.port], tmp_path)
    line = one_error_line(done, "receipt-test")
    assert "paper end" in line and "status before: 1A 32 7E" in line
    assert receipt_printer.printed == b"", "nothing printed on a printer without paper"


def test_receipt_test_on_a_silent_printer_exits_1(
    receipt_printer: ReceiptPrinterSimulator, tmp_path: Path
) -> None:
    receipt_printer.silent = True
    done = run_diag(["receipt-test", "--port", receipt_printer.port], tmp_path)
    assert "no answer to DLE EOT 1" in one_error_line(done, "receipt-test")
