"""查询 on the touchscreen: the demo centre's records, page by page, tapped like a finger; the
screen's own states (正在查询 after a moment, a failure, no records, odd cells) shown from
views the core would send."""

from __future__ import annotations

import re
import subprocess

import pytest
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from kiosk.services.records import (
    Bilingual,
    Phase,
    RecordsColumn,
    RecordsPage,
    RecordsView,
)
from kiosk.session import Preferences
from tests.ui.helpers import (
    clipped_buttons,
    clipped_labels,
    service_tile,
    small_buttons,
    tap,
    visible_texts,
)
from tests.ui.test_session_screens import assert_no_trace_of_the_resident, identify
from ui.screens.records import LOADING_SHOWN_AFTER_MS, RecordsScreen
from ui.theme import px_from_mm, tokens_for
from ui.window import KioskWindow


def open_records(qtbot: QtBot, window: KioskWindow, service_id: str = "si-contrib") -> None:
    identify(qtbot, window)
    tap(qtbot, service_tile(qtbot, window, service_id))
    assert window.stack.currentWidget() is window.journey.records
    qtbot.waitUntil(lambda: shown_page(window.journey.records) == 1, timeout=10_000)


def shown_page(screen: RecordsScreen) -> int | None:
    view = screen.view
    if view is None or view.phase is not Phase.SHOWN or view.page is None:
        return None
    return view.page.page


