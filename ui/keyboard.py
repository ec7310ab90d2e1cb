"""The on-screen keyboard for free text (a postal address, a certificate number): Qt Virtual
Keyboard's panel embedded in the window, pinyin for Chinese (typing n-i-h-a-o then the space
bar gives 你好), English beside it. A kiosk has no physical keyboard and no system one.

The panel lives in a QQuickWidget that never takes focus, so a tap on a key leaves the focus
in the text field. Its libraries come with pyside6-addons (shared/reference/platform.md);
`enable()` selects the input method before the QApplication is made, and without them text
fields fall back to the letters-and-digits keypad (`available()` says which).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QWidget

import assets

log = logging.getLogger(__name__)

PANEL_QML = assets.ROOT / "keyboard" / "panel.qml"
_LIBRARY = "libQt6VirtualKeyboard.so.6"
# The panel's shape, its height over its width, sets its keys' height: Qt's own (0.3125, its
# style's 2560 × 800 design) this wide leaves a text question room for its title, field and
# buttons on a 1080-line screen. The elder look's panel is wider and taller in shape: keys of
# 30 × 25 mm at 96 dpi (Qt's shape: 22 mm tall), as much as the tallest text page (the
# address, under two choices) has room for; tests/ui/test_apply_screens.py measures the keys
# as drawn and fails if a page no longer fits.
PANEL_WIDTH_PX = 1100
STANDARD_SHAPE = 800 / 2560
ELDER_PANEL_WIDTH_PX = 1220
ELDER_SHAPE = 0.34


def available() -> bool:
    import PySide6

    return (Path(PySide6.__file__).parent / "Qt" / "lib" / _LIBRARY).exists()


def enable() -> bool:
    """Call before the QApplication: Qt picks its input method once, at start."""
    if not available():
        log.info("on-screen keyboard: %s missing (pyside6-addons); text uses the keypad", _LIBRARY)
        return False
    os.environ["QT_IM_MODULE"] = "qtvirtualkeyboard"
    os.environ["QT_VIRTUALKEYBOARD_DESKTOP_DISABLE"] = "1"  # embedded: no window of its own
    return True


def create_panel(owner: QWidget, ready: Callable[[QWidget | None], None]) -> None:
    """Make the keyboard panel, a child of `owner`, and hand it to `ready` (None when the
    input method is not Qt Virtual Keyboard, or its QML does not load); nothing is handed if
    `owner` is gone by then. The QML compiles asynchronously: loading it synchronously holds
    the GUI thread about 0.15 s."""
    if os.environ.get("QT_IM_MODULE") != "qtvirtualkeyboard":
        ready(None)
        return
    from PySide6.QtCore import Qt, QUrl
    from PySide6.QtQml import QQmlComponent
    from PySide6.QtQuickWidgets import QQuickWidget

    widget = QQuickWidget(owner)
    widget.hide()
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    widget.setFixedWidth(PANEL_WIDTH_PX)
    widget.setResizeMode(QQuickWidget.ResizeMode.SizeRootObjectToView)
    url = QUrl.fromLocalFile(str(PANEL_QML))
    component = QQmlComponent(
        widget.engine(), url, QQmlComponent.CompilationMode.Asynchronous, widget
    )

    def loaded() -> None:
        if component.isLoading():
            return
        root = component.create() if component.isReady() else None
        if root is None:
            log.warning("on-screen keyboard not loaded: %s", component.errorString().strip())
            widget.deleteLater()
            ready(None)
            return
        widget.setContent(url, component, root)

        def fit() -> None:  # the panel's height follows its width and shape
            widget.setFixedHeight(max(1, round(float(root.property("panelHeight")))))

        root.panelHeightChanged.connect(fit)  # type: ignore[attr-defined]
        fit()
        ready(widget)

    if component.isLoading():
        component.statusChanged.connect(loaded)
    else:
        loaded()


def set_size(panel: QWidget, width: int, shape: float) -> None:
    """The panel this wide and `shape` times as tall: its keys grow with both. The height is
    set at once, not a turn later when the QML has followed (the old height for a moment
    would stretch the window past the screen)."""
    _call(panel, "useShape", shape)
    panel.setFixedSize(width, max(1, round(width * shape)))


def use_language(panel: QWidget, language: str) -> None:
    """The keyboard's layout for the kiosk's language: pinyin for zh_CN, else English."""
    _call(panel, "useLocale", "zh_CN" if language == "zh_CN" else "en_US")


def type_keys(panel: QWidget, keys: str) -> None:
    """Tap `keys` (a-z, 0-9, space) on the panel, as a finger would: for the tests and the tour."""
    _call(panel, "typeKeys", keys)


def _call(panel: QWidget, function: str, argument: str | float) -> None:
    """Call a function of the panel's QML (assets/keyboard/panel.qml)."""
    from PySide6.QtCore import Q_ARG, QMetaObject
    from PySide6.QtQuickWidgets import QQuickWidget

    assert isinstance(panel, QQuickWidget)
    QMetaObject.invokeMethod(panel.rootObject(), function, Q_ARG("QVariant", argument))
