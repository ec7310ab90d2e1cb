from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.rigs.central import CentralServer, start_central


@pytest.fixture(scope="session")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    server = start_central(tmp_path_factory.mktemp("central"))
    yield server
    server.stop()
