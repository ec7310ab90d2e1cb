"""The resident's journey on the kiosk window: every screen but the attract screen, wired to
the core. The session decides; screens emit intents, the journey hands them to the core, and
the core's changes come back (through the bridge) to pick the screen.

Built after the window's first frame (`KioskWindow.attach`), with the core, so that neither the
core's imports nor these screens stand between start-up and the attract screen.
"""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import replace

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

from kiosk.app import Core
from kiosk.catalog import APPLYING_KINDS
from kiosk.devices.status import DeviceStatus, Level
from kiosk.services.certificates import PrintOutcome, Stage
from kiosk.services.diagnostics import Gate, GateAnswer, Snapshot
from kiosk.services.query_print import Holder
from kiosk.session import Event, Preferences, State
from kiosk.voice import SPEECH_DEVICE, UNAVAILABLE
from ui import keyboard
from ui.bridge import CoreBridge
from ui.demo_panel import DemoPanel
from ui.i18n import current_language, use_centre_texts
from ui.overlays import CardSwapOverlay, ElderOfferOverlay, TimeoutOverlay
from ui.screens.apply import ApplyScreen
from ui.screens.certificate import CertificateScreen
from ui.screens.diagnostics import CORNER_MM, CornerHold, DiagnosticsScreen, PinScreen
from ui.screens.help import HelpScreen
from ui.screens.message import (
    CrashScreen,
    DoneScreen,
    ErrorScreen,
    IdentifyingScreen,
    InServiceScreen,
)
from ui.screens.progress import ProgressScreen
from ui.screens.rating import RatingScreen, ThanksScreen
from ui.screens.records import RecordsScreen
from ui.screens.services import MenuRequest, MenuScreen, PreviewScreen
from ui.screens.sign_in import SignInScreen
from ui.theme import px_from_mm, tokens_for
from ui.voice_bar import VoiceBar
from ui.widgets import Screen
from ui.window import KioskWindow

log = logging.getLogger(__name__)

SESSION_TICK_MS = 1000
DIAGNOSTICS_IDLE_MS = 600_000  # untouched this long, the diagnostics screen closes itself
DIAGNOSTICS_REFRESH_MS = 5000
PREVIEW_MARGINS_PX = 180  # the certificate screen's margins and its page-count line


