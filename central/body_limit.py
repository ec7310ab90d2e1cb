"""Request bodies bounded before anything reads them, in size and in time.

FastAPI reads and parses a route's body before its dependencies run, so a limit checked there
(in the signature check, say) sees a body only once it is whole in memory. This ASGI
middleware sits in front of the application: a Content-Length over the route's limit is
answered 413 at once, without reading a byte of the body; a chunked body is counted as it
arrives and answered 413 as soon as it passes the limit. A body that stops arriving for
`idle_timeout_s` is answered 408. The rest is never read: the server closes the connection
after the answer.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from central.errors import refusal
from kiosk.api.models import ErrorAnswer

log = logging.getLogger(__name__)

# The largest request of the contract today, a batch of 64 events, is tens of kilobytes.
DEFAULT_MAX_BYTES = 256 * 1024
BODY_IDLE_TIMEOUT_S = 10.0
_TOO_LARGE = refusal("request_too_large", "请求内容过大", "The request is too large")
_TOO_SLOW = refusal(
    "request_timeout", "请求超时，请重试", "The request took too long; please try again"
)


class BodyLimit:
    """`default_bytes` for every route; `route_bytes` maps a path prefix to its own limit
    (the longest matching prefix wins), for routes that take uploads."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default_bytes: int = DEFAULT_MAX_BYTES,
        route_bytes: Mapping[str, int] | None = None,
        idle_timeout_s: float = BODY_IDLE_TIMEOUT_S,
    ) -> None:
        self.app = app
        self.default_bytes = default_bytes
        self.idle_timeout_s = idle_timeout_s
        self._routes = sorted((route_bytes or {}).items(), key=lambda item: -len(item[0]))

    def limit_for(self, path: str) -> int:
        for prefix, limit in self._routes:
            if path.startswith(prefix):
                return limit
        return self.default_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            _log_refusal(
                scope, f"body of Content-Length {declared} over the limit of {limit} bytes"
            )
            await _send(send, 413, _TOO_LARGE)
            return
        received = 0
        refused = False
        body_done = False

        async def counted_receive() -> Message:
            nonlocal received, refused, body_done
            if body_done or refused:
                return await receive()  # waiting for a disconnect may take as long as it takes
            try:
                message = await asyncio.wait_for(receive(), self.idle_timeout_s)
            except TimeoutError:
                refused = True
                stalled = f"its body stopped after {received} bytes for {self.idle_timeout_s:.0f} s"
                _log_refusal(scope, stalled)
                await _send(send, 408, _TOO_SLOW)
                return {"type": "http.disconnect"}
            if message["type"] == "http.request":
                body_done = not message.get("more_body", False)
                received += len(message.get("body", b""))
                if received > limit:
                    # Answer now, while the application still waits for its body; what it
                    # sends after it has seen the disconnect goes nowhere.
                    refused = True
                    _log_refusal(scope, f"chunked body past the limit of {limit} bytes")
                    await _send(send, 413, _TOO_LARGE)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            if not refused:
                await send(message)

        await self.app(scope, counted_receive, guarded_send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            # The server (h11, httptools) has already refused a Content-Length that is not
            # a number; keep to digits anyway.
            return int(value) if value.isdigit() else None
    return None


def _client(scope: Scope) -> str:
    client = scope.get("client") or ("unknown", 0)
    return str(client[0])


def _log_refusal(scope: Scope, why: str) -> None:
    method, path = scope.get("method", ""), _path_head(scope.get("path", ""))
    log.warning("%s %s from %s refused: %s", method, path, _client(scope), why)


def _path_head(path: str) -> str:
    """`/v1/sessions/…`: the route is not known yet, and the rest may be a token."""
    parts = path.split("/")
    return "/".join(parts[:3]) + ("/…" if len(parts) > 3 else "")


async def _send(send: Send, status: int, answer: ErrorAnswer) -> None:
    body = json.dumps(answer.model_dump(), ensure_ascii=False).encode()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    start: dict[str, Any] = {"type": "http.response.start", "status": status, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": body})
