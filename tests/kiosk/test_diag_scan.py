"""`kiosk-diag scan-serial` against the simulators on pseudo-terminals, each answering only at
its own line rate (drivers/pty_line.py): a SAM module at 57600, a receipt printer at 9600 and a
port where nothing answers. What answers where, the configuration checked against it, text
and JSON, exit codes, and nothing printed on the printer by the probes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.idcard.simulator import SamSimulator
from drivers.printer.escpos_simulator import ReceiptPrinterSimulator

DIAG = str(Path(sys.executable).with_name("kiosk-diag"))
SAM_BAUD, PRINTER_BAUD = 57_600, 9_600


@pytest.fixture
def ports(tmp_path: Path) -> Iterator[tuple[SamSimulator, ReceiptPrinterSimulator, str]]:
    sam = SamSimulator(tmp_path / "ttySAM", SAM_BAUD)
    printer = ReceiptPrinterSimulator(tmp_path / "ttyRECEIPT", PRINTER_BAUD)
    silent_master, silent_slave = os.openpty()  # a port with nothing behind it
    sam.start()
    printer.start()
    yield sam, printer, os.ttyname(silent_slave)
    printer.stop()
    sam.stop()
    os.close(silent_master)
    os.close(silent_slave)


def scan(
    tmp_path: Path, config: str, *ports: str, as_json: bool = True
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "kiosk.toml"
    path.write_text(config, encoding="utf-8")
    args = [DIAG, "--config", str(path), "scan-serial", *[f"--port={p}" for p in ports]]
    env = {**os.environ, "KIOSK_STATE_DIR": str(tmp_path / "state")}
    return subprocess.run(
        [*args, *(["--json"] if as_json else [])],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def devices(idcard_port: str, idcard_baud: int, receipt_port: str) -> str:
    return (
        "[devices]\n"
        f'idcard_reader = "sam-serial"\nidcard_port = "{idcard_port}"\n'
        f"idcard_baud = {idcard_baud}\n"
        f'receipt_printer = "escpos-serial"\nreceipt_port = "{receipt_port}"\n'
        f"receipt_baud = {PRINTER_BAUD}\n"
    )


def test_each_port_is_named_with_what_answers_and_at_which_rate(
    tmp_path: Path, ports: tuple[SamSimulator, ReceiptPrinterSimulator, str]
) -> None:
    sam, printer, silent = ports
    config = devices(sam.port, SAM_BAUD, printer.port)
    done = scan(tmp_path, config, sam.port, printer.port, silent)
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    found = {row["port"]: (row["device"], row["baud"]) for row in report["ports"]}
    assert found == {
        sam.port: ("sam", SAM_BAUD),
        printer.port: ("escpos", PRINTER_BAUD),
        silent: ("nothing", None),
    }
    sam_row = next(row for row in report["ports"] if row["device"] == "sam")
    assert sam_row["detail"].startswith("SAM 05.01-")
    # The probes at other rates never reached the printer; at its rate it got ESC @ alone.
    assert printer.printed == b"\x1b\x40"

    text = scan(tmp_path, config, sam.port, printer.port, silent, as_json=False)
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["port", "names", "answers", "baud", "detail"]
    assert any("SAM 身份证模块" in line and str(SAM_BAUD) in line for line in lines)
    assert any("ESC/POS 回执打印机" in line and str(PRINTER_BAUD) in line for line in lines)
    assert lines[-1] == "result: ok / 正常"


def test_a_wrong_port_or_rate_in_the_configuration_says_what_to_set(
    tmp_path: Path, ports: tuple[SamSimulator, ReceiptPrinterSimulator, str]
) -> None:
    sam, printer, silent = ports
    wrong_port = scan(
        tmp_path,
        devices(silent, SAM_BAUD, printer.port),
        sam.port,
        printer.port,
        silent,
        as_json=False,
    )
    assert wrong_port.returncode == 1
    assert f"set devices.idcard_port = '{sam.port}'" in wrong_port.stdout

    wrong_rate = scan(tmp_path, devices(sam.port, 115_200, printer.port), sam.port, printer.port)
    assert wrong_rate.returncode == 1
    problems = json.loads(wrong_rate.stdout)["problems"]
    assert problems == [
        f"devices.idcard_port {sam.port}: SAM 身份证模块 answers at {SAM_BAUD} bd, "
        f"configured 115200: set devices.idcard_baud = {SAM_BAUD}"
    ]


def test_nothing_answering_and_a_port_that_cannot_be_opened_fail(tmp_path: Path) -> None:
    master, slave = os.openpty()
    try:
        done = scan(tmp_path, "", os.ttyname(slave), str(tmp_path / "ttyGONE"), as_json=False)
    finally:
        os.close(master)
        os.close(slave)
    assert done.returncode == 1
    assert "cannot open" in done.stdout and "no answer (ESC/POS and SAM, every rate)" in done.stdout
    assert "nothing answers / 无设备应答" in done.stdout
