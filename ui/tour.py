"""`kiosk --demo --tour DIR`: walk through every screen and save one PNG per screen.

The tour drives the real core: it lays demo cards on the simulated reader and taps buttons, so
each screenshot shows a state the session really reached. It runs four times, in the normal and
the elder look, each in Chinese and in English, and ends with a deliberate crash to show the
crash screen. A PNG's name says which: `007-records-page2.elder.en.png`.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from kiosk.services.applying import Step as ApplyStep
from kiosk.services.certificates import Stage
from kiosk.services.help import HelpPhase
from kiosk.services.progress import Phase as ProgressPhase
from kiosk.services.records import Phase as RecordsPhase
from kiosk.services.sms_sign_in import RESEND_AFTER_S as SMS_RESEND_AFTER_S
from kiosk.services.sms_sign_in import SmsStep
from kiosk.session import Preferences
from ui import keyboard
from ui.layout_rules import measure
from ui.overlays import Overlay
from ui.screens.certificate import Phase
from ui.widgets import DELETE_KEY
from ui.window import KioskWindow

LANGUAGES = ("zh_CN", "en")
LANGUAGE_TAGS = {"zh_CN": "zh", "en": "en"}  # in the PNGs' names
STEP_POLL_MS = 50
STEP_TIMEOUT_S = 30.0  # the first step waits for the demo central service to start
LAYOUT_REPORT = "layout.json"
SETTLE_MS = 150  # let the layout and the style sheet settle before the grab


@dataclass(frozen=True)
class Step:
    name: str  # the PNG's name; empty: an action without a screenshot
    action: Callable[[], None]
    ready: Callable[[], bool]


class TourError(RuntimeError):
    pass


class Tour(QObject):
    def __init__(self, window: KioskWindow, out_dir: Path) -> None:
        super().__init__(window)
        self._window = window
        self._out_dir = out_dir
        self._sms_code = ""  # the code the demo centre sent last (its demo route tells it)
        self._sms_sent_at: dict[int, float] = {}  # demo card number → when its code was sent
        self._steps = self._plan()
        self._index = 0
        self._deadline = 0.0
        self._shots = 0
        self._layout: dict[str, dict[str, object]] = {}  # PNG name → layout_rules findings
        self.succeeded = False
        demo = window.core.demo_controls
        if demo is not None:
            demo.on_sms_code(self._remember_sms_code)

    def _remember_sms_code(self, code: str, _sent_to: str) -> None:
        if code:
            self._sms_code = code

    def start(self) -> None:
        self._out_dir.mkdir(parents=True, exist_ok=True)
        if self._window.journey.demo_panel is not None:
            self._window.journey.demo_panel.hide()  # the screens as a resident sees them
        QTimer.singleShot(SETTLE_MS, self._run_step)

    # --- the plan ------------------------------------------------------------------------

    def _plan(self) -> list[Step]:
        w = self._window
        j = w.journey
        session = w.core.session
        demo = w.core.demo_controls
        if demo is None:
            raise TourError("the tour needs demo mode (--demo)")

        def on(page: QWidget) -> Callable[[], bool]:
            return lambda: w.stack.currentWidget() is page

        def prefs(elder: bool, language: str = "zh_CN") -> Callable[[], None]:
            return lambda: session.set_preferences(Preferences(elder, language, voice=elder))

        # Demo mode starts the reference central service; its catalog fills the screens.
        steps = [Step("", lambda: None, lambda: bool(w.core.catalog.current.services))]
        looks = [(mode, elder, language) for mode, elder in (("normal", False), ("elder", True))
                 for language in LANGUAGES]  # fmt: skip
        for turn, (mode, elder, language) in enumerate(looks):
            look = f"{mode}.{LANGUAGE_TAGS[language]}"
            steps += [
                Step(f"attract.{look}", prefs(elder, language), on(w.attract)),
                Step(f"service-preview.{look}", w.attract.preview_button.click, on(j.preview)),
                Step("", j.preview.back_button.click, on(w.attract)),
                Step(
                    f"identifying.{look}",
                    lambda: demo.place_card(2),
                    on(j.identifying),
                ),
                *self._welcome_steps(look, elder),
                Step(
                    f"timeout-warning.{look}",
                    lambda: j.show_timeout_warning(12),
                    j.overlay.isVisible,
                ),
                Step(
                    "",
                    lambda: j.show_timeout_warning(None),
                    lambda: not j.overlay.isVisible(),
                ),
                *self._card_swap_steps(look),
                *self._records_steps(look),
                *self._apply_steps(look),
                *self._certificate_steps(look),
                *self._rating_steps(look),
                Step("", demo.lift_card, lambda: not demo.holding_a_card),
                Step(
                    "",
                    prefs(elder, language),
                    lambda elder=elder: session.preferences.elder_mode == elder,
                ),
                Step(f"error.{look}", demo.place_unreadable_card, on(j.error)),
                Step("", j.error.home_button.click, on(w.attract)),
                Step("", demo.lift_card, lambda: True),
                Step(
                    "",
                    prefs(elder, language),
                    lambda elder=elder: session.preferences.elder_mode == elder,
                ),
                *self._sms_steps(look, turn),
            ]
        steps += [
            *self._diagnostics_steps("normal.zh", "zh_CN"),
            *self._diagnostics_steps("normal.en", "en"),
            Step("", prefs(False), on(w.attract)),
            Step(
                "attract-timed-out.normal.zh", w.attract.show_timed_out, w.attract.notice.isVisible
            ),
            Step("crash.normal.zh", self._crash_in_a_worker, lambda: w.crashed),
        ]
        return steps

    def _welcome_steps(self, look: str, elder: bool) -> list[Step]:
        """The menu. The standard look first offers elder mode (the demo card's resident is
        80), declined here; the elder look's menu shows groups, then a group's services."""
        w = self._window
        j = w.journey
        menu = j.menu

        def on_menu() -> bool:
            return w.stack.currentWidget() is menu and not j.elder_offer.isVisible()

        if not elder:
            return [
                Step(f"elder-offer.{look}", lambda: None, j.elder_offer.isVisible),
                Step(f"menu.{look}", j.elder_offer.decline_button.click, on_menu),
            ]
        return [
            Step(f"menu.{look}", lambda: None, lambda: on_menu() and bool(menu.group_tiles)),
            Step(
                f"menu-group.{look}",
                lambda: menu.group_tiles["certificate"].click(),
                lambda: menu.group == "certificate" and menu.grid.isVisible(),
            ),
            Step("", menu.exit_button.click, lambda: menu.group is None),
            *self._help_steps(look),
        ]

    def _help_steps(self, look: str) -> list[Step]:
        """找人帮忙 from the menu: the question of consent, then the centre's answer."""
        w = self._window
        j = w.journey

        def phase(wanted: HelpPhase) -> Callable[[], bool]:
            return lambda: w.core.help.view is not None and w.core.help.view.phase is wanted

        return [
            Step(f"help.{look}", j.menu.help_button.click, phase(HelpPhase.ASKING)),
            Step(f"help-sent.{look}", j.help.send_button.click, phase(HelpPhase.SENT)),
            Step("", j.help.back_button.click, lambda: w.stack.currentWidget() is j.menu),
        ]

    def _diagnostics_steps(self, look: str, language: str) -> list[Step]:
        """The technicians' corner held, the demo PIN typed, each page of the screen."""
        w = self._window
        j, demo = w.journey, w.core.demo_controls
        assert demo is not None
        screen = j.diagnostics

        def type_pin() -> None:
            for digit in demo.technician_pin:
                j.pin.keypad.keys[digit].click()

        def tab(index: int) -> Callable[[], None]:
            return lambda: screen.tab_buttons[index].click()

        session = w.core.session
        return [
            Step("", lambda: session.set_preferences(Preferences(False, language)), lambda: True),
            Step("", j.corner.held.emit, lambda: w.stack.currentWidget() is j.pin),
            Step(f"diagnostics-pin.{look}", type_pin, lambda: bool(j.pin.typed)),
            Step(
                "",
                j.pin.confirm_button.click,
                lambda: w.stack.currentWidget() is screen and screen.snapshot is not None,
            ),
            Step("", lambda: screen.rows["central"][3].click(), lambda: bool(screen.results)),
            Step(f"diagnostics.{look}", lambda: None, lambda: True),
            Step(f"diagnostics-system.{look}", tab(1), lambda: screen.pages.currentIndex() == 1),
            Step(f"diagnostics-log.{look}", tab(2), lambda: screen.pages.currentIndex() == 2),
            Step("", screen.leave_button.click, lambda: w.stack.currentWidget() is w.attract),
        ]

    def _card_swap_steps(self, look: str) -> list[Step]:
        """Another card laid during the session: the question, answered 继续当前业务."""
        w, demo = self._window, self._window.core.demo_controls
        j = w.journey
        assert demo is not None
        poll_s = w.core.config.devices.card_poll_interval_s
        started = [0.0]

        def lift() -> None:
            demo.lift_card()
            started[0] = time.monotonic()

        return [
            # Lifted long enough for the monitor to see an empty reader, then another card.
            Step("", lift, lambda: time.monotonic() - started[0] > 2 * poll_s),
            Step(f"card-swap.{look}", lambda: demo.place_card(3), j.swap_question.isVisible),
            Step(
                "",
                j.swap_question.keep_button.click,
                lambda: not j.swap_question.isVisible(),
            ),
        ]

    def _first_tile(self, kind: str) -> Callable[[], None]:
        """A tap on the menu's first service of this kind."""
        w = self._window
        j = w.journey

        def tap() -> None:
            for service in w.core.catalog.current.services:
                if service.kind == kind:
                    j.menu.reveal(service.id)  # elder mode: its group, as a finger would
                    break
            next(
                tile
                for service in w.core.catalog.current.services
                if service.kind == kind and (tile := j.menu.grid.tiles.get(service.id))
            ).click()

        return tap

    def _records_steps(self, look: str) -> list[Step]:
        """查询: the first records service, page 1 and page 2, 打印查询结果, back to the menu."""
        w = self._window
        j = w.journey
        screen = j.records

        def showing(page: int) -> Callable[[], bool]:
            def ready() -> bool:
                view = screen.view
                return (
                    w.stack.currentWidget() is screen
                    and view is not None
                    and view.phase is RecordsPhase.SHOWN
                    and view.page is not None
                    and view.page.page == page
                )

            return ready

        return [
            Step(f"records-page1.{look}", self._first_tile("records"), showing(1)),
            Step(f"records-page2.{look}", screen.next_button.click, showing(2)),
            Step(
                f"records-printed.{look}",
                screen.print_button.click,
                lambda: screen.printout is not None and screen.printout.stage.value == "printed",
            ),
            Step("", screen.back_button.click, lambda: w.stack.currentWidget() is j.menu),
        ]

    def _apply_steps(self, look: str) -> list[Step]:
        """申请 (the first application service): what it needs, the form, the address typed
        on the pinyin keyboard, a material captured, the review, submitted with its 受理回执;
        then 办件查询 and an application's timeline."""
        w = self._window
        j = w.journey
        screen, progress = j.apply, j.progress
        applying = w.core.applying

        def at(step: ApplyStep) -> Callable[[], bool]:
            return lambda: (
                w.stack.currentWidget() is screen
                and applying.view is not None
                and applying.view.step is step
                and not applying.view.capturing
            )

        def delivery(method: str) -> Callable[[], None]:
            return lambda: screen.choice_buttons[method].click()

        def type_address() -> None:
            screen.text_field.setFocus()
            if screen.keyboard is not None:
                keyboard.type_keys(screen.keyboard, "qinghe cun ")

        def pages(count: int) -> Callable[[], bool]:
            def ready() -> bool:
                view = applying.view
                material = view.current_material if view is not None else None
                return (
                    view is not None
                    and material is not None
                    and not view.capturing
                    and len(view.pages.get(material.key, ())) == count
                )

            return ready

        def progress_phase(wanted: ProgressPhase) -> Callable[[], bool]:
            return lambda: (
                w.stack.currentWidget() is progress
                and progress.view is not None
                and progress.view.phase is wanted
            )

        address = [
            Step("", delivery("post"), lambda: screen.text_field.isVisible()),
            Step(
                f"apply-address.{look}",
                type_address,
                lambda: bool(applying.view and applying.view.address),
            ),
            Step("", delivery("pickup"), lambda: not screen.text_field.isVisible()),
        ]
        return [
            Step(f"apply-needs.{look}", self._first_tile("application"), at(ApplyStep.NEEDS)),
            Step(f"apply-form.{look}", screen.forward_button.click, at(ApplyStep.FORM)),
            Step("", screen.forward_button.click, lambda: bool(screen.choice_buttons)),
            *address,
            Step("", screen.forward_button.click, at(ApplyStep.CAPTURE)),
            Step(f"apply-capture.{look}", screen.capture_button.click, pages(1)),
            Step("", screen.forward_button.click, pages(0)),
            Step("", screen.capture_button.click, pages(1)),
            Step(f"apply-review.{look}", screen.forward_button.click, at(ApplyStep.REVIEW)),
            Step(
                f"apply-submitted.{look}",
                screen.forward_button.click,
                lambda: at(ApplyStep.SUBMITTED)() and bool(screen.receipt_message),
            ),
            Step("", screen.menu_button.click, lambda: w.stack.currentWidget() is j.menu),
            Step(
                f"progress.{look}", self._first_tile("progress"), progress_phase(ProgressPhase.LIST)
            ),
            Step(
                f"progress-detail.{look}",
                lambda: next(iter(progress.tiles.values())).click(),
                progress_phase(ProgressPhase.DETAIL),
            ),
            Step("", progress.back_button.click, progress_phase(ProgressPhase.LIST)),
            Step("", progress.back_button.click, lambda: w.stack.currentWidget() is j.menu),
        ]

    def _sms_steps(self, look: str, turn: int) -> list[Step]:
        """手机验证码: a mistyped ID number (the check character), the code keypad, a wrong
        code, the right one (the menu), 退出. A demo resident per look: the centre sends a
        resident at most one code a minute (a second turn would wait out the minute)."""
        w = self._window
        j = w.journey
        screen, demo = j.sign_in, w.core.demo_controls
        assert demo is not None
        residents = demo.sms_residents
        card = turn % len(residents)
        id_number = residents[card][1]
        wrong_check = id_number[:17] + ("1" if id_number[17] != "1" else "2")
        sms = w.core.sms

        def type_keys(keypad_keys: dict[str, QPushButton], text: str) -> None:
            for key in text:
                keypad_keys[key].click()

        def retype(text: str) -> Callable[[], None]:
            def do() -> None:
                for _ in range(len(screen.typed)):
                    screen.id_keypad.keys[DELETE_KEY].click()
                type_keys(screen.id_keypad.keys, text)

            return do

        def send() -> None:
            self._sms_code = ""
            self._sms_sent_at[card] = time.monotonic()
            screen.send_button.click()

        def wrong_code() -> None:
            type_keys(screen.code_keypad.keys, "000000" if self._sms_code != "000000" else "111111")

        def step(wanted: SmsStep) -> Callable[[], bool]:
            return lambda: sms.view is not None and sms.view.step is wanted

        last_sent = self._sms_sent_at
        return [
            Step(
                "",
                lambda: None,
                lambda: time.monotonic() - last_sent.get(card, -1e9) > SMS_RESEND_AFTER_S + 1,
            ),
            Step("", w.attract.sign_in_button.click, lambda: w.stack.currentWidget() is screen),
            Step(
                f"sms-id-invalid.{look}", retype(wrong_check), lambda: bool(screen.message.text())
            ),
            Step("", retype(id_number), screen.send_button.isEnabled),
            Step(f"sms-code.{look}", send, lambda: step(SmsStep.CODE)() and bool(self._sms_code)),
            Step(
                f"sms-code-wrong.{look}",
                wrong_code,
                lambda: step(SmsStep.CODE)() and bool(screen.message.text()),
            ),
            Step(
                "",
                lambda: type_keys(screen.code_keypad.keys, self._sms_code),
                lambda: w.stack.currentWidget() is j.menu,
            ),
            Step("", j.menu.exit_button.click, lambda: w.stack.currentWidget() is w.attract),
        ]

    def _rating_steps(self, look: str) -> list[Step]:
        """好差评 from the done screen: 不满意 with two reasons, then the thank-you page."""
        w = self._window
        j = w.journey
        tags = j.rating.tag_buttons

        def two_reasons() -> None:
            tags["slow"].click()
            tags["hard_to_see_or_hear"].click()

        more = []
        if look.startswith("elder"):  # 打印回执 and 办理其他业务 wait behind 更多
            more = [
                Step(
                    f"done-more.{look}", j.done.more_button.click, j.done.another_button.isVisible
                ),
                Step("", j.done.more_button.click, lambda: not j.done.another_button.isVisible()),
            ]
        return [
            *more,
            Step(
                "",
                j.done.rating_buttons[2].click,
                lambda: w.stack.currentWidget() is j.rating,
            ),
            Step(f"rating-reasons.{look}", two_reasons, tags["hard_to_see_or_hear"].isChecked),
            Step(
                f"thanks.{look}",
                j.rating.submit_button.click,
                lambda: w.stack.currentWidget() is j.thanks,
            ),
            Step("", j.thanks.finished.emit, lambda: w.stack.currentWidget() is w.attract),
        ]

    def _certificate_steps(self, look: str) -> list[Step]:
        """证明打印: confirm, printing, paper out (failure), reprint, done."""
        w = self._window
        j = w.journey
        screen, demo = j.certificate, w.core.demo_controls
        if demo is None or not demo.has_printer:
            raise TourError("the tour needs the demo's folder printer")

        def paper(present: bool, *, tell_the_monitor: bool) -> Callable[[], None]:
            return lambda: demo.set_paper(present, tell_the_monitor=tell_the_monitor)

        def phase(wanted: Phase) -> Callable[[], bool]:
            return lambda: screen.phase is wanted

        def previewed() -> bool:
            return screen.phase is Phase.CONFIRM and screen.print_button.isEnabled()

        return [
            Step(f"certificate-confirm.{look}", self._first_tile("certificate"), previewed),
            # Printing passes in a blink here: show its page for the picture, then go back.
            Step(
                f"certificate-printing.{look}",
                lambda: screen.show_progress(Stage.PRINTING),
                phase(Phase.PRINTING),
            ),
            Step("", w.core.session.back_to_menu, lambda: w.stack.currentWidget() is j.menu),
            Step("", self._first_tile("certificate"), previewed),
            # Out between two looks of the monitor: the job finds out, not the screen. Both in
            # one step: a look of the monitor between them would disable 确认打印 first.
            Step(
                f"certificate-failed.{look}",
                lambda: (paper(False, tell_the_monitor=False)(), screen.print_button.click()),
                phase(Phase.FAILED),
            ),
            Step("", paper(True, tell_the_monitor=True), screen.print_button.isEnabled),
            Step("", screen.print_button.click, lambda: w.stack.currentWidget() is j.done),
            Step(
                f"done.{look}",
                j.done.receipt_button.click,
                j.done.receipt_button.isEnabled,  # disabled while the slip prints
            ),
        ]

    @staticmethod
    def _crash_in_a_worker() -> None:
        print("tour: raising a deliberate exception in a worker thread", file=sys.stderr)

        def fail() -> None:
            raise RuntimeError("tour: deliberate failure to show the crash screen")

        threading.Thread(target=fail, name="tour-worker").start()

    # --- the runner ----------------------------------------------------------------------

    def _run_step(self) -> None:
        if self._index == len(self._steps):
            self._finish(True)
            return
        step = self._steps[self._index]
        step.action()
        self._deadline = time.monotonic() + STEP_TIMEOUT_S
        QTimer.singleShot(STEP_POLL_MS, self._wait_for_step)

    def _wait_for_step(self) -> None:
        step = self._steps[self._index]
        if step.ready():
            QTimer.singleShot(SETTLE_MS, self._capture)
        elif time.monotonic() > self._deadline:
            print(f"tour: step {step.name or self._index} did not happen", file=sys.stderr)
            self._finish(False)
        else:
            QTimer.singleShot(STEP_POLL_MS, self._wait_for_step)

    def _capture(self) -> None:
        step = self._steps[self._index]
        if step.name:
            # A timer may have changed a text this very turn (the announcement strip rotates):
            # lay it out before the photograph and the measurements, as the next paint would.
            QApplication.sendPostedEvents()
            self._shots += 1
            path = self._out_dir / f"{self._shots:03d}-{step.name}.png"
            if not self._window.grab().save(str(path)):
                print(f"tour: cannot write {path}", file=sys.stderr)
                self._finish(False)
                return
            print(f"tour: {path}")
            self._layout[path.stem] = self._measure()
        self._index += 1
        self._run_step()

    def _measure(self) -> dict[str, object]:
        """The layout rules on the screen just photographed (ui/layout_rules.py): the
        question laid over the page if there is one, else the page."""
        window = self._window
        overlays = [o for o in window.findChildren(Overlay) if o.isVisible()]
        if overlays:  # the header lies dimmed beneath it, out of reach
            return measure(overlays[0], [], window, window.config.screen.dpi)
        return measure(
            window.stack.currentWidget(), [window.header], window, window.config.screen.dpi
        )

    def _finish(self, succeeded: bool) -> None:
        (self._out_dir / LAYOUT_REPORT).write_text(
            json.dumps(self._layout, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        self.succeeded = succeeded
        QApplication.quit()
