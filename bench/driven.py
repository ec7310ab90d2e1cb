"""Drive the kiosk's window step by step inside a benchmark's own process (gui_stall,
journey): a step is (action, ready); the next step's action runs once `ready()` holds.
Runs on the Qt event loop, never blocking it: the stall benchmark measures that loop."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

Step = tuple[Callable[[], object], Callable[[], bool]]


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
    index = [0]
    deadline = time.monotonic() + timeout_s

    def next_step() -> None:
        if index[0] == len(steps):
            finished()
            app.quit()
            return
        if steps[index[0]][1]():
            index[0] += 1
            if index[0] < len(steps):
                steps[index[0]][0]()
        elif time.monotonic() > deadline:
            print("timeout at step", index[0], flush=True)
            app.quit()
            return
        QTimer.singleShot(poll_ms, next_step)

    QTimer.singleShot(0, next_step)
