"""`kiosk-diag outbox [--flush]`: what the kiosk still has to tell the centre. Per kind of
event: how many wait, how many the centre refused for good (set aside), since when, and the
last error; `--flush` delivers now (the kiosk does so by itself whenever the centre answers).

Exit 0 when nothing is set aside (and, with `--flush`, nothing is left), 1 otherwise, 2 when
the outbox cannot be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
from typing import Any

from kiosk.config import Config

COMMAND = "outbox"
EXIT_OK, EXIT_FAIL, EXIT_CANNOT_RUN = 0, 1, 2
FLUSH_TIMEOUT_S = 30.0
DEMO_CENTRE_START_S = 20.0


def add_command(commands: Any) -> None:
    outbox = commands.add_parser(
        COMMAND, help="events waiting for the central service, per kind; --flush delivers now"
    )
    outbox.add_argument("--flush", action="store_true", help="deliver what waits, now")


def run(args: argparse.Namespace, config: Config) -> tuple[int, dict[str, Any], str]:
    from kiosk.app import OUTBOX_FILE, build_core
    from kiosk.outbox import summary_of

    path = config.state_dir / OUTBOX_FILE
    core = build_core(config, demo=args.demo)
    flushed: bool | None = None
    try:
        if args.flush:
            core.connect()
            if core.outbox is None:
                return _cannot(path, "no central service configured (central.url is empty)")
            if core.demo_central is not None:
                core.demo_central.start()
                core.demo_central.wait_until_answering(DEMO_CENTRE_START_S)
            core.outbox.start()
            flushed = core.outbox.flush(FLUSH_TIMEOUT_S)
            kinds = core.outbox.summary()
        else:
            kinds = summary_of(path)
    except (sqlite3.Error, OSError) as error:
        return _cannot(path, str(error))
    finally:
        core.stop()
    waiting = sum(k.waiting for k in kinds)
    set_aside = sum(k.set_aside for k in kinds)
    ok = set_aside == 0 and (flushed is not False) and (not args.flush or waiting == 0)
    report = {
        "ok": ok,
        "path": str(path),
        "waiting": waiting,
        "set_aside": set_aside,
        "flushed": flushed,
        "kinds": [
            {
                "kind": k.kind,
                "waiting": k.waiting,
                "set_aside": k.set_aside,
                "oldest": _when(k.oldest),
                "attempts": k.attempts,
                "last_error": k.last_error,
            }
            for k in kinds
        ],
    }
    return (EXIT_OK if ok else EXIT_FAIL), report, _text(report)


def _cannot(path: object, reason: str) -> tuple[int, dict[str, Any], str]:
    report = {"ok": False, "path": str(path), "error": reason}
    text = (
        f"outbox     cannot run / 无法运行  {path}\n"
        f"reason     {reason}\n"
        "do         check the state directory (kiosk.state_dir) and the configuration"
    )
    return EXIT_CANNOT_RUN, report, text


def _when(created_at: float) -> str:
    return dt.datetime.fromtimestamp(created_at).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _text(report: dict[str, Any]) -> str:
    verdict = "ok / 正常" if report["ok"] else "FAILED / 异常"
    lines = [f"outbox     {verdict}  {report['path']}"]
    if report["flushed"] is not None:
        delivered = "delivered / 已送达" if report["waiting"] == 0 else "not all / 未全部送达"
        lines.append(f"flush      {delivered}")
    if not report["kinds"]:
        lines.append("events     none waiting / 无待发送事件")
    else:
        lines.append(f"{'kind':<14} {'waiting':>7} {'set aside':>9}  {'oldest':<19}  last error")
        for kind in report["kinds"]:
            lines.append(
                f"{kind['kind']:<14} {kind['waiting']:>7} {kind['set_aside']:>9}  "
                f"{kind['oldest']:<19}  {kind['last_error'] or '-'}"
            )
    if report["set_aside"]:
        lines.append(
            "do         the centre refused these for good: read the last error, fix the cause "
            "(kiosk id and secret, the centre's version), then tell the county's operator"
        )
    elif report["waiting"]:
        lines.append(
            "do         they go as soon as the centre answers: `kiosk-diag network` checks the "
            "link; `kiosk-diag outbox --flush` tries now"
        )
    return "\n".join(lines)
