"""`kiosk-diag bundle --out FILE.zip`: everything a remote technician needs to find a fault,
and nothing of a resident's. In the zip:

    logs/…            the kiosk's logs (rotated files too), ID and phone numbers masked again
    config.json       the configuration in force, secrets shown only as set or unset
    devices.json      every device and its status, as `kiosk-diag status` finds them
    outbox.json       what waits for the centre, per kind (`kiosk-diag outbox`)
    print-jobs.json   the print journal's open jobs (ids and states, no personal data)
    versions.json     the app, Python, Qt, CUPS, pcscd, espeak-ng and the system

Exit 0 when the zip is written, 2 when it cannot be.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.metadata
import json
import platform
import sqlite3
import subprocess
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

from kiosk import __version__
from kiosk.config import Config, redacted
from kiosk.privacy import mask_for_bundle

COMMAND = "bundle"
EXIT_OK, EXIT_CANNOT_RUN = 0, 2
DEBIAN_PACKAGES = ("cups", "pcscd", "espeak-ng")  # Qt comes with PySide6: its version above


def add_command(commands: Any) -> None:
    bundle = commands.add_parser(
        COMMAND, help="a zip of masked logs, configuration, devices and versions for support"
    )
    bundle.add_argument("--out", type=Path, required=True, metavar="FILE.zip")


def run(
    args: argparse.Namespace, config: Config, devices: list[dict[str, str]]
) -> tuple[int, dict[str, Any], str]:
    try:
        with args.out.open("wb") as out:
            names = write_bundle(out, config, devices)
    except OSError as error:
        report = {"ok": False, "error": f"cannot write {args.out}: {error.strerror or error}"}
        return EXIT_CANNOT_RUN, report, f"bundle     cannot run / 无法运行  {report['error']}"
    report = {"ok": True, "out": str(args.out), "members": names}
    size_kb = args.out.stat().st_size / 1024
    text = (
        f"bundle     ok / 正常  {args.out} ({size_kb:.0f} KB, {len(names)} files)\n"
        f"files      {', '.join(names)}\n"
        "do         send it to the county's technician; it holds no ID number, phone or secret"
    )
    return EXIT_OK, report, text


def write_bundle(
    out: BinaryIO,
    config: Config,
    devices: list[dict[str, str]],
    log_bytes: int | None = None,
) -> list[str]:
    """The zip into `out`; its members' names. `log_bytes` caps the logs' share (the newest
    first, the oldest cut at the front): an upload to the centre has a size limit."""
    members = {
        "config.json": redacted(config),
        "devices.json": devices,
        "outbox.json": _outbox(config),
        "print-jobs.json": _open_print_jobs(config),
        "versions.json": versions(),
    }
    logs = sorted(
        (config.state_dir / "logs").glob("*.log*"), key=lambda p: p.stat().st_mtime, reverse=True
    )
    names = list(members)
    room = log_bytes
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members.items():
            text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
            bundle.writestr(name, mask_for_bundle(text))
        for log in logs:
            if room is not None and room <= 0:
                break
            raw = log.read_bytes()
            if room is not None:
                if len(raw) > room:  # cut at a line's start: half an ID number is not masked
                    raw = raw[-room:]
                    raw, room = raw[raw.find(b"\n") + 1 :], 0
                else:
                    room -= len(raw)
            text = raw.decode("utf-8", errors="replace")
            bundle.writestr(f"logs/{log.name}", mask_for_bundle(text))
            names.append(f"logs/{log.name}")
    return names


def versions() -> dict[str, str]:
    # From the installed distribution, not by importing Qt: the core has no Qt. PySide6's
    # wheels carry the Qt of their own version.
    try:
        pyside = importlib.metadata.version("PySide6-Essentials")  # what pyproject names
    except importlib.metadata.PackageNotFoundError:
        pyside = "not installed"
    found = {
        "app": __version__,
        "python": platform.python_version(),
        "pyside6": pyside,
        "qt": pyside,
        "system": _os_release(),
    }
    for package in DEBIAN_PACKAGES:
        found[package] = _debian_version(package)
    return found


def _os_release() -> str:
    try:
        for line in Path("/etc/os-release").read_text(encoding="utf-8").splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip('"')
    except OSError:
        pass
    return platform.platform()


def _debian_version(package: str) -> str:
    try:
        done = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Version}", package],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown (no dpkg-query)"
    return done.stdout.strip() if done.returncode == 0 else "not installed"


def _outbox(config: Config) -> list[dict[str, Any]] | dict[str, str]:
    from kiosk.app import OUTBOX_FILE
    from kiosk.outbox import summary_of

    path = config.state_dir / OUTBOX_FILE
    if not path.exists():
        return []
    try:
        return [dataclasses.asdict(kind) for kind in summary_of(path)]
    except sqlite3.Error as error:
        return {"error": str(error)}


def _open_print_jobs(config: Config) -> list[dict[str, Any]] | dict[str, str]:
    from kiosk.services.certificates import JOURNAL_FILE, PrintJournal

    path = config.state_dir / JOURNAL_FILE
    if not path.exists():
        return []
    try:
        return PrintJournal(path).open_jobs()
    except sqlite3.Error as error:
        return {"error": str(error)}
