"""One limiter for what a stranger might repeat to guess a secret."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

WINDOW_S = 60.0


class RateLimit:
    """At most `per_minute` counted events per client address in any minute: lookups of the
    verify page (guessing codes), failed admin logins (guessing the token).

    The address is the peer's, or the one a trusted proxy forwarded (`kiosk-central serve
    --trusted-proxy`; none by default, so a forged X-Forwarded-For changes nothing). Addresses
    not seen for a minute are forgotten, so memory holds only the last minute's callers.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._per_minute = per_minute
        self._clock = clock
        self._seen: dict[str, list[float]] = {}
        self._swept_at = clock()
        self._lock = threading.Lock()

    def retry_after_s(self, client: str) -> int | None:
        """None: allowed now (and counted). Otherwise the whole seconds until it would be."""
        with self._lock:
            wait_s = self._wait_s(client)
            if wait_s is None:
                self._seen[client].append(self._clock())
            return wait_s

    def blocked_s(self, client: str) -> int | None:
        """As `retry_after_s`, without counting: for events counted only when they fail."""
        with self._lock:
            return self._wait_s(client)

    def count(self, client: str) -> None:
        with self._lock:
            self._wait_s(client)
            self._seen[client].append(self._clock())

    def _wait_s(self, client: str) -> int | None:
        now = self._clock()
        if now - self._swept_at >= WINDOW_S:
            self._sweep(now)
        recent = [t for t in self._seen.get(client, []) if now - t < WINDOW_S]
        self._seen[client] = recent
        if len(recent) < self._per_minute:
            return None
        return max(1, math.ceil(recent[0] + WINDOW_S - now))

    @property
    def clients(self) -> int:
        return len(self._seen)

    def _sweep(self, now: float) -> None:
        self._seen = {c: ts for c, ts in self._seen.items() if ts and now - ts[-1] < WINDOW_S}
        self._swept_at = now
