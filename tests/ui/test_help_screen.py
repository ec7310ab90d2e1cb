"""找人帮忙 tapped as a finger would: the request reaches the reference centre once, through the
outbox, with no ID number on the way or on the kiosk's disk; the screen says who calls back and
by when, from the centre's answer; without consent nothing of the resident is passed on."""

from __future__ import annotations

import sqlite3

import pytest
from pytestqt.qtbot import QtBot

from kiosk.outbox import Outbox
from kiosk.services.help import ANSWER_WAIT_S, HelpPhase
from tests.conftest import FakeClock
from tests.rigs.central import CentralServer
from tests.ui.helpers import tap, visible_texts
from tests.ui.test_session_screens import CARD, identify
from ui.window import KioskWindow


def help_rows(central: CentralServer) -> list[dict[str, object]]:
    db = sqlite3.connect(central.log_path.parent / "central.sqlite3")
    db.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in db.execute("SELECT * FROM help_requests ORDER BY created_at")]
    finally:
        db.close()


@pytest.mark.parametrize("consent", [True, False])
def test_help_from_the_menu_reaches_the_centre_once_and_says_who_calls_back(
    qtbot: QtBot, window: KioskWindow, central_server: CentralServer, consent: bool
) -> None:
    journey, core = window.journey, window.core
    before = len(help_rows(central_server))
    identify(qtbot, window)
    tap(qtbot, journey.menu.help_button)
    assert window.stack.currentWidget() is journey.help
    assert journey.help.consent_button.isChecked()  # asked, the answer shown, one tap to undo
    if not consent:
        tap(qtbot, journey.help.consent_button)
    tap(qtbot, journey.help.send_button)
    qtbot.waitUntil(lambda: "会在" in visible_texts(journey.help), timeout=10_000)
    assert core.help.view is not None and core.help.view.phase is HelpPhase.SENT
    texts = visible_texts(journey.help)
    helper = "帮办员 刘*芳"
    assert (helper + " 会在") in texts and ("给您回电话" if consent else "到这台终端来") in texts
    assert core.outbox is not None and core.outbox.flush(5)
    rows = help_rows(central_server)
    assert len(rows) == before + 1  # once, though the outbox may have tried more than once
    row = rows[-1]
    assert row["kiosk_id"] == core.config.kiosk.id
    assert (row["masked_name"] is not None) == consent and (row["phone"] is not None) == consent
    outbox_file = core.config.state_dir / "outbox.sqlite3"
    for path in outbox_file.parent.glob("outbox.sqlite3*"):
        assert CARD.id_number.encode() not in path.read_bytes()
    tap(qtbot, journey.help.back_button)
    assert window.stack.currentWidget() is journey.menu


def test_help_before_a_card_asks_no_consent_and_sends_no_resident(
    qtbot: QtBot, window: KioskWindow, central_server: CentralServer
) -> None:
    journey, core = window.journey, window.core
    tap(qtbot, window.attract.elder_button)
    assert window.attract.help_button.isVisible()  # elder mode: on the attract screen too
    before = len(help_rows(central_server))
    tap(qtbot, window.attract.help_button)
    assert not journey.help.consent_button.isVisible()
    assert "到这台终端来找您" in visible_texts(journey.help)
    tap(qtbot, journey.help.send_button)
    qtbot.waitUntil(
        lambda: core.help.view is not None and core.help.view.phase is HelpPhase.SENT,
        timeout=10_000,
    )
    assert core.outbox is not None and core.outbox.flush(5)
    rows = help_rows(central_server)
    assert len(rows) == before + 1 and rows[-1]["resident_id"] is None
    tap(qtbot, journey.help.back_button)
    assert window.stack.currentWidget() is window.attract


def test_when_the_centre_does_not_answer_the_request_is_kept_and_the_screen_says_so(
    qtbot: QtBot, window: KioskWindow, clock: FakeClock
) -> None:
    journey, core = window.journey, window.core
    identify(qtbot, window)
    outbox = core.outbox
    assert isinstance(outbox, Outbox)
    outbox.stop()  # the centre is out of reach: nothing is delivered
    tap(qtbot, journey.menu.help_button)
    tap(qtbot, journey.help.send_button)
    assert core.help.view is not None and core.help.view.phase is HelpPhase.SENDING
    clock.advance(ANSWER_WAIT_S + 1)
    qtbot.waitUntil(
        lambda: core.help.view is not None and core.help.view.phase is HelpPhase.QUEUED,
        timeout=5000,
    )
    assert "联网后会自动发给帮办员" in visible_texts(journey.help)
    assert outbox.depth() >= 1  # kept: it goes when the centre answers
