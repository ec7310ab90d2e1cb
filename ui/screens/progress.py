"""办件查询: the resident's applications in large type, and one with its timeline.

The list shows each application as a large button (title, 受理号, status, promised date,
逾期 marked); a tap opens its timeline, newest step last, with the department's comment and,
for 需补正, what to bring again and a 补正材料 button. The screen renders the query's view
(kiosk/services/progress.py) and emits intents.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.services.progress import Phase, ProgressView
from kiosk.services.records import format_cell
from ui.i18n import current_language, resident_text
from ui.widgets import GAP_PX, Prompt, Screen, Tile, button, label, show_only

LIST_ROOM = 4  # applications a page shows: large tiles, no scrolling
ELDER_LIST_ROOM = 3  # with 返回, 下一页 and 退出: the elder look's six choices at most
TIMELINE_ROOM = 6  # the latest steps of a timeline (older ones: at the counter)


def _text(model: object, language: str) -> str:
    """A contract Text (zh_CN, en) in `language`."""
    return str(getattr(model, "en" if language == "en" else "zh_CN", "") or "")


def _day(day: dt.date | None, language: str) -> str:
    return format_cell(day.isoformat(), "date", language) if day else ""


def _moment(at: dt.datetime, language: str) -> str:
    local = at.astimezone()
    return f"{local:%d %b %Y %H:%M}" if language == "en" else f"{local:%Y年%m月%d日 %H:%M}"


class ProgressScreen(Screen):
    chosen = Signal(str)  # an application id
    back_requested = Signal()  # from a detail to the list, or from the list to the menu
    retry_requested = Signal()
    correction_requested = Signal(str)  # 补正材料: the application id
    exit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: ProgressView | None = None
        self._first = 0  # the list's first application on screen
        self.list_room = LIST_ROOM
        self.heading = label("display")
        self.page_label = label("lead", wrap=False)
        self.content = QStackedWidget()
        self.list_page = QWidget()
        self._list = QVBoxLayout(self.list_page)
        self._list.setSpacing(GAP_PX)
        self.tiles: dict[str, Tile] = {}
        self.detail_page = QWidget()
        detail = QVBoxLayout(self.detail_page)
        detail.setSpacing(GAP_PX // 2)
        self.detail_title = label("title")
        self.detail_status = label("display")
        self.detail_info = label("lead")
        self.timeline = QGridLayout()
        self.timeline.setHorizontalSpacing(GAP_PX)
        self.correction_note = label("warning")
        detail.addWidget(self.detail_title)
        detail.addWidget(self.detail_status)
        detail.addWidget(self.detail_info)
        detail.addLayout(self.timeline)
        detail.addWidget(self.correction_note)
        detail.addStretch(1)
        self.message_page = QWidget()
        message = QVBoxLayout(self.message_page)
        self.message = label("title")
        self.message_detail = label("lead")
        for part in (self.message, self.message_detail):
            part.setAlignment(Qt.AlignmentFlag.AlignCenter)
        message.addStretch(1)
        message.addWidget(self.message)
        message.addWidget(self.message_detail)
        message.addStretch(2)
        for page in (self.list_page, self.detail_page, self.message_page):
            self.content.addWidget(page)

        self.back_button = button()
        self.more_button = button()
        self.retry_button = button("primary")
        self.correction_button = button("primary")
        self.exit_button = button()
        self.back_button.clicked.connect(self.back_requested)
        self.more_button.clicked.connect(self._more)
        self.retry_button.clicked.connect(self.retry_requested)
        self.correction_button.clicked.connect(self._correct)
        self.exit_button.clicked.connect(self.exit_requested)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.page_label)
        buttons = QHBoxLayout()
        buttons.setSpacing(GAP_PX)
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        for part in (self.more_button, self.retry_button, self.correction_button):
            buttons.addWidget(part)
        buttons.addWidget(self.exit_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(64, 24, 64, 24)
        column.setSpacing(GAP_PX)
        column.addLayout(top)
        column.addWidget(self.content, 1)
        column.addLayout(buttons)
        self.retranslate()

    def set_elder(self, elder: bool) -> None:
        self.list_room = ELDER_LIST_ROOM if elder else LIST_ROOM
        self._first = 0
        self.retranslate()

    def show_view(self, view: ProgressView | None) -> None:
        old = self.view
        if view is None or old is None or old.applications != view.applications:
            self._first = 0
        self.view = view
        self.retranslate()

    def voice_prompt(self) -> Prompt:
        view = self.view
        if view is None or view.phase is Phase.LOADING:
            return "", {}
        if view.phase is Phase.FAILED:
            return "records_failed", {"message": resident_text(view.resident_message)}
        if view.phase is Phase.DETAIL and view.detail is not None:
            language = current_language()
            return "progress_detail", {
                "title": _text(view.detail.title, language),
                "status": _text(view.detail.status_text, language),
            }
        return "progress_list", {"count": len(view.applications)}

    def wipe(self) -> None:
        self.show_view(None)
        self._clear_tiles()
        self._clear_timeline()

    def _more(self) -> None:
        view = self.view
        if view is not None and view.applications:
            self._first = (self._first + self.list_room) % len(view.applications)
            self.retranslate()

    def _correct(self) -> None:
        view = self.view
        if view is not None and view.detail is not None:
            self.correction_requested.emit(view.detail.application_id)

    def _clear_tiles(self) -> None:
        for tile in self.tiles.values():
            tile.deleteLater()
        self.tiles = {}
        while self._list.count():
            self._list.takeAt(0)

    def _clear_timeline(self) -> None:
        while self.timeline.count():
            item = self.timeline.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("办件查询"))
        self.back_button.setText(self.tr("返回"))
        self.more_button.setText(self.tr("下一页"))
        self.retry_button.setText(self.tr("重试"))
        self.correction_button.setText(self.tr("补正材料"))
        self.exit_button.setText(self.tr("退出"))
        view = self.view
        language = current_language()
        phase = view.phase if view is not None else Phase.LOADING
        detail = view.detail if view is not None and phase is Phase.DETAIL else None
        self.retry_button.setVisible(phase is Phase.FAILED)
        self.correction_button.setVisible(detail is not None and detail.status == "correction")
        many = view is not None and phase is Phase.LIST and len(view.applications) > self.list_room
        self.more_button.setVisible(many)
        self.page_label.setText("")
        if view is None or phase is Phase.LOADING:
            self._message(self.tr("正在查询，请稍候"), "")
        elif phase is Phase.FAILED:
            self._message(self.tr("查询没有完成"), resident_text(view.resident_message))
        elif detail is not None:
            self._show_detail(detail, language)
        elif not view.applications:
            self._message(self.tr("暂无申请记录"), self.tr("在“我要申请”中提交的申请会显示在这里"))
        else:
            self._show_list(view, language)

    def _message(self, title: str, detail: str) -> None:
        self.message.setText(title)
        self.message_detail.setText(detail)
        show_only(self.content, self.message_page)

    def _show_list(self, view: ProgressView, language: str) -> None:
        show_only(self.content, self.list_page)
        self._clear_tiles()
        room = self.list_room
        shown = view.applications[self._first : self._first + room]
        for summary in shown:
            status = _text(summary.status_text, language)
            if summary.overdue:
                status += self.tr("（已超期）")
            line = (
                self.tr("受理号 %1 · %2")
                .replace("%1", summary.application_no)
                .replace("%2", status)
            )
            if summary.promised_date and summary.status not in ("approved", "ready", "collected"):
                line += self.tr(" · 承诺 %1 前办结").replace(
                    "%1", _day(summary.promised_date, language)
                )
            tile = Tile(_text(summary.title, language), line)
            tile.clicked.connect(lambda _=False, i=summary.application_id: self.chosen.emit(i))
            self._list.addWidget(tile)
            self.tiles[summary.application_id] = tile
        self._list.addStretch(room - len(shown))
        if len(view.applications) > room:
            pages = -(-len(view.applications) // room)
            self.page_label.setText(
                self.tr("第 %1 页 / 共 %2 页")
                .replace("%1", str(self._first // room + 1))
                .replace("%2", str(pages))
            )

    def _show_detail(self, detail: object, language: str) -> None:
        from kiosk.api.applications import ApplicationView

        assert isinstance(detail, ApplicationView)
        show_only(self.content, self.detail_page)
        self.detail_title.setText(
            _text(detail.title, language)
            + "  "
            + self.tr("受理号 %1").replace("%1", detail.application_no)
        )
        status = _text(detail.status_text, language)
        if detail.overdue:
            status += self.tr("（已超期）")
        self.detail_status.setText(status)
        info = []
        if detail.promised_date:
            info.append(self.tr("承诺办结：%1").replace("%1", _day(detail.promised_date, language)))
        for step in detail.steps:
            info.append(f"{_text(step.title, language)}：{_text(step.status_text, language)}")
        self.detail_info.setText("\n".join(info))
        self._clear_timeline()
        entries = [entry for entry in detail.timeline if entry.status != "draft"]
        for row, entry in enumerate(entries[-TIMELINE_ROOM:]):
            when = label("muted", _moment(entry.at, language))
            what = _text(entry.text, language)
            if entry.comment:
                what += "：" + entry.comment if language == "zh_CN" else ": " + entry.comment
            self.timeline.addWidget(when, row, 0, Qt.AlignmentFlag.AlignTop)
            self.timeline.addWidget(label("title", what), row, 1)
        self.timeline.setColumnStretch(1, 1)
        if detail.status == "correction":
            titles = {m.key: _text(m.title, language) for m in detail.materials}
            missing = "、".join(titles.get(key, key) for key in detail.missing)
            self.correction_note.setText(
                self.tr("请补充拍摄：%1").replace("%1", missing) if missing else ""
            )
        else:
            self.correction_note.setText("")
        self.correction_note.setVisible(bool(self.correction_note.text()))
