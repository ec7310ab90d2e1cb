"""Engine, sessions and migrations. SQLite (embedded default) and PostgreSQL, the same code."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", "central:migrations")
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (creating it when empty)."""
    command.upgrade(alembic_config(url), revision)


def keep_private(url: str) -> list[Path]:
    """An SQLite database holds the device secrets and residents' data: its files (and the
    WAL beside it) readable by their owner only, as the process's umask makes new ones. The
    files changed. (PostgreSQL: the server's own access rules.)"""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or not parsed.database:
        return []
    changed = []
    for suffix in ("", "-wal", "-shm"):
        path = Path(parsed.database + suffix)
        if path.exists() and path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
            changed.append(path)
    return changed


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.nonces_pruned_at = 0  # Unix seconds of the last clean-up of old nonces

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on an exception."""
        with self._sessions.begin() as session:
            yield session
