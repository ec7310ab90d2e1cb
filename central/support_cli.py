"""The administrator's remote support, without a visit: alerts that show on kiosks' attract
screens and suspend services (`kiosk-central alert set|clear|list`), and a kiosk's diagnostic
bundle or screenshot, asked for and fetched (`kiosk-central kiosk request-bundle|
request-screenshot|uploads|download`). Kiosks learn both from their heartbeat answers; what they
upload waits in the database until downloaded."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from central.listing import newest_first, print_rows

ALERT_LEVELS = ("info", "warning", "critical")
ALL_SERVICES = "all"
DB_HELP = "SQLAlchemy URL (default: SQLite in the state directory)"


def add_commands(commands: Any) -> None:
    alert = commands.add_parser(
        "alert", help="alerts on kiosks' attract screens (系统维护, 暂停服务)"
    ).add_subparsers(dest="alert_command", required=True)
    put = alert.add_parser("set", help="set (or replace) an alert; kiosks show it within a minute")
    put.add_argument("alert_id", metavar="ID", help="a name of your choice, e.g. maint-1203")
    put.add_argument("--text", required=True, help="what residents read, in Chinese")
    put.add_argument("--text-en", help="the same in English (default: the Chinese text)")
    put.add_argument("--level", choices=ALERT_LEVELS, default="warning")
    put.add_argument("--kiosk", metavar="ID", help="for this kiosk only (default: every kiosk)")
    put.add_argument(
        "--disables",
        metavar="SERVICES",
        default="",
        help='service ids it suspends, comma-separated, or "all" (default: none)',
    )
    put.add_argument(
        "--until", type=dt.datetime.fromisoformat, help="ends by itself then (ISO time)"
    )
    clear = alert.add_parser("clear", help="remove an alert")
    clear.add_argument("alert_id", metavar="ID")
    listed = alert.add_parser("list", help="the alerts in force")
    listed.add_argument("--json", action="store_true", help="one JSON object a line")
    kiosk = commands.add_parser(
        "kiosk", help="remote support: a kiosk's bundle or screenshot"
    ).add_subparsers(dest="kiosk_command", required=True)
    for kind, what in (
        ("bundle", "its diagnostic bundle (logs and settings, masked)"),
        ("screenshot", "a screenshot, taken while no resident is using it"),
    ):
        ask = kiosk.add_parser(f"request-{kind}", help=f"ask a kiosk for {what}")
        ask.add_argument("kiosk_id", metavar="ID")
    uploads = kiosk.add_parser("uploads", help="support requests and their uploads, newest first")
    uploads.add_argument("--kiosk", metavar="ID", help="only this kiosk's")
    uploads.add_argument("--json", action="store_true", help="one JSON object a line")
    download = kiosk.add_parser("download", help="write an upload to a file")
    download.add_argument("request_id", metavar="REQUEST")
    download.add_argument("--out", type=Path, required=True, help="the file to write (0600)")
    for parser in (put, clear, listed, uploads, download, *kiosk.choices.values()):
        if not any(action.dest == "db" for action in parser._actions):
            parser.add_argument("--db", help=DB_HELP)


def run(args: argparse.Namespace, db_url: str) -> int:
    from central.db import migrate

    migrate(db_url)
    if args.command == "alert":
        return {"set": _set_alert, "clear": _clear_alert, "list": _list_alerts}[args.alert_command](
            args, db_url
        )
    if args.kiosk_command.startswith("request-"):
        return _request(db_url, args.kiosk_id, args.kiosk_command.removeprefix("request-"))
    if args.kiosk_command == "uploads":
        return _list_uploads(db_url, args.kiosk, as_json=args.json)
    return _download(db_url, args.request_id, args.out)


def _fail(message: str) -> int:
    print(f"kiosk-central: {message}", file=sys.stderr)
    return 1


def _set_alert(args: argparse.Namespace, db_url: str) -> int:
    from central.db import Database
    from central.models import Device, Notice, Service

    disables = [s.strip() for s in args.disables.split(",") if s.strip()]
    until = args.until
    if until is not None and until.tzinfo is None:
        until = until.astimezone()  # the administrator's local time
    with Database(db_url).session() as session:
        if args.kiosk and session.get(Device, args.kiosk) is None:
            return _fail(f"no kiosk {args.kiosk} (kiosk-central device add registers one)")
        unknown = [s for s in disables if s != ALL_SERVICES and session.get(Service, s) is None]
        if unknown:
            return _fail(f"no service {', '.join(unknown)} in the catalog")
        row = session.get(Notice, args.alert_id) or Notice(id=args.alert_id)
        row.level, row.text_zh = args.level, args.text
        row.text_en = args.text_en or args.text
        row.kiosk_id, row.disables, row.valid_until = args.kiosk, ",".join(disables), until
        session.add(row)
    whom = f"kiosk {args.kiosk}" if args.kiosk else "every kiosk"
    suspends = f", suspending {', '.join(disables)}" if disables else ""
    print(f"alert {args.alert_id} set for {whom}{suspends}; shown at each kiosk's next heartbeat")
    return 0


def _clear_alert(args: argparse.Namespace, db_url: str) -> int:
    from central.db import Database
    from central.models import Notice

    with Database(db_url).session() as session:
        row = session.get(Notice, args.alert_id)
        if row is None or row.level is None:
            return _fail(f"no alert {args.alert_id}")
        session.delete(row)
    print(f"alert {args.alert_id} cleared; kiosks drop it at their next heartbeat")
    return 0


def _list_alerts(args: argparse.Namespace, db_url: str) -> int:
    from sqlalchemy import select

    from central.db import Database
    from central.models import Notice

    with Database(db_url).session() as session:
        rows = [
            {
                "id": row.id,
                "level": row.level or "",
                "kiosk": row.kiosk_id or "all",
                "disables": row.disables or "-",
                "until": row.valid_until.astimezone().strftime("%Y-%m-%d %H:%M")
                if row.valid_until
                else "-",
                "text": row.text_zh,
            }
            for row in session.scalars(
                select(Notice).where(Notice.level.is_not(None)).order_by(Notice.id)
            )
        ]
    print_rows(rows, args.json, "no alerts")
    return 0


def _request(db_url: str, kiosk_id: str, kind: str) -> int:
    from central.db import Database
    from central.models import Device, SupportRequest

    request_id = uuid.uuid4().hex
    with Database(db_url).session() as session:
        if session.get(Device, kiosk_id) is None:
            return _fail(f"no kiosk {kiosk_id} (kiosk-central device add registers one)")
        session.add(
            SupportRequest(
                id=request_id, kiosk_id=kiosk_id, kind=kind, requested_at=dt.datetime.now(dt.UTC)
            )
        )
    print(
        f"request {request_id}: kiosk {kiosk_id} uploads its {kind} at its next idle moment; "
        f"`kiosk-central kiosk download {request_id} --out FILE` fetches it"
    )
    return 0


def _list_uploads(db_url: str, kiosk_id: str | None, *, as_json: bool) -> int:
    from sqlalchemy import select

    from central.models import SupportRequest

    def to_row(row: SupportRequest) -> dict[str, str]:
        return {
            "asked": row.requested_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            "kiosk": row.kiosk_id,
            "kind": row.kind,
            "request": row.id,
            "uploaded": row.uploaded_at.astimezone().strftime("%Y-%m-%d %H:%M")
            if row.uploaded_at
            else "waiting",
            "bytes": str(len(row.data)) if row.data is not None else "-",
        }

    query = select(SupportRequest)
    rows = newest_first(
        db_url, query, SupportRequest, SupportRequest.requested_at, kiosk_id, None, to_row
    )
    print_rows(rows, as_json, "no support requests")
    return 0


def _download(db_url: str, request_id: str, out: Path) -> int:
    from central.db import Database
    from central.models import SupportRequest

    with Database(db_url).session() as session:
        row = session.get(SupportRequest, request_id)
        if row is None:
            return _fail(f"no support request {request_id}")
        if row.data is None:
            return _fail(
                f"request {request_id}: kiosk {row.kiosk_id} has not uploaded it yet (it does "
                "at its next idle moment, when its heartbeat reaches the centre)"
            )
        data, kind, kiosk_id = row.data, row.kind, row.kiosk_id
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    print(f"{out}: kiosk {kiosk_id}'s {kind}, {len(data)} bytes")
    return 0
