"""The voice's buttons in the header: 语音播报 to turn it on (one tap), then 再听一遍, 音量 − / +
and 关闭语音. They act on the resident's session only; the configuration keeps the defaults."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget

from ui.i18n import resident_text
from ui.widgets import Translatable, button

VOLUME_STEPS = 5  # 0.2 … 1.0


class VoiceBar(Translatable):
    toggled = Signal()  # voice on ↔ off
    repeat_requested = Signal()  # 再听一遍
    volume_stepped = Signal(int)  # +1 louder, -1 quieter

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("voicebar", parent)
        self._on = False
        self._problem = ""  # resident message while the voice cannot speak
        self._volume = 0.8
        self.repeat_button = button("voice")
        self.quieter_button = button("voice")
        self.louder_button = button("voice")
        self.toggle_button = button("voice")
        self.repeat_button.clicked.connect(self.repeat_requested)
        self.quieter_button.clicked.connect(lambda: self.volume_stepped.emit(-1))
        self.louder_button.clicked.connect(lambda: self.volume_stepped.emit(+1))
        self.toggle_button.clicked.connect(self.toggled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(24)  # px at 96 dpi ≈ 6.4 mm: the elder look's gap between targets
        for part in (self.repeat_button, self.quieter_button, self.louder_button):
            row.addWidget(part)
        row.addWidget(self.toggle_button)
        self.retranslate()

    def show_state(self, on: bool, volume: float, problem: str) -> None:
        self._on, self._volume, self._problem = on, volume, problem
        self.retranslate()

    def retranslate(self) -> None:
        speaking = self._on and not self._problem
        for part in (self.repeat_button, self.quieter_button, self.louder_button):
            part.setVisible(speaking)
        self.repeat_button.setText(self.tr("再听一遍"))
        self.quieter_button.setText(self.tr("音量 −"))
        self.louder_button.setText(self.tr("音量 +"))
        level = round(self._volume * VOLUME_STEPS)
        self.quieter_button.setEnabled(level > 1)
        self.louder_button.setEnabled(level < VOLUME_STEPS)
        self.toggle_button.setEnabled(not self._problem)
        if self._problem:
            self.toggle_button.setText(resident_text(self._problem))
        else:
            self.toggle_button.setText(self.tr("关闭语音") if self._on else self.tr("语音播报"))
