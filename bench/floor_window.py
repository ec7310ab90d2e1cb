"""The floor for start-up: a bare PySide6 window with one Chinese label, first frame, exit.

Prints `first-paint <monotonic seconds>` like `kiosk --bench-first-paint` does.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel


class FirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            stamp = time.monotonic()
            QTimer.singleShot(
                0, lambda: (print(f"first-paint {stamp:.6f}", flush=True), QApplication.quit())
            )
        return False


def main() -> int:
    app = QApplication(sys.argv[:1])
    label = QLabel("请将身份证放在感应区")
    label.resize(1920, 1080)
    probe = FirstPaint()
    label.installEventFilter(probe)
    label.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
