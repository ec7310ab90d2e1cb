"""After a whole journey (card → records page 2 → certificate printed → rating), ended by each
way a session can end, nothing of the resident is left: not in any widget's text, not in a
table cell, not in the Python objects reachable from the window and the core.

The search walks the object graph from the window and the core (gc.get_referents) and looks
at every string, bytes and number it finds for the resident's name, ID number (full and as
the screens mask it) and the amounts of the records they read. The simulated SAM module is
left out: it is the card itself, lying on the reader.
"""

from __future__ import annotations

import gc
import re
import sys
import threading
import types
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtWidgets import QAbstractButton, QLabel, QTableWidget, QWidget
from pytestqt.qtbot import QtBot

from drivers.idcard.demo import DEMO_CARDS
from drivers.idcard.simulator import SamSimulator
from kiosk.services.records import Phase
from tests.conftest import FakeClock
from tests.ui.helpers import service_tile, tap
from tests.ui.test_session_screens import CARD, identify
from ui.window import KioskWindow

MASKED_ID = CARD.id_number[:6] + "*" * 8 + CARD.id_number[-4:]
SKIPPED_TYPES = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType)


def journey(qtbot: QtBot, window: KioskWindow) -> tuple[list[str], bytes]:
    """Card → a records query, page 2 → a certificate, previewed and printed; returns the
    amounts read and the preview's image."""
    identify(qtbot, window)
    tap(qtbot, service_tile(qtbot, window, "si-contrib"))
    records = window.journey.records
    qtbot.waitUntil(lambda: records.view is not None and records.view.phase is Phase.SHOWN)
    tap(qtbot, records.next_button)
    qtbot.waitUntil(
        lambda: (
            records.view is not None
            and records.view.phase is Phase.SHOWN
            and records.view.page is not None
            and records.view.page.page == 2
        ),
        timeout=10_000,
    )
    table = records.table
    amounts = sorted({table.item(row, 3).text() for row in range(table.rowCount())})
    tap(qtbot, records.back_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.menu)
    tap(qtbot, service_tile(qtbot, window, "si-cert"))
    qtbot.waitUntil(window.journey.certificate.print_button.isEnabled, timeout=10_000)
    preview = window.core.preview.view
    assert preview is not None and preview.image_png
    assert not window.journey.certificate.preview_image.pixmap().isNull()
    tap(qtbot, window.journey.certificate.print_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.done, timeout=15_000)
    return amounts, preview.image_png


def widget_texts(window: KioskWindow) -> str:
    """Every text of every widget but the demo panel's (its buttons name the demo cards)."""
    panel = window.journey.demo_panel
    texts: list[str] = []
    for widget in window.findChildren(QWidget):
        if panel is not None and (widget is panel or panel.isAncestorOf(widget)):
            continue
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        if isinstance(widget, QTableWidget):
            for row in range(widget.rowCount()):
                for column in range(widget.columnCount()):
                    item = widget.item(row, column)
                    texts.append(item.text() if item else "")
        if isinstance(widget, QLabel) and widget.pixmap() is not None:
            assert widget.pixmap().isNull(), f"{widget.objectName()} still holds a picture"
    return "\n".join(texts)


def reachable(*roots: object, excluded: tuple[object, ...]) -> Iterator[object]:
    """Every object reachable from `roots`, except through `excluded` objects."""
    seen = {id(obj) for obj in excluded}
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, SKIPPED_TYPES):
            continue
        seen.add(id(obj))
        yield obj
        stack.extend(gc.get_referents(obj))


def traces(window: KioskWindow, secrets: list[str]) -> list[str]:
    core = window.core
    # The demo's cards are its props, named on the demo panel's buttons: not a session's.
    props = (core.demo_card_slot, core.demo_controls, window.journey.demo_panel, DEMO_CARDS)
    excluded: tuple[object, ...] = (sys.modules, threading, *(o for o in props if o is not None))
    if isinstance(core.demo_card_slot, SamSimulator):
        excluded += (vars(core.demo_card_slot),)
    found = []
    pattern = re.compile("|".join(re.escape(s) for s in secrets))
    for obj in reachable(window, core, excluded=excluded):
        if isinstance(obj, str | bytes):
            text = obj.decode("utf-8", "replace") if isinstance(obj, bytes) else obj
            if pattern.search(text):
                found.append(text[:120])
    return found


def end_by_exit(qtbot: QtBot, window: KioskWindow, clock: FakeClock) -> None:
    tap(qtbot, window.journey.done.finish_button)


def end_by_timeout(qtbot: QtBot, window: KioskWindow, clock: FakeClock) -> None:
    clock.advance(window.core.session.idle_timeout_s + 1)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.attract, timeout=3000)


def end_by_card_swap(qtbot: QtBot, window: KioskWindow, clock: FakeClock) -> None:
    demo = window.core.demo_controls
    assert demo is not None
    demo.lift_card()
    qtbot.wait(200)
    demo.place_card(2)
    qtbot.waitUntil(window.journey.swap_question.isVisible, timeout=3000)
    tap(qtbot, window.journey.swap_question.swap_button)
    qtbot.waitUntil(lambda: window.journey.menu.greeting.text() == "您好，李*英", timeout=5000)


def end_by_crash(qtbot: QtBot, window: KioskWindow, clock: FakeClock) -> None:
    window.core.crash.install()
    thread = threading.Thread(target=lambda: 1 / 0, name="crashing-worker")
    thread.start()
    thread.join()
    crash_screen = window.journey.crash_screen
    qtbot.waitUntil(lambda: window.stack.currentWidget() is crash_screen, timeout=3000)


@pytest.mark.parametrize(
    "end", [end_by_exit, end_by_timeout, end_by_card_swap, end_by_crash], ids=lambda f: f.__name__
)
def test_nothing_of_the_resident_is_left_after_the_session_ends(
    qtbot: QtBot,
    window: KioskWindow,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    end: Callable[[QtBot, KioskWindow, FakeClock], None],
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    amounts, preview_png = journey(qtbot, window)
    secrets = [CARD.name, CARD.id_number, MASKED_ID, "张*", *amounts]
    assert traces(window, secrets), "the search finds the resident while the session runs"
    end(qtbot, window, clock)
    qtbot.wait(100)  # queued wipes reach the widgets
    gc.collect()
    shown = widget_texts(window)
    assert [s for s in secrets if s in shown] == []
    assert traces(window, secrets) == []
    # The preview (the resident's certificate as an image): no label shows a picture, and
    # neither the image nor its bytes are reachable from the window or the core.
    assert [w for w in window.findChildren(QLabel) if not w.pixmap().isNull()] == []
    assert window.core.preview.view is None
    assert not any(
        isinstance(obj, bytes) and obj == preview_png
        for obj in reachable(window, window.core, excluded=(sys.modules, threading))
    )
