"""A small SMS gateway on loopback for the demo and the tests: it takes what
`central.notify.HttpSmsGateway` posts ({phone, text} as JSON) and appends it to a log file, one
JSON line a message, where a newcomer reads what a resident's phone would show.

`POST /_down` makes it answer 503 to everything until `POST /_up`, as a gateway away for a
while; the centre must lose no message meanwhile. Standard library only.

    python -m central.sms_gateway_sim --port 8725 --log sms-gateway.log
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

MAX_BODY = 64 * 1024


class SmsGatewaySimulator:
    def __init__(self, log_path: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.log_path = log_path
        self.down = False
        self._lock = threading.Lock()
        simulator = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, MAX_BODY))
                if self.path in ("/_down", "/_up"):
                    simulator.down = self.path == "/_down"
                    self._answer(200, {"down": simulator.down})
                elif simulator.down:
                    self._answer(503, {"error": "gateway down (simulated)"})
                else:
                    try:
                        message = json.loads(body)
                        phone, text = str(message["phone"]), str(message["text"])
                    except (ValueError, KeyError, TypeError):
                        self._answer(400, {"error": "expected JSON {phone, text}"})
                        return
                    simulator.record(phone, text)
                    self._answer(200, {"accepted": True})

            def _answer(self, status: int, body: dict[str, object]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass  # the log file is the record; no line per request on stderr

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def record(self, phone: str, text: str) -> None:
        at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        line = {"at": at, "phone": phone, "text": text}
        with self._lock, self.log_path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(line, ensure_ascii=False) + "\n")

    def received(self) -> list[dict[str, str]]:
        if not self.log_path.exists():
            return []
        lines = self.log_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line]

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="sms-gateway-sim", daemon=True
        )
        self._thread.start()

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8725)
    parser.add_argument("--log", type=Path, required=True, help="one JSON line a message")
    args = parser.parse_args()
    simulator = SmsGatewaySimulator(args.log, args.host, args.port)
    print(f"SMS gateway simulator at {simulator.url}, recording to {args.log}", flush=True)
    simulator.serve_forever()


if __name__ == "__main__":
    main()
