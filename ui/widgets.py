"""Touch widgets shared by the screens. Looks come from the theme's QSS via `role`."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget


def label(role: str, text: str = "", *, wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)  # names with <b> or & show as typed
    return widget


def button(role: str = "", text: str = "") -> QPushButton:
    widget = QPushButton(text)
    if role:
        widget.setProperty("role", role)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a touchscreen has no focus ring to show
    return widget


class Translatable(QWidget):
    """A styled widget that sets its texts in `retranslate()`, again on each language change."""

    def __init__(self, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", role)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

    def retranslate(self) -> None:
        """Set every user-facing text; subclasses call it at the end of `__init__`."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class Screen(Translatable):
    """A page of the window's stack."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("screen", parent)


class Tile(QPushButton):
    """A large button with a title and a line of description, for the service grids."""

    def __init__(self, title: str, description: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 20, 28, 20)
        self.title = label("title", title)
        self.description = label("muted", description)
        layout.addStretch(1)
        for part in (self.title, self.description):
            part.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
            layout.addWidget(part)
        layout.addStretch(1)

    def sizeHint(self):  # type: ignore[no-untyped-def]
        return self.layout().sizeHint()

    def minimumSizeHint(self):  # type: ignore[no-untyped-def]
        return self.layout().minimumSize()
