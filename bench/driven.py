"""Benchmarks that drive the demo kiosk's window (gui_stall, journey) in a process of their
own: `run_demo_script` starts it, `demo_window` builds the kiosk there, and `drive` runs the
steps: a step is (action, ready); the next step's action runs once `ready()` holds. `drive`
runs on the Qt event loop, never blocking it: the stall benchmark measures that loop."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

Step = tuple[Callable[[], object], Callable[[], bool]]


def run_demo_script(script: str, *args: str, timeout_s: float) -> str:
    """Run `script` in a new Python, offscreen, with a state directory of its own; its
    standard output (standard error's tail is in the error when it fails to start)."""
    with tempfile.TemporaryDirectory() as state_dir:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_STATE_DIR": state_dir}
        done = subprocess.run(
            [sys.executable, "-c", script, *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout_s,
        )
    return done.stdout + "\n" + done.stderr[-2000:]


def demo_window() -> tuple[Any, Any, Any]:
    """(app, core, window): the demo kiosk as the touchscreen builds it, 1920x1080, started."""
    from PySide6.QtWidgets import QApplication

    from kiosk.app import build_core
    from kiosk.config import load
    from ui.executor import QtExecutor
    from ui.fonts import chinese_font_family
    from ui.startup import collect_from_now_on
    from ui.window import KioskWindow

    app = QApplication([])
    core = build_core(load(None), demo=True, executor=QtExecutor())
    window = KioskWindow.with_core(core, chinese_font_family(), kiosk_mode=False)
    window.resize(1920, 1080)
    window.show()
    core.start()
    collect_from_now_on()  # as the kiosk does once its core is built
    return app, core, window


def drive(
    app: QApplication,
    steps: Sequence[Step],
    finished: Callable[[], None],
    *,
    poll_ms: int,
    timeout_s: float,
) -> None:
    """Start the steps (the first one's action has run when its `ready` is asked); call
    `finished()` and quit the app after the last, or print which step timed out and quit."""
    from PySide6.QtCore import QTimer

    index = [0]
    deadline = time.monotonic() + timeout_s

    def next_step() -> None:
        if index[0] == len(steps):
            finished()
            app.quit()
            return
        try:
            if steps[index[0]][1]():
                index[0] += 1
                if index[0] < len(steps):
                    steps[index[0]][0]()
            elif time.monotonic() > deadline:
                print("timeout at step", index[0], flush=True)
                app.quit()
                return
        except Exception:  # the benchmark's own script is wrong: say where, do not wait it out
            print("error at step", index[0], flush=True)
            traceback.print_exc()
            app.quit()
            return
        QTimer.singleShot(poll_ms, next_step)

    QTimer.singleShot(0, next_step)


class StallProbe:
    """A 2 ms timer on the GUI thread that records the gaps between its ticks once started:
    the longest is how long the GUI thread stalled."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self._measuring = False
        self._last = time.monotonic()
        self._timer = QTimer()
        self._timer.timeout.connect(self._tick)
        self._timer.start(2)

    def start(self) -> None:
        self._measuring = True

    @property
    def longest_ms(self) -> float:
        return max(self.gaps) * 1000

    def _tick(self) -> None:
        now = time.monotonic()
        if self._measuring:
            self.gaps.append(now - self._last)
        self._last = now


def tap_service(journey: Any, service_id: str) -> None:
    """Tap a service's tile as a finger would: its group and page first (the menu shows a
    group's services a page at a time)."""
    journey.menu.reveal(service_id)
    journey.menu.grid.tiles[service_id].click()


def records_page_shown(core: Any, number: int) -> bool:
    """Page `number` of the records query is on screen, loaded."""
    from kiosk.services.records import Phase

    view = core.records.view
    return (
        view is not None
        and view.page is not None
        and view.page.page == number
        and view.phase is Phase.SHOWN
    )
