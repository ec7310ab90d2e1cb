"""`kiosk-diag scan-serial`: what answers on every serial port, and at which rate: a SAM module
(the ID card reader), an ESC/POS printer (the receipt printer) or nothing.

The printer is asked first, with its real-time status request (DLE EOT 1), which a SAM module
ignores: a SAM frame sent to a printer would come out on paper. A printer found is then sent
ESC @ at its rate, which clears what a probe at a wrong rate may have left in its buffer. Ports
are scanned in parallel: a silent port costs every rate's timeout. The udev names of
`deploy/99-village-kiosk.rules` (/dev/kiosk-sam, /dev/kiosk-receipt) are shown beside the port
they lead to, and the configured ports are checked against what was found.

Exit 0 when every configured serial device answers where it is configured (or, with none
configured, when something answers), 1 when not, 2 when there is no port to scan.
"""

from __future__ import annotations

import argparse
import glob
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from kiosk.config import Config
from kiosk.idcard_diag import serial_ports

COMMAND = "scan-serial"
EXIT_OK, EXIT_FAIL, EXIT_CANNOT_RUN = 0, 1, 2
NAME_PATTERNS = ("/dev/kiosk-*", "/dev/serial/by-id/*")  # stable names: shown, not scanned twice
PRINTER_BAUDS = (115_200, 9_600, 19_200, 38_400, 57_600)
STATUS_TIMEOUT_S = 0.3
DLE_EOT_1 = b"\x10\x04\x01"
ESC_INIT = b"\x1b\x40"
STATUS_FIXED_MASK, STATUS_FIXED_BITS = 0x93, 0x12  # bits 0, 1, 4, 7 of every DLE EOT reply
SAM, ESCPOS, NOTHING = "sam", "escpos", "nothing"
WHAT = {SAM: "SAM 身份证模块", ESCPOS: "ESC/POS 回执打印机", NOTHING: "无应答 nothing"}


def add_command(commands: Any) -> None:
    scan = commands.add_parser(
        COMMAND, help="what answers on each serial port (a SAM module, an ESC/POS printer)"
    )
    scan.add_argument(
        "--port", action="append", help="scan only this port (repeatable; default: all)"
    )


def run(args: argparse.Namespace, config: Config) -> tuple[int, dict[str, Any], str]:
    ports = args.port or serial_ports()
    if not ports:
        report: dict[str, Any] = {"ok": False, "ports": [], "problems": ["no serial port found"]}
        return EXIT_CANNOT_RUN, report, "no serial port found (/dev/ttyUSB*, ttyACM*, ttyS0-3)"
    names = _stable_names()
    with ThreadPoolExecutor(max_workers=min(8, len(ports))) as pool:
        rows = list(pool.map(probe, ports))
    for row in rows:
        row["names"] = names.get(os.path.realpath(row["port"]), [])
    problems = _problems(rows, config)
    found = any(row["device"] != NOTHING for row in rows)
    ok = not problems and found
    report = {"ok": ok, "ports": rows, "problems": problems}
    return (EXIT_OK if ok else EXIT_FAIL), report, _table(rows, problems, found)


def probe(port: str) -> dict[str, Any]:
    """One port: the printer's status request at each rate, then the SAM's id request."""
    row: dict[str, Any] = {"port": port, "device": NOTHING, "baud": None, "detail": ""}
    try:
        for baud in PRINTER_BAUDS:
            status = _printer_status(port, baud)
            if status is not None:
                row.update(device=ESCPOS, baud=baud, detail=f"DLE EOT 1 → 0x{status:02X}")
                return row
        from drivers.idcard.base import IdCardError
        from drivers.idcard.sam_serial import BAUDS_TO_SCAN, SamSerialReader

        for baud in BAUDS_TO_SCAN:
            reader = SamSerialReader(port, baud)
            try:
                row.update(device=SAM, baud=baud, detail=f"SAM {reader.sam_id()}")
                return row
            except IdCardError:
                continue
            finally:
                reader.close()
    except OSError as error:  # cannot open: permissions, a port that vanished
        row["detail"] = f"cannot open: {error.strerror or error}"
        return row
    row["detail"] = "no answer (ESC/POS and SAM, every rate)"
    return row


def _printer_status(port: str, baud: int) -> int | None:
    """The DLE EOT 1 byte when an ESC/POS printer answers at `baud`; raises OSError when the
    port cannot be opened at all."""
    import serial

    try:
        connection = serial.Serial(port, baud, timeout=STATUS_TIMEOUT_S)
    except serial.SerialException as error:
        raise OSError(error.errno, error.strerror or str(error)) from error
    try:
        connection.reset_input_buffer()
        connection.write(DLE_EOT_1)
        answer = connection.read(1)
        if len(answer) == 1 and answer[0] & STATUS_FIXED_MASK == STATUS_FIXED_BITS:
            connection.write(ESC_INIT)  # clears what a probe at a wrong rate left behind
            connection.flush()
            return answer[0]
        return None
    except serial.SerialException:
        return None
    finally:
        connection.close()


def _stable_names() -> dict[str, list[str]]:
    """Real device → the stable names (udev symlinks) that lead to it."""
    names: dict[str, list[str]] = {}
    for pattern in NAME_PATTERNS:
        for link in sorted(glob.glob(pattern)):
            names.setdefault(os.path.realpath(link), []).append(link)
    return names


def _problems(rows: list[dict[str, Any]], config: Config) -> list[str]:
    """The configured serial devices that do not answer where the configuration says."""
    devices = config.devices
    wanted = []
    if devices.idcard_reader == "sam-serial":
        wanted.append((SAM, "devices.idcard_port", devices.idcard_port, devices.idcard_baud))
    if devices.receipt_printer == "escpos-serial":
        wanted.append((ESCPOS, "devices.receipt_port", devices.receipt_port, devices.receipt_baud))
    problems = []
    for device, key, port, baud in wanted:
        answering = [row for row in rows if row["device"] == device]
        here = [r for r in answering if os.path.realpath(r["port"]) == os.path.realpath(port)]
        if here and here[0]["baud"] == baud:
            continue
        if here:
            problems.append(
                f"{key} {port}: {WHAT[device]} answers at {here[0]['baud']} bd, "
                f"configured {baud}: set {key.replace('port', 'baud')} = {here[0]['baud']}"
            )
        elif answering:
            where = answering[0]["names"][:1] or [answering[0]["port"]]
            problems.append(
                f"{key} = {port}, but {WHAT[device]} answers on {answering[0]['port']}: "
                f"set {key} = {where[0]!r}"
            )
        else:
            problems.append(
                f"{key} = {port}: no {WHAT[device]} answers on any port: check its cable "
                "and power, then `kiosk-diag scan-serial` again"
            )
    return problems


def _table(rows: list[dict[str, Any]], problems: list[str], found: bool) -> str:
    port_width = max(len("port"), *(len(row["port"]) for row in rows))
    name_width = max(len("names"), *(len(", ".join(row["names"])) for row in rows))
    lines = [f"{'port':<{port_width}}  {'names':<{name_width}}  {'answers':<18}  baud    detail"]
    for row in rows:
        baud = str(row["baud"]) if row["baud"] else "—"
        lines.append(
            f"{row['port']:<{port_width}}  {', '.join(row['names']):<{name_width}}  "
            f"{WHAT[row['device']]:<18}  {baud:<6}  {row['detail']}"
        )
    if not found:
        lines.append("result: nothing answers / 无设备应答: check cables, power and permissions")
    lines += [f"do: {problem}" for problem in problems]
    if found and not problems:
        lines.append("result: ok / 正常")
    return "\n".join(lines)
