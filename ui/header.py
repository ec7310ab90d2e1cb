"""The band across the top of every screen: service point, demo badge, clock and date."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from ui.qt_values import ALIGN_RIGHT_VCENTER, set_property
from ui.widgets import Translatable, label

CLOCK_TICK_MS = 1000


class Header(Translatable):
    def __init__(self, site_name: str, demo: bool, parent: QWidget | None = None) -> None:
        super().__init__("header", parent)
        self._site_name = site_name
        self.site = label("site")  # wraps to a second line where the voice buttons need room
        self.badge = label("badge", wrap=False)
        self.clock = label("clock", wrap=False)
        self.date = label("date", wrap=False)
        for right in (self.clock, self.date):
            set_property(right, "alignment", ALIGN_RIGHT_VCENTER)
        time_column = QVBoxLayout()
        time_column.setSpacing(0)
        time_column.addWidget(self.clock)
        time_column.addWidget(self.date)
        row = QHBoxLayout(self)
        row.setContentsMargins(32, 12, 32, 12)
        # The site's name takes the room left over, on a second line only when it must.
        self.site.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        row.addWidget(self.site, 1)
        row.addSpacing(24)
        row.addWidget(self.badge)
        row.addSpacing(24)
        row.addLayout(time_column)
        self._row = row
        self.badge.setHidden(not demo)  # after parenting: a parentless shown label is a window
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh_clock)
        self._timer.start(CLOCK_TICK_MS)
        self.retranslate()

    def add_controls(self, controls: QWidget) -> None:
        """Buttons for every screen (the voice's), left of the clock."""
        self._row.insertWidget(self._row.count() - 1, controls)
        self._row.insertSpacing(self._row.count() - 1, 32)

    def retranslate(self) -> None:
        self.site.setText(self.tr("%1 · 政务服务自助终端").replace("%1", self._site_name))
        self.badge.setText(self.tr("演示模式"))
        self.refresh_clock()

    def refresh_clock(self) -> None:
        # Python's clock, not QLocale: building QLocale's Python enums costs milliseconds of
        # start-up, and the kiosk needs only these few words.
        now = dt.datetime.now()
        weekdays = (
            self.tr("星期一"),
            self.tr("星期二"),
            self.tr("星期三"),
            self.tr("星期四"),
            self.tr("星期五"),
            self.tr("星期六"),
            self.tr("星期日"),
        )
        self.clock.setText(f"{now:%H:%M}")
        self.date.setText(
            self.tr("%1年%2月%3日 %4", "year, month, day, weekday")
            .replace("%1", str(now.year))
            .replace("%2", str(now.month))
            .replace("%3", str(now.day))
            .replace("%4", weekdays[now.weekday()])
        )
