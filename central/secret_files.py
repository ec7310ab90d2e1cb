"""The centre's secrets, from the environment or from files only to their owner: never from
the command line, which every user of the machine can read in `ps`."""

from __future__ import annotations

import stat
from collections.abc import Mapping
from pathlib import Path

ADMIN_TOKEN_ENV = "CENTRAL_ADMIN_TOKEN"
ADMIN_TOKEN_MIN_CHARS = 32
DEVICE_SECRET_MIN_CHARS = 16


class SecretError(ValueError):
    """A secret is missing its file, too weak, or readable by others: one line says which."""


def _private_text(path: Path, what: str) -> str:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SecretError(f"cannot read the {what} file {path}: {error.strerror}") from error
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SecretError(f"the {what} file {path} may be read by others: `chmod 600 {path}` first")
    return text


def admin_token(path: Path | None, environ: Mapping[str, str]) -> str:
    """From `path` (its first line), else $CENTRAL_ADMIN_TOKEN; "" when neither: no admin."""
    if path is not None:
        lines = _private_text(path, "admin token").strip().splitlines()
        value = lines[0].strip() if lines else ""
    else:
        value = environ.get(ADMIN_TOKEN_ENV, "").strip()
    if value and len(value) < ADMIN_TOKEN_MIN_CHARS:
        raise SecretError(
            f"the admin token has {len(value)} characters; it needs {ADMIN_TOKEN_MIN_CHARS} "
            "or more (e.g. `openssl rand -hex 32`)"
        )
    return value


def devices(path: Path | None) -> dict[str, str]:
    """Kiosks to accept, one `ID:SECRET` a line (# starts a comment)."""
    if path is None:
        return {}
    found = {}
    for number, line in enumerate(_private_text(path, "devices").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        kiosk_id, sep, secret = line.partition(":")
        if not sep or not kiosk_id.strip() or len(secret.strip()) < DEVICE_SECRET_MIN_CHARS:
            raise SecretError(
                f"{path} line {number}: expected ID:SECRET with a secret of "
                f"{DEVICE_SECRET_MIN_CHARS}+ characters"
            )
        found[kiosk_id.strip()] = secret.strip()
    return found
