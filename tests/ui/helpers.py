"""What a person would check on a screen: the texts shown, nothing clipped, targets big enough."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QImage
from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot


def visible_labels(root: QWidget) -> list[QLabel]:
    return [w for w in root.findChildren(QLabel) if w.isVisible() and w.text()]


def visible_texts(root: QWidget) -> str:
    texts = [w.text() for w in visible_labels(root)]
    texts += [w.text() for w in root.findChildren(QPushButton) if w.isVisible()]
    return "\n".join(texts)


def all_texts(root: QWidget, props: QWidget | None = None) -> str:
    """Every text held by any label, shown or not: what a wipe must have cleared. Labels
    inside `props` (the demo panel, which names the demo residents) are not a session's."""
    return "\n".join(
        w.text() for w in root.findChildren(QLabel) if props is None or not props.isAncestorOf(w)
    )


def clipped_labels(root: QWidget) -> list[str]:
    problems = []
    for widget in visible_labels(root):
        if widget.wordWrap():
            needed = widget.heightForWidth(widget.width())
            if needed > widget.height() + 1:
                problems.append(
                    f"{widget.text()!r}: needs {needed}px of height, has {widget.height()}"
                )
        elif widget.sizeHint().width() > widget.width() + 1:
            problems.append(
                f"{widget.text()!r}: needs {widget.sizeHint().width()}px, has {widget.width()}"
            )
    return problems


def missing_glyphs(widget: QLabel) -> str:
    metrics = QFontMetrics(widget.font())
    return "".join(
        ch for ch in widget.text() if not ch.isspace() and not metrics.inFontUcs4(ord(ch))
    )


def small_buttons(root: QWidget, min_px: int) -> list[str]:
    return [
        f"{b.text()!r} {b.width()}x{b.height()}"
        for b in root.findChildren(QPushButton)
        if b.isVisible() and min(b.width(), b.height()) < min_px
    ]


def clipped_buttons(root: QWidget) -> list[str]:
    """Visible buttons whose text is wider than the button (its style's padding aside)."""
    return [
        f"{b.text()!r}: needs {b.sizeHint().width()}px, has {b.width()}"
        for b in root.findChildren(QPushButton)
        if b.isVisible() and b.text() and b.sizeHint().width() > b.width() + 1
    ]


def distinct_colours(image: QImage, step: int = 16) -> int:
    return len(
        {
            image.pixel(x, y)
            for x in range(0, image.width(), step)
            for y in range(0, image.height(), step)
        }
    )


def tap(qtbot: QtBot, button: QPushButton) -> None:
    """A finger: press and release in the middle of the button."""
    assert button.isVisible() and button.isEnabled(), f"{button.text()!r} cannot be tapped"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def service_tile(qtbot: QtBot, window: QWidget, service_id: str) -> QPushButton:
    """The menu's tile for a service, reached as a finger would: through its group (证明打印,
    信息查询, 我要申请) when the menu shows groups, and 更多业务."""
    menu = window.journey.menu  # type: ignore[attr-defined]
    services = window.core.catalog.current.services  # type: ignore[attr-defined]

    def shown() -> bool:  # tiles added to a shown grid appear on the next turn of the loop
        tile = menu.grid.tiles.get(service_id)
        return tile is not None and tile.isVisible()

    if service_id in menu.grid.tiles:
        qtbot.waitUntil(shown)
        return menu.grid.tiles[service_id]
    if menu.group is not None:
        tap(qtbot, menu.exit_button)  # 返回: to the groups
    from ui.screens.services import group_of

    kind = next(group_of(s) for s in services if s.id == service_id)
    qtbot.waitUntil(lambda: menu.group_tiles[kind].isVisible())
    tap(qtbot, menu.group_tiles[kind])
    for _ in range(len(services)):
        if service_id in menu.grid.tiles:
            break
        tap(qtbot, menu.more_button)
    qtbot.waitUntil(shown)
    return menu.grid.tiles[service_id]
