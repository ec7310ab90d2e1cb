"""`kiosk-central`: run and administer the reference central service."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from central.listing import newest_first, print_rows
from central.notify import SIGNATURE
from central.support_cli import add_commands as add_support_commands
from central.support_cli import run as run_support_command

if TYPE_CHECKING:
    from central.revocation import RevocationReason


def default_db_url(*, demo: bool = False) -> str:
    """SQLite in the state directory; demo mode has a database of its own, so that demo data
    never lands where production would start."""
    base = os.environ.get("CENTRAL_STATE_DIR") or (
        Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
        / "village-kiosk-central"
    )
    Path(base).mkdir(parents=True, exist_ok=True)
    name = "central-demo.sqlite3" if demo else "central.sqlite3"
    return f"sqlite:///{Path(base) / name}"


class _SecretOnCommandLine(argparse.Action):
    def __call__(self, parser: argparse.ArgumentParser, *_: object, **__: object) -> None:
        parser.error(
            f"{self.option_strings[0]} is gone: a secret on the command line shows in `ps`. "
            "Use --devices-file FILE (lines ID:SECRET) and $CENTRAL_ADMIN_TOKEN or "
            "--admin-token-file FILE"
        )


def _parser() -> argparse.ArgumentParser:
    from central.faults import parse_fault_option
    from central.limits import CERTIFICATES_PER_DAY, MAX_CONNECTIONS, REQUEST_TIMEOUT_S
    from central.revocation import REVOCATION_REASONS

    parser = argparse.ArgumentParser(
        prog="kiosk-central",
        description="The reference central service of the village service kiosks.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API (HTTP, or HTTPS with --tls-cert)")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    serve.add_argument("--port", type=int, default=8700, help="TCP port (default: 8700)")
    serve.add_argument(
        "--db",
        help="SQLAlchemy URL (default: SQLite in the state directory, a separate one with --demo)",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="seed demo residents and accept the demo device demo-0001",
    )
    serve.add_argument(
        "--devices-file",
        type=Path,
        metavar="FILE",
        help="accept these kiosks: one ID:SECRET a line, the file readable by its owner only",
    )
    for secret_flag in ("--device", "--admin-token"):  # once took a secret: say what instead
        serve.add_argument(secret_flag, action=_SecretOnCommandLine, help=argparse.SUPPRESS)
    serve.add_argument("--tls-cert", type=Path, help="PEM certificate chain for HTTPS")
    serve.add_argument("--tls-key", type=Path, help="PEM private key for HTTPS")
    serve.add_argument(
        "--admin-token-file",
        type=Path,
        metavar="FILE",
        help="enables /admin/* with `Authorization: Bearer TOKEN`, the token (32+ characters) "
        "on the file's first line (default: $CENTRAL_ADMIN_TOKEN; neither: no admin endpoints)",
    )
    serve.add_argument(
        "--fault",
        type=parse_fault_option,
        action="append",
        default=[],
        metavar="RULE",
        help="inject faults, e.g. 'GET /v1/catalog=latency_ms:200,error_rate:0.5,error_status:503'",
    )
    serve.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="believe X-Forwarded-For from this reverse proxy (repeatable; default: none, "
        "the client is the peer address)",
    )
    serve.add_argument(
        "--request-timeout",
        type=float,
        default=REQUEST_TIMEOUT_S,
        metavar="S",
        help="close a connection whose request head is not complete within S seconds, and "
        "answer 408 to a body that stops for S seconds (default: %(default)s)",
    )
    serve.add_argument(
        "--max-connections",
        type=int,
        default=MAX_CONNECTIONS,
        metavar="N",
        help="answer 503 beyond N connections at once (default: %(default)s)",
    )
    serve.add_argument(
        "--sms-gateway",
        metavar="URL",
        default="",
        help="deliver SMS to this HTTP gateway (POST {phone, text}); default: only record them",
    )
    serve.add_argument(
        "--sms-signature",
        default=SIGNATURE,
        help="the 【signature】 the gateway adapter puts before each message (%(default)s)",
    )
    serve.add_argument(
        "--sms-gateway-sim",
        type=Path,
        metavar="LOG",
        help="demo: run the SMS gateway simulator on a free loopback port, recording to LOG, "
        "and deliver to it",
    )
    serve.add_argument(
        "--certificates-per-day",
        type=int,
        default=CERTIFICATES_PER_DAY,
        metavar="N",
        help="new certificates of one service a resident may get in a local day "
        "(default: %(default)s)",
    )
    serve.add_argument("--public-url", help="base URL printed on certificates for verification")
    serve.add_argument(
        "--exit-with-parent",
        action="store_true",
        help="stop when the process that started this one dies (demo mode)",
    )
    serve.add_argument(
        "--fault-injection",
        action="store_true",
        help="allow faults to be set through /admin/faults (implied by --demo and --fault); "
        "never on a production centre",
    )
    migrate = commands.add_parser("migrate", help="bring the database to the newest schema")
    migrate.add_argument("--db", help="SQLAlchemy URL (default: SQLite in the state directory)")
    device = commands.add_parser("device", help="manage kiosks").add_subparsers(
        dest="device_command", required=True
    )
    user = commands.add_parser("user", help="workbench accounts").add_subparsers(
        dest="user_command", required=True
    )
    add_user = user.add_parser(
        "add", help="create a workbench account; the password is read from the terminal or stdin"
    )
    add_user.add_argument("username", metavar="NAME")
    add_user.add_argument("--role", choices=("admin", "clerk"), required=True)
    add_user.add_argument("--department", metavar="ID", help="a clerk's department (required)")
    add_user.add_argument("--db", help="SQLAlchemy URL (default: SQLite in the state directory)")
    add = device.add_parser("add", help="register a kiosk and print its new secret once")
    add.add_argument("kiosk_id")
    add.add_argument("--db", help="SQLAlchemy URL (default: SQLite in the state directory)")
    certificate = commands.add_parser("certificate", help="manage issued certificates")
    revoke = certificate.add_subparsers(dest="certificate_command", required=True).add_parser(
        "revoke", help="revoke a certificate for good; the verification page says so"
    )
    revoke.add_argument("serial_no", metavar="SERIAL", help="the number printed on it (ZM…)")
    revoke.add_argument(
        "--reason",
        required=True,
        choices=REVOCATION_REASONS,
        help="shown on the verification page in words for the public",
    )
    revoke.add_argument("--db", help="SQLAlchemy URL (default: SQLite in the state directory)")
    for command, what, listing in (
        ("help", "找人帮忙: residents' requests for a helper", "newest first, with the phone"),
        ("audit", "the kiosks' audit trail (technicians' actions)", "newest first"),
    ):
        listed = (
            commands.add_parser(command, help=what)
            .add_subparsers(dest=f"{command}_command", required=True)
            .add_parser("list", help=listing)
        )
        listed.add_argument("--kiosk", metavar="ID", help="only this kiosk's")
        listed.add_argument(
            "--since", metavar="DATE", type=dt.date.fromisoformat, help="from this day on"
        )
        listed.add_argument("--json", action="store_true", help="one JSON object a line")
        listed.add_argument(
            "--db",
            help="SQLAlchemy URL (default: SQLite in the state directory; the kiosk's demo "
            "centre keeps sqlite:///$HOME/.local/state/village-kiosk/central-demo.sqlite3)",
        )
    add_support_commands(commands)
    commands.add_parser("openapi", help="print the OpenAPI document of the API")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Files the centre makes (its SQLite database, the WAL beside it) hold device secrets and
    # residents' data: readable by this user only.
    os.umask(0o077)
    if args.command == "openapi":
        from central.openapi import openapi_document

        print(json.dumps(openapi_document(), ensure_ascii=False, indent=2))
        return 0
    db_url = args.db or default_db_url(demo=getattr(args, "demo", False))
    if args.command == "migrate":
        from central.db import migrate

        migrate(db_url)
        print(f"kiosk-central: {db_url} is at the newest schema")
        return 0
    if args.command == "device":
        return _add_device(db_url, args.kiosk_id)
    if args.command == "user":
        return _add_user(db_url, args.username, args.role, args.department)
    if args.command == "certificate":
        return _revoke_certificate(db_url, args.serial_no, args.reason)
    if args.command == "help":
        return _list_help_requests(db_url, args.kiosk, args.since, as_json=args.json)
    if args.command == "audit":
        return _list_audit_events(db_url, args.kiosk, args.since, as_json=args.json)
    if args.command in ("alert", "kiosk"):
        return run_support_command(args, db_url)
    return _serve(args, db_url)


def _add_device(db_url: str, kiosk_id: str) -> int:
    from central.db import Database, migrate
    from central.models import Device

    migrate(db_url)
    secret = secrets.token_urlsafe(32)
    with Database(db_url).session() as session:
        if session.get(Device, kiosk_id) is not None:
            print(f"kiosk-central: kiosk {kiosk_id} exists already", file=sys.stderr)
            return 1
        session.add(Device(id=kiosk_id, secret=secret, created_at=dt.datetime.now(dt.UTC)))
    print(f"kiosk {kiosk_id} registered; its secret (shown once, put it in KIOSK_DEVICE_SECRET):")
    print(secret)
    return 0


def _add_user(db_url: str, username: str, role: str, department: str | None) -> int:
    import getpass

    from central.accounts import add_user
    from central.db import Database, migrate
    from central.models import Department, User

    migrate(db_url)
    if sys.stdin.isatty():
        password = getpass.getpass(f"password for {username}: ")
    else:
        password = sys.stdin.readline().rstrip("\n")
    from central.accounts import MIN_PASSWORD_LENGTH, PASSWORD_TOO_SHORT

    if len(password) < MIN_PASSWORD_LENGTH:
        print(f"kiosk-central: {PASSWORD_TOO_SHORT}", file=sys.stderr)
        return 2
    from sqlalchemy import select

    with Database(db_url).session() as session:
        if session.scalar(select(User).where(User.username == username)) is not None:
            print(f"kiosk-central: user {username} exists already", file=sys.stderr)
            return 1
        if department is not None and session.get(Department, department) is None:
            print(f"kiosk-central: no department {department}", file=sys.stderr)
            return 1
        try:
            add_user(session, username, password, role, department)
        except ValueError as problem:
            print(f"kiosk-central: {problem}", file=sys.stderr)
            return 2
    print(f"user {username} ({role}{', ' + department if department else ''}) created")
    return 0


def _revoke_certificate(db_url: str, serial_no: str, reason: RevocationReason) -> int:
    from central.db import Database, migrate
    from central.errors import ApiRefusal
    from central.revocation import public_reason, revoke

    migrate(db_url)
    try:
        with Database(db_url).session() as session:
            row = revoke(session, serial_no, reason, dt.datetime.now(dt.UTC))
            serial, revoked_at = row.serial_no, row.revoked_at
    except ApiRefusal as refused:
        print(f"kiosk-central: {refused.answer.message}", file=sys.stderr)
        return 1
    print(f"certificate {serial} revoked at {revoked_at:%Y-%m-%d %H:%M} UTC")
    print(f"the verification page says: 撤销原因：{public_reason(reason)}")
    return 0


def _list_help_requests(
    db_url: str, kiosk_id: str | None, since: dt.date | None, *, as_json: bool
) -> int:
    from sqlalchemy import select

    from central.models import HelpRequest

    def to_row(row: HelpRequest) -> dict[str, str]:
        return {
            "time": row.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            "kiosk": row.kiosk_id,
            "service": row.service_id or "-",
            "resident": row.masked_name or "-",
            "call": row.phone or "-",
            "helper": row.helper_name or "staff",
            "by": row.call_back_by.astimezone().strftime("%H:%M"),
        }

    query = select(HelpRequest)
    rows = newest_first(db_url, query, HelpRequest, HelpRequest.created_at, kiosk_id, since, to_row)
    print_rows(rows, as_json, "no help requests")
    return 0


def _list_audit_events(
    db_url: str, kiosk_id: str | None, since: dt.date | None, *, as_json: bool
) -> int:
    from sqlalchemy import select

    from central.models import ReceivedEvent

    def to_row(row: ReceivedEvent) -> dict[str, str]:
        details = dict(row.body.get("details") or {})  # type: ignore[call-overload]
        return {
            "time": dt.datetime.fromisoformat(str(row.body["at"]))
            .astimezone()
            .strftime("%Y-%m-%d %H:%M:%S"),
            "kiosk": row.kiosk_id,
            "kind": row.subject or "-",
            "details": " ".join(f"{key}={value}" for key, value in details.items()) or "-",
        }

    query = select(ReceivedEvent).where(ReceivedEvent.kind == "audit")
    rows = newest_first(
        db_url, query, ReceivedEvent, ReceivedEvent.received_at, kiosk_id, since, to_row
    )
    print_rows(rows, as_json, "no audit events")
    return 0


def _exit_with_parent() -> None:
    """Linux: have the kernel send SIGTERM when our parent dies, even by SIGKILL."""
    import ctypes
    import signal

    parent = os.getppid()
    pr_set_pdeathsig = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != parent:  # it died before the request took effect
        sys.exit(0)


def _serve(args: argparse.Namespace, db_url: str) -> int:
    if args.exit_with_parent:
        _exit_with_parent()
    from central.logs import configure as configure_logging

    configure_logging()

    from central import secret_files
    from central.app import DemoDataInProductionError, Settings, create_app
    from central.faults import FaultRules
    from central.server import serve

    if bool(args.tls_cert) != bool(args.tls_key):
        print("kiosk-central: --tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    try:
        admin_token = secret_files.admin_token(args.admin_token_file, os.environ)
        devices = secret_files.devices(args.devices_file)
    except secret_files.SecretError as problem:
        print(f"kiosk-central: {problem}", file=sys.stderr)
        return 2
    scheme = "https" if args.tls_cert else "http"
    sms_gateway = args.sms_gateway
    if args.sms_gateway_sim is not None:
        from central.sms_gateway_sim import SmsGatewaySimulator

        simulator = SmsGatewaySimulator(args.sms_gateway_sim)
        simulator.start()
        sms_gateway = simulator.url
        print(f"kiosk-central: SMS gateway simulator records to {args.sms_gateway_sim}")
    settings = Settings(
        db_url=db_url,
        demo=args.demo,
        fault_injection=args.fault_injection,
        admin_token=admin_token,
        public_url=args.public_url or f"{scheme}://{args.host}:{args.port}",
        devices=devices,
        faults=FaultRules(rules=dict(args.fault)),
        request_timeout_s=args.request_timeout,
        certificates_per_day=args.certificates_per_day,
        sms_gateway_url=sms_gateway,
        sms_signature=args.sms_signature,
    )
    try:
        app = create_app(settings)
    except DemoDataInProductionError as refusal:
        print(f"kiosk-central: {refusal}", file=sys.stderr)
        return 2
    serve(
        app,
        host=args.host,
        port=args.port,
        ssl_certfile=str(args.tls_cert) if args.tls_cert else None,
        ssl_keyfile=str(args.tls_key) if args.tls_key else None,
        trusted_proxies=args.trusted_proxy,
        request_timeout_s=args.request_timeout,
        max_connections=args.max_connections,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
