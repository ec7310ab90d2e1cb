"""The kiosk window: a header over a stack of screens, and the look they all share.

The window is built from the configuration alone and shows the attract screen at once; the
resident's journey (`ui.journey`: the core, every other screen) is attached after that first
frame, so start-up costs what the attract screen costs and no more (see `bench/startup.py`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from kiosk.config import Config
from ui.header import Header
from ui.i18n import use_language
from ui.qt_values import NO_CONTEXT_MENU, set_property
from ui.screens.attract import AttractScreen
from ui.theme import stylesheet, tokens_for

if TYPE_CHECKING:
    from kiosk.app import Core
    from ui.journey import Journey

SIDE_PANEL_WIDTH_PX = 360  # the demo panel's; kept free from the first frame on
WARM_UP_AFTER_MS = 500  # after the first frame, before a finger is likely to arrive
_ACTIVITY_EVENTS = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)


class KioskWindow(QWidget):
    first_painted = Signal()  # once, when the attract screen has been drawn
    activity = Signal()  # a tap or a key anywhere: the resident is still there
    page_shown = Signal(QWidget)  # a page of the stack came on screen (the voice says it)

    def __init__(self, config: Config, font_family: str, *, kiosk_mode: bool, demo: bool) -> None:
        super().__init__()
        self.setObjectName("KioskWindow")
        self.config = config
        self.kiosk_mode = kiosk_mode
        self.crashed = False
        self.journey: Journey | None = None  # attached after the first frame
        self._awaiting_first_paint = True
        self._font_family = font_family
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self._app = app
        # Style before building: widgets created under a style sheet are polished once.
        self._elder_look: bool | None = None
        self._app_qss: str | None = None  # the look at start, the application's style sheet
        self._part_qss = ""  # the look since, on each part: "" while it is the start's look
        self._extra_parts: list[QWidget] = []  # styled parts outside the stack and header
        self._restyle_pending: list[QWidget] = []
        self._restyle_timer = QTimer(self)  # a child: it dies with the window
        self._restyle_timer.setInterval(0)
        self._restyle_timer.timeout.connect(self._restyle_next)
        self.apply_look(elder_mode=False, language=config.kiosk.language)

        self.header = Header(config.kiosk.site_name, demo)
        self.attract = AttractScreen()
        self.attract.set_social_card(config.devices.smartcard_reader == "pcsc")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.attract)
        self._body = QHBoxLayout()
        self._body.setContentsMargins(0, 0, 0, 0)
        self._body.addWidget(self.stack, 1)
        # Demo mode: the panel comes with the journey; its place is kept, so nothing moves.
        self._side_place: QWidget | None = None
        if demo:
            self._side_place = QWidget()
            self._side_place.setFixedWidth(SIDE_PANEL_WIDTH_PX)
            self._body.addWidget(self._side_place)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.header)
        column.addLayout(self._body, 1)
        self.attract.installEventFilter(self)  # for the first paint
        QTimer.singleShot(WARM_UP_AFTER_MS, self._warm_up)
        if kiosk_mode:  # shown full screen (ui.startup): no frame, under cage or any desktop
            set_property(self, "contextMenuPolicy", NO_CONTEXT_MENU)
            self.first_painted.connect(lambda: QTimer.singleShot(0, self._hide_cursor))

    @classmethod
    def with_core(cls, core: Core, font_family: str, *, kiosk_mode: bool) -> KioskWindow:
        """The window and its journey in one go, for tests and benchmarks that hold a core
        already (the app attaches the journey after the first frame instead)."""
        window = cls(core.config, font_family, kiosk_mode=kiosk_mode, demo=core.demo)
        window.attach(core)
        return window

    def attach(self, core: Core) -> Journey:
        """Put the resident's journey on the window: the core's session drives it from now."""
        from ui.journey import Journey

        self.journey = Journey(self, core)
        self.watch_input(self)  # a tap or a key: activity; in kiosk mode, no context menu
        return self.journey

    def watch_input(self, watcher: QObject) -> None:
        """`watcher` sees every tap, touch and key on the window, and its context menus, where
        they arrive first: at the window's QWindow, before any widget. Not on the application,
        which would run Python for each of the many paint and layout events of every widget,
        each also waiting for the interpreter's lock while a worker renders a document: that
        stalled the GUI thread over 60 ms (bench: voice)."""
        if self.windowHandle() is None:
            self.winId()  # the native window, made now rather than at show
        handle = self.windowHandle()
        assert handle is not None
        handle.installEventFilter(watcher)

    @property
    def core(self) -> Core:
        assert self.journey is not None, "the journey is attached after the first frame"
        return self.journey.core

    # --- parts ---------------------------------------------------------------------------

    def add_page(self, page: QWidget) -> None:
        self.stack.addWidget(page)
        if self._part_qss:  # not the start's look: this page restyles before it shows
            self._restyle_pending.append(page)

    def add_side_panel(self, panel: QWidget) -> None:
        """A panel beside the screens (the demo panel), top-aligned, where its place was kept.
        It is the demo's operator's, not the resident's: it keeps the look the kiosk started
        in, whose type lets its notes fit in the screen's height beside either look."""
        panel.setFixedWidth(SIDE_PANEL_WIDTH_PX)
        if self._side_place is not None:
            self._body.removeWidget(self._side_place)
            self._side_place.hide()  # out of the layout, it would lie over the screen's corner
            self._side_place.deleteLater()
            self._side_place = None
        from PySide6.QtCore import Qt  # after the first frame (ui.qt_values)

        self._body.addWidget(panel, 0, Qt.AlignmentFlag.AlignTop)

    def add_styled_parts(self, *parts: QWidget) -> None:
        """Parts outside the stack (overlays, panels) that take the look too."""
        self._extra_parts += parts
        if self._part_qss:
            self._restyle_pending += parts

    def show_page(self, page: QWidget) -> None:
        if not self.crashed:
            self.restyle(page)
            self.stack.setCurrentWidget(page)
            self.page_shown.emit(page)

    # --- the look ------------------------------------------------------------------------

    def apply_look(self, elder_mode: bool, language: str) -> None:
        """Swap the theme. The look at start is the application's style sheet. A new look
        goes on each part of the window as a style sheet of its own (or none, back to the
        start's look): the header and the page on screen at once, the other parts one per
        turn of the event loop, and any part before it shows. Re-polishing every widget at
        once costs about 100 ms, twice the GUI thread's budget."""
        if elder_mode != self._elder_look:
            self._elder_look = elder_mode
            tokens = tokens_for(elder_mode, self.config.screen.min_touch_mm)
            qss = stylesheet(tokens, self.config.screen.dpi, self._font_family)
            if self._app_qss is None:
                self._app_qss = qss
                self._app.setStyleSheet(qss)
            else:
                self._part_qss = "" if qss == self._app_qss else qss
                self._restyle_pending = self._styled_parts()
                self.restyle(self.header)
                self.restyle(self.stack.currentWidget())
                for part in self._extra_parts:
                    if part.isVisible():
                        self.restyle(part)
                self._restyle_timer.start()
        use_language(language)

    def _styled_parts(self) -> list[QWidget]:
        parts: list[QWidget] = [self.header]
        parts += [self.stack.widget(index) for index in range(self.stack.count())]
        return parts + self._extra_parts

    def restyle(self, part: QWidget | None) -> None:
        """Give `part` the current look now, if it does not have it yet."""
        if part is not None and part in self._restyle_pending:
            self._restyle_pending.remove(part)
            part.setStyleSheet(self._part_qss)

    def _restyle_next(self) -> None:
        if self._restyle_pending:
            self.restyle(self._restyle_pending[0])
        else:
            self._restyle_timer.stop()

    def _hide_cursor(self) -> None:
        """No pointer on a touchscreen kiosk: hidden once the first frame is on screen."""
        from PySide6.QtCore import Qt  # after the first frame (ui.qt_values)

        self._app.setOverrideCursor(Qt.CursorShape.BlankCursor)

    def _warm_up(self) -> None:
        """Pay PySide's one-time cost of the first language change (~45 ms of lazily built
        enums) while nobody waits, instead of on a resident's first tap of 语言."""
        QApplication.sendEvent(self, QEvent(QEvent.Type.LanguageChange))

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
            self.activity.emit()
        # Kiosk mode: no context menu anywhere (a long press must not open one).
        return self.kiosk_mode and event.type() == QEvent.Type.ContextMenu

    def resizeEvent(self, event: QEvent) -> None:  # type: ignore[override]
        super().resizeEvent(event)  # type: ignore[arg-type]
        if self.journey is not None:
            self.journey.fit_overlays()

    def closeEvent(self, event: QEvent) -> None:  # type: ignore[override]
        # No keyboard (or compositor) way out of kiosk mode: the technician stops the service.
        if self.kiosk_mode:
            event.ignore()
            return
        if self.journey is not None:
            self.journey.core.stop()
        super().closeEvent(event)  # type: ignore[arg-type]
