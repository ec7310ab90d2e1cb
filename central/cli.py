"""`kiosk-central`: run and administer the reference central service.

`serve` runs the ASGI app under uvicorn; the API, `migrate`, `device add` and `user add` come
with the central-service issue.
"""

from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk-central",
        description="The reference central service of the village service kiosks.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the API over HTTP")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    serve.add_argument("--port", type=int, default=8700, help="TCP port (default: 8700)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        import uvicorn
    except ImportError:
        print(
            "kiosk-central: install the central extra: pip install 'village-kiosk[central]'",
            file=sys.stderr,
        )
        return 2
    from central.app import create_app

    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