class Journey(QObject):
    def __init__(self, window: KioskWindow, core: Core) -> None:
        super().__init__(window)
        self.window = window
        self.core = core
        self._printed: PrintOutcome | None = None  # the session's printed certificate
        self.bridge = CoreBridge(core, self)
        use_centre_texts(core.centre_texts)
        self.attract = window.attract
        self.preview = PreviewScreen()
        self.identifying = IdentifyingScreen()
        self.sign_in = SignInScreen()
        self.menu = MenuScreen()
        self.in_service = InServiceScreen()
        self.certificate = CertificateScreen()
        self.records = RecordsScreen()
        self.apply = ApplyScreen()
        self.progress = ProgressScreen()
        self.help = HelpScreen()
        self._before_help: QWidget = self.attract  # where 返回 on the help screen leads
        self.done = DoneScreen()
        self.rating = RatingScreen()
        self.thanks = ThanksScreen()
        self.error = ErrorScreen()
        self.crash_screen = CrashScreen()
        self.pin = PinScreen()
        self.diagnostics = DiagnosticsScreen()
        for screen in (
            self.preview,
            self.identifying,
            self.sign_in,
            self.menu,
            self.in_service,
            self.certificate,
            self.records,
            self.apply,
            self.progress,
            self.help,
            self.done,
            self.rating,
            self.thanks,
            self.error,
            self.crash_screen,
            self.pin,
            self.diagnostics,
        ):
            window.add_page(screen)
        self.demo_panel = DemoPanel(core.demo_controls) if core.demo_controls else None
        if self.demo_panel is not None:
            window.add_side_panel(self.demo_panel)
        self.overlay = TimeoutOverlay(window)
        self.swap_question = CardSwapOverlay(window)
        self.elder_offer = ElderOfferOverlay(window)
        window.add_styled_parts(self.overlay, self.swap_question, self.elder_offer)
        self.voice = core.voice
        self.voice_bar = VoiceBar()
        window.header.add_controls(self.voice_bar)
        self._spoken: tuple[str, dict[str, object]] = ("", {})  # the page's prompt, last said
        self._holding_look = False  # between a rating and its thank-you page

        technician = core.config.technician
        self.corner = CornerHold(
            window,
            technician.corner,
            round(technician.hold_s * 1000),
            px_from_mm(CORNER_MM, core.config.screen.dpi),
        )
        window.watch_input(self.corner)
        self._diagnostics_idle = QTimer(self)
        self._diagnostics_idle.setSingleShot(True)
        self._diagnostics_idle.setInterval(DIAGNOSTICS_IDLE_MS)
        self._diagnostics_idle.timeout.connect(lambda: self._leave_diagnostics("idle"))
        self._diagnostics_refresh = QTimer(self)
        self._diagnostics_refresh.setInterval(DIAGNOSTICS_REFRESH_MS)
        self._diagnostics_refresh.timeout.connect(self._refresh_diagnostics)

        core.support.screenshot = self._screenshot_png

        self._connect_intents()
        self._connect_core()
        window.activity.connect(core.session.touch)
        self._tick_timer = QTimer(self)
        self._tick_timer.timeout.connect(self._tick)
        self._tick_timer.start(SESSION_TICK_MS)
        self._set_elder(core.session.preferences.elder_mode)
        self.attract.set_social_card(core.smartcard is not None)
        for status in core.device_statuses():
            self._on_device_status(status)
        self.attract.announcements.set_items(self._announcements())
        self._show_voice_state()
        self._speak_page(self.window.stack.currentWidget())
        QTimer.singleShot(0, self._load_keyboard)

    def _load_keyboard(self) -> None:
        """The on-screen pinyin keyboard: loaded once, in the background, after the first frame."""
        keyboard.create_panel(self.apply, self.apply.set_keyboard)

    def _set_elder(self, elder: bool) -> None:
        """What elder mode changes beyond the look: fewer choices a screen."""
        self.attract.set_elder_mode(elder)
        self.apply.set_elder(elder)
        self.progress.set_elder(elder)
        self.done.set_elder(elder)
        self.rating.set_elder(elder)

    def _use_look(self, preferences: Preferences) -> None:
        self.window.apply_look(preferences.elder_mode, preferences.language)

    def fit_overlays(self) -> None:
        for overlay in (self.overlay, self.swap_question, self.elder_offer):
            if overlay.isVisible():
                overlay.setGeometry(self.window.rect())

    # --- wiring --------------------------------------------------------------------------

    def _connect_intents(self) -> None:
        session = self.core.session
        self.attract.elder_mode_toggled.connect(self._toggle_elder_mode)
        self.attract.language_toggled.connect(self._toggle_language)
        self.attract.preview_requested.connect(self._show_preview)
        self.preview.back_requested.connect(lambda: self.window.show_page(self.attract))
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
        applying = self.core.applying
        self.apply.start_requested.connect(applying.start)
        self.apply.answered.connect(applying.answer)
        self.apply.delivery_chosen.connect(applying.choose_delivery)
        self.apply.forward_requested.connect(applying.forward)
        self.apply.backward_requested.connect(self._apply_backward)
        self.apply.capture_requested.connect(
            lambda index: applying.capture_page(None if index < 0 else index)
        )
        self.apply.drop_requested.connect(applying.drop_page)
        self.apply.edit_requested.connect(applying.edit)
        self.apply.submit_requested.connect(applying.submit)
        self.apply.retry_requested.connect(applying.submit)
        self.apply.menu_requested.connect(self._leave_apply)
        self.apply.exit_requested.connect(session.exit)
        self.progress.chosen.connect(self.core.progress.choose)
        self.progress.back_requested.connect(self._progress_back)
        self.progress.retry_requested.connect(self.core.progress.retry)
        self.progress.correction_requested.connect(self._correct_application)
        self.progress.exit_requested.connect(session.exit)
        self.done.another_requested.connect(session.back_to_menu)
        self.done.finish_requested.connect(session.finish)
        self.done.rated.connect(self._show_rating)
        self.rating.back_requested.connect(lambda: self.window.show_page(self.done))
        self.rating.submitted.connect(self._rate)
        self.rating.exit_requested.connect(session.finish)
        self.thanks.finished.connect(self._thanks_over)
        self.done.receipt_requested.connect(self._print_receipt)
        self.error.acknowledged.connect(session.acknowledge_error)
        self.overlay.continue_requested.connect(session.touch)
        self.window.page_shown.connect(self._speak_page)
        self.voice_bar.toggled.connect(self._toggle_voice)
        self.voice_bar.repeat_requested.connect(self._repeat_prompt)
        self.voice_bar.volume_stepped.connect(self._step_volume)
        self.records.read_requested.connect(self._read_records_page)
        self.attract.help_requested.connect(self._open_help)
        self.menu.help_requested.connect(self._open_help)
        self.help.back_requested.connect(self._leave_help)
        self.help.send_requested.connect(self.core.help.send)
        self.corner.held.connect(self._open_pin)
        self.pin.submitted.connect(self._check_pin)
        self.pin.cancelled.connect(self._leave_pin)
        self.diagnostics.test_requested.connect(self.core.diagnostics.run)
        self.diagnostics.refresh_requested.connect(self._refresh_diagnostics)
        self.diagnostics.leave_requested.connect(lambda: self._leave_diagnostics("left"))
        self.window.activity.connect(self._technician_active)
        self.elder_offer.accepted.connect(self._accept_elder_offer)
        self.elder_offer.declined.connect(self._decline_elder_offer)
        self.swap_question.keep_requested.connect(self.core.identification.cancel_swap)
        self.swap_question.swap_requested.connect(self.core.identification.confirm_swap)
        if self.demo_panel is not None:
            shortcuts = {"F12": self._toggle_demo_panel, "0": self.demo_panel.lift_card}
            for number in range(1, len(self.demo_panel.card_buttons) + 1):
                shortcuts[str(number)] = lambda n=number: self.demo_panel.place_card(n)
            for key, action in shortcuts.items():
                QShortcut(QKeySequence(key), self.window, activated=action)

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
        self.bridge.applying_changed.connect(self.apply.show_view)
        self.bridge.applying_changed.connect(lambda _view: self._speak_again(self.apply))
        self.bridge.acceptance_finished.connect(self.apply.show_receipt_result)
        self.bridge.progress_changed.connect(self.progress.show_view)
        self.bridge.progress_changed.connect(lambda _view: self._speak_again(self.progress))
        self.bridge.preview_changed.connect(self.certificate.show_preview)
        self.bridge.query_print_changed.connect(self.records.show_printout)
        self.bridge.card_swap.connect(self._ask_about_card_swap)
        self.bridge.sms_changed.connect(self.sign_in.show_view)
        self.bridge.sms_changed.connect(lambda _view: self._speak_again(self.sign_in))
        self.bridge.records_changed.connect(lambda _view: self._speak_again(self.records))
        self.bridge.help_changed.connect(self.help.show_view)
        self.bridge.diagnostics_result.connect(self.diagnostics.show_result)
        self.bridge.help_changed.connect(lambda _view: self._speak_again(self.help))
        if self.demo_panel is not None:
            self.bridge.voice_said.connect(self.demo_panel.show_said)
            self.bridge.wiped.connect(self.demo_panel.forget_said)
        for wipe in (
            self.menu.wipe,
            self.sign_in.wipe,
            self.error.wipe,
            self.certificate.wipe,
            self.records.wipe,
            self.apply.wipe,
            self.progress.wipe,
            self.done.wipe,
            self.rating.wipe,
            self._forget_printed,
            self.overlay.hide,
            self.elder_offer.hide,
        ):
            self.bridge.wiped.connect(wipe)

    # --- rendering -----------------------------------------------------------------------

    def _render_state(self, old: State, new: State, event: Event) -> None:
        session = self.core.session
        self.overlay.hide()
        if self._holding_look:
            return  # rated: the thank-you page comes next, not the attract screen
        if self.window.stack.currentWidget() is self.thanks:  # a new card before the thanks ended
            self.apply_preferences(session.preferences)
        language = current_language()
        if new is not State.IDLE:
            self.attract.hide_notice()
        if new is State.IDLE:
            if event is Event.TIMEOUT:
                self.attract.show_timed_out()  # first: the page's prompt says why
            self.window.show_page(self.attract)
        elif new is State.IDENTIFYING and event is Event.SIGN_IN:
            self.window.show_page(self.sign_in)
        elif new is State.IDENTIFYING:
            self.window.show_page(self.identifying)
        elif new is State.IDENTIFIED and session.resident is not None:
            self.menu.show_resident(session.resident)
            self._show_menu_catalog(language)
            self.window.show_page(self.menu)
            if event is Event.IDENTIFIED:
                self._offer_elder_mode(session.resident.age)
        elif new is State.IN_SERVICE:
            self._show_service(session.service_id or "", language)
        elif new is State.DONE:
            self.window.show_page(self.done)
        elif new is State.ERROR and session.failure is not None:
            self.error.show_message(session.failure.resident_message)
            self.window.show_page(self.error)

    def _show_menu_catalog(self, language: str) -> None:
        """The resident's menu; services whose device cannot serve now are shown unavailable."""
        request = MenuRequest(
            self.core.catalog.current.in_force(),
            language,
            unavailable={"certificate": self.core.printer_problem()},
            refused=lambda service: self.core.identification.refusal_for(service.identification),
        )
        self.menu.show_catalog(request, elder=self.core.session.preferences.elder_mode)

    def _show_service(self, service_id: str, language: str) -> None:
        service = next((s for s in self.core.catalog.current.services if s.id == service_id), None)
        title = service.text(service.title, language) if service else ""
        if service is not None and service.kind == "certificate":
            self.certificate.show_service(
                title, service.text(service.description, language), self.core.printer_problem()
            )
            self.window.show_page(self.certificate)
            self.core.preview.open(service_id, self._preview_height())
        elif service is not None and service.kind in APPLYING_KINDS:
            self.apply.show_view(None)
            self.window.show_page(self.apply)
            self.core.applying.open(service)
        elif service is not None and service.kind == "progress":
            self.progress.show_view(None)
            self.window.show_page(self.progress)
            self.core.progress.open()
        elif service is not None and service.kind == "records":
            self.records.show_service(title)
            self.records.set_printer_problem(self.core.printer_problem())
            self.window.show_page(self.records)
            rows = tokens_for(self.core.session.preferences.elder_mode, 0).table_rows
            self.core.records.open(service_id, page_size=rows)
        else:
            self.in_service.show_service(title)
            self.window.show_page(self.in_service)

    def _open_help(self) -> None:
        """找人帮忙, from the attract screen (elder mode) or the menu; 返回 comes back here."""
        page = self.window.stack.currentWidget()
        self._before_help = page if page is not None else self.attract
        self.core.session.touch()
        self.core.help.open()
        self.window.show_page(self.help)

    def _leave_help(self) -> None:
        self.core.help.close()
        if self.window.stack.currentWidget() is self.help:
            self.window.show_page(self._before_help)

    def _offer_elder_mode(self, age: int | None) -> None:
        """是否切换到长辈模式？ for a resident of the configured age or older, in the standard
        look; their answer holds for this session."""
        threshold = self.core.config.session.elder_offer_age
        preferences = self.core.session.preferences
        if threshold and age is not None and age >= threshold and not preferences.elder_mode:
            self.window.restyle(self.elder_offer)
            self.elder_offer.show_over_parent()
            self._say("elder_offer")

    def _accept_elder_offer(self) -> None:
        self.elder_offer.hide()
        current = self.core.session.preferences
        self.core.session.set_preferences(replace(current, elder_mode=True, voice=True))
        self._speak_page(self.window.stack.currentWidget())

    def _decline_elder_offer(self) -> None:
        self.elder_offer.hide()
        self.core.session.touch()
        if self.voice is not None:
            self.voice.stop()

    def _ask_about_card_swap(self, ask: bool) -> None:
        if ask and not self.window.crashed:
            self.core.session.touch()
            self.window.restyle(self.swap_question)
            self.swap_question.show_over_parent()
            self._say("card_swap")
        else:
            self.swap_question.hide()

    def _show_rating(self, score: int) -> None:
        if self.core.session.state is State.DONE:
            self.rating.show_score(score)
            self.window.show_page(self.rating)

    def _rate(self, score: int, tags: tuple[str, ...]) -> None:
        if self.core.session.state is not State.DONE:
            return  # timed out on the way: the session is over, nothing to rate
        look = self.core.session.preferences
        # The session ends (wiped, preferences back to the defaults), but the thank-you page
        # still speaks to this resident, in their look, language and voice: the look is held
        # until that page is over, rather than swapped away and back in one turn.
        self._holding_look = True
        try:
            self.core.rate(score, tags)
        finally:
            self._holding_look = False
        if self.voice is not None:
            self.voice.set_enabled(look.voice)
        self.window.show_page(self.thanks)
        self.thanks.start(elder=look.elder_mode)

    def _thanks_over(self) -> None:
        """Back to the attract screen in the kiosk's own look: the page first, then the look,
        so that only the header and the attract screen restyle now (the GUI thread's budget),
        not the thank-you page on its way out."""
        if self.window.stack.currentWidget() is self.thanks:
            if self.voice is not None:
                self.voice.set_enabled(False)
            self.window.show_page(self.attract)
            self.apply_preferences(self.core.session.preferences)

    def _preview_height(self) -> int:
        """Page 1 as tall as the certificate screen allows: its height less the margins
        and the line under the image that says how many pages there are."""
        return max(self.window.stack.height() - PREVIEW_MARGINS_PX, 200)

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

    def _apply_backward(self) -> None:
        """上一步; from the first page, back where the resident came from."""
        if not self.core.applying.backward():
            self._leave_apply()

    def _leave_apply(self) -> None:
        resumed = self.core.applying.view is not None and bool(self.core.applying.view.resubmitting)
        self.core.applying.close()
        if resumed and self.core.session.state is State.IN_SERVICE:
            self.window.show_page(self.progress)
            self.core.progress.open()  # the list again, with the new status
            return
        self.core.session.back_to_menu()

    def _progress_back(self) -> None:
        if not self.core.progress.back():
            self.core.progress.close()
            self.core.session.back_to_menu()

    def _correct_application(self, application_id: str) -> None:
        """补正材料: capture what the department asked for, and submit the same application."""
        view = self.core.progress.view
        detail = view.detail if view is not None else None
        if detail is None or detail.application_id != application_id:
            return
        service = next(
            (s for s in self.core.catalog.current.services if s.id == detail.service_id), None
        )
        if service is None:
            log.warning("补正 of %s: its service is not in the catalog", detail.service_id)
            return
        self.apply.show_view(None)
        self.window.show_page(self.apply)
        self.core.applying.resume(service, application_id, tuple(detail.missing))

    def _tick(self) -> None:
        """The session's second; a resident watching their certificate print is not idle
        (for as long as the job may take: devices.print_timeout_s and a margin)."""
        page = self.window.stack.currentWidget()
        if (
            (page is self.certificate and self.core.certificates.busy)
            or (page is self.records and self.core.query_print.busy)
            or (page is self.apply and self.core.applying.busy)
        ):
            self.core.session.touch()
        self.core.sms.tick()
        self.core.help.tick()
        self.core.session.tick()
        if page is self.attract and self.core.session.state is State.IDLE:
            self.core.support.when_idle()  # the centre's requests: never during a session

    def _print_certificate(self) -> None:
        service_id = self.core.session.service_id
        if service_id is not None and self.core.session.state is State.IN_SERVICE:
            self.core.preview.close()  # seen: the printout follows
            self.core.certificates.print_certificate(service_id)

    def _on_print_progress(self, stage: Stage) -> None:
        self.core.session.touch()  # a resident watching the printer is not idle
        self.certificate.show_progress(stage)
        self._speak_again(self.certificate)

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
            self._speak_again(self.certificate)

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
        self.preview.show_catalog(
            self.core.catalog.current.in_force(),
            current_language(),
            elder=self.core.session.preferences.elder_mode,
        )
        self.window.show_page(self.preview)

    def show_timeout_warning(self, seconds_left: int | None) -> None:
        if seconds_left is None or self.window.crashed:
            if self.overlay.isVisible() and self.voice is not None:
                self.voice.stop()
            self.overlay.hide()
        else:
            if not self.overlay.isVisible():  # the countdown is said once, as it starts
                self._say("timeout_warning", seconds=seconds_left)
            self.window.restyle(self.overlay)
            self.overlay.show_countdown(seconds_left)

    def _screenshot_png(self) -> bytes:
        """The window as PNG, for a technician's remote request (only ever taken idle)."""
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.window.grab().save(buffer, "PNG")
        return bytes(data.data())

    def _on_card_event(self, event: object) -> None:
        if self.window.crashed:
            return
        page = self.window.stack.currentWidget()
        if page is self.diagnostics:  # a technician's test card: never a resident's session
            self.core.diagnostics.card_event(event)  # type: ignore[arg-type]
            return
        if page is self.pin:  # a resident came while the PIN pad was up: they come first
            self._leave_pin()
        self.core.identification.handle(event)  # type: ignore[arg-type]

    # --- the technicians -----------------------------------------------------------------

    def _open_pin(self) -> None:
        """The corner was held: the PIN pad, only on the attract screen (never in a session),
        disabled with its reason when there is no PIN or the lock holds."""
        refusal = self.core.technician.refusal()
        if self.window.stack.currentWidget() is not self.attract or (
            refusal is not None and refusal.gate is Gate.IN_SESSION
        ):
            log.info("diagnostics gesture ignored: not on the attract screen")
            return
        self.core.audit.record("diagnostics.pin_pad", refused=str(refusal.gate) if refusal else "")
        self.pin.open(refusal)
        self.window.show_page(self.pin)

    def _check_pin(self, pin: str) -> None:
        self.core.technician.check(pin, self._pin_checked)

    def _pin_checked(self, answer: GateAnswer) -> None:
        if self.window.stack.currentWidget() is not self.pin:
            self.core.technician.close("left")  # the pad was left while the PIN was checked
            return
        if answer.gate is Gate.OPEN:
            self.pin.wipe()
            self.diagnostics.wipe()
            self.window.show_page(self.diagnostics)
            self._refresh_diagnostics()
            self._diagnostics_refresh.start()
            self._diagnostics_idle.start()
        elif answer.gate is Gate.IN_SESSION:
            self.pin.wipe()
        else:
            self.pin.show_answer(answer)

    def _leave_pin(self) -> None:
        self.pin.wipe()
        if self.window.stack.currentWidget() is self.pin:
            self.window.show_page(self.attract)

    def _refresh_diagnostics(self) -> None:
        self.core.diagnostics.snapshot(self._show_snapshot)

    def _show_snapshot(self, snapshot: Snapshot) -> None:
        if self.window.stack.currentWidget() is self.diagnostics:
            self.diagnostics.show_snapshot(snapshot)

    def _technician_active(self) -> None:
        if self._diagnostics_idle.isActive():
            self._diagnostics_idle.start()

    def _leave_diagnostics(self, reason: str) -> None:
        """退出维护 (or ten untouched minutes): audited, wiped, back to the residents."""
        self._diagnostics_idle.stop()
        self._diagnostics_refresh.stop()
        self.core.diagnostics.disarm()
        self.core.technician.close(reason)
        self.diagnostics.wipe()
        if self.window.stack.currentWidget() is self.diagnostics:
            self.window.show_page(self.attract)

    def _on_device_status(self, status: DeviceStatus) -> None:
        if status.device == SPEECH_DEVICE:
            self._show_voice_state()
        elif status.device == "idcard":
            self.attract.set_reader_available(status.level is not Level.OFFLINE)
        elif status.device == "printer":
            page = self.window.stack.currentWidget()
            if page is self.menu:
                self._show_menu_catalog(current_language())
            elif page is self.certificate:
                self.certificate.set_printer_problem(self.core.printer_problem())
            elif page is self.records:
                self.records.set_printer_problem(self.core.printer_problem())

    def apply_preferences(self, preferences: Preferences) -> None:
        """Swap the theme's tokens and the translation: every widget retranslates, and
        restyles as `KioskWindow.apply_look` says (the page on screen at once, the rest soon).
        The voice follows: on or off, and the page said again in a new language."""
        if self._holding_look:
            return  # the thank-you page's look; the session's comes when it is over
        language_changed = preferences.language != current_language()
        self._use_look(preferences)
        if self.voice is not None:
            if language_changed:
                self._speak_page(self.window.stack.currentWidget())
            self.voice.set_enabled(preferences.voice)
        # The voice's buttons on the next turn, once the page in its new look is painted:
        # laying out the header around them again is ~10 ms, and both at once stall the GUI
        # thread past its 50 ms on the elder toggle (bench: gui_stall, voice).
        QTimer.singleShot(0, self, self._show_voice_state)
        self._set_elder(preferences.elder_mode)
        self.attract.announcements.set_items(self._announcements())
        if self.core.session.state is State.IDENTIFIED:
            self._show_menu_catalog(preferences.language)

    def _on_catalog(self, _catalog: object) -> None:
        """A new catalog from the centre: refresh what shows it."""
        self.attract.announcements.set_items(self._announcements())
        page = self.window.stack.currentWidget()
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
        """长辈模式 brings the voice with it; the standard look leaves it off."""
        current = self.core.session.preferences
        elder = not current.elder_mode
        self.core.session.set_preferences(replace(current, elder_mode=elder, voice=elder))

    def _toggle_language(self) -> None:
        current = self.core.session.preferences
        language = "en" if current.language == "zh_CN" else "zh_CN"
        self.core.session.set_preferences(replace(current, language=language))

    # --- the voice -----------------------------------------------------------------------

    def _speak_page(self, page: QWidget) -> None:
        """The page's prompt: said if the voice is on, and kept for 再听一遍 either way."""
        if isinstance(page, Screen) and self.voice is not None and not self.window.crashed:
            prompt_id, fields = page.voice_prompt()
            self._spoken = (prompt_id, fields)
            if prompt_id:
                self.voice.say(prompt_id, current_language(), **fields)

    def _speak_again(self, page: Screen) -> None:
        """The page on screen changed what it says (a page of records arrived, the printer
        started): say it, unless that is what was said last."""
        if self.window.stack.currentWidget() is page and page.voice_prompt() != self._spoken:
            self._speak_page(page)

    def _say(self, prompt_id: str, **fields: object) -> None:
        if self.voice is not None and not self.window.crashed:
            self.voice.say(prompt_id, current_language(), **fields)

    def _toggle_voice(self) -> None:
        current = self.core.session.preferences
        self.core.session.set_preferences(replace(current, voice=not current.voice))

    def _repeat_prompt(self) -> None:
        if self.voice is not None:
            self.core.session.touch()
            self.voice.repeat()

    def _step_volume(self, step: int) -> None:
        if self.voice is not None:
            self.voice.change_volume(step)
            self._show_voice_state()

    def _read_records_page(self) -> None:
        """朗读本页: every row of the page on screen, one after the other."""
        if self.voice is None:
            return
        language = current_language()
        prompts = self.voice.prompts
        rows = [
            prompts.text(
                "records_row",
                language,
                {
                    "number": number,
                    "cells": ("，" if language == "zh_CN" else ", ").join(
                        f"{title} {cell}" for title, cell in row
                    ),
                },
            )
            for number, row in enumerate(self.records.page_rows(), start=1)
        ]
        if rows:
            self.voice.say_text("records_row", " ".join(rows), language)

    def _show_voice_state(self) -> None:
        voice, preferences = self.voice, self.core.session.preferences
        problem = "" if voice is not None and voice.available else UNAVAILABLE
        volume = voice.volume if voice is not None else 0.0
        self.voice_bar.show_state(preferences.voice, volume, problem)
        self.records.set_voice(preferences.voice and not problem)

    def _toggle_demo_panel(self) -> None:
        if self.demo_panel is not None:
            self.demo_panel.setVisible(not self.demo_panel.isVisible())

    # --- crash ---------------------------------------------------------------------------

    def show_crash(self, report_id: str) -> None:
        """The calm full screen after an unhandled exception (the core has already wiped)."""
        self.window.restyle(self.crash_screen)
        self.window.stack.setCurrentWidget(self.crash_screen)
        self.window.crashed = True
        self.overlay.hide()
        if self.demo_panel is not None:
            self.demo_panel.hide()
        self.crash_screen.show_report(report_id, restarting=self.window.kiosk_mode)
        if self.window.kiosk_mode:
            QTimer.singleShot(self.core.config.session.crash_restart_s * 1000, self._restart)

    def _restart(self) -> None:
        log.warning("restarting the kiosk app after a crash")
        self.core.stop()
        os.execv(sys.executable, sys.orig_argv)
