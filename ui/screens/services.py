"""Service grids: the preview before a card is read, and the menu of an identified resident."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.catalog import Catalog, Service
from kiosk.session import Resident
from ui.i18n import resident_text
from ui.widgets import GAP_PX, Prompt, Screen, Tile, button, label

GRID_COLUMNS = 3
ELDER_COLUMNS = 2
ELDER_PAGE = 4  # services a page shows in elder mode: with 返回 and 更多业务, six choices
GRID_PAGE = 9  # the standard look: more services than this show their groups first
GROUP_OF = {"application": "apply", "bundle": "apply", "progress": "apply"}  # 我要申请


def group_of(service: Service) -> str:
    return GROUP_OF.get(service.kind, service.kind)


def _drop(grid: QGridLayout, tile: QWidget) -> None:
    """Out of the layout at once (deleteLater alone leaves it there, shown, for a turn of the
    event loop: old and new tiles together can stretch the window past the screen)."""
    tile.hide()
    grid.removeWidget(tile)
    tile.deleteLater()


class ServiceGrid(QWidget):
    """Tiles for the catalog's services; `chosen(service_id)` when one is tapped."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setSpacing(GAP_PX)
        self.tiles: dict[str, Tile] = {}

    def show_catalog(
        self,
        catalog: Catalog,
        language: str,
        *,
        selectable: bool,
        unavailable: dict[str, str] | None = None,
        refused: Callable[[Service], str] = lambda _service: "",
        services: Sequence[Service] | None = None,
        columns: int = GRID_COLUMNS,
    ) -> None:
        """`unavailable` maps a service kind to why this kiosk cannot serve it now (a
        resident message key, e.g. the printer's 缺纸); an empty reason means available.
        `refused(service)`: why this resident may not use it (此项业务需刷身份证办理), or "".
        `services`: those of the catalog to show (all of them by default)."""
        for tile in self.tiles.values():
            _drop(self._grid, tile)
        self.tiles = {}
        shown = catalog.services if services is None else services
        for index, service in enumerate(shown):
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
            else:  # shown, not offered: a finger on it does nothing, so it is no choice
                tile.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
            self._grid.addWidget(tile, index // columns, index % columns)
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
        column.setSpacing(GAP_PX)
        column.addWidget(self.heading)
        column.addWidget(self.subline)
        column.addSpacing(24)
        column.addWidget(self.grid, 1)
        row = QHBoxLayout()
        row.setSpacing(GAP_PX)
        row.addStretch(1)
        row.addWidget(self.corner_button)
        column.addLayout(row)
        self._column, self._corner_row = column, row


class PreviewScreen(GridScreen):
    """What the kiosk offers, before anyone is identified."""

    prompt_id = "preview"

    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.back_button = self.corner_button
        self.back_button.clicked.connect(self.back_requested)
        self.more_button = button()
        self.more_button.clicked.connect(self._more)
        self._corner_row.insertWidget(1, self.more_button)
        self._shown: tuple[Catalog, str, bool] | None = None
        self._page = 0
        self.retranslate()

    def show_catalog(self, catalog: Catalog, language: str, *, elder: bool) -> None:
        """Every service, nine at a time (in elder mode four) with 更多业务."""
        self._shown, self._page = (catalog, language, elder), 0
        self._render()

    def _more(self) -> None:
        self._page += 1
        self._render()

    def _render(self) -> None:
        if self._shown is None:
            return
        catalog, language, elder = self._shown
        services = catalog.services
        room = ELDER_PAGE if elder else GRID_PAGE  # a page that fits the screen, in each look
        pages = max(1, -(-len(services) // room))
        self._page %= pages
        first = self._page * room
        self.grid.show_catalog(
            catalog,
            language,
            selectable=False,
            services=services[first : first + room],
            columns=ELDER_COLUMNS if elder else GRID_COLUMNS,
        )
        self.more_button.setVisible(pages > 1)

    def retranslate(self) -> None:
        self.heading.setText(self.tr("可办理的服务"))
        self.subline.setText(self.tr("请将身份证放在感应区，读取后即可办理以下服务"))
        self.back_button.setText(self.tr("返回"))
        self.more_button.setText(self.tr("更多业务"))


@dataclass(frozen=True, slots=True)
class MenuRequest:
    """What the menu shows: the journey fills it in from the catalog and the devices."""

    catalog: Catalog
    language: str
    unavailable: dict[str, str]
    refused: Callable[[Service], str]


class MenuScreen(GridScreen):
    """The services of an identified resident. In elder mode (长辈模式) at most six choices
    show at once: first the groups (证明打印, 信息查询), then a group's services four at a
    time, with 返回 and 更多业务."""

    service_chosen = Signal(str)
    exit_requested = Signal()
    help_requested = Signal()  # 找人帮忙

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._resident: Resident | None = None
        self._greeted = False
        self._elder = False
        self._request: MenuRequest | None = None
        self.group: str | None = None  # elder mode: the kind whose services show
        self._group_page = 0
        self.greeting, self.id_line = self.heading, self.subline
        self.grid.chosen.connect(self.service_chosen)
        self.group_tiles: dict[str, Tile] = {}
        self.groups = QWidget()
        self._groups_grid = QGridLayout(self.groups)
        self._groups_grid.setSpacing(GAP_PX)
        self._column.insertWidget(self._column.indexOf(self.grid), self.groups, 1)
        self.groups.hide()
        self.exit_button = self.corner_button
        self.exit_button.clicked.connect(self._exit_or_back)
        self.help_button = button()
        self.help_button.clicked.connect(self.help_requested)
        self.more_button = button()
        self.more_button.clicked.connect(self._more)
        self._corner_row.insertWidget(0, self.help_button)
        self._corner_row.insertWidget(2, self.more_button)
        self.more_button.hide()
        self.retranslate()

    def show_resident(self, resident: Resident) -> None:
        if resident != self._resident:
            self._greeted = False
        self._resident = resident
        self.retranslate()

    def show_catalog(self, request: MenuRequest, *, elder: bool) -> None:
        if elder != self._elder:
            self.group, self._group_page = None, 0
        self._elder, self._request = elder, request
        self._render()

    def open_group(self, kind: str | None, page: int = 0) -> None:
        self.group, self._group_page = kind, page
        self._render()

    def reveal(self, service_id: str) -> None:
        """Open the group and page that hold `service_id` (for the tour)."""
        if self._request is None:
            return
        room = ELDER_PAGE if self._elder else GRID_PAGE
        for kind, services in self._groups().items():
            ids = [service.id for service in services]
            if service_id in ids:
                self.open_group(kind, ids.index(service_id) // room)

    def voice_prompt(self) -> Prompt:
        """The resident's own greeting, once: the one prompt that says their (masked) name."""
        name = self._resident.display_name if self._resident else ""
        if name and not self._greeted:
            self._greeted = True
            return "menu", {"name": name}
        return "menu_group", {}

    def wipe(self) -> None:
        """Drop every trace of the resident (a session wipe hook)."""
        self._resident = None
        self._greeted = False
        self.group, self._group_page = None, 0
        self.retranslate()

    # --- inside --------------------------------------------------------------------------

    def _groups(self) -> dict[str, list[Service]]:
        assert self._request is not None
        groups: dict[str, list[Service]] = {}
        for service in self._request.catalog.services:
            groups.setdefault(group_of(service), []).append(service)
        return groups

    def _render(self) -> None:
        request = self._request
        if request is None:
            return
        groups = self._groups()
        grouped = self._elder or len(request.catalog.services) > GRID_PAGE
        show_groups = grouped and self.group is None and len(groups) > 1
        shown: Sequence[Service] | None = None
        if grouped and not show_groups:
            services = groups.get(self.group or "", []) if self.group else request.catalog.services
            room = ELDER_PAGE if self._elder else GRID_PAGE
            pages = max(1, -(-len(services) // room))
            self._group_page %= pages
            first = self._group_page * room
            shown = services[first : first + room]
            self.more_button.setVisible(pages > 1)
        else:
            self.more_button.hide()
        self.grid.setVisible(not show_groups)  # first: the grid and the groups never
        self.groups.setVisible(show_groups)  # show together, not even for a turn of the loop
        self.grid.show_catalog(
            request.catalog,
            request.language,
            selectable=True,
            unavailable=request.unavailable,
            refused=request.refused,
            services=[] if show_groups else shown,
            columns=ELDER_COLUMNS if self._elder else GRID_COLUMNS,
        )
        self._show_group_tiles(groups if show_groups else {})
        self.help_button.setVisible(self.group is None)
        self.retranslate()

    def _show_group_tiles(self, groups: dict[str, list[Service]]) -> None:
        for tile in self.group_tiles.values():
            _drop(self._groups_grid, tile)
        self.group_tiles = {}
        assert self._request is not None
        language = self._request.language
        for index, (kind, services) in enumerate(groups.items()):
            names = "、".join(s.text(s.title, language) for s in services[:2])
            tile = Tile(self._group_title(kind), "")
            tile.description.setText(
                self.tr("%1 等 %2 项").replace("%1", names).replace("%2", str(len(services)))
                if len(services) > 2
                else names
            )
            tile.clicked.connect(lambda _=False, k=kind: self.open_group(k))
            self._groups_grid.addWidget(tile, index // ELDER_COLUMNS, index % ELDER_COLUMNS)
            self.group_tiles[kind] = tile

    def _group_title(self, kind: str) -> str:
        if kind == "certificate":
            return self.tr("证明打印")
        if kind == "records":
            return self.tr("信息查询")
        if kind == "apply":
            return self.tr("我要申请")
        return self.tr("其他业务")

    def _exit_or_back(self) -> None:
        if self.group is not None:
            self.open_group(None)
        else:
            self.exit_requested.emit()

    def _more(self) -> None:
        self.open_group(self.group, self._group_page + 1)

    def retranslate(self) -> None:
        resident = self._resident
        self.greeting.setText(
            self.tr("您好，%1").replace("%1", resident.display_name) if resident else ""
        )
        in_group = self.group is not None
        if in_group:
            self.id_line.setText(
                self.tr("%1：请选择要办理的业务").replace("%1", self._group_title(self.group or ""))
            )
        else:
            self.id_line.setText(
                self.tr("身份证号：%1  请选择要办理的业务").replace("%1", resident.masked_id)
                if resident
                else ""
            )
        self.exit_button.setText(self.tr("返回") if in_group else self.tr("退出"))
        self.help_button.setText(self.tr("找人帮忙"))
        self.more_button.setText(self.tr("更多业务"))
        for kind, tile in self.group_tiles.items():
            tile.title.setText(self._group_title(kind))
