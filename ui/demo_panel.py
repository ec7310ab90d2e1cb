"""The developer panel of demo mode: lay a demo ID card on the simulated SAM module, or lift
it (the real serial driver reads it through a pseudo-terminal); take the demo printer's paper
out and put it back (the done screen names the folder the printed PDFs go to)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from drivers.idcard.demo import DEMO_CARDS
from drivers.idcard.simulator import SamSimulator
from ui.widgets import Translatable, button, label

READ_COMMAND = 0x30
SW3_READ_FAILED = 0x41


class DemoPanel(Translatable):
    """Buttons that act on the reader, so the card reaches the session through the monitor."""

    def __init__(
        self, reader: SamSimulator, printer: Any = None, parent: QWidget | None = None
    ) -> None:
        """`printer` is the demo's folder printer (its `folder` and `paper_out`), if any."""
        super().__init__("devpanel", parent)
        self._reader = reader
        self._printer = printer if hasattr(printer, "paper_out") else None
        self.heading = label("", wrap=True)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 12, 12, 12)
        self.setMaximumWidth(360)
        column.addWidget(self.heading)
        self.card_buttons = []
        for card in DEMO_CARDS:
            place = button("dev")
            place.clicked.connect(lambda _=False, c=card: self._reader.place(c))
            column.addWidget(place)
            self.card_buttons.append(place)
        self.lift_button = button("dev")
        self.lift_button.clicked.connect(self._reader.lift)
        self.fail_button = button("dev")
        self.fail_button.clicked.connect(self.place_unreadable_card)
        column.addWidget(self.lift_button)
        column.addWidget(self.fail_button)
        self.paper_button = button("dev")
        self.paper_button.clicked.connect(self.toggle_paper)
        if self._printer is not None:
            column.addSpacing(12)
            column.addWidget(self.paper_button)
        self.retranslate()

    def toggle_paper(self) -> None:
        """Take the demo printer's paper out (a job fails, the service shows unavailable),
        or put it back."""
        if self._printer is not None:
            self._printer.paper_out = not self._printer.paper_out
            self.retranslate()

    def place_card(self, index: int) -> None:
        """Keys 1–3 of the demo: place the card with this number (1-based)."""
        if 1 <= index <= len(DEMO_CARDS):
            self._reader.place(DEMO_CARDS[index - 1])

    def lift_card(self) -> None:
        self._reader.lift()

    def place_unreadable_card(self) -> None:
        """A card the SAM cannot read (SW3 0x41: moved, or a weak field)."""
        self._reader.fail_next(READ_COMMAND, SW3_READ_FAILED)
        self._reader.place(DEMO_CARDS[0])

    def retranslate(self) -> None:
        self.heading.setText(self.tr("演示面板（F12 隐藏；数字键 1–3 放卡，0 移开）"))
        for place, card in zip(self.card_buttons, DEMO_CARDS, strict=True):
            place.setText(self.tr("放置身份证：%1").replace("%1", card.name))
        self.lift_button.setText(self.tr("移开身份证"))
        self.fail_button.setText(self.tr("放置无法读取的卡"))
        if self._printer is not None:
            self.paper_button.setText(
                self.tr("打印机装纸") if self._printer.paper_out else self.tr("打印机取出纸张")
            )
