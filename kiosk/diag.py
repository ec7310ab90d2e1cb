"""`kiosk-diag`: the technicians' command-line tool, built on the same core as the kiosk.

A command per device: read a card, print a test page or slip (kiosk/print_diag.py), check the
network. A device error is one line on stderr and exit 1; `--json` is for machines.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from pathlib import Path
from typing import Any

from kiosk.all_diag import COMMAND as ALL_COMMAND
from kiosk.all_diag import add_command as add_all_command
from kiosk.api.client import CentralClient, Probe
from kiosk.api.errors import CentralError, CentralUnreachableError
from kiosk.app import build_core
from kiosk.bundle_diag import COMMAND as BUNDLE_COMMAND
from kiosk.bundle_diag import add_command as add_bundle_command
from kiosk.config import Config, ConfigError, example_toml, load, redacted
from kiosk.outbox_diag import COMMAND as OUTBOX_COMMAND
from kiosk.outbox_diag import add_command as add_outbox_command
from kiosk.pin import hash_pin
from kiosk.print_diag import COMMANDS as PRINT_COMMANDS
from kiosk.print_diag import add_commands as add_print_commands
from kiosk.scan_diag import COMMAND as SCAN_COMMAND
from kiosk.scan_diag import add_command as add_scan_command
from kiosk.speech_diag import COMMAND as SPEAK_COMMAND
from kiosk.speech_diag import add_command as add_speak_command

EXIT_OK = 0
EXIT_DEVICE_PROBLEM = 1
EXIT_CONFIG = 2
CLOCK_TOLERANCE_S = 60.0  # signatures allow 300 s; a technician should act long before


def _add_common_options(parser: argparse.ArgumentParser, *, subcommand: bool) -> None:
    """--config, --demo and --json, taken before the subcommand or after it (as git and
    systemctl take theirs). A subcommand's default is SUPPRESS, so that it does not undo the
    same option given before the subcommand."""
    flag_default: Any = argparse.SUPPRESS if subcommand else False
    parser.add_argument(
        "--config",
        type=Path,
        default=argparse.SUPPRESS if subcommand else None,
        help="kiosk TOML file (default: built-in defaults)",
    )
    parser.add_argument(
        "--demo", action="store_true", default=flag_default, help="use the simulated devices"
    )
    parser.add_argument(
        "--json", action="store_true", default=flag_default, help="machine-readable output"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk-diag",
        description="Diagnostics for the village service kiosk: devices, configuration, PIN.",
    )
    _add_common_options(parser, subcommand=False)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "devices",
        aliases=["status"],
        help="every device and its status, checked now; exit 1 if one is not ok",
    )
    commands.add_parser(
        "network", help="reach the central service with a signed request; check the clock"
    )
    idcard = commands.add_parser(
        "idcard", help="read one ID card and print it (the full ID number: technicians only)"
    )
    idcard.add_argument("--port", help="serial port (default: devices.idcard_port)")
    idcard.add_argument("--baud", type=int, help="line rate (default: devices.idcard_baud)")
    idcard.add_argument(
        "--scan", action="store_true", help="find where a SAM answers: ports and rates"
    )
    smartcard = commands.add_parser(
        "smartcard", help="read the social security card in a PC/SC reader and print it"
    )
    smartcard.add_argument("--reader", help="PC/SC reader name (default: the first with a card)")
    add_scan_command(commands)
    scan = commands.add_parser(
        "scan", help="capture one page (scanner or 高拍仪, through SANE) as a compact JPEG"
    )
    scan.add_argument("--device", help="SANE device name (default: devices.scanner_device)")
    scan.add_argument("--out", type=Path, required=True, metavar="FILE.jpg")
    add_print_commands(commands)
    add_speak_command(commands)
    add_outbox_command(commands)
    add_bundle_command(commands)
    add_all_command(commands)
    commands.add_parser("config", help="validate the configuration and show it, secrets hidden")
    commands.add_parser("hash-pin", help="read a technician PIN and print its hash for the config")
    commands.add_parser("example-config", help="print a config file documenting every key")
    for subcommand in {id(p): p for p in commands.choices.values()}.values():  # aliases once
        _add_common_options(subcommand, subcommand=True)
    return parser


def _emit(data: Any, as_json: bool, text: str) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2) if as_json else text)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "hash-pin":
        pin = getpass.getpass("technician PIN: ")
        if len(pin) < 6 or not pin.isdigit():
            print("kiosk-diag: the PIN must be at least 6 digits", file=sys.stderr)
            return EXIT_CONFIG
        print(hash_pin(pin))
        return EXIT_OK
    if args.command == "example-config":
        print(example_toml(), end="")
        return EXIT_OK
    try:
        config = load(args.config)
    except ConfigError as error:
        for problem in error.problems:
            print(f"kiosk-diag: config: {problem}", file=sys.stderr)
        return EXIT_CONFIG
    if args.command == "config":
        data = redacted(config)
        lines = [f"{s}.{k} = {v!r}" for s, values in data.items() for k, v in values.items()]
        _emit(data, args.json, "\n".join(lines))
        return EXIT_OK

    if args.command == "idcard":
        return _idcard(args, config)
    if args.command == "smartcard":
        return _smartcard(args)
    if args.command in PRINT_COMMANDS:
        return _print(args, config)
    if args.command == SPEAK_COMMAND:
        from kiosk.speech_diag import run as speak

        status, report, text = speak(args)
        _emit(report, args.json, text)
        return status
    if args.command == "network":
        return _network(config, args.demo, args.json)
    if args.command == "scan":
        return _scan(args, config)
    if args.command == SCAN_COMMAND:
        from kiosk.scan_diag import run as scan

        status, report, text = scan(args, config)
        _emit(report, args.json, text)
        return status
    if args.command == OUTBOX_COMMAND:
        from kiosk.outbox_diag import run as outbox

        status, report, text = outbox(args, config)
        _emit(report, args.json, text)
        return status
    rows = _device_rows(config, args.demo)
    if args.command == BUNDLE_COMMAND:
        from kiosk.bundle_diag import run as bundle

        status, report, text = bundle(args, config, rows)
        _emit(report, args.json, text)
        return status
    if args.command == ALL_COMMAND:
        from kiosk.all_diag import run as run_all

        status, report, text = run_all(config, rows, lambda: network_check(config, args.demo))
        _emit(report, args.json, text)
        return status
    _emit(rows, args.json, devices_table(rows))
    return EXIT_OK if all(r["level"] == "ok" for r in rows) else EXIT_DEVICE_PROBLEM


LEVEL_WORDS = {"ok": "正常 ok", "degraded": "注意 degraded", "offline": "异常 offline"}
WHAT_TO_DO = {
    "idcard": "check the reader's cable and power; `kiosk-diag scan-serial` finds its port",
    "smartcard": "check the reader's USB cable and that pcscd runs; then `kiosk-diag smartcard`",
    "printer": "check paper, toner and cover, and `lpstat -p`; then `kiosk-diag print-test`",
    "receipt": "check paper, cover and cable; `kiosk-diag scan-serial` finds its port and rate",
    "speech": "check the speaker and `aplay -l`; then `kiosk-diag speak 测试`",
    "scanner": "check its USB cable and `scanimage -L`; then `kiosk-diag scan --out page.jpg`",
}


def devices_table(rows: list[dict[str, str]]) -> str:
    """Aligned, the status in Chinese and English, and for each fault what to do."""
    lines = []
    for row in rows:
        level = row["level"]
        word = LEVEL_WORDS.get(level, level)
        shown = word + " " * (14 - len(word) - sum(ord(ch) > 0x2E7F for ch in word))
        lines.append(f"{row['device']:<10} {shown} {row['reason']}")
        if level != "ok" and row["device"] in WHAT_TO_DO:
            lines.append(f"{'':<10} {'do':<14} {WHAT_TO_DO[row['device']]}")
    return "\n".join(lines)


def _device_rows(config: Config, demo: bool) -> list[dict[str, str]]:
    """Every device and its status, checked now."""
    core = build_core(config, demo=demo)
    # The devices only: no connection to the centre, no outbox worker or heartbeat beside
    # those of a kiosk that may be running on this machine.
    if core.card_monitor is not None:
        if core.demo_card_slot is not None:
            core.demo_card_slot.start()  # the simulated SAM module behind the demo's port
        core.card_monitor.start()
        time.sleep(2 * config.devices.card_poll_interval_s)  # let the reader answer one poll
        core.card_monitor.stop()
        if core.demo_card_slot is not None:
            core.demo_card_slot.stop()
    if core.printer_monitor is not None:
        core.printer_monitor.check()  # no outbox here: open print jobs are left to the kiosk
    if core.receipts is not None:
        core.receipts.check()
    if core.capture is not None:
        core.capture.check()
    statuses = core.device_statuses()
    if core.voice is not None:
        core.voice.close()
    return [{"device": s.device, "level": str(s.level), "reason": s.reason} for s in statuses]


def _idcard(args: argparse.Namespace, config: Config) -> int:
    from drivers.idcard.base import IdCardError
    from kiosk.idcard_diag import card_json, read_one, scan

    port = args.port or config.devices.idcard_port
    if args.scan:
        found = scan([args.port] if args.port else None)
        text = "\n".join(f"{f['port']}  {f['baud']} bd  SAM {f['sam_id']}" for f in found)
        _emit(found, args.json, text or "no SAM module answered on any port")
        return EXIT_OK if found else EXIT_DEVICE_PROBLEM
    try:
        card = read_one(port, args.baud or config.devices.idcard_baud)
    except IdCardError as error:
        print(f"kiosk-diag: idcard: {error.technician_message}", file=sys.stderr)
        return EXIT_DEVICE_PROBLEM
    data = card_json(card)
    _emit(data, args.json, "\n".join(f"{key:<12} {value}" for key, value in data.items()))
    return EXIT_OK


def _scan(args: argparse.Namespace, config: Config) -> int:
    """One page through SANE (with --demo: SANE's test device), written where --out says."""
    from drivers.scanner import SaneScanner, ScannerError
    from kiosk.services.capture import configured

    capture = configured(config, args.demo)
    if capture is None and args.device is None:
        print("kiosk-diag: scan: no scanner configured (devices.scanner = none)", file=sys.stderr)
        return EXIT_CONFIG
    scanner = SaneScanner(args.device) if args.device else capture.scanner  # type: ignore[union-attr]
    try:
        page = scanner.capture()
    except ScannerError as error:
        print(f"kiosk-diag: scan: {error.technician_message}", file=sys.stderr)
        print(f"kiosk-diag: do: {error.resident_message}", file=sys.stderr)
        return EXIT_DEVICE_PROBLEM
    try:
        args.out.write_bytes(page.jpeg)
    except OSError as error:
        print(f"kiosk-diag: scan: cannot write {args.out}: {error.strerror}", file=sys.stderr)
        return EXIT_CONFIG
    data = {"device": scanner.name, "out": str(args.out), "bytes": len(page.jpeg),
            "width_px": page.width_px, "height_px": page.height_px, "dpi": page.dpi}  # fmt: skip
    text = (
        f"scan       ok / 正常  {scanner.name}: {page.width_px}x{page.height_px} px at "
        f"{page.dpi} dpi, {len(page.jpeg) / 1024:.0f} KB → {args.out}"
    )
    _emit(data, args.json, text)
    return EXIT_OK


def _smartcard(args: argparse.Namespace) -> int:
    import dataclasses

    from drivers.smartcard.base import SmartCardError
    from drivers.smartcard.pcsc import connect
    from drivers.smartcard.social_security import SocialSecurityCardReader

    try:
        with connect(args.reader) as connection:
            card = SocialSecurityCardReader(connection).read()
    except SmartCardError as error:
        print(f"kiosk-diag: smartcard: {error.technician_message}", file=sys.stderr)
        return EXIT_DEVICE_PROBLEM
    data = {
        key: value.isoformat() if hasattr(value, "isoformat") else value
        for key, value in dataclasses.asdict(card).items()
    }
    _emit(data, args.json, "\n".join(f"{key:<24} {value}" for key, value in data.items()))
    return EXIT_OK


def _print(args: argparse.Namespace, config: Config) -> int:
    from drivers.errors import DeviceError
    from kiosk.api.errors import CentralError
    from kiosk.documents.fonts import DocumentFontMissingError
    from kiosk.print_diag import PrintDiagError, run

    try:
        report = run(args, config)
    except (DeviceError, CentralError) as error:
        print(f"kiosk-diag: {args.command}: {error.technician_message}", file=sys.stderr)
        return EXIT_DEVICE_PROBLEM
    except (PrintDiagError, DocumentFontMissingError) as error:
        print(f"kiosk-diag: {args.command}: {error}", file=sys.stderr)
        return EXIT_DEVICE_PROBLEM
    _emit(report.data, args.json, report.text)
    return EXIT_OK


def _network(config: Config, demo: bool, as_json: bool) -> int:
    """Exit 0 when the centre answers a signed request and the clocks agree within 60 s."""
    ok, row, text = network_check(config, demo)
    _emit(row, as_json, text)
    return EXIT_OK if ok else EXIT_DEVICE_PROBLEM


def network_check(config: Config, demo: bool) -> tuple[bool, dict[str, Any], str]:
    """A signed, timed request to the centre and the clocks compared: (ok, row, text)."""
    core = build_core(config, demo=demo)
    core.connect()
    if core.central is None:
        core.stop()
        return False, {"central": "none"}, "central    not configured (central.url is empty)"
    if core.demo_central is not None:  # only the demo centre: no devices, no outbox
        core.demo_central.start()
    url = core.central.settings.base_url
    try:
        probe = _probe_until_up(core.central, wait_s=20 if demo else 0)
    except CentralError as error:
        row = {"central": url, "ok": False, "error": error.technician_message}
        return False, row, f"central    FAILED  {url}\n           {error.technician_message}"
    finally:
        core.stop()
    offset = probe.clock_offset_s
    clock_ok = offset is not None and abs(offset) <= CLOCK_TOLERANCE_S
    row = {
        "central": url,
        "ok": True,
        "round_trip_ms": round(probe.round_trip_ms, 1),
        "config_version": probe.config_version,
        "services": probe.services,
        "clock_offset_s": None if offset is None else round(offset, 1),
        "clock_ok": clock_ok,
    }
    text = (
        f"central    ok      {url}  catalog v{probe.config_version}, {probe.services} "
        f"services, {probe.round_trip_ms:.1f} ms\n"
        f"clock      {'ok' if clock_ok else 'WRONG':<7} offset to the centre "
        f"{'unknown' if offset is None else f'{offset:+.1f} s'}"
    )
    return clock_ok, row, text


def _probe_until_up(client: CentralClient, wait_s: float) -> Probe:
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return client.probe()
        except CentralUnreachableError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
