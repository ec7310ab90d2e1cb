"""Touch widgets shared by the screens. Looks come from the theme's QSS via `role`."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ui.qt_values import NO_FOCUS, PLAIN_TEXT, set_property

GAP_PX = 24  # between touch targets: 6.4 mm at 96 dpi, the elder look's least (6 mm)


def label(role: str, text: str = "", *, wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    set_property(widget, "textFormat", PLAIN_TEXT)  # names with <b> or & show as typed
    return widget


def button(role: str = "", text: str = "") -> QPushButton:
    widget = QPushButton(text)
    if role:
        widget.setProperty("role", role)
    set_property(widget, "focusPolicy", NO_FOCUS)  # a touchscreen has no focus ring to show
    return widget


class Translatable(QFrame):
    """A styled widget that sets its texts in `retranslate()`, again on each language change.
    A QFrame (without a frame), because Qt's style sheets paint the background of a QFrame,
    and of a QWidget subclass only with an attribute set from PySide's costly `Qt` enums."""

    def __init__(self, role: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", role)

    def retranslate(self) -> None:
        """Set every user-facing text; subclasses call it at the end of `__init__`."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


Prompt = tuple[str, dict[str, object]]  # a prompt id (assets/voice/prompts.toml), its fields


class Screen(Translatable):
    """A page of the window's stack."""

    prompt_id = ""  # what the voice says when the screen shows

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("screen", parent)

    def voice_prompt(self) -> Prompt:
        """What the voice says for the screen as it is now: its prompt id and fields."""
        return self.prompt_id, {}


class Tile(QPushButton):
    """A large button with a title and a line of description, for the service grids."""

    def __init__(self, title: str, description: str, parent: QWidget | None = None) -> None:
        from PySide6.QtCore import Qt  # tiles come after the first frame (ui.qt_values)

        super().__init__(parent)
        self.setProperty("role", "tile")
        set_property(self, "focusPolicy", NO_FOCUS)
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


DELETE_KEY = "⌫"


class Keypad(QWidget):
    """An on-screen keypad (no system keyboard on a kiosk): `keys` in rows of three, each a
    large button; a tap emits `key_pressed` with the key's text (⌫: delete the last)."""

    key_pressed = Signal(str)

    def __init__(self, keys: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(GAP_PX)
        self.keys: dict[str, QPushButton] = {}
        for index, key in enumerate(keys):
            if key == " ":  # a gap, so 0 sits under 8 as on a phone
                continue
            tap = button("key", key)
            tap.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            tap.clicked.connect(lambda _=False, k=key: self.key_pressed.emit(k))
            grid.addWidget(tap, index // 3, index % 3)
            self.keys[key] = tap


def show_only(pages: QStackedWidget, page: QWidget) -> None:
    """Show `page` of a stack whose other pages must not size it: a stack is as large as its
    largest page, shown or not, and a page left tall (a keypad in the elder look) would
    stretch the window past the screen. Pages not on show are sized as if empty."""
    ignored, preferred = QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred
    for index in range(pages.count()):
        other = pages.widget(index)
        policy = preferred if other is page else ignored
        other.setSizePolicy(policy, policy)
    pages.setCurrentWidget(page)
