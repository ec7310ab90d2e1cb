"""Logging of the reference central service: stderr, with personal data and secrets masked.

The service must not import the kiosk's core, so the ID-number pattern is repeated here (it
is the GB 11643 shape, the same as kiosk/privacy.py). Session tokens travel in the path of
`DELETE /v1/sessions/{token}`, which the access log would otherwise print.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable
from urllib.parse import unquote

ID_NUMBER = re.compile(r"(?<!\d)(?:\d{17}[\dXx]|\d{15})(?![\dXx])")
_TOKEN_IN_PATH = re.compile(r"(/v1/sessions/)[^\s\"?]+")
_FORMAT = "%(levelname)s %(name)s: %(message)s"


def _decoded(text: str) -> str:
    """%-decoded, as often as it was encoded (a path may hide an ID number as %35%31…)."""
    for _ in range(3):
        if "%" not in text:
            break
        text = unquote(text)
    return text


class MaskFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        text = ID_NUMBER.sub("[ID]", _decoded(record.getMessage()))
        record.msg = _TOKEN_IN_PATH.sub(r"\1[token]", text)
        record.args = None
        return True


# asyncio says this on every attempt to accept while the process is out of file descriptors.
OUT_OF_RESOURCES = "socket.accept() out of system resource"
RECURRING_INTERVAL_S = 60.0


class OncePerInterval(logging.Filter):
    """A message that recurs (each failed accept of a server out of file descriptors) passes
    once per `interval_s`, saying how many like it were held back since."""

    def __init__(
        self,
        prefix: str,
        interval_s: float = RECURRING_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self._prefix, self._interval_s, self._clock = prefix, interval_s, clock
        self._passed_at: float | None = None
        self._held = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(self._prefix):
            return True
        now = self._clock()
        if self._passed_at is not None and now - self._passed_at < self._interval_s:
            self._held += 1
            return False
        if self._held:
            record.msg = f"{record.msg} ({self._held} more since the last one, not logged)"
        self._passed_at, self._held = now, 0
        return True


def configure(level: str = "INFO") -> None:
    """One stderr handler on the root logger; uvicorn's loggers propagate to it."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(MaskFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    logging.getLogger("asyncio").addFilter(OncePerInterval(OUT_OF_RESOURCES))
