"""查询: the centre's answer as a large-type table, page by page, with big paging buttons.

The screen renders the records query's view (kiosk/services/records.py) and emits intents;
it asks nothing itself. While a page loads, the current one stays; 正在查询 appears only when
the answer takes longer than `LOADING_SHOWN_AFTER_MS`, so a fast centre causes no flicker. A
failure replaces the table with what happened and 重试: a table is shown whole or not at all.
Cells are formatted by the core (format_cell), in the language of the moment.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.query_print import QueryPrintStage, QueryPrintView
from kiosk.services.records import Phase, RecordsPage, RecordsView, right_aligned
from ui.i18n import current_language, resident_text
from ui.widgets import GAP_PX, Prompt, Screen, button, label

LOADING_SHOWN_AFTER_MS = 300
ROW_HEIGHT_LINES = 1.4  # a row is this many lines of its font high
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def _alignment(kind: str) -> Qt.AlignmentFlag:
    return _RIGHT if right_aligned(kind) else _LEFT


class RecordsScreen(Screen):
    back_requested = Signal()  # to the menu
    exit_requested = Signal()  # end the session
    page_requested = Signal(int)
    retry_requested = Signal()
    print_requested = Signal()  # 打印查询结果: every page, on A4
    read_requested = Signal()  # 朗读本页: the voice reads the page row by row

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: RecordsView | None = None
        self._title = ""
        self._loading_shown = False
        self._in_table: tuple[RecordsPage, str] | None = None  # what the table holds now
        self.printout: QueryPrintView | None = None
        self._printer_problem = ""  # resident message key while the printer cannot print
        self.heading = label("display")
        self.page_label = label("lead", wrap=False)
        self.page_label.setAlignment(_RIGHT)
        self.summary = label("lead")
        self.table = QTableWidget()
        self.table.setProperty("role", "records")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A page is sized to fit (theme token table_rows); a scroll bar would be a bug, but
        # one that still shows every row rather than cutting the last one off.
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.message = label("title")
        self.message_detail = label("lead")
        for part in (self.message, self.message_detail):
            part.setAlignment(Qt.AlignmentFlag.AlignCenter)
        message_page = QWidget()
        message_column = QVBoxLayout(message_page)
        message_column.addStretch(1)
        message_column.addWidget(self.message)
        message_column.addWidget(self.message_detail)
        message_column.addStretch(2)
        self.content = QStackedWidget()
        self.content.addWidget(self.table)
        self.content.addWidget(message_page)
        self._message_page = message_page

        self.back_button = button()
        self.previous_button = button()
        self.next_button = button("primary")
        self.retry_button = button("primary")
        self.exit_button = button()
        self.print_button = button()
        self.print_button.clicked.connect(self.print_requested)
        self.read_button = button()
        self.read_button.clicked.connect(self.read_requested)
        self._voice = False
        self.print_status = label("lead", wrap=False)
        self.back_button.clicked.connect(self.back_requested)
        self.exit_button.clicked.connect(self.exit_requested)
        self.retry_button.clicked.connect(self.retry_requested)
        self.previous_button.clicked.connect(lambda: self._page_by(-1))
        self.next_button.clicked.connect(lambda: self._page_by(+1))

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.page_label)
        buttons = QHBoxLayout()
        buttons.setSpacing(GAP_PX)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.previous_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)
        buttons.addWidget(self.read_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.exit_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(64, 24, 64, 24)
        column.setSpacing(GAP_PX // 2)
        column.addLayout(top)
        # The printout's state shares the summary's line: a page fits the screen either way.
        summary_row = QHBoxLayout()
        summary_row.addWidget(self.summary, 1)
        summary_row.addWidget(self.print_status, 0, Qt.AlignmentFlag.AlignRight)
        column.addLayout(summary_row)
        column.addWidget(self.content, 1)
        column.addLayout(buttons)

        self._loading_timer = QTimer(self)
        self._loading_timer.setSingleShot(True)
        self._loading_timer.timeout.connect(self._show_loading)
        self.retranslate()

    # --- what the window tells it --------------------------------------------------------

    def show_service(self, title: str) -> None:
        """The service just opened: its title until the first page names itself."""
        self._title = title
        self.show_view(None)

    def show_view(self, view: RecordsView | None) -> None:
        self.view = view
        if view is not None and view.phase is Phase.LOADING:
            if not self._loading_timer.isActive() and not self._loading_shown:
                self._loading_timer.start(LOADING_SHOWN_AFTER_MS)
        else:
            self._loading_timer.stop()
            self._loading_shown = False
        self.retranslate()

    def show_printout(self, view: QueryPrintView | None) -> None:
        """The 打印查询结果 printout's state; None: none (left, or the session ended)."""
        self.printout = view
        self.retranslate()

    def set_printer_problem(self, printer_problem: str) -> None:
        if printer_problem != self._printer_problem:
            self._printer_problem = printer_problem
            self.retranslate()

    def set_voice(self, on: bool) -> None:
        """朗读本页 is offered while the voice is on."""
        self._voice = on
        self.retranslate()

    def voice_prompt(self) -> Prompt:
        view = self.view
        if view is None:
            return "", {}
        if view.phase is Phase.FAILED:
            return "records_failed", {"message": resident_text(view.resident_message)}
        page = view.page
        if page is None or view.phase is not Phase.SHOWN:
            return "", {}  # still loading: said when it arrives
        language = current_language()
        title = page.title.text(language)
        if not page.rows:
            return "records_empty", {"title": title}
        summary = "".join(f"{line.text(language).rstrip('。.')}。" for line in page.summary)
        return "records", {
            "title": title,
            "summary": summary,
            "page": page.page,
            "pages": page.pages,
        }

    def page_rows(self) -> list[list[tuple[str, str]]]:
        """The page on screen, row by row, as (column title, cell) pairs: for 朗读本页."""
        view = self.view
        page = view.page if view is not None else None
        if page is None:
            return []
        language = current_language()
        titles = [column.title.text(language) for column in page.columns]
        return [list(zip(titles, row, strict=True)) for row in page.cells(language)]

    def wipe(self) -> None:
        """Drop every trace of the resident's records (a session wipe hook)."""
        self._title = ""
        self.printout = None
        self.show_view(None)
        self._in_table = None
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)

    # --- inside --------------------------------------------------------------------------

    def _show_loading(self) -> None:
        self._loading_shown = True
        self.retranslate()

    def _page_by(self, step: int) -> None:
        view = self.view
        if view is not None and view.page is not None and view.phase is Phase.SHOWN:
            self.page_requested.emit(view.page.page + step)

    def retranslate(self) -> None:
        self.back_button.setText(self.tr("返回"))
        self.exit_button.setText(self.tr("退出"))
        self.previous_button.setText(self.tr("上一页"))
        self.next_button.setText(self.tr("下一页"))
        self.retry_button.setText(self.tr("重试"))
        self.read_button.setText(self.tr("朗读本页"))
        view = self.view
        page = view.page if view is not None else None
        language = current_language()
        self.heading.setText(page.title.text(language) if page else self._title)
        failed = view is not None and view.phase is Phase.FAILED
        waiting = view is None or (view.phase is Phase.LOADING and page is None)
        if failed:
            assert view is not None
            self._show_message(
                self.tr("查询没有完成"), resident_text(view.resident_message), page=None
            )
        elif waiting:
            self._show_message(self.tr("正在查询，请稍候") if self._loading_shown else "", "")
        elif page is not None and not page.rows:
            self._show_message(
                self.tr("暂无%1").replace("%1", page.title.text(language)),
                self.tr("如有疑问，请咨询村便民服务站工作人员"),
                page=page,
            )
        else:
            assert page is not None
            self._show_table(page, language)
        self.retry_button.setVisible(failed)
        paging = not failed and page is not None and page.pages > 1
        self.previous_button.setVisible(paging)
        self.next_button.setVisible(paging)
        idle = view is not None and view.phase is Phase.SHOWN
        self.previous_button.setEnabled(idle and page is not None and page.has_previous)
        self.next_button.setEnabled(idle and page is not None and page.has_next)
        self._retranslate_page_label(page, loading=self._loading_shown and page is not None)
        self._retranslate_printout(idle and page is not None and bool(page.rows))
        self.read_button.setVisible(self._voice and idle and page is not None and bool(page.rows))

    def _retranslate_printout(self, printable: bool) -> None:
        printout = self.printout
        printing = printout is not None and printout.stage is QueryPrintStage.PRINTING
        self.print_button.setText(self.tr("打印查询结果"))
        self.print_button.setVisible(printable)
        self.print_button.setEnabled(not printing and not self._printer_problem)
        if printing:
            status = self.tr("正在打印查询结果（全部 %1 条），请稍候…")
            total = self.view.page.total if self.view is not None and self.view.page else 0
            status = status.replace("%1", str(total))
        elif printout is not None:
            status = resident_text(printout.resident_message)
        elif printable and self._printer_problem:
            status = resident_text(self._printer_problem)
        else:
            status = ""
        self.print_status.setText(status)
        self.print_status.setVisible(bool(status))

    def _retranslate_page_label(self, page: RecordsPage | None, *, loading: bool) -> None:
        if page is None or (page.pages == 1 and not loading):
            self.page_label.setText("")
        elif loading:
            self.page_label.setText(self.tr("正在查询第 %1 页").replace("%1", str(self._wanted)))
        else:
            self.page_label.setText(
                self.tr("第 %1 页 / 共 %2 页")
                .replace("%1", str(page.page))
                .replace("%2", str(page.pages))
            )

    @property
    def _wanted(self) -> int:
        return self.view.wanted_page if self.view is not None else 1

    def _show_summary(self, page: RecordsPage | None, language: str) -> None:
        lines = page.summary if page is not None else ()
        self.summary.setText("\n".join(line.text(language) for line in lines))
        self.summary.setVisible(bool(lines))

    def _show_message(self, heading: str, detail: str, page: RecordsPage | None = None) -> None:
        self._show_summary(page, current_language())
        self.message.setText(heading)
        self.message_detail.setText(detail)
        self.content.setCurrentWidget(self._message_page)

    def _show_table(self, page: RecordsPage, language: str) -> None:
        self._show_summary(page, language)
        self.content.setCurrentWidget(self.table)
        if self._in_table == (page, language):
            return  # the page stays while the next one loads: nothing to build again
        self._in_table = (page, language)
        table = self.table
        table.setUpdatesEnabled(False)
        # Every row alike, from the font the look gives the table: a page of the look's
        # table_rows then fits the screen (tests/ui/test_records_screen.py measures it).
        table.verticalHeader().setDefaultSectionSize(
            round(QFontMetrics(table.font()).height() * ROW_HEIGHT_LINES)
        )
        table.clear()
        table.setColumnCount(len(page.columns))
        table.setRowCount(len(page.rows))
        for index, column in enumerate(page.columns):
            header = QTableWidgetItem(column.title.text(language))
            header.setTextAlignment(_alignment(column.kind))
            table.setHorizontalHeaderItem(index, header)
        for row_index, row in enumerate(page.cells(language)):
            for column_index, (text, column) in enumerate(zip(row, page.columns, strict=True)):
                item = QTableWidgetItem(text)
                item.setTextAlignment(_alignment(column.kind))
                table.setItem(row_index, column_index, item)
        # Widths from the content; the first text column takes what is left over, so the
        # amounts stay together at the right, as on a bank statement.
        header = table.horizontalHeader()
        kinds = [column.kind for column in page.columns]
        wide = kinds.index("text") if "text" in kinds else len(kinds) - 1
        for index in range(len(kinds)):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if index == wide
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(index, mode)
        table.setUpdatesEnabled(True)
