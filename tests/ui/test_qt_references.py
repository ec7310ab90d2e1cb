"""The Qt binding must not leak references to None: on Python 3.11 None has a reference count
like any object, and PySide6 6.12.0 took one away at every call of a method that returns
nothing (QLabel.setText, a super().changeEvent …): the kiosk's clock alone made the process
abort ("none_dealloc: deallocating None") within the hour. pyproject.toml excludes that
release; this test fails on any other that does the same."""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QWidget

CALLS = 2000


class Retranslating(QWidget):
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)


def test_calls_into_qt_keep_nones_reference_count(qapp: object) -> None:
    label, widget = QLabel(), Retranslating()
    before = sys.getrefcount(None)
    for n in range(CALLS):
        label.setText(str(n))
        widget.changeEvent(QEvent(QEvent.Type.LanguageChange))
    lost = before - sys.getrefcount(None)
    assert lost < CALLS // 10, (
        f"None lost {lost} references in {2 * CALLS} calls into PySide6: this release of "
        "PySide6 would crash the kiosk (exclude it in pyproject.toml)"
    )
