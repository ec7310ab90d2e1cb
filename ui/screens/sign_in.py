"""手机验证码: sign in without a card, on on-screen keypads (a kiosk has no keyboard).

Two steps on one screen: the ID number (digits, X only as the last character), checked as it
is typed with the core's rules (`id_number_problem`), then the six-digit code the centre sent
to the phone it holds, with 重新获取 counting down the centre's minute. The screen renders
the sign-in's view (kiosk/services/sms_sign_in.py) and emits intents; what is typed lives in
this screen until it is sent, and is cleared when the session ends.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.services.sms_sign_in import (
    CODE_LENGTH,
    ID_NUMBER_LENGTH,
    SmsStep,
    SmsView,
    id_number_problem,
)
from ui.i18n import resident_text
from ui.widgets import DELETE_KEY, GAP_PX, Keypad, Prompt, Screen, button, label

ID_KEYS = "123456789X0" + DELETE_KEY
CODE_KEYS = "123456789 0" + DELETE_KEY
ID_GROUPS = (6, 4, 4, 4)  # 511321 1985 0612 0030: region, year, month and day, the rest
BLANK = "_"


def grouped(typed: str, length: int, groups: tuple[int, ...]) -> str:
    """What was typed, padded with blanks to `length` and spaced in `groups`."""
    padded = typed.ljust(length, BLANK)
    parts, start = [], 0
    for size in groups:
        parts.append(padded[start : start + size])
        start += size
    return " ".join(parts)


class SignInScreen(Screen):
    id_number_entered = Signal(str)  # 获取验证码
    code_entered = Signal(str)  # the sixth digit (or 确认)
    resend_requested = Signal()
    change_number_requested = Signal()
    exit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = SmsView(SmsStep.ID_NUMBER)
        self._typed_id = ""
        self._typed_code = ""
        self.heading = label("display")
        self.step_label = label("title")
        self.entry = label("entry", wrap=False)
        self.entry.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.info = label("lead")
        self.message = label("warning")
        self.id_keypad = Keypad(ID_KEYS)
        self.code_keypad = Keypad(CODE_KEYS)
        self.id_keypad.key_pressed.connect(self._id_key)
        self.code_keypad.key_pressed.connect(self._code_key)

        self.exit_button = button()
        self.change_button = button()
        self.resend_button = button()
        self.send_button = button("primary")
        self.confirm_button = button("primary")
        self.exit_button.clicked.connect(self.exit_requested)
        self.change_button.clicked.connect(self.change_number_requested)
        self.resend_button.clicked.connect(self.resend_requested)
        self.send_button.clicked.connect(lambda: self.id_number_entered.emit(self._typed_id))
        self.confirm_button.clicked.connect(lambda: self.code_entered.emit(self._typed_code))

        left = QVBoxLayout()
        left.setSpacing(GAP_PX)
        left.addWidget(self.step_label)
        left.addSpacing(8)
        left.addWidget(self.entry)
        left.addWidget(self.message)
        left.addWidget(self.info)
        left.addStretch(1)
        body = QHBoxLayout()
        body.setSpacing(48)
        body.addLayout(left, 3)
        body.addWidget(self.id_keypad, 2)
        body.addWidget(self.code_keypad, 2)
        buttons = QHBoxLayout()
        buttons.setSpacing(GAP_PX)
        buttons.addWidget(self.exit_button)
        buttons.addStretch(1)
        for entry in (self.change_button, self.resend_button, self.send_button):
            buttons.addWidget(entry)
        buttons.addWidget(self.confirm_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(64, 24, 64, 24)
        column.setSpacing(GAP_PX)
        column.addWidget(self.heading)
        column.addLayout(body, 1)
        column.addLayout(buttons)
        self.retranslate()

    # --- what the window tells it --------------------------------------------------------

    def show_view(self, view: SmsView | None) -> None:
        """The sign-in's state; None: the session is over, forget what was typed."""
        if view is None:
            self.wipe()
            return
        old = self.view
        if view.step is SmsStep.ID_NUMBER and old.step is not SmsStep.ID_NUMBER:
            self._typed_code = ""
        if view.step is SmsStep.CODE and (
            old.step is SmsStep.SENDING or view.attempt != old.attempt or view.code_dead
        ):
            self._typed_code = ""  # a new code, or the last one was refused: type it afresh
        self.view = view
        self.retranslate()

    def voice_prompt(self) -> Prompt:
        return ("sign_in_id" if self._on_id_step else "sign_in_code"), {}

    def wipe(self) -> None:
        self._typed_id = self._typed_code = ""
        self.view = SmsView(SmsStep.ID_NUMBER)
        self.retranslate()

    @property
    def typed(self) -> str:
        """What the entry shows, without spaces and blanks (for tests and voice)."""
        return self._typed_id if self._on_id_step else self._typed_code

    # --- keys ----------------------------------------------------------------------------

    @property
    def _on_id_step(self) -> bool:
        return self.view.step in (SmsStep.ID_NUMBER, SmsStep.SENDING) and not self.view.sent_to

    def _id_key(self, key: str) -> None:
        if key == DELETE_KEY:
            self._typed_id = self._typed_id[:-1]
        elif len(self._typed_id) < ID_NUMBER_LENGTH:
            self._typed_id += key
        self.view = SmsView(SmsStep.ID_NUMBER)  # a new number: the last message is moot
        self.retranslate()

    def _code_key(self, key: str) -> None:
        if key == DELETE_KEY:
            self._typed_code = self._typed_code[:-1]
        elif len(self._typed_code) < CODE_LENGTH:
            self._typed_code += key
        self.retranslate()
        if len(self._typed_code) == CODE_LENGTH and key != DELETE_KEY:
            self.code_entered.emit(self._typed_code)  # no extra tap after the last digit

    # --- texts ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        view = self.view
        on_id = self._on_id_step
        busy = view.step in (SmsStep.SENDING, SmsStep.CHECKING)
        self.heading.setText(self.tr("手机验证码办理"))
        self.exit_button.setText(self.tr("退出"))
        self.id_keypad.setVisible(on_id)
        self.code_keypad.setVisible(not on_id)
        for part in (self.change_button, self.resend_button, self.confirm_button):
            part.setVisible(not on_id)
        self.send_button.setVisible(on_id)
        if on_id:
            self._show_id_step(busy)
        else:
            self._show_code_step(busy)

    def _show_id_step(self, busy: bool) -> None:
        typed, view = self._typed_id, self.view
        problem = id_number_problem(typed)
        self.step_label.setText(self.tr("第 1 步（共 2 步）：请输入您的身份证号码"))
        self.entry.setText(grouped(typed, ID_NUMBER_LENGTH, ID_GROUPS))
        self.message.setText(resident_text(problem or view.resident_message))
        if busy:
            self.info.setText(self.tr("正在发送验证码…"))
        else:
            self.info.setText(
                self.tr("验证码将发送到您在政务服务中心登记的手机上。已输入 %1 / 18 位").replace(
                    "%1", str(len(typed))
                )
            )
        complete = len(typed) == ID_NUMBER_LENGTH
        for key, tap in self.id_keypad.keys.items():
            allowed = key == DELETE_KEY or not complete
            if key == "X":
                allowed = len(typed) == ID_NUMBER_LENGTH - 1  # X is only ever the last one
            tap.setEnabled(allowed and not busy)
        self.send_button.setText(self.tr("获取验证码"))
        self.send_button.setEnabled(complete and not problem and not busy)

    def _show_code_step(self, busy: bool) -> None:
        typed, view = self._typed_code, self.view
        self.step_label.setText(self.tr("第 2 步（共 2 步）：请输入短信验证码"))
        self.entry.setText(" ".join(typed.ljust(CODE_LENGTH, BLANK)))
        self.message.setText(resident_text(view.resident_message))
        if view.step is SmsStep.CHECKING:
            self.info.setText(self.tr("正在验证…"))
        elif view.step is SmsStep.SENDING:
            self.info.setText(self.tr("正在发送验证码…"))
        else:
            self.info.setText(
                self.tr("验证码已发送至 %1（身份证号码 %2），5 分钟内有效")
                .replace("%1", view.sent_to)
                .replace("%2", view.masked_id)
            )
        dead = view.code_dead
        for key, tap in self.code_keypad.keys.items():
            tap.setEnabled(
                not busy and not dead and (key == DELETE_KEY or len(typed) < CODE_LENGTH)
            )
        self.change_button.setText(self.tr("修改身份证号码"))
        self.change_button.setEnabled(not busy)
        if view.resend_in_s > 0:
            self.resend_button.setText(
                self.tr("重新获取（%1 秒）").replace("%1", str(view.resend_in_s))
            )
        else:
            self.resend_button.setText(self.tr("重新获取验证码"))
        self.resend_button.setEnabled(view.resend_in_s == 0 and not busy)
        # A dead code: the one useful tap is 重新获取, so it is the primary button.
        role = "primary" if dead else ""
        if self.resend_button.property("role") != role:
            self.resend_button.setProperty("role", role)
            self.resend_button.style().unpolish(self.resend_button)
            self.resend_button.style().polish(self.resend_button)
        self.confirm_button.setText(self.tr("确认"))
        self.confirm_button.setEnabled(len(typed) == CODE_LENGTH and not busy and not dead)
