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
    """Not --demo: only the kiosks registered by `device add` and in --devices-file."""
    server = start_central(registered.directory, demo=False, devices=dict([FLAG_KIOSK]))
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


@pytest.mark.parametrize("line", ["no-colon", "kiosk-1:short", ":a-secret-of-enough-length"])
def test_a_malformed_devices_file_is_refused(tmp_path: Path, line: str) -> None:
    devices = tmp_path / "devices"
    devices.write_text(f"# kiosks of the county\n{line}\n")
    devices.chmod(0o600)
    done = kiosk_central("serve", "--devices-file", str(devices), "--db", db_url(tmp_path))
    assert done.returncode == 2
    assert f"{devices} line 2: expected ID:SECRET" in done.stderr


def test_a_devices_file_others_may_read_is_refused(tmp_path: Path) -> None:
    devices = tmp_path / "devices"
    devices.write_text("kiosk-1:a-secret-of-enough-length\n")
    devices.chmod(0o644)
    done = kiosk_central("serve", "--devices-file", str(devices), "--db", db_url(tmp_path))
    assert done.returncode == 2
    assert f"chmod 600 {devices}" in done.stderr


@pytest.mark.parametrize("flag", ["--device", "--admin-token"])
def test_a_secret_on_the_command_line_is_refused_with_the_way_to_give_it(
    tmp_path: Path, flag: str
) -> None:
    done = kiosk_central("serve", flag, "kiosk-1:a-secret-of-enough-length")
    assert done.returncode == 2
    assert "shows in `ps`" in done.stderr and "--devices-file" in done.stderr


def test_a_short_admin_token_is_refused(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("a\n")
    token.chmod(0o600)
    done = kiosk_central("serve", "--admin-token-file", str(token), "--db", db_url(tmp_path))
    assert done.returncode == 2
    assert "the admin token has 1 characters; it needs 32 or more" in done.stderr
