"""Questions laid over whatever screen is up, dimming it: a card centred on the window with a
heading, a line and a row of buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ui.widgets import Translatable, button, label


class Overlay(Translatable):
    def __init__(self, parent: QWidget) -> None:
        super().__init__("overlay", parent)
        card = Translatable("card")
        self.heading = label("display")
        self.body = label("title")
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(32)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(64, 48, 64, 48)
        inner.setSpacing(24)
        for part in (self.heading, self.body):
            part.setAlignment(Qt.AlignmentFlag.AlignCenter)
            inner.addWidget(part)
        inner.addLayout(self.buttons)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(320, 0, 320, 0)
        outer.addStretch(1)
        outer.addWidget(card)
        outer.addStretch(1)
        self.hide()

    def add_button(self, role: str = "") -> QPushButton:
        pushed = button(role)
        self.buttons.addWidget(pushed, 1)
        return pushed

    def show_over_parent(self) -> None:
        self.retranslate()
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()


class TimeoutOverlay(Overlay):
    """The countdown before an idle session ends."""

    continue_requested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._seconds_left = 0
        self.continue_button = self.add_button("primary")
        self.continue_button.clicked.connect(self.continue_requested)
        self.retranslate()

    def show_countdown(self, seconds_left: int) -> None:
        self._seconds_left = seconds_left
        self.show_over_parent()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("您还在吗？"))
        self.body.setText(
            self.tr("%1 秒后将自动退出，以保护您的个人信息").replace("%1", str(self._seconds_left))
        )
        self.continue_button.setText(self.tr("继续办理"))


class CardSwapOverlay(Overlay):
    """Another card was laid during a session: end it for the new card, or go on?"""

    keep_requested = Signal()
    swap_requested = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.keep_button = self.add_button()
        self.swap_button = self.add_button("primary")
        self.keep_button.clicked.connect(self.keep_requested)
        self.swap_button.clicked.connect(self.swap_requested)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("是否结束当前业务？"))
        self.body.setText(
            self.tr("读卡器上放了另一张证件。结束后，当前办理的信息将被清除，再为新证件办理")
        )
        self.keep_button.setText(self.tr("继续当前业务"))
        self.swap_button.setText(self.tr("结束，办理新证件"))


class ElderOfferOverlay(Overlay):
    """是否切换到长辈模式？ on the welcome, for a resident the centre says is 60 or older; the
    answer holds for this session only."""

    accepted = Signal()
    declined = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.decline_button = self.add_button()
        self.accept_button = self.add_button("primary")
        self.decline_button.clicked.connect(self.declined)
        self.accept_button.clicked.connect(self.accepted)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("是否切换到长辈模式？"))
        self.body.setText(self.tr("字更大，每一步都有语音提示。只在本次办理中有效"))
        self.decline_button.setText(self.tr("不用了"))
        self.accept_button.setText(self.tr("切换到长辈模式"))
