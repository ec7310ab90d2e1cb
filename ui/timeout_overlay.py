"""The countdown laid over any screen before an idle session ends."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from ui.widgets import Translatable, button, label


class TimeoutOverlay(Translatable):
    continue_requested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__("overlay", parent)
        self._seconds_left = 0
        card = Translatable("card")
        self.heading = label("display")
        self.body = label("title")
        self.continue_button = button("primary")
        self.continue_button.clicked.connect(self.continue_requested)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(64, 48, 64, 48)
        inner.setSpacing(24)
        for part in (self.heading, self.body):
            part.setAlignment(Qt.AlignmentFlag.AlignCenter)
            inner.addWidget(part)
        inner.addWidget(self.continue_button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(320, 0, 320, 0)
        outer.addStretch(1)
        outer.addWidget(card)
        outer.addStretch(1)
        self.hide()
        self.retranslate()

    def show_countdown(self, seconds_left: int) -> None:
        self._seconds_left = seconds_left
        self.retranslate()
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("您还在吗？"))
        self.body.setText(
            self.tr("%1 秒后将自动退出，以保护您的个人信息").replace("%1", str(self._seconds_left))
        )
        self.continue_button.setText(self.tr("继续办理"))
