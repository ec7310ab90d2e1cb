"""Screens that say one thing and offer a few buttons: reading, done, error, crash, placeholder."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.services.certificates import PrintOutcome
from ui.i18n import resident_text
from ui.widgets import GAP_PX, Prompt, Screen, Translatable, button, label

DOTS_TICK_MS = 400


class MessageScreen(Screen):
    """A heading, a line of text, a smaller line and a row of buttons, centred in a card."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = label("display")
        self.body = label("lead")
        self.note = label("small")
        for part in (self.heading, self.body, self.note):
            part.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(32)
        card = Translatable("card")
        inner = QVBoxLayout(card)
        inner.setContentsMargins(64, 48, 64, 48)
        inner.setSpacing(GAP_PX)
        inner.addWidget(self.heading)
        inner.addWidget(self.body)
        inner.addWidget(self.note)
        inner.addSpacing(16)
        inner.addLayout(self.buttons)
        self._inner = inner
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(card)
        column.addStretch(2)
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(96, 48, 96, 48)
        self._row.setSpacing(48)
        self._row.addLayout(column, 1)

    def add_aside(self, widget: QWidget) -> None:
        """A widget left of the card, as tall as the screen (a document's preview); the
        screen's side margins narrow to leave it room."""
        self._row.insertWidget(0, widget, 1)
        self._row.setContentsMargins(48, 24, 48, 24)

    def insert_above_buttons(self, item: QWidget | QHBoxLayout) -> None:
        index = self._inner.indexOf(self.buttons)
        if isinstance(item, QWidget):
            self._inner.insertWidget(index, item)
        else:
            self._inner.insertLayout(index, item)

    def add_button(self, role: str = "") -> QPushButton:
        pushed = button(role)
        self.buttons.addWidget(pushed, 1)
        return pushed


class IdentifyingScreen(MessageScreen):
    """Shown while the card is read (about a second)."""

    prompt_id = "identifying"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dots = 0
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._timer.start(DOTS_TICK_MS)
        self.retranslate()

    def _tick(self) -> None:
        self._dots = (self._dots + 1) % 4
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("正在读取身份证") + "·" * self._dots)
        self.body.setText(self.tr("请不要移动身份证"))
        self.note.setText(self.tr("读取完成后，请按屏幕提示办理"))


class InServiceScreen(MessageScreen):
    """The chosen service. Its own pages arrive with the records and certificates issues."""

    prompt_id = "in_service"

    back_requested = Signal()
    exit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = ""
        self.back_button = self.add_button()
        self.exit_button = self.add_button("primary")
        self.back_button.clicked.connect(self.back_requested)
        self.exit_button.clicked.connect(self.exit_requested)
        self.retranslate()

    def show_service(self, title: str) -> None:
        self._title = title
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self._title)
        self.body.setText(self.tr("本机暂未开通此项服务的自助办理"))
        self.note.setText(self.tr("请选择其他服务，或到村便民服务站窗口办理"))
        self.back_button.setText(self.tr("返回"))
        self.exit_button.setText(self.tr("退出"))


ELDER_SCORES = (5, 3, 2)  # 非常满意, 基本满意, 不满意: three choices in elder mode


