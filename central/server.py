"""How `kiosk-central serve` runs uvicorn: bounded in time, connections and file descriptors.

uvicorn has a keep-alive timeout but no deadline for a request's head: a client that sends half
a header holds its connection, and a file descriptor, for ever, and 1,100 of them exhausted a
server under the usual limit of 1,024 files. Here a request's head must be complete within
`request_timeout_s` of the connection (or of the previous response); its body must keep
arriving (central.body_limit); at most `max_connections` are served at once (uvicorn answers
503 beyond); the process raises its own file limit to the hard limit at start; and the event
loop's "out of system resource" error is logged once a minute (central.logs), not per accept.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from central.limits import MAX_CONNECTIONS, REQUEST_TIMEOUT_S

log = logging.getLogger(__name__)

KEEP_ALIVE_S = 5
WANTED_OPEN_FILES = 65536


class DeadlineH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for each request's head."""

    head_timeout_s = REQUEST_TIMEOUT_S

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        self._head_deadline: asyncio.TimerHandle | None = None
        super().connection_made(transport)
        self._arm_head_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.cycle is not None and not self.cycle.response_complete:
            self._cancel_head_deadline()  # a whole head arrived: the route's time now

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_head_deadline()  # the next request on this connection, if any

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_deadline()
        super().connection_lost(exc)

    def _arm_head_deadline(self) -> None:
        self._cancel_head_deadline()
        self._head_deadline = self.loop.call_later(self.head_timeout_s, self._head_too_slow)

    def _cancel_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self.transport.is_closing():
            return
        log.debug("closing a connection from %s: no whole request head in time", self.client)
        if self.conn.our_state in (h11.IDLE, h11.DONE):
            self.conn.send(h11.ConnectionClosed())
        self.transport.close()


def raise_file_limit(wanted: int = WANTED_OPEN_FILES) -> int:
    """Raise this process's soft limit of open files towards `wanted`, within the hard limit.
    The limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    return soft


def serve(
    app: Any,
    *,
    host: str,
    port: int,
    ssl_certfile: str | None,
    ssl_keyfile: str | None,
    trusted_proxies: list[str],
    request_timeout_s: float = REQUEST_TIMEOUT_S,
    max_connections: int = MAX_CONNECTIONS,
) -> None:
    open_files = raise_file_limit()
    log.info(
        "serving on %s:%d: request head and body within %.0f s, keep-alive %d s, "
        "at most %d connections, %d open files",
        host,
        port,
        request_timeout_s,
        KEEP_ALIVE_S,
        max_connections,
        open_files,
    )
    protocol = type(
        "DeadlineH11Protocol", (DeadlineH11Protocol,), {"head_timeout_s": request_timeout_s}
    )
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
        log_config=None,  # our handler, with its masks, on the root logger
        http=protocol,
        timeout_keep_alive=KEEP_ALIVE_S,
        limit_concurrency=max_connections,
        # Forwarded addresses only from proxies named on the command line: uvicorn would
        # otherwise believe any X-Forwarded-For from 127.0.0.1 (FORWARDED_ALLOW_IPS).
        proxy_headers=bool(trusted_proxies),
        forwarded_allow_ips=trusted_proxies or None,
    )
