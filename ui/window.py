"""The kiosk window: a header over a stack of screens, rendering the session's state.

The window decides nothing: screens emit intents, the window hands them to the session, and the
session's state changes come back (through the bridge) to pick the screen.
"""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.app import Core
from kiosk.devices.status import DeviceStatus, Level
from kiosk.services.certificates import PrintOutcome, Stage
from kiosk.services.query_print import Holder
from kiosk.session import Event, Preferences, State
from ui.bridge import CoreBridge
from ui.demo_panel import DemoPanel
from ui.header import Header
from ui.i18n import current_language, use_centre_texts, use_language
from ui.overlays import CardSwapOverlay, TimeoutOverlay
from ui.screens.attract import AttractScreen
from ui.screens.certificate import CertificateScreen
from ui.screens.message import (
    CrashScreen,
    DoneScreen,
    ErrorScreen,
    IdentifyingScreen,
    InServiceScreen,
)
from ui.screens.rating import RatingScreen, ThanksScreen
from ui.screens.records import RecordsScreen
from ui.screens.services import MenuScreen, PreviewScreen
from ui.screens.sign_in import SignInScreen
from ui.theme import stylesheet, tokens_for

log = logging.getLogger(__name__)

SESSION_TICK_MS = 1000
WARM_UP_AFTER_MS = 500  # after the first frame, before a finger is likely to arrive
PREVIEW_MARGINS_PX = 180  # the certificate screen's margins and its page-count line
_ACTIVITY_EVENTS = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)