def table_texts(table: QTableWidget) -> list[list[str]]:
    return [
        [table.item(row, column).text() for column in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


def rows_fit(table: QTableWidget) -> bool:
    """Every row is inside the table's viewport: nothing to scroll to, nothing cut off."""
    last = table.rowCount() - 1
    bottom = table.rowViewportPosition(last) + table.rowHeight(last)
    return not table.verticalScrollBar().isVisible() and bottom <= table.viewport().height()


def test_records_are_read_page_by_page_and_back_returns_to_the_menu(
    qtbot: QtBot, window: KioskWindow
) -> None:
    open_records(qtbot, window)
    screen, table = window.journey.records, window.journey.records.table
    rows = tokens_for(False, 0).table_rows
    assert screen.heading.text() == "养老保险缴费记录"
    assert screen.page_label.text() == "第 1 页 / 共 10 页"
    assert re.fullmatch(r"共 120 条记录，合计 \d{2},\d{3}\.\d\d 元", screen.summary.text())
    assert [table.horizontalHeaderItem(c).text() for c in range(4)] == [
        "缴费月份",
        "险种",
        "缴费基数",
        "个人缴费",
    ]
    first = table_texts(table)
    assert len(first) == rows and first[0][0].endswith("月")
    assert re.fullmatch(r"¥\d,\d{3}\.00", first[0][2])
    assert not screen.previous_button.isEnabled() and screen.next_button.isEnabled()
    assert rows_fit(table)

    tap(qtbot, screen.next_button)
    qtbot.waitUntil(lambda: shown_page(screen) == 2, timeout=10_000)
    assert screen.page_label.text() == "第 2 页 / 共 10 页"
    assert table_texts(table)[0] != first[0]
    tap(qtbot, screen.previous_button)
    qtbot.waitUntil(lambda: shown_page(screen) == 1, timeout=10_000)
    assert table_texts(table) == first

    tap(qtbot, screen.back_button)
    assert window.stack.currentWidget() is window.journey.menu
    assert window.core.records.view is None


@pytest.mark.parametrize("elder", [False, True], ids=["normal", "elder"])
@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_page_fits_the_screen_in_each_look_and_language(
    qtbot: QtBot, window: KioskWindow, elder: bool, language: str
) -> None:
    window.core.session.set_preferences(Preferences(elder_mode=elder, language=language))
    open_records(qtbot, window, "mi-account")
    screen = window.journey.records
    assert screen.table.rowCount() == tokens_for(elder, 0).table_rows
    qtbot.waitUntil(lambda: rows_fit(screen.table))
    qtbot.waitUntil(lambda: clipped_labels(screen) == [] and clipped_buttons(screen) == [])
    assert small_buttons(screen, px_from_mm(18, window.core.config.screen.dpi)) == []
    if language == "en":
        assert "Page 1 of" in screen.page_label.text()
        assert "¥" in screen.table.item(0, 2).text()


def test_the_exit_button_ends_the_session_and_the_records_are_wiped(
    qtbot: QtBot, window: KioskWindow
) -> None:
    open_records(qtbot, window)
    amounts = [row[3] for row in table_texts(window.journey.records.table)]
    tap(qtbot, window.journey.records.exit_button)
    assert window.stack.currentWidget() is window.attract
    assert window.journey.records.table.rowCount() == 0 and window.journey.records.view is None
    assert_no_trace_of_the_resident(window)
    assert not any(amount in visible_texts(window) for amount in amounts)


# --- the screen's own states, from views the core would send -----------------------------

COLUMNS = (
    RecordsColumn("month", Bilingual("月份", "Month"), "date"),
    RecordsColumn("note", Bilingual("备注", "Note"), "text"),
    RecordsColumn("rate", Bilingual("比例", "Rate"), "percent"),  # unknown to the kiosk
    RecordsColumn("amount", Bilingual("金额", "Amount"), "money"),
)


def a_page(rows: int, *, page: int = 1, total: int | None = None) -> RecordsPage:
    return RecordsPage(
        service_id="svc",
        title=Bilingual("补贴发放记录", "Subsidy payments"),
        columns=COLUMNS,
        rows=tuple(("2024-03", "<b>王&五</b>", "8%", "1234.5") for _ in range(rows)),
        total=rows if total is None else total,
        page=page,
        page_size=10,
        summary=(Bilingual("共 1 条", "1 entry"),),
    )


@pytest.fixture
def screen(qtbot: QtBot, window: KioskWindow) -> RecordsScreen:
    window.stack.setCurrentWidget(window.journey.records)
    return window.journey.records


def test_odd_cells_show_as_sent_and_amounts_sit_right(screen: RecordsScreen) -> None:
    screen.show_view(RecordsView(Phase.SHOWN, "svc", 1, a_page(1)))
    assert table_texts(screen.table) == [["2024年03月", "<b>王&五</b>", "8%", "¥1,234.50"]]
    money, text = screen.table.item(0, 3), screen.table.item(0, 1)
    assert money.textAlignment() & 0x2 and text.textAlignment() & 0x1  # AlignRight, AlignLeft
    assert not screen.previous_button.isVisible()  # one page: no paging buttons


def test_searching_says_so_only_when_the_centre_is_slow(
    qtbot: QtBot, screen: RecordsScreen
) -> None:
    screen.show_service("补贴发放查询")
    screen.show_view(RecordsView(Phase.LOADING, "svc", 1))
    assert screen.message.text() == ""  # a fast answer causes no flicker
    qtbot.wait(LOADING_SHOWN_AFTER_MS + 100)
    assert screen.message.text() == "正在查询，请稍候"
    screen.show_view(RecordsView(Phase.SHOWN, "svc", 1, a_page(3, total=30)))
    assert screen.content.currentWidget() is screen.table

    screen.show_view(RecordsView(Phase.LOADING, "svc", 2, a_page(3, total=30)))
    assert screen.content.currentWidget() is screen.table  # page 1 stays while 2 loads
    assert not screen.next_button.isEnabled()  # one request at a time
    qtbot.wait(LOADING_SHOWN_AFTER_MS + 100)
    assert screen.page_label.text() == "正在查询第 2 页"


def test_a_failure_replaces_the_table_and_offers_a_retry(
    qtbot: QtBot, screen: RecordsScreen
) -> None:
    shown = a_page(3, total=30)
    screen.show_view(
        RecordsView(Phase.FAILED, "svc", 2, shown, "服务中心响应超时，请稍后再试", "timeout")
    )
    assert screen.content.currentWidget() is not screen.table
    assert screen.message.text() == "查询没有完成"
    assert screen.message_detail.text() == "服务中心响应超时，请稍后再试"
    assert not screen.next_button.isVisible() and screen.retry_button.isVisible()
    with qtbot.waitSignal(screen.retry_requested):
        tap(qtbot, screen.retry_button)


def test_no_records_is_said_in_words(screen: RecordsScreen) -> None:
    screen.show_view(RecordsView(Phase.SHOWN, "svc", 1, a_page(0)))
    assert screen.message.text() == "暂无补贴发放记录"
    assert screen.content.currentWidget() is not screen.table


def test_print_the_result_prints_every_row_once_and_says_so(
    qtbot: QtBot, window: KioskWindow
) -> None:
    open_records(qtbot, window)
    screen = window.journey.records
    qtbot.waitUntil(lambda: shown_page(screen) == 1, timeout=10_000)
    folder = window.core.printer.folder  # type: ignore[union-attr]
    before = set(folder.glob("*.pdf"))
    tap(qtbot, screen.print_button)
    assert not screen.print_button.isEnabled()  # no second printout while one prints
    assert "正在打印查询结果" in screen.print_status.text()
    qtbot.waitUntil(lambda: "已打印" in screen.print_status.text(), timeout=15_000)
    [printed] = set(folder.glob("*.pdf")) - before
    text = subprocess.run(
        ["pdftotext", "-layout", str(printed), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")
    assert "查询结果（不作证明使用）" in text and "张*" in text
    assert screen.table.item(0, 3).text() in text  # the screen's first amount, as shown
    assert screen.print_button.isEnabled()
    tap(qtbot, screen.back_button)
    assert window.core.query_print.view is None and screen.print_status.text() == ""


def test_print_the_result_waits_for_paper(qtbot: QtBot, window: KioskWindow) -> None:
    demo = window.core.demo_controls
    assert demo is not None
    demo.set_paper(False)
    open_records(qtbot, window)
    screen = window.journey.records
    qtbot.waitUntil(lambda: shown_page(screen) == 1, timeout=10_000)
    assert not screen.print_button.isEnabled()
    assert screen.print_status.text() == "打印机缺纸，请联系工作人员"
    demo.set_paper(True)
    qtbot.waitUntil(screen.print_button.isEnabled, timeout=5000)
