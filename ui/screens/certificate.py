"""证明打印: confirm → issuing → printing → (done screen) or a failure the resident can act on.

Confirming shows the certificate that will print, page 1 beside 确认打印 (the preview from
kiosk/services/preview.py), so the resident checks their name and what it says first; 确认打印
waits until the preview is there. The screen shows what the print-job service
(kiosk/services/certificates.py) reports; it decides nothing itself. A failure says what
happened and what to do; when the certificate was issued but not printed, it says that the
same certificate can be printed again.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QWidget

from kiosk.services.certificates import REPRINT_HOURS, FailureKind, PrintOutcome, Stage
from kiosk.services.preview import PreviewPhase, PreviewView
from ui.i18n import resident_text
from ui.page_image import PageImage
from ui.screens.message import DOTS_TICK_MS, MessageScreen
from ui.widgets import Prompt


class Phase(Enum):
    CONFIRM = "confirm"
    ISSUING = "issuing"
    PRINTING = "printing"
    FAILED = "failed"


class CertificateScreen(MessageScreen):
    print_requested = Signal()  # first time: a new request
    retry_requested = Signal()  # after a failure: the same request / the same certificate
    back_requested = Signal()
    exit_requested = Signal()
    preview_retry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.phase = Phase.CONFIRM
        self.preview_view: PreviewView | None = None
        self.preview_image = PageImage("preview")
        self.add_aside(self.preview_image)
        self._title = ""
        self._description = ""
        self._printer_problem = ""  # resident message key while the printer cannot print
        self._outcome: PrintOutcome | None = None
        self._dots = 0
        self.back_button = self.add_button()
        self.exit_button = self.add_button()
        self.print_button = self.add_button("primary")
        self.back_button.clicked.connect(self._back)
        self.exit_button.clicked.connect(self.exit_requested)
        self.print_button.clicked.connect(self._print)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self.retranslate()

    # --- what the window tells it --------------------------------------------------------

    def voice_prompt(self) -> Prompt:
        if self.phase is Phase.FAILED:
            return "certificate_failed", {}
        if self.phase is Phase.PRINTING:
            return "certificate_printing", {}
        return "certificate", {}

    def show_service(self, title: str, description: str, printer_problem: str) -> None:
        self._title, self._description = title, description
        self._printer_problem = printer_problem
        self._outcome = None
        self._set_phase(Phase.CONFIRM)

    def show_preview(self, view: PreviewView | None) -> None:
        """The preview's state; None: none (the service was left, or the session ended)."""
        self.preview_view = view
        if view is not None and view.phase is PreviewPhase.SHOWN:
            image = QPixmap()
            image.loadFromData(view.image_png, "PNG")
            self.preview_image.set_page(image)
        else:
            self.preview_image.clear_page()
        self.retranslate()

    def set_printer_problem(self, printer_problem: str) -> None:
        if printer_problem != self._printer_problem:
            self._printer_problem = printer_problem
            self.retranslate()

    def show_progress(self, stage: Stage) -> None:
        if stage is Stage.ISSUING:
            self._set_phase(Phase.ISSUING)
        elif stage is Stage.PRINTING:
            self._set_phase(Phase.PRINTING)

    def show_failure(self, outcome: PrintOutcome) -> None:
        self._outcome = outcome
        self._set_phase(Phase.FAILED)

    def wipe(self) -> None:
        self._title = self._description = ""
        self._outcome = None
        self.show_preview(None)
        self._set_phase(Phase.CONFIRM)

    # --- inside --------------------------------------------------------------------------

    def _set_phase(self, phase: Phase) -> None:
        self.phase = phase
        working = phase in (Phase.ISSUING, Phase.PRINTING)
        if working and not self._timer.isActive():
            self._dots = 0
            self._timer.start(DOTS_TICK_MS)
        elif not working:
            self._timer.stop()
        self.retranslate()

    def _tick(self) -> None:
        self._dots = (self._dots + 1) % 4
        self.retranslate()

    @property
    def _preview_failed(self) -> bool:
        view = self.preview_view
        return view is not None and view.phase is PreviewPhase.FAILED

    def _print(self) -> None:
        if self.phase is Phase.CONFIRM and self._preview_failed:
            self.preview_retry_requested.emit()
        elif self.phase is Phase.CONFIRM:
            self.print_requested.emit()
        elif self.phase is Phase.FAILED:
            self.retry_requested.emit()

    def _back(self) -> None:
        if self.phase in (Phase.CONFIRM, Phase.FAILED):
            self.back_requested.emit()

    def retranslate(self) -> None:
        dots = "·" * self._dots
        self.back_button.setText(self.tr("返回"))
        # 退出 stays while the job runs: a job at the printer is followed to its end, one
        # not yet sent is never sent (kiosk/services/certificates.py).
        self.exit_button.setText(self.tr("退出"))
        working = self.phase in (Phase.ISSUING, Phase.PRINTING)
        self.back_button.setVisible(not working)
        self.print_button.setVisible(not working)
        self.preview_image.setVisible(self.phase is Phase.CONFIRM)
        if self.phase is Phase.CONFIRM:
            self._retranslate_confirm()
        elif self.phase is Phase.ISSUING:
            self.heading.setText(self.tr("正在开具证明") + dots)
            self.body.setText(self.tr("请稍候，不要离开"))
            self.note.setText(self._title)
        elif self.phase is Phase.PRINTING:
            self.heading.setText(self.tr("正在打印") + dots)
            self.body.setText(self.tr("打印完成后，请从下方出纸口取走证明"))
            self.note.setText(self._title)
        else:
            self._retranslate_failure()

    def _retranslate_confirm(self) -> None:
        view = self.preview_view
        shown = view is not None and view.phase is PreviewPhase.SHOWN
        self.heading.setText(self._title)
        if shown:
            assert view is not None
            pages = self.tr(
                "左侧是第 1 页的预览（共 %1 页）。请核对姓名和内容，无误后点击“确认打印”"
            )
            self.body.setText(pages.replace("%1", str(view.pages)))
        elif self._preview_failed:
            assert view is not None
            self.body.setText(self.tr("预览没有生成：") + resident_text(view.resident_message))
        else:
            self.body.setText(self._description)
            self.preview_image.setText(self.tr("正在生成预览…"))
        if self._printer_problem:
            self.note.setText(resident_text(self._printer_problem))
        else:
            self.note.setText(self.tr("证明打印在 A4 纸上，带二维码和验证码，可扫码核验真伪"))
        if self._preview_failed:
            self.print_button.setText(self.tr("重新生成预览"))
            self.print_button.setEnabled(True)
        else:
            self.print_button.setText(self.tr("确认打印"))
            self.print_button.setEnabled(shown and not self._printer_problem)

    def _retranslate_failure(self) -> None:
        outcome = self._outcome
        assert outcome is not None
        self.heading.setText(self.tr("证明没有打印出来"))
        self.body.setText(resident_text(outcome.resident_message))
        if outcome.failure is FailureKind.PRINTER:
            self.note.setText(
                self.tr(
                    "您的证明（编号 %1）已经开具。可以再试一次；也可在 %2 小时内"
                    "在本机或其他自助终端重新打印同一份证明，不会重复开具"
                )
                .replace("%1", outcome.serial_no)
                .replace("%2", str(REPRINT_HOURS))
            )
            self.print_button.setText(self.tr("重新打印"))
            self.print_button.setVisible(True)
        elif outcome.failure is FailureKind.CENTRAL:
            self.note.setText(self.tr("证明还没有开具，可以再试一次"))
            self.print_button.setText(self.tr("再试一次"))
            self.print_button.setVisible(True)
        else:
            self.note.setText(self.tr("如需帮助，请联系村便民服务站工作人员"))
            self.print_button.setVisible(False)
        self.print_button.setEnabled(
            outcome.failure is not FailureKind.PRINTER or not self._printer_problem
        )
