"""The Qt enum values the first frame sets by value (ui/qt_values.py) are PySide's own, and
the widgets carry them as if they had been set through the enums."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from ui import qt_values
from ui.widgets import Screen, button, label


def test_each_value_is_the_enum_it_names() -> None:
    assert Qt.TextFormat.PlainText.value == qt_values.PLAIN_TEXT
    assert Qt.FocusPolicy.NoFocus.value == qt_values.NO_FOCUS
    assert Qt.ContextMenuPolicy.NoContextMenu.value == qt_values.NO_CONTEXT_MENU
    right_vcenter = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    assert right_vcenter.value == qt_values.ALIGN_RIGHT_VCENTER
    assert Qt.AspectRatioMode.KeepAspectRatio.value == qt_values.KEEP_ASPECT_RATIO


def test_the_widgets_read_back_the_enums(qtbot: QtBot) -> None:
    name = label("title", "<b>张&伟</b>")
    qtbot.addWidget(name)
    assert name.textFormat() == Qt.TextFormat.PlainText  # markup in a name shows as typed
    tap = button("primary", "确定")
    qtbot.addWidget(tap)
    assert tap.focusPolicy() == Qt.FocusPolicy.NoFocus


def test_a_property_qt_does_not_declare_is_an_error(qtbot: QtBot) -> None:
    widget = QLabel()
    qtbot.addWidget(widget)
    with pytest.raises(ValueError, match="no Qt property 'textFromat'"):
        qt_values.set_property(widget, "textFromat", qt_values.PLAIN_TEXT)


def test_a_screen_paints_its_style_sheet_background(qtbot: QtBot) -> None:
    """Screens are QFrames: Qt's style sheets paint a QFrame's background without the
    WA_StyledBackground attribute a plain QWidget subclass needs."""
    holder = Screen()
    qtbot.addWidget(holder)
    holder.setStyleSheet('QWidget[role="screen"] { background: #123456; }')
    holder.resize(80, 60)
    holder.show()
    qtbot.waitExposed(holder)
    assert holder.grab().toImage().pixelColor(40, 30).name() == "#123456"
    assert holder.testAttribute(Qt.WidgetAttribute.WA_StyledBackground)
