"""The attract screen (待机页): what a passer-by sees, and the way into a session."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

import assets
from ui.qt_values import KEEP_ASPECT_RATIO, set_property
from ui.widgets import Prompt, Screen, Translatable, button, label

ANNOUNCEMENT_ROTATE_MS = 8000
NOTICE_SHOWN_MS = 20_000
ILLUSTRATION = "place-card.svg"


class AnnouncementStrip(Translatable):
    """Shows alerts and announcements one at a time, each for a few seconds."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("strip", parent)
        self._items: list[tuple[bool, str]] = []  # (is an alert, text)
        self._index = 0
        self.tag = label("badge", wrap=False)
        self.text = label("", wrap=True)
        row = QHBoxLayout(self)
        row.setContentsMargins(32, 16, 32, 16)
        tag_column = QVBoxLayout()  # the tag centred beside a text of one line or more
        tag_column.addStretch(1)
        tag_column.addWidget(self.tag)
        tag_column.addStretch(1)
        row.addLayout(tag_column)
        row.addSpacing(16)
        row.addWidget(self.text, 1)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._next)
        self._timer.start(ANNOUNCEMENT_ROTATE_MS)
        self.setHidden(True)  # until there is something to announce
        self.retranslate()

    @property
    def texts(self) -> list[str]:
        return [text for _, text in self._items]

    def retranslate(self) -> None:
        self._show()

    def set_items(self, items: list[tuple[bool, str]]) -> None:
        self._items = items
        self._index = 0
        self.setVisible(bool(items))
        self._show()

    def _next(self) -> None:
        if self._items:
            self._index = (self._index + 1) % len(self._items)
            self._show()

    def _show(self) -> None:
        alert, text = self._items[self._index] if self._items else (False, "")
        self.tag.setText(self.tr("提醒") if alert else self.tr("公告"))
        self.text.setText(text)


class AttractScreen(Screen):
    prompt_id = "attract"

    help_requested = Signal()  # 找人帮忙
    elder_mode_toggled = Signal()
    language_toggled = Signal()
    preview_requested = Signal()
    sign_in_requested = Signal()  # 手机验证码

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._elder_mode = False
        self._reader_available = True
        self._social_card = False
        svg = assets.ROOT / "images" / ILLUSTRATION
        self.illustration = QSvgWidget()
        self.illustration.load(svg.read_bytes())
        set_property(self.illustration.renderer(), "aspectRatioMode", KEEP_ASPECT_RATIO)
        self.illustration.setMinimumSize(420, 360)
        self.notice = label("notice")
        self.notice.hide()
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.timeout.connect(self.notice.hide)
        self.prompt = label("display")
        self.hint = label("lead")
        self.other_ways = label("small")
        self.no_card = label("lead")
        self.sign_in_button = button("primary")
        self.sign_in_button.clicked.connect(self.sign_in_requested)
        prompt_column = QVBoxLayout()
        prompt_column.addStretch(1)
        prompt_column.addWidget(self.notice)
        prompt_column.addSpacing(12)
        for part in (self.prompt, self.hint):
            prompt_column.addWidget(part)
            prompt_column.addSpacing(12)
        prompt_column.addSpacing(12)
        prompt_column.addWidget(self.no_card)
        sign_in_row = QHBoxLayout()  # the button as wide as its words, on the left
        sign_in_row.addWidget(self.sign_in_button)
        sign_in_row.addStretch(1)
        prompt_column.addLayout(sign_in_row)
        prompt_column.addSpacing(24)
        prompt_column.addWidget(self.other_ways)
        prompt_column.addStretch(1)
        body = QHBoxLayout()
        body.setContentsMargins(64, 24, 64, 24)
        body.addWidget(self.illustration, 5)
        body.addSpacing(48)
        body.addLayout(prompt_column, 6)

        self.elder_button = button("primary")
        self.language_button = button()
        self.preview_button = button()
        self.elder_button.clicked.connect(self.elder_mode_toggled)
        self.language_button.clicked.connect(self.language_toggled)
        self.preview_button.clicked.connect(self.preview_requested)
        self.help_button = button()  # 找人帮忙: elder mode only (the menu has one for all)
        self.help_button.clicked.connect(self.help_requested)
        self.help_button.hide()
        buttons = QHBoxLayout()
        buttons.setContentsMargins(64, 0, 64, 24)
        buttons.setSpacing(32)
        for entry in (
            self.elder_button,
            self.language_button,
            self.preview_button,
            self.help_button,
        ):
            buttons.addWidget(entry, 1)

        self.announcements = AnnouncementStrip()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(body, 1)
        column.addLayout(buttons)
        column.addWidget(self.announcements)
        self.retranslate()

    def show_timed_out(self) -> None:
        """Say why the resident is back here: their session timed out (here or at the
        centre) and was wiped. Hides by itself after `NOTICE_SHOWN_MS`."""
        self.notice.show()
        self._notice_timer.start(NOTICE_SHOWN_MS)
        self.retranslate()

    def voice_prompt(self) -> Prompt:
        return ("attract_timed_out" if self.notice.isVisibleTo(self) else "attract"), {}

    def hide_notice(self) -> None:
        self._notice_timer.stop()
        self.notice.hide()

    def set_elder_mode(self, on: bool) -> None:
        self._elder_mode = on
        self.help_button.setVisible(on)
        self.retranslate()

    def set_social_card(self, accepted: bool) -> None:
        """Whether a social security card (社会保障卡) identifies too, in a PC/SC reader."""
        self._social_card = accepted
        self.retranslate()

    def set_reader_available(self, available: bool) -> None:
        self._reader_available = available
        self.retranslate()

    def retranslate(self) -> None:
        if self._reader_available:
            self.prompt.setText(self.tr("请将身份证放在感应区"))
            self.hint.setText(
                self.tr("感应区在屏幕下方，身份证平放后请不要移动；也可将社会保障卡插入读卡器")
                if self._social_card
                else self.tr("感应区在屏幕下方，身份证平放后请不要移动，读取约需 1 秒")
            )
        else:
            self.prompt.setText(self.tr("身份证读卡器暂时无法使用"))
            self.hint.setText(self.tr("请联系村便民服务站工作人员，或稍后再来"))
        self.no_card.setText(self.tr("没带身份证？"))
        self.sign_in_button.setText(self.tr("用手机验证码办理"))
        self.other_ways.setText(self.tr("办理业务全程免费，个人信息在退出后立即清除"))
        self.notice.setText(
            self.tr("办理已超时，已自动退出并清除您的信息。\n如需继续办理，请重新放置身份证。")
        )
        self.elder_button.setText(self.tr("标准模式") if self._elder_mode else self.tr("长辈模式"))
        self.language_button.setText(self.tr("语言 / English"))
        self.preview_button.setText(self.tr("服务预览"))
        self.help_button.setText(self.tr("找人帮忙"))