class DoneScreen(MessageScreen):
    """办理完成, with 好差评: five scores (5 = 非常满意), then the resident leaves.

    In elder mode the screen keeps to six choices: three scores and 不评价，退出, with 打印回执
    and 办理其他业务 behind 更多."""

    prompt_id = "done"

    another_requested = Signal()
    rated = Signal(int)  # score 1–5; the resident leaves
    finish_requested = Signal()  # leave without rating
    receipt_requested = Signal()  # a slip with the certificate's serial and code

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._certificate: PrintOutcome | None = None
        self._demo_folder = ""
        self._receipts = False  # a receipt printer is there
        self._receipt_state = ""  # "" | printing | printed | a resident message key
        self.detail = label("lead")
        self.demo_note = label("small")
        for part in (self.detail, self.demo_note):
            part.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.rating_prompt = label("title")
        self.rating_prompt.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.rating_buttons: dict[int, QPushButton] = {}
        self._elder = False
        self._more_open = False
        row = QHBoxLayout()
        row.setSpacing(GAP_PX)
        for score in (5, 4, 3, 2, 1):
            rate = button("rate")  # all alike: a survey must not nudge
            rate.clicked.connect(lambda _=False, s=score: self.rated.emit(s))
            row.addWidget(rate, 1)
            self.rating_buttons[score] = rate
        self.receipt_button = self.add_button()
        self.another_button = self.add_button()
        self.finish_button = self.add_button()
        self.more_button = self.add_button()
        self.more_button.clicked.connect(self._toggle_more)
        self.receipt_button.clicked.connect(self._ask_for_receipt)
        self.another_button.clicked.connect(self.another_requested)
        self.finish_button.clicked.connect(self.finish_requested)
        self.insert_above_buttons(self.detail)
        self.insert_above_buttons(self.demo_note)
        self.insert_above_buttons(self.rating_prompt)
        self.insert_above_buttons(row)
        self.retranslate()

    def show_certificate(self, outcome: PrintOutcome, demo_folder: str, receipts: bool) -> None:
        """The printed certificate's serial and verification code (both are on the paper);
        `receipts`: offer a slip with them."""
        self._certificate = outcome
        self._demo_folder = demo_folder
        self._receipts = receipts
        self._receipt_state = ""
        self.retranslate()

    def set_elder(self, elder: bool) -> None:
        self._elder, self._more_open = elder, False
        self.retranslate()

    def _toggle_more(self) -> None:
        self._more_open = not self._more_open
        self.retranslate()

    def show_receipt_result(self, resident_message: str) -> None:
        self._receipt_state = resident_message or "printed"
        self.retranslate()

    def _ask_for_receipt(self) -> None:
        if self._receipt_state != "printing":  # one slip at a time
            self._receipt_state = "printing"
            self.retranslate()
            self.receipt_requested.emit()

    def wipe(self) -> None:
        self._certificate = None
        self._receipts = False
        self._receipt_state = ""
        self._more_open = False
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("办理完成"))
        self.body.setText(self.tr("请取走您的身份证和打印材料"))
        outcome = self._certificate
        self.demo_note.setVisible(outcome is not None and bool(self._demo_folder))
        self.demo_note.setText(
            self.tr("演示模式：证明已保存为 PDF，位于 %1").replace("%1", self._demo_folder)
        )
        if outcome is None:
            self.detail.hide()
        else:
            # The verification code and its validity are on the paper; the screen keeps to
            # what a resident may ask a clerk about, so the elder look still fits.
            lines = [self.tr("证明编号：%1").replace("%1", outcome.serial_no)]
            if self._receipt_state == "printed":
                lines.append(self.tr("回执已打印，请取走"))
            elif self._receipt_state not in ("", "printing"):
                lines.append(resident_text(self._receipt_state))
            self.detail.setText("\n".join(lines))
            self.detail.show()
        rating = not (self._elder and self._more_open)
        others = not self._elder or self._more_open
        self.rating_prompt.setVisible(rating)
        for score, rate in self.rating_buttons.items():
            rate.setVisible(rating and (not self._elder or score in ELDER_SCORES))
        self.another_button.setVisible(others)
        self.more_button.setVisible(self._elder)
        self.more_button.setText(self.tr("返回评价") if self._more_open else self.tr("更多"))
        self.receipt_button.setVisible(others and outcome is not None and self._receipts)
        self.receipt_button.setEnabled(self._receipt_state != "printing")
        self.receipt_button.setText(
            self.tr("正在打印回执") if self._receipt_state == "printing" else self.tr("打印回执")
        )
        self.note.setText(self.tr("退出后，您的个人信息将立即从本机清除"))
        self.rating_prompt.setText(self.tr("请对本次服务进行评价，评价后自动退出"))
        names = {
            5: self.tr("非常满意"),
            4: self.tr("满意"),
            3: self.tr("基本满意"),
            2: self.tr("不满意"),
            1: self.tr("非常不满意"),
        }
        for score, rate in self.rating_buttons.items():
            rate.setText(names[score])
        self.another_button.setText(self.tr("办理其他业务"))
        # Elder mode: the rating stands apart above, so a plain 退出 says enough.
        self.finish_button.setText(self.tr("退出") if self._elder else self.tr("不评价，退出"))


class ErrorScreen(MessageScreen):
    """Something the resident can act on went wrong (a card that cannot be read …)."""

    prompt_id = "error"

    acknowledged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._message = ""
        self.home_button = self.add_button("primary")
        self.home_button.clicked.connect(self.acknowledged)
        self.retranslate()

    def show_message(self, resident_message: str) -> None:
        self._message = resident_message
        self.retranslate()

    def voice_prompt(self) -> Prompt:
        return self.prompt_id, {"message": resident_text(self._message) if self._message else ""}

    def wipe(self) -> None:
        self._message = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("暂时无法办理"))
        self.body.setText(resident_text(self._message) if self._message else "")
        self.note.setText(self.tr("如需帮助，请联系村便民服务站工作人员"))
        self.home_button.setText(self.tr("返回首页"))


class CrashScreen(MessageScreen):
    """The calm page after an unhandled exception; stays until the app restarts."""

    prompt_id = "crash"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.report_id = ""
        self.restarting = False
        self.retranslate()

    def show_report(self, report_id: str, restarting: bool) -> None:
        self.report_id = report_id
        self.restarting = restarting
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("系统暂时无法使用，请联系工作人员"))
        self.body.setText(self.tr("故障编号：%1").replace("%1", self.report_id))
        self.note.setText(
            self.tr("系统正在自动恢复，请稍候")
            if self.restarting
            else self.tr("您的个人信息已清除")
        )
