"""Logging of the reference central service: stderr, with personal data and secrets masked.

The service must not import the kiosk's core, so the ID-number pattern is repeated here (it
is the GB 11643 shape, the same as kiosk/privacy.py). Session tokens travel in the path of
`DELETE /v1/sessions/{token}`, which the access log would otherwise print.
"""

from __future__ import annotations

import logging
import re
import sys

_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{17}[\dXx]|\d{15})(?![\dXx])")
_TOKEN_IN_PATH = re.compile(r"(/v1/sessions/)[^\s\"?]+")
_FORMAT = "%(levelname)s %(name)s: %(message)s"


class MaskFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        text = _ID_NUMBER.sub("[ID]", record.getMessage())
        record.msg = _TOKEN_IN_PATH.sub(r"\1[token]", text)
        record.args = None
        return True


def configure(level: str = "INFO") -> None:
    """One stderr handler on the root logger; uvicorn's loggers propagate to it."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(MaskFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
