"""好差评, second step: the score the resident tapped, reasons to tap when they were not
satisfied, and 提交评价; then a thank-you page that closes the session.

A good score and a bad one cost the same: a tap on the score, a tap on 提交评价. The reasons
are optional taps in between (several allowed, no typing), so saying why is never required
to leave a bad rating, and changing one's mind is one tap on 重新选择.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QGridLayout, QPushButton, QWidget

from kiosk.services.rating import RATING_TAGS, REASONS_BELOW_SCORE
from ui.screens.message import MessageScreen
from ui.widgets import GAP_PX, button, label

TAG_COLUMNS = 3
ELDER_TAG_COLUMNS = 2
ELDER_TAGS = ("slow", "complicated", "hard_to_see_or_hear", "other")
THANKS_SHOWN_MS = 4000


class RatingScreen(MessageScreen):
    prompt_id = "rating"

    submitted = Signal(int, tuple)  # score, tags (codes of RATING_TAGS)
    back_requested = Signal()  # 重新选择: to the scores
    exit_requested = Signal()  # leave without rating

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.score = 0
        self.reasons_prompt = label("title")
        self.reasons_prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.tag_buttons: dict[str, QPushButton] = {}
        self._elder = False
        grid = QGridLayout()
        grid.setSpacing(GAP_PX)
        for index, tag in enumerate(RATING_TAGS):
            choice = button("tag")
            choice.setCheckable(True)
            choice.toggled.connect(self._mark_choices)
            grid.addWidget(choice, index // TAG_COLUMNS, index % TAG_COLUMNS)
            self.tag_buttons[tag] = choice
        self._tags = QWidget()
        self._tags.setLayout(grid)
        self.insert_above_buttons(self.reasons_prompt)
        self.insert_above_buttons(self._tags)
        self.back_button = self.add_button()
        self.exit_button = self.add_button()
        self.submit_button = self.add_button("primary")
        self.back_button.clicked.connect(self.back_requested)
        self.exit_button.clicked.connect(self.exit_requested)
        self.submit_button.clicked.connect(self._submit)
        self.retranslate()

    def show_score(self, score: int) -> None:
        self.score = score
        for choice in self.tag_buttons.values():
            choice.setChecked(False)
        self.retranslate()

    def set_elder(self, elder: bool) -> None:
        """Elder mode: four reasons, 提交 and 退出: six choices."""
        self._elder = elder
        self._place_tags()
        self.retranslate()

    def _place_tags(self) -> None:
        grid = self._tags.layout()
        assert isinstance(grid, QGridLayout)
        shown = [t for t in RATING_TAGS if not self._elder or t in ELDER_TAGS]
        for tag, choice in self.tag_buttons.items():
            grid.removeWidget(choice)
            choice.setVisible(tag in shown)
        columns = ELDER_TAG_COLUMNS if self._elder else TAG_COLUMNS
        for index, tag in enumerate(shown):
            grid.addWidget(self.tag_buttons[tag], index // columns, index % columns)

    def wipe(self) -> None:
        self.show_score(0)

    @property
    def asks_reasons(self) -> bool:
        return 0 < self.score < REASONS_BELOW_SCORE

    def _mark_choices(self, _checked: bool) -> None:
        self.retranslate()

    def _submit(self) -> None:
        tags = tuple(tag for tag, choice in self.tag_buttons.items() if choice.isChecked())
        self.submitted.emit(self.score, tags if self.asks_reasons else ())

    def retranslate(self) -> None:
        names = {
            5: self.tr("非常满意"),
            4: self.tr("满意"),
            3: self.tr("基本满意"),
            2: self.tr("不满意"),
            1: self.tr("非常不满意"),
        }
        self.heading.setText(self.tr("您的评价：%1").replace("%1", names.get(self.score, "")))
        asks = self.asks_reasons
        self.body.setText(self.tr("很抱歉给您带来不便") if asks else self.tr("感谢您的认可"))
        self.note.setText(self.tr("评价只用于改进服务，不含您的个人信息"))
        self.reasons_prompt.setText(self.tr("请选择不满意的原因（可多选，也可不选）"))
        self.reasons_prompt.setVisible(asks)
        self._tags.setVisible(asks)
        words = {
            "slow": self.tr("办理时间长"),
            "complicated": self.tr("操作复杂"),
            "machine_fault": self.tr("机器故障"),
            "print_error": self.tr("打印有误"),
            "hard_to_see_or_hear": self.tr("看不清/听不清"),
            "other": self.tr("其他"),
        }
        for tag, choice in self.tag_buttons.items():
            # A tick as well as the colour: chosen reads the same to every eye.
            choice.setText(("✓ " if choice.isChecked() else "") + words[tag])
        self.back_button.setText(self.tr("重新选择"))
        self.back_button.setVisible(not self._elder)
        self.exit_button.setText(self.tr("不评价，退出"))
        self.submit_button.setText(self.tr("提交评价"))


class ThanksScreen(MessageScreen):
    """After the rating: the session has ended and the resident's data is gone. Gives way to
    the attract screen by itself after `THANKS_SHOWN_MS`, or at a tap."""

    prompt_id = "thanks"

    finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.finished)
        self.retranslate()

    def start(self, *, elder: bool) -> None:
        """Show for a while: twice as long in elder mode."""
        self._timer.start(THANKS_SHOWN_MS * (2 if elder else 1))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """A tap anywhere: on to the attract screen now."""
        self._timer.stop()
        self.finished.emit()
        super().mousePressEvent(event)

    def retranslate(self) -> None:
        self.heading.setText(self.tr("感谢您的评价"))
        self.body.setText(self.tr("您的个人信息已从本机清除，请取走您的证件"))
        self.note.setText(self.tr("欢迎再次使用政务服务自助终端"))
