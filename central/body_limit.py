"""Request bodies bounded before anything reads them.

FastAPI reads and parses a route's body before its dependencies run, so a limit checked there
(in the signature check, say) sees a body only once it is whole in memory. This ASGI
middleware sits in front of the application: a Content-Length over the route's limit is
answered 413 at once, without reading a byte of the body; a chunked body is counted as it
arrives and answered 413 as soon as it passes the limit. The rest is never read: the server
closes the connection after the answer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from central.errors import refusal

log = logging.getLogger(__name__)

# The largest request of the contract today, a batch of 64 events, is tens of kilobytes.
DEFAULT_MAX_BYTES = 256 * 1024
_TOO_LARGE = refusal("request_too_large", "请求内容过大", "The request is too large")


class BodyLimit:
    """`default_bytes` for every route; `route_bytes` maps a path prefix to its own limit
    (the longest matching prefix wins), for routes that take uploads."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        default_bytes: int = DEFAULT_MAX_BYTES,
        route_bytes: Mapping[str, int] | None = None,
    ) -> None:
        self.app = app
        self.default_bytes = default_bytes
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
            _log_refusal(scope, f"Content-Length {declared}", limit)
            await _send_too_large(send)
            return
        received = 0
        refused = False

        async def counted_receive() -> Message:
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request" and not refused:
                received += len(message.get("body", b""))
                if received > limit:
                    # Answer now, while the application still waits for its body; what it
                    # sends after it has seen the disconnect goes nowhere.
                    refused = True
                    _log_refusal(scope, f"more than {received} bytes, chunked", limit)
                    await _send_too_large(send)
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


def _log_refusal(scope: Scope, what: str, limit: int) -> None:
    client = scope.get("client") or ("unknown", 0)
    log.warning(
        "%s %s from %s refused: body of %s over the limit of %d bytes",
        scope.get("method", ""),
        _path_head(scope.get("path", "")),
        client[0],
        what,
        limit,
    )


def _path_head(path: str) -> str:
    """`/v1/sessions/…`: the route is not known yet, and the rest may be a token."""
    parts = path.split("/")
    return "/".join(parts[:3]) + ("/…" if len(parts) > 3 else "")


async def _send_too_large(send: Send) -> None:
    body = json.dumps(_TOO_LARGE.model_dump(), ensure_ascii=False).encode()
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    start: dict[str, Any] = {"type": "http.response.start", "status": 413, "headers": headers}
    await send(start)
    await send({"type": "http.response.body", "body": body})
