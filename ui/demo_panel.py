"""The developer panel of demo mode: lay a demo ID card on the simulated SAM module, or lift
it (the real serial driver reads it through a pseudo-terminal); take the demo printer's paper
out and put it back (the done screen names the folder the printed PDFs go to); show the demo
residents' ID numbers for 手机验证码 and the code the demo centre "sent" (there is no phone).
It acts only through the core's demo interface (kiosk/demo.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from kiosk.demo import DemoControls
from kiosk.voice import Said
from ui.widgets import Translatable, button, label


class DemoPanel(Translatable):
    """Buttons that act on the simulated devices, so a card reaches the session as a real one
    does."""

    sms_code_changed = Signal(str, str)  # code, masked phone; queued from any thread

    def __init__(self, controls: DemoControls, parent: QWidget | None = None) -> None:
        super().__init__("devpanel", parent)
        self._controls = controls
        self._sms: tuple[str, str] = ("", "")
        self.heading = label("", wrap=True)
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 12, 12, 12)
        column.addWidget(self.heading)
        self.card_buttons = []
        for number in range(1, len(controls.card_names) + 1):
            place = button("dev")
            place.clicked.connect(lambda _=False, n=number: self.place_card(n))
            column.addWidget(place)
            self.card_buttons.append(place)
        self.lift_button = button("dev")
        self.lift_button.clicked.connect(self.lift_card)
        self.fail_button = button("dev")
        self.fail_button.clicked.connect(self.place_unreadable_card)
        column.addWidget(self.lift_button)
        column.addWidget(self.fail_button)
        self.paper_button = button("dev")
        self.paper_button.clicked.connect(self.toggle_paper)
        if controls.has_printer:
            column.addSpacing(12)
            column.addWidget(self.paper_button)
        column.addSpacing(12)
        self.sms_ids = label("", wrap=True)
        self.sms_code = label("", wrap=True)
        column.addWidget(self.sms_ids)
        column.addWidget(self.sms_code)
        column.addSpacing(12)
        self.technician = label("", wrap=True)
        column.addWidget(self.technician)
        self.workbench = label("", wrap=True)  # where a demo clerk decides the applications
        self.workbench.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column.addSpacing(12)
        column.addWidget(self.workbench)
        column.addSpacing(12)
        self.said = label("", wrap=True)  # what the voice says, for a demo without speakers
        column.addWidget(self.said)
        self._said = ""
        self.sms_code_changed.connect(self._show_sms_code)
        controls.on_sms_code(self.sms_code_changed.emit)
        self.retranslate()

    def _show_sms_code(self, code: str, sent_to: str) -> None:
        self._sms = (code, sent_to)
        self.retranslate()

    def show_said(self, said: Said) -> None:
        self._said = said.text
        self.retranslate()

    def forget_said(self) -> None:
        """The session is over: what was said may have held the resident's name."""
        self._said = ""
        self.retranslate()

    def place_card(self, number: int) -> None:
        """Keys 1–3 of the demo: lay the demo card with this number (1-based)."""
        self._controls.place_card(number)

    def lift_card(self) -> None:
        self._controls.lift_card()

    def place_unreadable_card(self) -> None:
        self._controls.place_unreadable_card()

    def toggle_paper(self) -> None:
        """Take the demo printer's paper out (a job fails, the service shows unavailable),
        or put it back."""
        self._controls.set_paper(not self._controls.paper_present)
        self.retranslate()

    def _corner_words(self) -> str:
        return {
            "top-left": self.tr("左上角"),
            "top-right": self.tr("右上角"),
            "bottom-left": self.tr("左下角"),
            "bottom-right": self.tr("右下角"),
        }[self._controls.technician_corner]

    def retranslate(self) -> None:
        self.heading.setText(self.tr("演示面板（F12 隐藏；数字键 1–3 放卡，0 移开）"))
        for place, name in zip(self.card_buttons, self._controls.card_names, strict=True):
            place.setText(self.tr("放置身份证：%1").replace("%1", name))
        self.lift_button.setText(self.tr("移开身份证"))
        self.fail_button.setText(self.tr("放置无法读取的卡"))
        name, number = self._controls.sms_residents[-1]
        self.sms_ids.setText(
            self.tr("手机验证码：演示居民 %1，身份证号码").replace("%1", name) + f"\n{number}"
        )
        code, sent_to = self._sms
        sent = self.tr("演示中心发出的验证码：%1（发往 %2）")
        self.sms_code.setText(
            sent.replace("%1", code).replace("%2", sent_to)
            if code
            else self.tr("演示中心发出的验证码：尚未发送")
        )
        self.technician.setText(
            self.tr("维护：按住屏幕%1 %2 秒，密码 %3")
            .replace("%1", self._corner_words())
            .replace("%2", f"{self._controls.technician_hold_s:g}")
            .replace("%3", self._controls.technician_pin)
            if self._controls.technician_pin
            else self.tr("维护：按住屏幕%1 %2 秒，输入配置的密码")
            .replace("%1", self._corner_words())
            .replace("%2", f"{self._controls.technician_hold_s:g}")
        )
        self.workbench.setText(
            self.tr("部门工作台：%1\n账号 clerk-minzheng，密码 demo").replace(
                "%1", self._controls.workbench_url
            )
            if self._controls.workbench_url
            else ""
        )
        self.workbench.setVisible(bool(self._controls.workbench_url))
        self.said.setText(self.tr("语音：%1").replace("%1", self._said) if self._said else "")
        self.said.setVisible(bool(self._said))
        if self._controls.has_printer:
            self.paper_button.setText(
                self.tr("打印机取出纸张") if self._controls.paper_present else self.tr("打印机装纸")
            )
