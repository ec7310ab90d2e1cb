"""`kiosk-diag`: the technicians' command-line tool, built on the same core as the kiosk.

Later issues add a command per device (read a card, print a test page, check the network).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import time
from pathlib import Path
from typing import Any

from kiosk.app import build_core
from kiosk.config import ConfigError, example_toml, load, redacted
from kiosk.pin import hash_pin

EXIT_OK = 0
EXIT_DEVICE_PROBLEM = 1
EXIT_CONFIG = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk-diag",
        description="Diagnostics for the village service kiosk: devices, configuration, PIN.",
    )
    parser.add_argument("--config", type=Path, help="kiosk TOML file (default: built-in defaults)")
    parser.add_argument("--demo", action="store_true", help="use the simulated devices")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("status", help="list every device and its status; exit 1 if one is not ok")
    commands.add_parser("config", help="validate the configuration and show it, secrets hidden")
    commands.add_parser("hash-pin", help="read a technician PIN and print its hash for the config")
    commands.add_parser("example-config", help="print a config file documenting every key")
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

    core = build_core(config, demo=args.demo)
    core.start()
    time.sleep(2 * config.devices.card_poll_interval_s)  # let each device answer one poll
    statuses = core.device_statuses()
    core.stop()
    rows = [{"device": s.device, "level": str(s.level), "reason": s.reason} for s in statuses]
    text = "\n".join(f"{r['device']:<10} {r['level']:<9} {r['reason']}" for r in rows)
    _emit(rows, args.json, text)
    return EXIT_OK if all(s.level == "ok" for s in statuses) else EXIT_DEVICE_PROBLEM


if __name__ == "__main__":
    sys.exit(main())
