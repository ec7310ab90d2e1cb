"""`kiosk-central` as an operator runs it: register kiosks, migrate, refuse bad options."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from central.models import Base
from kiosk.api.errors import KioskNotAuthorizedError
from tests.rigs.central import CentralServer, start_central

KIOSK_CENTRAL = str(Path(sys.executable).with_name("kiosk-central"))
FLAG_KIOSK = ("kiosk-flag-01", "a-secret-from-the-flag-0123")


def kiosk_central(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [KIOSK_CENTRAL, *args], capture_output=True, text=True, timeout=60, check=False
    )


def db_url(directory: Path) -> str:
    """The database `start_central` serves from `directory`."""
    return f"sqlite:///{directory / 'central.sqlite3'}"


@dataclass(frozen=True)
class Registered:
    directory: Path
    kiosk_id: str
    stdout: str
    secret: str


@pytest.fixture(scope="module")
def registered(tmp_path_factory: pytest.TempPathFactory) -> Registered:
    directory = tmp_path_factory.mktemp("central-cli")
    done = kiosk_central("device", "add", "kiosk-0042", "--db", db_url(directory))
    assert done.returncode == 0, done.stderr
    secret = done.stdout.strip().splitlines()[-1]
    return Registered(directory, "kiosk-0042", done.stdout, secret)


@pytest.fixture(scope="module")
def production_central(registered: Registered) -> Iterator[CentralServer]:
    """Not --demo: only the kiosks registered by `device add` and by --device are known."""
    server = start_central(
        registered.directory,
        demo=False,
        extra=("--device", ":".join(FLAG_KIOSK)),
    )
    yield server
    server.stop()


def test_device_add_prints_a_new_secret_once(registered: Registered) -> None:
    assert len(registered.secret) >= 32
    assert registered.stdout.count(registered.secret) == 1
    assert registered.kiosk_id in registered.stdout


def test_a_kiosk_signing_with_the_printed_secret_is_accepted(
    registered: Registered, production_central: CentralServer
) -> None:
    client = production_central.client(kiosk_id=registered.kiosk_id, secret=registered.secret)
    catalog = client.catalog()
    assert catalog.services == [], "no demo services without --demo"


def test_a_kiosk_given_with_the_device_flag_is_accepted(
    production_central: CentralServer,
) -> None:
    kiosk_id, secret = FLAG_KIOSK
    assert production_central.client(kiosk_id=kiosk_id, secret=secret).catalog()


def test_the_demo_kiosk_is_unknown_without_demo_mode(production_central: CentralServer) -> None:
    with pytest.raises(KioskNotAuthorizedError) as refused:
        production_central.client().catalog()
    assert refused.value.code == "auth_bad_signature"  # an unknown kiosk, as seen from outside


def test_adding_the_same_kiosk_twice_fails(registered: Registered) -> None:
    done = kiosk_central("device", "add", registered.kiosk_id, "--db", db_url(registered.directory))
    assert done.returncode == 1
    assert "exists already" in done.stderr
    assert registered.secret not in done.stdout


def test_migrate_brings_an_empty_database_to_the_newest_schema(tmp_path: Path) -> None:
    url = db_url(tmp_path)
    done = kiosk_central("migrate", "--db", url)
    assert done.returncode == 0, done.stderr
    assert "newest schema" in done.stdout
    engine = create_engine(url)
    try:
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_a_tls_certificate_without_its_key_is_refused(tmp_path: Path) -> None:
    done = kiosk_central(
        "serve", "--tls-cert", str(tmp_path / "server.pem"), "--db", db_url(tmp_path)
    )
    assert done.returncode == 2
    assert "--tls-key" in done.stderr


@pytest.mark.parametrize("device", ["no-colon", "kiosk-1:short", ":a-secret-of-enough-length"])
def test_a_malformed_device_option_is_refused(tmp_path: Path, device: str) -> None:
    done = kiosk_central("serve", "--device", device, "--db", db_url(tmp_path))
    assert done.returncode == 2
    assert "ID:SECRET" in done.stderr
