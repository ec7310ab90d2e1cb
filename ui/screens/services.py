"""Service grids: the preview before a card is read, and the menu of an identified resident."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.catalog import Catalog, Service
from kiosk.session import Resident
from ui.i18n import resident_text
from ui.widgets import Screen, Tile, button, label

GRID_COLUMNS = 3


class ServiceGrid(QWidget):
    """Tiles for the catalog's services; `chosen(service_id)` when one is tapped."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setSpacing(24)
        self.tiles: dict[str, Tile] = {}

    def show_catalog(
        self,
        catalog: Catalog,
        language: str,
        *,
        selectable: bool,
        unavailable: dict[str, str] | None = None,
        refused: Callable[[Service], str] = lambda _service: "",
    ) -> None:
        """`unavailable` maps a service kind to why this kiosk cannot serve it now (a
        resident message key, e.g. the printer's 缺纸); an empty reason means available.
        `refused(service)`: why this resident may not use it (此项业务需刷身份证办理), or ""."""
        for tile in self.tiles.values():
            tile.deleteLater()
        self.tiles = {}
        for index, service in enumerate(catalog.services):
            description = service.text(service.description, language)
            device_problem = refused(service) or (unavailable or {}).get(service.kind, "")
            if not service.enabled and service.disabled_reason:
                description = service.text(service.disabled_reason, language)
            elif service.enabled and device_problem:
                description = resident_text(device_problem)
            tile = Tile(service.text(service.title, language), description)
            tile.setEnabled(service.enabled and not device_problem)
            if selectable:
                tile.clicked.connect(lambda _=False, sid=service.id: self.chosen.emit(sid))
            self._grid.addWidget(tile, index // GRID_COLUMNS, index % GRID_COLUMNS)
            self.tiles[service.id] = tile


class GridScreen(Screen):
    """A heading, a line under it, the service grid, and one button at the bottom right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.heading = label("display")
        self.subline = label("muted")
        self.grid = ServiceGrid()
        self.corner_button = button("primary")
        column = QVBoxLayout(self)
        column.setContentsMargins(64, 32, 64, 32)
        column.addWidget(self.heading)
        column.addWidget(self.subline)
        column.addSpacing(24)
        column.addWidget(self.grid, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.corner_button)
        column.addLayout(row)


class PreviewScreen(GridScreen):
    """What the kiosk offers, before anyone is identified."""

    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.back_button = self.corner_button
        self.back_button.clicked.connect(self.back_requested)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(self.tr("可办理的服务"))
        self.subline.setText(self.tr("请将身份证放在感应区，读取后即可办理以下服务"))
        self.back_button.setText(self.tr("返回"))


class MenuScreen(GridScreen):
    """The services of an identified resident."""

    service_chosen = Signal(str)
    exit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._resident: Resident | None = None
        self.greeting, self.id_line = self.heading, self.subline
        self.grid.chosen.connect(self.service_chosen)
        self.exit_button = self.corner_button
        self.exit_button.clicked.connect(self.exit_requested)
        self.retranslate()

    def show_resident(self, resident: Resident) -> None:
        self._resident = resident
        self.retranslate()

    def wipe(self) -> None:
        """Drop every trace of the resident (a session wipe hook)."""
        self._resident = None
        self.retranslate()

    def retranslate(self) -> None:
        resident = self._resident
        self.greeting.setText(
            self.tr("您好，%1").replace("%1", resident.display_name) if resident else ""
        )
        self.id_line.setText(
            self.tr("身份证号：%1  请选择要办理的业务").replace("%1", resident.masked_id)
            if resident
            else ""
        )
        self.exit_button.setText(self.tr("退出"))
