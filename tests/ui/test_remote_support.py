"""Remote support through the heartbeat, with the real centre and its administrator's commands:
an alert shows on the attract screen, suspends the service it names and is cleared again; a
new catalog waits until the resident's session ends; a bundle and a screenshot asked for are
uploaded at the next idle moment (the screenshot never during a session), downloaded, and hold
no resident's data."""

from __future__ import annotations

import dataclasses
import io
import re
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from drivers.idcard.demo import DEMO_CARDS
from kiosk.api.demo import DEMO_DEVICE_ID
from kiosk.app import Core
from kiosk.config import Config
from kiosk.session import State
from tests.conftest import FakeClock
from tests.rigs.central import CentralServer, start_central
from tests.ui.helpers import service_tile, tap
from tests.ui.test_voice_journey import open_window
from ui.window import KioskWindow

CENTRAL = [sys.executable, "-m", "central.cli"]
CARD = DEMO_CARDS[0]
ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


@pytest.fixture(scope="module")
def centre(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    """A centre of its own: its alerts and requests must reach no other test's kiosk."""
    server = start_central(tmp_path_factory.mktemp("central-support"))
    yield server
    server.stop()


def admin(centre: CentralServer, *args: str) -> subprocess.CompletedProcess[str]:
    db = f"sqlite:///{centre.log_path.parent / 'central.sqlite3'}"
    done = subprocess.run([*CENTRAL, *args, "--db", db], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def kiosk(
    qtbot: QtBot, config: Config, clock: FakeClock, centre: CentralServer
) -> Iterator[tuple[KioskWindow, Core]]:
    central = dataclasses.replace(config.central, url=centre.url)
    window, core = open_window(qtbot, dataclasses.replace(config, central=central), clock)
    yield window, core
    core.stop()


def heartbeat(qtbot: QtBot, core: Core) -> None:
    """One heartbeat now, its answer heard (instead of waiting for the next of the minute)."""
    assert core.heartbeat is not None and core.outbox is not None
    core.heartbeat.beat()
    qtbot.waitUntil(lambda: core.outbox is not None and core.outbox.depth() == 0, timeout=10_000)


def identify(qtbot: QtBot, window: KioskWindow) -> None:
    assert window.journey.demo_panel is not None
    tap(qtbot, window.journey.demo_panel.card_buttons[0])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.menu, timeout=5000)


def leave(qtbot: QtBot, window: KioskWindow) -> None:
    tap(qtbot, window.journey.menu.exit_button)
    assert window.journey.demo_panel is not None
    window.journey.demo_panel.lift_card()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.attract, timeout=5000)


def test_an_alert_shows_suspends_the_service_it_names_and_is_cleared(
    qtbot: QtBot, kiosk: tuple[KioskWindow, Core], centre: CentralServer
) -> None:
    window, core = kiosk
    admin(centre, "alert", "set", "maint-1", "--text", "系统维护：居住证明暂停办理",
          "--kiosk", DEMO_DEVICE_ID, "--disables", "residence-cert")  # fmt: skip
    try:
        heartbeat(qtbot, core)
        strip = window.attract.announcements
        qtbot.waitUntil(lambda: "系统维护：居住证明暂停办理" in strip.texts, timeout=5000)
        identify(qtbot, window)
        suspended = service_tile(qtbot, window, "residence-cert")
        assert not suspended.isEnabled()
        assert suspended.description.text() == "系统维护：居住证明暂停办理"
        assert window.journey.menu.grid.tiles["si-cert"].isEnabled()
    finally:
        admin(centre, "alert", "clear", "maint-1")
    heartbeat(qtbot, core)
    qtbot.waitUntil(lambda: window.journey.menu.grid.tiles["residence-cert"].isEnabled())
    assert "系统维护：居住证明暂停办理" not in window.attract.announcements.texts


def test_an_alert_for_every_service_suspends_them_all(
    qtbot: QtBot, kiosk: tuple[KioskWindow, Core], centre: CentralServer
) -> None:
    window, core = kiosk
    admin(centre, "alert", "set", "stop-all", "--text", "暂停服务", "--disables", "all",
          "--level", "critical")  # fmt: skip
    try:
        heartbeat(qtbot, core)
        identify(qtbot, window)
        for one_of_each_group in ("si-cert", "si-contrib", "senior-allowance"):
            service_tile(qtbot, window, one_of_each_group)
            tiles = window.journey.menu.grid.tiles
            assert tiles and not any(tile.isEnabled() for tile in tiles.values())
    finally:
        admin(centre, "alert", "clear", "stop-all")


def test_a_new_catalog_waits_for_the_session_to_end(
    qtbot: QtBot, kiosk: tuple[KioskWindow, Core], centre: CentralServer
) -> None:
    window, core = kiosk
    before = core.catalog.current.config_version
    identify(qtbot, window)
    db = sqlite3.connect(centre.log_path.parent / "central.sqlite3")
    with db:
        db.execute(
            "INSERT INTO settings (key, value) VALUES ('config_version', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(before + 1),),
        )
    db.close()
    qtbot.wait(5200)  # the centre caches its catalog for 5 s
    heartbeat(qtbot, core)
    assert core.support.pending
    qtbot.wait(2500)  # two of the journey's ticks, during the session
    assert core.catalog.current.config_version == before
    leave(qtbot, window)
    qtbot.waitUntil(lambda: core.catalog.current.config_version == before + 1, timeout=10_000)


def test_a_bundle_and_a_screenshot_asked_for_are_uploaded_when_idle(
    qtbot: QtBot, kiosk: tuple[KioskWindow, Core], centre: CentralServer, tmp_path: Path
) -> None:
    window, core = kiosk
    uploaded: list[tuple[str, str]] = []
    core.support.on_uploaded(lambda request_id, kind: uploaded.append((request_id, kind)))
    identify(qtbot, window)
    asked = [
        admin(centre, "kiosk", f"request-{kind}", DEMO_DEVICE_ID).stdout.split()[1].rstrip(":")
        for kind in ("screenshot", "bundle")
    ]
    heartbeat(qtbot, core)
    qtbot.wait(2500)  # two ticks: nothing is taken or sent while the resident is here
    assert uploaded == [] and core.session.state is State.IDENTIFIED
    waiting = admin(centre, "kiosk", "uploads", "--json").stdout
    assert waiting.count('"uploaded": "waiting"') >= 2
    leave(qtbot, window)
    qtbot.waitUntil(lambda: len(uploaded) == 2, timeout=20_000)
    assert sorted(kind for _, kind in uploaded) == ["bundle", "screenshot"]

    shot, bundle = tmp_path / "shot.png", tmp_path / "bundle.zip"
    admin(centre, "kiosk", "download", asked[0], "--out", str(shot))
    admin(centre, "kiosk", "download", asked[1], "--out", str(bundle))
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1920, 1080)  # the attract screen, idle
    with zipfile.ZipFile(io.BytesIO(bundle.read_bytes())) as archive:
        names = archive.namelist()
        assert {"config.json", "devices.json", "versions.json"} <= set(names)
        assert any(name.startswith("logs/") for name in names)
        text = "".join(archive.read(name).decode("utf-8", "replace") for name in names)
    assert not ID_NUMBER.search(text) and CARD.id_number not in text
    assert (shot.stat().st_mode & 0o777) == 0o600
    listing = admin(centre, "kiosk", "uploads").stdout
    assert "waiting" not in listing
