"""证明打印 on the touchscreen, in demo mode: the real renderer, the demo's folder printer, the
reference central service; every step tapped like a finger would."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.session import Preferences, State
from tests.conftest import FakeClock
from tests.rigs.central import CentralServer
from tests.ui.helpers import (
    clipped_buttons,
    clipped_labels,
    service_tile,
    small_buttons,
    tap,
    visible_texts,
)
from tests.ui.test_session_screens import CARD, assert_no_trace_of_the_resident, identify
from ui.screens.certificate import Phase
from ui.theme import px_from_mm
from ui.window import KioskWindow

SERVICE = "si-cert"  # 社会保险参保证明


def printed_pdfs(window: KioskWindow) -> list[Path]:
    folder = window.core.printer.folder  # type: ignore[union-attr]
    return sorted(folder.glob("job-*.pdf")) if folder.is_dir() else []


def journal(window: KioskWindow) -> list[dict[str, object]]:
    return window.core.certificates.journal.rows()


def open_certificate_service(
    qtbot: QtBot, window: KioskWindow, title: str = "社会保险参保证明"
) -> None:
    identify(qtbot, window)
    qtbot.waitUntil(lambda: service_tile(qtbot, window, SERVICE).isEnabled(), timeout=5000)
    tap(qtbot, service_tile(qtbot, window, SERVICE))
    assert window.stack.currentWidget() is window.journey.certificate
    assert window.journey.certificate.phase is Phase.CONFIRM
    assert window.journey.certificate.heading.text() == title
    # 确认打印 waits for the preview: the resident sees what will print first.
    qtbot.waitUntil(window.journey.certificate.print_button.isEnabled, timeout=10_000)
    assert not window.journey.certificate.preview_image.pixmap().isNull()


def test_a_certificate_is_printed_once_and_named_on_the_done_screen(
    qtbot: QtBot, window: KioskWindow
) -> None:
    open_certificate_service(qtbot, window)
    dpi = window.core.config.screen.dpi
    assert small_buttons(window.journey.certificate, px_from_mm(18, dpi)) == []
    tap(qtbot, window.journey.certificate.print_button)
    assert window.journey.certificate.phase in (Phase.ISSUING, Phase.PRINTING)
    assert not window.journey.certificate.print_button.isVisible()  # no second tap while it prints
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.done, timeout=15_000)
    assert window.core.session.state is State.DONE

    [pdf] = printed_pdfs(window)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    [row] = journal(window)
    assert row["state"] == "printed" and row["pages"] >= 1
    serial = str(row["serial_no"])
    assert serial in text and "社会保险参保证明" in text
    assert CARD.id_number not in text  # masked on paper too
    detail = window.journey.done.detail.text()
    assert serial in detail
    assert str(window.core.printer.folder) in window.journey.done.demo_note.text()  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: clipped_labels(window) == [])

    # A slip with the serial and code (demo mode: a PDF beside the certificate).
    tap(qtbot, window.journey.done.receipt_button)
    qtbot.waitUntil(lambda: "回执已打印" in window.journey.done.detail.text(), timeout=10_000)
    [slip] = sorted(window.core.printer.folder.glob("receipt-*.pdf"))  # type: ignore[union-attr]
    slip_text = subprocess.run(
        ["pdftotext", str(slip), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert serial in slip_text and CARD.name not in slip_text

    tap(qtbot, window.journey.done.finish_button)
    assert window.stack.currentWidget() is window.attract
    assert serial not in "\n".join(visible_texts(window.journey.done))
    assert_no_trace_of_the_resident(window)


def test_paper_out_before_printing_fails_the_job_and_the_same_certificate_prints_again(
    qtbot: QtBot, window: KioskWindow, central_server: CentralServer
) -> None:
    open_certificate_service(qtbot, window)
    printer = window.core.printer
    printer.paper_out = True  # type: ignore[union-attr]  # taken out after the screen showed
    tap(qtbot, window.journey.certificate.print_button)
    qtbot.waitUntil(lambda: window.journey.certificate.phase is Phase.FAILED, timeout=15_000)
    screen = window.journey.certificate
    assert screen.body.text() == "打印机缺纸，请联系工作人员"
    [failed] = journal(window)
    assert failed["state"] == "failed" and "media-empty" in str(failed["error"])
    assert str(failed["serial_no"]) in screen.note.text()
    assert "不会重复开具" in screen.note.text()
    assert printed_pdfs(window) == []
    # The monitor is asked again after a failure: while the paper is out, no retry.
    qtbot.waitUntil(lambda: not screen.print_button.isEnabled(), timeout=5000)

    printer.paper_out = False  # type: ignore[union-attr]
    window.core.printer_monitor.refresh()  # type: ignore[union-attr]
    qtbot.waitUntil(screen.print_button.isEnabled, timeout=5000)
    assert screen.print_button.text() == "重新打印"
    tap(qtbot, screen.print_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.done, timeout=15_000)

    first, second = journal(window)
    assert (first["idempotency_key"], first["attempt"]) == (second["idempotency_key"], 1)
    assert second["attempt"] == 2 and second["state"] == "printed"
    assert second["certificate_id"] == first["certificate_id"]  # the same certificate
    assert len(printed_pdfs(window)) == 1
    assert window.core.outbox.flush(5)  # type: ignore[union-attr]
    results = central_server.print_results(first["certificate_id"])
    assert results[-2:] == ["failed", "printed"]


def test_a_printer_without_paper_makes_certificate_services_unavailable(
    qtbot: QtBot, window: KioskWindow
) -> None:
    window.core.printer.paper_out = True  # type: ignore[union-attr]
    window.core.printer_monitor.refresh()  # type: ignore[union-attr]
    identify(qtbot, window)
    menu = window.journey.menu
    tile = service_tile(qtbot, window, SERVICE)
    qtbot.waitUntil(lambda: not menu.grid.tiles[SERVICE].isEnabled(), timeout=5000)
    tile = menu.grid.tiles[SERVICE]
    assert tile.description.text() == "打印机缺纸，请联系工作人员"
    inside = (tile.width() // 2, tile.height() // 8)
    unavailable = (tile.grab().toImage().pixelColor(*inside), tile.title.palette().windowText())
    query = service_tile(qtbot, window, "si-contrib")  # 信息查询: the tiles are as large
    assert query.isEnabled()  # a query needs no printer
    # Unavailable looks it: another background and title colour than a tile one can tap.
    assert unavailable[0] != query.grab().toImage().pixelColor(*inside)
    assert unavailable[1].color() != query.title.palette().windowText().color()
    window.core.printer.paper_out = False  # type: ignore[union-attr]
    window.core.printer_monitor.refresh()  # type: ignore[union-attr]
    service_tile(qtbot, window, SERVICE)
    qtbot.waitUntil(lambda: menu.grid.tiles[SERVICE].isEnabled(), timeout=5000)


def test_a_resident_waiting_at_the_printer_is_not_timed_out_but_one_done_is(
    qtbot: QtBot, window: KioskWindow, clock: FakeClock
) -> None:
    open_certificate_service(qtbot, window)
    idle_s = window.core.config.session.idle_timeout_s
    central = window.core.certificates.central
    assert central is not None
    entered, release = threading.Event(), threading.Event()
    issue = central.issue_certificate

    def slow_issue(*args: object) -> object:  # the centre takes its time
        entered.set()
        release.wait(10)
        return issue(*args)  # type: ignore[arg-type]

    central.issue_certificate = slow_issue  # type: ignore[method-assign]
    try:
        tap(qtbot, window.journey.certificate.print_button)
        assert entered.wait(5)
        clock.advance(idle_s + 5)
        window.journey._tick()
        assert window.core.session.state is State.IN_SERVICE  # still waiting for the paper
    finally:
        release.set()
        central.issue_certificate = issue  # type: ignore[method-assign]
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.done, timeout=15_000)
    clock.advance(idle_s + 5)
    window.journey._tick()
    assert window.core.session.state is State.IDLE  # done and walked away: timed out


def test_the_certificate_pages_fit_in_the_elder_look_in_english(
    qtbot: QtBot, window: KioskWindow
) -> None:
    """The longest texts (English, elder sizes, the demo panel beside them) still fit."""
    session = window.core.session
    session.set_preferences(Preferences(elder_mode=True, language="en"))
    open_certificate_service(qtbot, window, title="Social insurance certificate")
    qtbot.waitUntil(lambda: clipped_labels(window) == [] and clipped_buttons(window) == [])
    window.core.printer.paper_out = True  # type: ignore[union-attr]
    tap(qtbot, window.journey.certificate.print_button)
    qtbot.waitUntil(lambda: window.journey.certificate.phase is Phase.FAILED, timeout=15_000)
    body = window.journey.certificate.body.text()
    assert body == "The printer is out of paper; please ask the staff"
    qtbot.waitUntil(lambda: clipped_labels(window) == [] and clipped_buttons(window) == [])
    window.core.printer.paper_out = False  # type: ignore[union-attr]
    window.core.printer_monitor.refresh()  # type: ignore[union-attr]
    qtbot.waitUntil(window.journey.certificate.print_button.isEnabled, timeout=5000)
    tap(qtbot, window.journey.certificate.print_button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.journey.done, timeout=15_000)
    done = window.journey.done
    assert not done.receipt_button.isVisible()  # elder mode: behind 更多, six choices at most
    tap(qtbot, done.more_button)
    tap(qtbot, done.receipt_button)
    qtbot.waitUntil(lambda: "receipt has printed" in done.detail.text(), timeout=10_000)
    qtbot.waitUntil(lambda: clipped_labels(window) == [] and clipped_buttons(window) == [])