class KioskWindow(QWidget):
    first_painted = Signal()  # once, when the attract screen has been drawn

    def __init__(self, core: Core, font_family: str, *, kiosk_mode: bool) -> None:
        super().__init__()
        self.setObjectName("KioskWindow")
        self.core = core
        self.kiosk_mode = kiosk_mode
        self.crashed = False
        self._printed: PrintOutcome | None = None  # the session's printed certificate
        self._awaiting_first_paint = True
        self._font_family = font_family
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self._app = app
        self.bridge = CoreBridge(core, self)
        use_centre_texts(core.centre_texts)
        # Style before building: widgets created under a style sheet are polished once.
        self._elder_look: bool | None = None
        self._app_qss: str | None = None  # the look at start, the application's style sheet
        self._part_qss = ""  # the look since, on each part: "" while it is the start's look
        self._restyle_pending: list[QWidget] = []
        self._restyle_timer = QTimer(self)  # a child: it dies with the window
        self._restyle_timer.setInterval(0)
        self._restyle_timer.timeout.connect(self._restyle_next)
        self._apply_look(core.session.preferences)

        self.header = Header(core.config.kiosk.site_name, core.demo)
        self.attract = AttractScreen()
        self.preview = PreviewScreen()
        self.identifying = IdentifyingScreen()
        self.sign_in = SignInScreen()
        self.menu = MenuScreen()
        self.in_service = InServiceScreen()
        self.certificate = CertificateScreen()
        self.records = RecordsScreen()
        self.done = DoneScreen()
        self.rating = RatingScreen()
        self.thanks = ThanksScreen()
        self.error = ErrorScreen()
        self.crash_screen = CrashScreen()
        self.stack = QStackedWidget()
        for screen in (
            self.attract,
            self.preview,
            self.identifying,
            self.sign_in,
            self.menu,
            self.in_service,
            self.certificate,
            self.records,
            self.done,
            self.rating,
            self.thanks,
            self.error,
            self.crash_screen,
        ):
            self.stack.addWidget(screen)
        self.demo_panel = DemoPanel(core.demo_controls) if core.demo_controls else None
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.stack, 1)
        if self.demo_panel is not None:
            body.addWidget(self.demo_panel, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addLayout(body, 1)
        self.overlay = TimeoutOverlay(self)
        self.swap_question = CardSwapOverlay(self)

        self._connect_intents()
        self._connect_core()
        self._tick_timer = QTimer(self)
        self._tick_timer.timeout.connect(self._tick)
        self._tick_timer.start(SESSION_TICK_MS)
        app.installEventFilter(self)
        self.attract.set_elder_mode(core.session.preferences.elder_mode)
        self.attract.set_social_card(core.smartcard is not None)
        for status in core.device_statuses():
            self._on_device_status(status)
        self.attract.announcements.set_items(self._announcements())
        QTimer.singleShot(WARM_UP_AFTER_MS, self._warm_up)
        self.attract.installEventFilter(self)
        if kiosk_mode:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
            self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
            app.setOverrideCursor(Qt.CursorShape.BlankCursor)

    # --- wiring --------------------------------------------------------------------------

    def _connect_intents(self) -> None:
        session = self.core.session
        self.attract.elder_mode_toggled.connect(self._toggle_elder_mode)
        self.attract.language_toggled.connect(self._toggle_language)
        self.attract.preview_requested.connect(self._show_preview)
        self.preview.back_requested.connect(lambda: self.show_page(self.attract))
        self.attract.sign_in_requested.connect(self.core.sms.start)
        self.sign_in.id_number_entered.connect(self.core.sms.send_code)
        self.sign_in.code_entered.connect(self.core.sms.submit_code)
        self.sign_in.resend_requested.connect(self.core.sms.resend)
        self.sign_in.change_number_requested.connect(self.core.sms.change_number)
        self.sign_in.exit_requested.connect(session.exit)
        self.menu.service_chosen.connect(session.choose_service)
        self.menu.exit_requested.connect(session.exit)
        self.in_service.back_requested.connect(session.back_to_menu)
        self.in_service.exit_requested.connect(session.exit)
        self.certificate.print_requested.connect(self._print_certificate)
        self.certificate.preview_retry_requested.connect(self.core.preview.retry)
        self.certificate.retry_requested.connect(self.core.certificates.retry)
        self.certificate.back_requested.connect(self._leave_certificate)
        self.certificate.exit_requested.connect(session.exit)
        self.records.back_requested.connect(self._leave_records)
        self.records.exit_requested.connect(session.exit)
        self.records.page_requested.connect(self.core.records.show_page)
        self.records.retry_requested.connect(self.core.records.retry)
        self.records.print_requested.connect(self._print_query_result)
        self.done.another_requested.connect(session.back_to_menu)
        self.done.finish_requested.connect(session.finish)
        self.done.rated.connect(self._show_rating)
        self.rating.back_requested.connect(lambda: self.show_page(self.done))
        self.rating.submitted.connect(self._rate)
        self.rating.exit_requested.connect(session.finish)
        self.thanks.finished.connect(self._thanks_over)
        self.done.receipt_requested.connect(self._print_receipt)
        self.error.acknowledged.connect(session.acknowledge_error)
        self.overlay.continue_requested.connect(session.touch)
        self.swap_question.keep_requested.connect(self.core.identification.cancel_swap)
        self.swap_question.swap_requested.connect(self.core.identification.confirm_swap)
        if self.demo_panel is not None:
            shortcuts = {"F12": self._toggle_demo_panel, "0": self.demo_panel.lift_card}
            for number in range(1, len(self.demo_panel.card_buttons) + 1):
                shortcuts[str(number)] = lambda n=number: self.demo_panel.place_card(n)
            for key, action in shortcuts.items():
                QShortcut(QKeySequence(key), self, activated=action)

    def _connect_core(self) -> None:
        self.bridge.state_changed.connect(self._render_state)
        self.bridge.timeout_warning.connect(self.show_timeout_warning)
        self.bridge.preferences_changed.connect(self.apply_preferences)
        self.bridge.card_event.connect(self._on_card_event)
        self.bridge.device_status.connect(self._on_device_status)
        self.bridge.crashed.connect(self.show_crash)
        self.bridge.catalog_changed.connect(self._on_catalog)
        self.bridge.print_progress.connect(self._on_print_progress)
        self.bridge.print_finished.connect(self._on_print_finished)
        self.bridge.receipt_finished.connect(self._on_receipt_finished)
        self.bridge.records_changed.connect(self.records.show_view)
        self.bridge.preview_changed.connect(self.certificate.show_preview)
        self.bridge.query_print_changed.connect(self.records.show_printout)
        self.bridge.card_swap.connect(self._ask_about_card_swap)
        self.bridge.sms_changed.connect(self.sign_in.show_view)
        for wipe in (
            self.menu.wipe,
            self.sign_in.wipe,
            self.error.wipe,
            self.certificate.wipe,
            self.records.wipe,
            self.done.wipe,
            self.rating.wipe,
            self._forget_printed,
            self.overlay.hide,
        ):
            self.bridge.wiped.connect(wipe)

    # --- rendering -----------------------------------------------------------------------

    def show_page(self, page: QWidget) -> None:
        if not self.crashed:
            self._restyle(page)
            self.stack.setCurrentWidget(page)

    def _render_state(self, old: State, new: State, event: Event) -> None:
        session = self.core.session
        self.overlay.hide()
        if self.stack.currentWidget() is self.thanks:  # a new card before the thanks ended
            self.apply_preferences(session.preferences)
        language = current_language()
        if new is not State.IDLE:
            self.attract.hide_notice()
        if new is State.IDLE:
            self.show_page(self.attract)
            if event is Event.TIMEOUT:
                self.attract.show_timed_out()
        elif new is State.IDENTIFYING and event is Event.SIGN_IN:
            self.show_page(self.sign_in)
        elif new is State.IDENTIFYING:
            self.show_page(self.identifying)
        elif new is State.IDENTIFIED and session.resident is not None:
            self.menu.show_resident(session.resident)
            self._show_menu_catalog(language)
            self.show_page(self.menu)
        elif new is State.IN_SERVICE:
            self._show_service(session.service_id or "", language)
        elif new is State.DONE:
            self.show_page(self.done)
        elif new is State.ERROR and session.failure is not None:
            self.error.show_message(session.failure.resident_message)
            self.show_page(self.error)

    def _show_menu_catalog(self, language: str) -> None:
        """The resident's menu; services whose device cannot serve now are shown unavailable."""
        self.menu.grid.show_catalog(
            self.core.catalog.current,
            language,
            selectable=True,
            unavailable={"certificate": self.core.printer_problem()},
            refused=lambda service: self.core.identification.refusal_for(service.identification),
        )

    def _show_service(self, service_id: str, language: str) -> None:
        service = next((s for s in self.core.catalog.current.services if s.id == service_id), None)
        title = service.text(service.title, language) if service else ""
        if service is not None and service.kind == "certificate":
            self.certificate.show_service(
                title, service.text(service.description, language), self.core.printer_problem()
            )
            self.show_page(self.certificate)
            self.core.preview.open(service_id, self._preview_height())
        elif service is not None and service.kind == "records":
            self.records.show_service(title)
            self.records.set_printer_problem(self.core.printer_problem())
            self.show_page(self.records)
            rows = tokens_for(self.core.session.preferences.elder_mode, 0).table_rows
            self.core.records.open(service_id, page_size=rows)
        else:
            self.in_service.show_service(title)
            self.show_page(self.in_service)

    def _ask_about_card_swap(self, ask: bool) -> None:
        if ask and not self.crashed:
            self.core.session.touch()
            self._restyle(self.swap_question)
            self.swap_question.show_over_parent()
        else:
            self.swap_question.hide()

    def _show_rating(self, score: int) -> None:
        if self.core.session.state is State.DONE:
            self.rating.show_score(score)
            self.show_page(self.rating)

    def _rate(self, score: int, tags: tuple[str, ...]) -> None:
        if self.core.session.state is not State.DONE:
            return  # timed out on the way: the session is over, nothing to rate
        look = self.core.session.preferences
        self.core.rate(score, tags)  # ends the session: wiped, preferences back to defaults
        # The thank-you page still speaks to this resident: in their look and language.
        self._apply_look(look)
        self.show_page(self.thanks)
        self.thanks.start()

    def _thanks_over(self) -> None:
        if self.stack.currentWidget() is self.thanks:
            self.apply_preferences(self.core.session.preferences)
            self.show_page(self.attract)

    def _preview_height(self) -> int:
        """Page 1 as tall as the certificate screen allows: its height less the margins
        and the line under the image that says how many pages there are."""
        return max(self.stack.height() - PREVIEW_MARGINS_PX, 200)

    def _leave_certificate(self) -> None:
        self.core.preview.close()
        self.core.session.back_to_menu()

    def _print_query_result(self) -> None:
        resident, view = self.core.session.resident, self.core.records.view
        if resident is None or view is None or self.core.session.state is not State.IN_SERVICE:
            return
        self.core.query_print.print_all(
            view.service_id, Holder(resident.display_name, resident.masked_id)
        )

    def _leave_records(self) -> None:
        self.core.query_print.close()
        self.core.records.close()
        self.core.session.back_to_menu()

    def _tick(self) -> None:
        """The session's second; a resident watching their certificate print is not idle
        (for as long as the job may take: devices.print_timeout_s and a margin)."""
        page = self.stack.currentWidget()
        if (page is self.certificate and self.core.certificates.busy) or (
            page is self.records and self.core.query_print.busy
        ):
            self.core.session.touch()
        self.core.sms.tick()
        self.core.session.tick()

    def _print_certificate(self) -> None:
        service_id = self.core.session.service_id
        if service_id is not None and self.core.session.state is State.IN_SERVICE:
            self.core.preview.close()  # seen: the printout follows
            self.core.certificates.print_certificate(service_id)

    def _on_print_progress(self, stage: Stage) -> None:
        self.core.session.touch()  # a resident watching the printer is not idle
        self.certificate.show_progress(stage)

    def _on_print_finished(self, outcome: PrintOutcome) -> None:
        session = self.core.session
        if session.state is not State.IN_SERVICE:
            return
        if self.core.printer_monitor is not None:
            self.core.printer_monitor.refresh()
        if outcome.stage is Stage.PRINTED:
            controls = self.core.demo_controls
            folder = controls.print_folder if controls is not None else None
            self._printed = outcome
            self.certificate.wipe()  # its printing page is over
            self.done.show_certificate(
                outcome, str(folder) if folder else "", receipts=self.core.receipts is not None
            )
            session.complete_service()
        else:
            self.certificate.show_failure(outcome)

    def _print_receipt(self) -> None:
        """A slip with the printed certificate's serial and code; the slip is in Chinese."""
        outcome, receipts = self._printed, self.core.receipts
        if outcome is None or receipts is None or self.core.session.state is not State.DONE:
            return
        service = next(
            (s for s in self.core.catalog.current.services if s.id == outcome.service_id), None
        )
        title = service.text(service.title, "zh_CN") if service else outcome.service_id
        receipts.print_for(title, outcome.serial_no, outcome.verify_code, outcome.verify_url)

    def _on_receipt_finished(self, resident_message: str) -> None:
        if self.core.session.state is State.DONE:
            self.done.show_receipt_result(resident_message)

    def _forget_printed(self) -> None:
        self._printed = None

    def _show_preview(self) -> None:
        self.preview.grid.show_catalog(
            self.core.catalog.current, current_language(), selectable=False
        )
        self.show_page(self.preview)

    def show_timeout_warning(self, seconds_left: int | None) -> None:
        if seconds_left is None or self.crashed:
            self.overlay.hide()
        else:
            self._restyle(self.overlay)
            self.overlay.show_countdown(seconds_left)

    def _on_card_event(self, event: object) -> None:
        if not self.crashed:
            self.core.identification.handle(event)  # type: ignore[arg-type]

    def _on_device_status(self, status: DeviceStatus) -> None:
        if status.device == "idcard":
            self.attract.set_reader_available(status.level is not Level.OFFLINE)
        elif status.device == "printer":
            page = self.stack.currentWidget()
            if page is self.menu:
                self._show_menu_catalog(current_language())
            elif page is self.certificate:
                self.certificate.set_printer_problem(self.core.printer_problem())
            elif page is self.records:
                self.records.set_printer_problem(self.core.printer_problem())

    def _apply_look(self, preferences: Preferences) -> None:
        """Swap the theme. The look at start is the application's style sheet. A new look
        goes on each part of the window as a style sheet of its own (or none, back to the
        start's look): the header and the page on screen at once, the other parts one per
        turn of the event loop, and any part before it shows. Re-polishing every widget at
        once costs about 100 ms, twice the GUI thread's budget."""
        if preferences.elder_mode != self._elder_look:
            self._elder_look = preferences.elder_mode
            tokens = tokens_for(preferences.elder_mode, self.core.config.screen.min_touch_mm)
            qss = stylesheet(tokens, self.core.config.screen.dpi, self._font_family)
            if self._app_qss is None:
                self._app_qss = qss
                self._app.setStyleSheet(qss)
            else:
                self._part_qss = "" if qss == self._app_qss else qss
                self._restyle_pending = self._styled_parts()
                for part in (self.header, self.stack.currentWidget(), self.demo_panel):
                    self._restyle(part)
                self._restyle_timer.start()
        use_language(preferences.language)

    def _styled_parts(self) -> list[QWidget]:
        parts: list[QWidget] = [self.header, self.overlay, self.swap_question]
        parts += [self.stack.widget(index) for index in range(self.stack.count())]
        return parts + ([self.demo_panel] if self.demo_panel is not None else [])

    def _restyle(self, part: QWidget | None) -> None:
        if part is not None and part in self._restyle_pending:
            self._restyle_pending.remove(part)
            part.setStyleSheet(self._part_qss)

    def _restyle_next(self) -> None:
        if self._restyle_pending:
            self._restyle(self._restyle_pending[0])
        else:
            self._restyle_timer.stop()

    def apply_preferences(self, preferences: Preferences) -> None:
        """Swap the theme's tokens and the translation: every widget retranslates, and
        restyles as `_apply_look` says (the page on screen at once, the rest soon)."""
        self._apply_look(preferences)
        self.attract.set_elder_mode(preferences.elder_mode)
        self.attract.announcements.set_items(self._announcements())
        if self.core.session.state is State.IDENTIFIED:
            self._show_menu_catalog(preferences.language)

    def _on_catalog(self, _catalog: object) -> None:
        """A new catalog from the centre: refresh what shows it."""
        self.attract.announcements.set_items(self._announcements())
        page = self.stack.currentWidget()
        if page is self.preview:
            self._show_preview()
        elif page is self.menu:
            self._show_menu_catalog(current_language())

    def _announcements(self) -> list[tuple[bool, str]]:
        language = current_language()
        return [
            (a.level is not None, a.text.get(language) or a.text["zh_CN"])
            for a in self.core.catalog.current.announcements
        ]

    def _toggle_elder_mode(self) -> None:
        current = self.core.session.preferences
        self.core.session.set_preferences(
            Preferences(elder_mode=not current.elder_mode, language=current.language)
        )

    def _toggle_language(self) -> None:
        current = self.core.session.preferences
        language = "en" if current.language == "zh_CN" else "zh_CN"
        self.core.session.set_preferences(
            Preferences(elder_mode=current.elder_mode, language=language)
        )

    def _toggle_demo_panel(self) -> None:
        if self.demo_panel is not None:
            self.demo_panel.setVisible(not self.demo_panel.isVisible())

    def _warm_up(self) -> None:
        """Pay PySide's one-time cost of the first language change (~45 ms of lazily built
        enums) while nobody waits, instead of on a resident's first tap of 语言."""
        QApplication.sendEvent(self, QEvent(QEvent.Type.LanguageChange))

    # --- crash ---------------------------------------------------------------------------

    def show_crash(self, report_id: str) -> None:
        """The calm full screen after an unhandled exception (the core has already wiped)."""
        self._restyle(self.crash_screen)
        self.stack.setCurrentWidget(self.crash_screen)
        self.crashed = True
        self.overlay.hide()
        if self.demo_panel is not None:
            self.demo_panel.hide()
        self.crash_screen.show_report(report_id, restarting=self.kiosk_mode)
        if self.kiosk_mode:
            QTimer.singleShot(self.core.config.session.crash_restart_s * 1000, self._restart)

    def _restart(self) -> None:
        log.warning("restarting the kiosk app after a crash")
        self.core.stop()
        os.execv(sys.executable, sys.orig_argv)

    # --- Qt events -----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self._awaiting_first_paint
            and watched is self.attract
            and (event.type() == QEvent.Type.Paint)
        ):
            self._awaiting_first_paint = False
            self.attract.removeEventFilter(self)
            self.first_painted.emit()
        if event.type() in _ACTIVITY_EVENTS:
            self.core.session.touch()
        # Kiosk mode: no context menu anywhere (a long press must not open one).
        return self.kiosk_mode and event.type() == QEvent.Type.ContextMenu

    def resizeEvent(self, event: QEvent) -> None:  # type: ignore[override]
        super().resizeEvent(event)  # type: ignore[arg-type]
        for overlay in (self.overlay, self.swap_question):
            if overlay.isVisible():
                overlay.setGeometry(self.rect())

    def closeEvent(self, event: QEvent) -> None:  # type: ignore[override]
        # No keyboard (or compositor) way out of kiosk mode: the technician stops the service.
        if self.kiosk_mode:
            event.ignore()
            return
        self.core.stop()
        super().closeEvent(event)  # type: ignore[arg-type]
