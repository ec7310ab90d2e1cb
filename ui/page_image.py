"""A page as an image on screen (a document's preview, a captured page's thumbnail).

Apart from ui.widgets: the painting classes it needs are not wanted on the path to the first
frame (ui/startup.py).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel

PAGE_EDGE = "#8A94A6"  # grey: reads on white paper, on the light and on the black look


class PageImage(QLabel):
    """A page as an image (a document's preview): shown at its own size where there is
    room, scaled down with its proportions kept where there is not; it never makes the
    window wider than the screen."""

    def __init__(self, role: str) -> None:
        super().__init__()
        self.setProperty("role", role)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._page = QPixmap()

    def set_page(self, page: QPixmap) -> None:
        self._page = page
        self.updateGeometry()
        self._fit()

    def clear_page(self) -> None:
        self._page = QPixmap()
        self.clear()
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return self._page.size() if not self._page.isNull() else super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        return QSize(100, 140)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._page.isNull():
            return
        room = self.contentsRect().size()
        page = self._page
        if page.width() > room.width() or page.height() > room.height():
            page = page.scaled(
                room, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        else:
            page = page.copy()
        frame = QPainter(page)  # a sheet of paper on the screen: its edge drawn
        frame.setPen(QPen(QColor(PAGE_EDGE), 2))
        frame.drawRect(page.rect().adjusted(1, 1, -1, -1))
        frame.end()
        self.setPixmap(page)
