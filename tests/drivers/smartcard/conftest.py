"""The session's pcscd + vpcd, and an empty reader at the start of every test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.rigs.pcsc import PcscRig, start_pcscd


@pytest.fixture(scope="session")
def pcsc_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PcscRig]:
    rig = start_pcscd(tmp_path_factory.mktemp("pcscd"))
    yield rig
    rig.stop()


@pytest.fixture
def pcsc(pcsc_session: PcscRig) -> Iterator[PcscRig]:
    yield pcsc_session
    pcsc_session.remove_all()
