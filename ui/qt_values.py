"""The few Qt enum values the first frame's widgets need, set as Qt properties, by value.

Importing PySide's `Qt` namespace builds all of its 93 enums (1,195 members) through Python's
`enum`: some 18 ms, a fifth of what the kiosk's first frame costs beyond a bare window
(`python -m bench`). The header and the attract screen set these values through Qt's property
system instead, and `Qt` is first imported after the first frame. tests/ui/test_qt_values.py
checks each value against PySide's enum; tests/ui/test_app.py that `Qt` is not built before the
first frame.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

PLAIN_TEXT = 0  # Qt.TextFormat.PlainText
NO_FOCUS = 0  # Qt.FocusPolicy.NoFocus
NO_CONTEXT_MENU = 0  # Qt.ContextMenuPolicy.NoContextMenu
ALIGN_RIGHT_VCENTER = 0x0002 | 0x0080  # Qt.AlignmentFlag.AlignRight | AlignVCenter
KEEP_ASPECT_RATIO = 1  # Qt.AspectRatioMode.KeepAspectRatio


def set_property(target: QObject, name: str, value: int) -> None:
    """Set `target`'s Qt property `name`. A name its class does not declare is an error here,
    where `setProperty` would quietly make a dynamic property that nothing reads."""
    if not target.setProperty(name, value):
        raise ValueError(f"{type(target).__name__} has no Qt property {name!r} for {value!r}")
