from __future__ import annotations

from collections.abc import Iterator

import pytest

from central.db import Database
from tests.rigs.central import CentralServer, start_central


@pytest.fixture(scope="session")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    server = start_central(tmp_path_factory.mktemp("central"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def own_central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    """A central service for one module alone: its tests move certificates' dates in its
    database and count against its rate limit, and no other module should see that."""
    server = start_central(tmp_path_factory.mktemp("own-central"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def own_database(own_central: CentralServer) -> Iterator[Database]:
    """The database `own_central` serves (the SQLite file `start_central` puts beside its log),
    opened beside the server as an operator's tool would."""
    database = Database(f"sqlite:///{own_central.log_path.parent / 'central.sqlite3'}")
    yield database
    database.engine.dispose()
