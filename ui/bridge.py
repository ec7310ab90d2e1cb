"""The adapter between the core's callbacks (any thread) and Qt signals (the GUI thread).

The core calls listeners on whatever thread it runs: the card monitor's, a worker's, the GUI's.
Emitting a signal from here lets Qt queue the call to receivers on the GUI thread, so no widget
is ever touched from elsewhere.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from kiosk.app import Core


class CoreBridge(QObject):
    state_changed = Signal(object, object, object)  # old State, new State, Event
    timeout_warning = Signal(object)  # seconds left, or None when called off
    preferences_changed = Signal(object)  # Preferences
    card_event = Signal(object)  # CardInserted | CardRead | ReadFailed | CardRemoved
    device_status = Signal(object)  # DeviceStatus
    crashed = Signal(str)  # report id
    wiped = Signal()  # the session ended: widgets must drop the resident too
    catalog_changed = Signal(object)  # Catalog
    print_progress = Signal(object)  # Stage of the resident's certificate job
    print_finished = Signal(object)  # PrintOutcome
    receipt_finished = Signal(str)  # resident message; empty when the slip printed
    records_changed = Signal(object)  # RecordsView | None
    applying_changed = Signal(object)  # ApplyingView | None
    acceptance_finished = Signal(str)  # the 受理回执's resident message
    progress_changed = Signal(object)  # ProgressView | None
    preview_changed = Signal(object)  # PreviewView | None
    query_print_changed = Signal(object)  # QueryPrintView | None
    sms_changed = Signal(object)  # SmsView | None
    card_swap = Signal(bool)  # another card during a session: ask (True) or stop asking
    voice_said = Signal(object)  # Said: a prompt started to play
    help_changed = Signal(object)  # HelpView | None
    diagnostics_result = Signal(object)  # TestResult of a test on the diagnostics screen

    def __init__(self, core: Core, parent: QObject | None = None) -> None:
        super().__init__(parent)
        core.session.on_state_change(
            lambda old, new, event: self.state_changed.emit(old, new, event)
        )
        core.session.on_timeout_warning(self.timeout_warning.emit)
        core.session.on_preferences_change(self.preferences_changed.emit)
        core.crash.on_crash(self.crashed.emit)
        # Wipe hooks run on the thread that ended the session (a crashing worker, say);
        # widgets may only be touched on the GUI thread, so theirs goes through a signal.
        core.session.add_wipe_hook(self.wiped.emit)
        core.catalog.on_change(self.catalog_changed.emit)
        if core.smartcard is not None:
            core.smartcard.on_card_event(self.card_event.emit)
        core.certificates.on_progress(self.print_progress.emit)
        core.certificates.on_finished(self.print_finished.emit)
        core.records.on_change(self.records_changed.emit)
        core.applying.on_change(self.applying_changed.emit)
        core.acceptance.on_finished(self.acceptance_finished.emit)
        core.progress.on_change(self.progress_changed.emit)
        core.preview.on_change(self.preview_changed.emit)
        core.query_print.on_change(self.query_print_changed.emit)
        core.identification.on_card_swap(self.card_swap.emit)
        core.sms.on_change(self.sms_changed.emit)
        core.help.on_change(self.help_changed.emit)
        core.diagnostics.on_result(self.diagnostics_result.emit)
        if core.printer_monitor is not None:
            core.printer_monitor.on_status(self.device_status.emit)
        if core.receipts is not None:
            core.receipts.on_finished(self.receipt_finished.emit)
        if core.card_monitor is not None:
            core.card_monitor.on_card_event(self.card_event.emit)
            core.card_monitor.on_status(self.device_status.emit)
        if core.voice is not None:
            core.voice.status.on_status(self.device_status.emit)
            core.voice.on_said(self.voice_said.emit)
