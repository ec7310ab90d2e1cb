"""找人帮忙: ask for a person (帮办). What happens next, the resident's consent to be called on the
phone the centre holds, then who will call back and by when, from the centre's answer. The
screen renders the help service's view (kiosk/services/help.py) and emits intents."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget

from kiosk.services.help import HelpPhase, HelpView
from ui.i18n import current_language, resident_text
from ui.screens.message import MessageScreen
from ui.widgets import Prompt, button

SHOWN_WITHOUT_A_TAP_MS = 120_000  # then back where the resident came from


class HelpScreen(MessageScreen):
    back_requested = Signal()
    send_requested = Signal(bool)  # consent: the helper may call the resident's phone

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: HelpView | None = None
        self.consent_button = button("tag")
        self.consent_button.setCheckable(True)
        self.consent_button.toggled.connect(lambda _on: self.retranslate())
        self.insert_above_buttons(self.consent_button)
        self.back_button = self.add_button()
        self.send_button = self.add_button("primary")
        self.back_button.clicked.connect(self.back_requested)
        self.send_button.clicked.connect(
            lambda: self.send_requested.emit(self.consent_button.isChecked())
        )
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self.back_requested)
        self.retranslate()

    def show_view(self, view: HelpView | None) -> None:
        if view is not None and (self.view is None or view.phase is HelpPhase.ASKING):
            self.consent_button.setChecked(view.with_resident)  # asked, and agreed by default
        self.view = view
        self._idle_timer.start(SHOWN_WITHOUT_A_TAP_MS)
        self.retranslate()

    def voice_prompt(self) -> Prompt:
        view = self.view
        if view is None:
            return "", {}
        if view.phase is HelpPhase.SENT:
            return "help_sent", {"who": self._who(), "when": self._when(spoken=True)}
        if view.phase in (HelpPhase.QUEUED, HelpPhase.FAILED):
            return "help_failed", {}
        return ("help", {}) if view.phase is HelpPhase.ASKING else ("", {})

    def _who(self) -> str:
        helper = self.view.helper if self.view is not None else ""
        return self.tr("帮办员 %1").replace("%1", helper) if helper else self.tr("工作人员")

    def _when(self, *, spoken: bool = False) -> str:
        """今天 14:30 / 明天 09:00 (said: 今天十四点三十分)."""
        view = self.view
        if view is None or view.call_back_by is None:
            return ""
        when = view.call_back_by
        today = dt.datetime.now(when.tzinfo).date()
        day = self.tr("今天") if when.date() == today else self.tr("明天")
        if current_language() != "zh_CN":
            return f"{when:%H:%M} {day}"
        clock = f"{when.hour}点{when.minute:02d}分" if spoken else f"{when:%H:%M}"
        return f"{day}{'' if spoken else ' '}{clock}"

    def retranslate(self) -> None:
        view = self.view
        phase = view.phase if view is not None else HelpPhase.ASKING
        with_resident = view is not None and view.with_resident
        consent = self.consent_button.isChecked()
        self.heading.setText(self.tr("找人帮忙"))
        self.back_button.setText(self.tr("返回"))
        self.send_button.setText(self.tr("请帮办员联系我"))
        self.consent_button.setText(("✓ " if consent else "") + self.tr("同意帮办员打我登记的手机"))
        self.consent_button.setVisible(phase is HelpPhase.ASKING and with_resident)
        self.send_button.setVisible(phase is HelpPhase.ASKING)
        if phase is HelpPhase.ASKING:
            self.body.setText(self.tr("村里的帮办员可以帮您办理，也可以上门服务"))
            self.note.setText(
                self.tr("帮办员会打电话给您，只用于这次帮忙")
                if with_resident
                else self.tr("您还没有放身份证：帮办员会到这台终端来找您")
            )
        elif phase is HelpPhase.SENDING:
            self.body.setText(self.tr("正在通知帮办员…"))
            self.note.setText("")
        elif phase is HelpPhase.SENT:
            assert view is not None
            self.body.setText(
                (
                    self.tr("%1 会在 %2 前给您回电话")
                    if consent and with_resident
                    else self.tr("%1 会在 %2 前到这台终端来")
                )
                .replace("%1", self._who())
                .replace("%2", self._when())
            )
            self.note.setText(self.tr("也可以直接到村便民服务站找工作人员"))
        elif phase is HelpPhase.QUEUED:
            self.body.setText(self.tr("求助已记录，联网后会自动发给帮办员"))
            self.note.setText(self.tr("着急的话，请到村便民服务站找工作人员"))
        else:
            assert view is not None
            self.body.setText(resident_text(view.resident_message))
            self.note.setText("")
