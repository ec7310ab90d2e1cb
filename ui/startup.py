"""The kiosk's start-up, in two steps: the attract screen from the configuration alone, then,
after its first frame, the resident's journey (the core and every other screen).

The first step costs what the attract screen costs (`python -m bench` measures it against a bare
window); the second imports the rest on a worker thread, so the attract screen stays live.
"""

from __future__ import annotations

import gc
import importlib
import logging
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from kiosk.config import Config
from ui.fonts import FontMissingError, chinese_font_family
from ui.watchdog import SystemdNotifier
from ui.window import KioskWindow

if TYPE_CHECKING:
    from kiosk.app import Core

log = logging.getLogger(__name__)

EXIT_NO_FONT = 3
EXIT_BROKEN = 4
# What the journey needs beyond the first frame: imported on a worker after it (kiosk.app's
# connect() imports the link to the centre; requests and pydantic cost the most).
JOURNEY_MODULES = (
    "kiosk.app",
    "kiosk.api.client",
    "kiosk.catalog",
    "kiosk.outbox",
    "kiosk.services.events",
    "ui.executor",
    "ui.journey",
)


class FirstPaintProbe(QObject):
    """For `python -m bench`: print the monotonic times of the first painted frame (the
    window's `first_painted`, emitted while it paints) and of the journey's attachment (a tap
    is answered from then on), then quit."""

    def painted(self) -> None:
        stamp = time.monotonic()
        QTimer.singleShot(0, lambda: print(f"first-paint {stamp:.6f}", flush=True))

    def attached(self) -> None:
        print(f"attached {time.monotonic():.6f}", flush=True)
        QApplication.quit()


class _Imported(QObject):
    done = Signal(object)  # None, or the exception the imports raised


class JourneyStarter(QObject):
    """After the first frame: import the core and every other screen on a worker thread
    (about 0.4 s, during which the attract screen stays live), then, on the GUI thread, build
    the core, attach the journey to the window and start the core."""

    attached = Signal()

    def __init__(self, window: KioskWindow, config: Config, *, demo: bool) -> None:
        super().__init__(window)
        self._window, self._config, self._demo = window, config, demo
        self.core: Core | None = None
        self._imported = _Imported(self)
        self._imported.done.connect(self._build)

    def start(self) -> None:
        threading.Thread(target=self._import, name="journey-imports", daemon=True).start()

    def _import(self) -> None:
        try:
            for name in JOURNEY_MODULES:
                importlib.import_module(name)
        except BaseException as error:  # handed to the GUI thread, which stops the app
            self._imported.done.emit(error)
        else:
            self._imported.done.emit(None)

    def _build(self, error: BaseException | None) -> None:
        try:
            if error is not None:
                log.critical("the kiosk cannot start", exc_info=error)
                QApplication.exit(EXIT_BROKEN)
                return
            from kiosk.app import build_core
            from ui.executor import QtExecutor

            core = build_core(self._config, demo=self._demo, executor=QtExecutor())
            core.crash.install()
            self.core = core
            self._window.attach(core)
            core.start()
        finally:
            collect_from_now_on()
        log.info("kiosk started (demo=%s, kiosk mode=%s)", self._demo, self._window.kiosk_mode)
        self.attached.emit()


def collect_from_now_on() -> None:
    """Start-up is over (ui.app turned the cyclic garbage collector off for it): move what it
    made, which lives as long as the kiosk, where the collector no longer walks it, so its
    passes stay short for the GUI thread; then turn it back on. No `gc.collect()` first: over
    start-up's 85,000 objects it holds the GUI thread ~80 ms, to free a few hundred."""
    gc.freeze()
    gc.enable()


def run(
    config: Config,
    *,
    demo: bool,
    windowed: bool,
    tour_dir: Path | None,
    bench_first_paint: bool,
) -> int:
    """Show the kiosk and run it until it is stopped; the exit status."""
    from ui import keyboard

    keyboard.enable()  # before the QApplication: Qt reads its input method once
    app = QApplication(sys.argv[:1])
    app.setApplicationName("village-kiosk")
    try:
        family = chinese_font_family()
    except FontMissingError as error:
        print(f"kiosk: {error}", file=sys.stderr)
        return EXIT_NO_FONT
    app.setFont(QFont(family))
    window = KioskWindow(config, family, kiosk_mode=not windowed, demo=demo)
    if windowed:  # the screen's size, as full screen would be: a page too tall is cut off
        window.setFixedSize(config.screen.width_px, config.screen.height_px)  # never grown
    starter = JourneyStarter(window, config, demo=demo)
    notifier = SystemdNotifier(window)  # READY=1 and the watchdog's pings, under systemd
    if bench_first_paint:  # first: its stamp is the frame's, not that of the slots after it
        probe = FirstPaintProbe(window)
        window.first_painted.connect(probe.painted)
        starter.attached.connect(probe.attached)
    # After the frame is on screen, not in the middle of painting it.
    window.first_painted.connect(lambda: QTimer.singleShot(0, starter.start))
    window.first_painted.connect(notifier.ready)
    if tour_dir is not None:
        from ui.tour import Tour

        tours: list[Tour] = []

        def start_tour() -> None:
            try:
                tours.append(Tour(window, tour_dir))
                tours[0].start()
            except Exception:
                log.exception("the tour cannot start")
                QApplication.exit(1)

        starter.attached.connect(start_tour)
    if windowed:
        window.show()
    else:
        window.showFullScreen()
    # systemd stops the kiosk with SIGTERM: leave the event loop, then wipe and stop the core.
    # exit(), not quit(): quit() asks the windows, and the kiosk window refuses to close.
    # (Python runs the handler at the next Python callback; the clock's timer ticks each second.)
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop_signal, lambda number, frame: QApplication.exit(0))
    status = app.exec()
    log.info("kiosk stopping")
    notifier.stopping()
    if starter.core is not None:
        starter.core.stop()
    if tour_dir is not None:
        return 0 if tours and tours[0].succeeded else 1
    return status
