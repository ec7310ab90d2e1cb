"""The band across the top of every screen: service point, demo badge, clock and date."""

from __future__ import annotations

from PySide6.QtCore import QDateTime, QLocale, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ui.widgets import Translatable, label

CLOCK_TICK_MS = 1000


class Header(Translatable):
    def __init__(self, site_name: str, demo: bool, parent: QWidget | None = None) -> None:
        super().__init__("header", parent)
        self._site_name = site_name
        self.site = label("site", wrap=False)
        self.badge = label("badge", wrap=False)
        self.clock = label("clock", wrap=False)
        self.date = label("date", wrap=False)
        for right in (self.clock, self.date):
            right.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        time_column = QVBoxLayout()
        time_column.setSpacing(0)
        time_column.addWidget(self.clock)
        time_column.addWidget(self.date)
        row = QHBoxLayout(self)
        row.setContentsMargins(32, 12, 32, 12)
        row.addWidget(self.site)
        row.addSpacing(24)
        row.addWidget(self.badge)
        row.addStretch(1)
        row.addLayout(time_column)
        self.badge.setHidden(not demo)  # after parenting: a parentless shown label is a window
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh_clock)
        self._timer.start(CLOCK_TICK_MS)
        self.retranslate()

    def retranslate(self) -> None:
        self.site.setText(self.tr("%1 · 政务服务自助终端").replace("%1", self._site_name))
        self.badge.setText(self.tr("演示模式"))
        self.refresh_clock()

    def refresh_clock(self) -> None:
        now = QDateTime.currentDateTime()
        locale = QLocale(self.tr("zh_CN", "QLocale name of the current language"))
        self.clock.setText(now.toString("HH:mm"))
        self.date.setText(locale.toString(now.date(), self.tr("yyyy年M月d日 dddd")))
