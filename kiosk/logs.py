"""Logging for technicians: stderr for journald, a size-rotated file in the state directory.

Every handler carries `IdNumberMaskFilter`, so no record, whatever logger or library it comes
from, reaches a log with an ID number in it (DESIGN.md: "logs keep none").
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from pathlib import Path

from kiosk.privacy import mask_for_log

LOG_FILE_NAME = "kiosk.log"
_HANDLER_PREFIX = "kiosk-"
_FILE_FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"
_STDERR_FORMAT = "%(levelname)s %(name)s: %(message)s"
# sd-daemon(3) priority prefixes, understood by journald on a service's stderr.
_SYSLOG_PRIORITY = {
    logging.CRITICAL: 2,
    logging.ERROR: 3,
    logging.WARNING: 4,
    logging.INFO: 6,
    logging.DEBUG: 7,
}


class IdNumberMaskFilter(logging.Filter):
    """Masks ID-number patterns in the message, its arguments, the traceback and the stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_for_log(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_for_log(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_for_log(record.stack_info)
        return True


class JournalFormatter(logging.Formatter):
    """Prefixes `<N>` so journald files each line at its level; journald adds the time."""

    def format(self, record: logging.LogRecord) -> str:
        priority = _SYSLOG_PRIORITY.get(record.levelno, 6)
        return f"<{priority}>" + super().format(record)


def configure(level: str, state_dir: Path, *, max_bytes: int, backups: int) -> Path:
    """Install the kiosk's handlers on the root logger; returns the log file's path.

    Replaces handlers a previous call installed, so tests and restarts can call it again.
    """
    log_dir = state_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_file = log_dir / LOG_FILE_NAME

    stderr_handler = logging.StreamHandler(sys.stderr)
    under_journald = bool(os.environ.get("JOURNAL_STREAM"))
    stderr_handler.setFormatter(
        JournalFormatter(_STDERR_FORMAT) if under_journald else logging.Formatter(_STDERR_FORMAT)
    )
    file_handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    file_handler.setFormatter(logging.Formatter(_FILE_FORMAT))

    remove_handlers()
    root = logging.getLogger()
    for name, handler in (("stderr", stderr_handler), ("file", file_handler)):
        handler.set_name(_HANDLER_PREFIX + name)
        handler.addFilter(IdNumberMaskFilter())
        root.addHandler(handler)
    root.setLevel(level)
    return log_file


def remove_handlers() -> None:
    """Take the handlers `configure` installed off the root logger, and close them."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if (handler.get_name() or "").startswith(_HANDLER_PREFIX):
            root.removeHandler(handler)
            handler.close()
