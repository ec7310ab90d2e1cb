"""查询: a records service's answer from the centre, one page at a time, off the GUI thread.

Each request for a page is one step of this life cycle (`RecordsQuery.view`):

    open(service) ──► LOADING(page 1) ──► SHOWN(page p) ──► LOADING(page p ± 1) ──► SHOWN
                          │                                       │
                          └──────────────► FAILED ◄───────────────┘
                                             │ retry(): the same page again
                                             └──────► LOADING

* The page is asked on the core's executor; its answer arrives through a `done` callback (the
  GUI thread in the touchscreen). An answer that belongs to an earlier request (the resident
  paged on, left the service, or the session ended) is dropped: each request has a number.
* A page is shown whole or not at all: an answer the contract's models accept but that does
  not hold together (another page than asked, more rows than the page size, no columns, a
  column twice) is a malformed answer, shown as a failure with 重试 and 返回.
* Nothing is written anywhere: the page lives in memory until the service is left or the
  session's wipe, whichever comes first.

The cells are formatted here, as pure functions of (value, column kind, language), so the
screen, a printout and the voice read the same words: money `¥1,234.50`, dates `2024年03月` /
`2024年03月15日` (English `Mar 2024` / `15 Mar 2024`), numbers with thousands separators. A
value that does not read as its column's kind, and a kind the kiosk does not know, are shown
as the text the centre sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from kiosk.api.errors import (
    CentralError,
    CentralMalformedAnswerError,
    ResidentSessionEndedError,
)
from kiosk.executor import Executor, Outcome
from kiosk.services.asking import Asking
from kiosk.session import Session

if TYPE_CHECKING:  # pydantic and requests load when the core connects, after the first frame
    from kiosk.api.client import CentralClient
    from kiosk.api.models import RecordsAnswer, Text

log = logging.getLogger(__name__)

Cell = str | int | float | None
RIGHT_ALIGNED_KINDS: Final = frozenset({"money", "number"})
NO_VALUE: Final = "—"
_ISO_DAY_OR_MONTH: Final = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")
_MONTHS_EN: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip


# --- what a cell says --------------------------------------------------------------------


def format_cell(value: Cell, kind: str, language: str) -> str:
    """The cell as the resident reads it; never raises."""
    if value is None or value == "":
        return NO_VALUE
    if kind == "money":
        return _money(value)
    if kind == "date":
        return _date(value, language)
    if kind == "number":
        return _number(value)
    return str(value)


def right_aligned(kind: str) -> bool:
    return kind in RIGHT_ALIGNED_KINDS


def _decimal(value: Cell) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _money(value: Cell) -> str:
    """Yuan with thousands separators and two decimals: ¥1,234.50, -¥12.00."""
    amount = _decimal(value)
    if amount is None:
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def _number(value: Cell) -> str:
    """Thousands separators, the decimals the centre sent: 12,345 and 1,234.5."""
    number = _decimal(value)
    if number is None:
        return str(value)
    return f"{number:,f}"


def _date(value: Cell, language: str) -> str:
    """ISO `YYYY-MM` (a month) or `YYYY-MM-DD` (a day)."""
    found = _ISO_DAY_OR_MONTH.match(str(value).strip())
    if found is None:
        return str(value)
    year, month, day = int(found[1]), int(found[2]), found[3]
    try:
        dt.date(year, month, int(day) if day else 1)
    except ValueError:
        return str(value)
    if language == "en":
        month_name = _MONTHS_EN[month - 1]
        return f"{int(day)} {month_name} {year}" if day else f"{month_name} {year}"
    return f"{year}年{month:02d}月{day}日" if day else f"{year}年{month:02d}月"


# --- one page of an answer ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bilingual:
    """A text the centre sent in both of the product's languages."""

    zh_CN: str  # noqa: N815 - the locale name, as in the contract
    en: str

    def text(self, language: str) -> str:
        return self.en if language == "en" and self.en else self.zh_CN

    @classmethod
    def of(cls, text: Text) -> Bilingual:
        return cls(text.zh_CN, text.en)


@dataclass(frozen=True, slots=True)
class RecordsColumn:
    key: str
    title: Bilingual
    kind: str  # text | money | date | number; anything else is shown as text


@dataclass(frozen=True, slots=True)
class RecordsPage:
    """One page of a records answer, its rows in the columns' order."""

    service_id: str
    title: Bilingual
    columns: tuple[RecordsColumn, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: int
    page: int
    page_size: int
    summary: tuple[Bilingual, ...]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def cells(self, language: str) -> list[list[str]]:
        """Every row's cells as the resident reads them."""
        kinds = [column.kind for column in self.columns]
        return [
            [format_cell(value, kind, language) for value, kind in zip(row, kinds, strict=True)]
            for row in self.rows
        ]


def page_from_answer(
    service_id: str, answer: RecordsAnswer, page: int, page_size: int
) -> RecordsPage:
    """The page, checked beyond the models: raises CentralMalformedAnswerError naming what
    does not hold together (never a value: the rows are the resident's)."""
    where = f"GET /records/{service_id} page {page}"
    keys = [column.key for column in answer.columns]
    problem = ""
    if not keys:
        problem = "no columns"
    elif len(set(keys)) != len(keys):
        problem = f"a column key twice ({', '.join(keys)})"
    elif answer.page != page:
        problem = f"page {answer.page} instead of {page}"
    elif len(answer.rows) > page_size:
        problem = f"{len(answer.rows)} rows on a page of {page_size}"
    elif answer.total < (page - 1) * page_size + len(answer.rows):
        problem = f"total {answer.total} is less than the rows up to this page"
    if problem:
        raise CentralMalformedAnswerError(f"{where}: the answer does not hold together: {problem}")
    return RecordsPage(
        service_id=service_id,
        title=Bilingual.of(answer.title),
        columns=tuple(
            RecordsColumn(column.key, Bilingual.of(column.title), column.kind)
            for column in answer.columns
        ),
        rows=tuple(tuple(row.get(key) for key in keys) for row in answer.rows),
        total=answer.total,
        page=page,
        page_size=page_size,
        summary=tuple(Bilingual.of(line) for line in answer.summary),
    )


# --- the query's life cycle --------------------------------------------------------------


class Phase(StrEnum):
    LOADING = "loading"  # a page was asked; the screen says 正在查询 after a moment
    SHOWN = "shown"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class RecordsView:
    """What the records screen shows now. `page` is the last page that arrived whole (kept
    while the next one loads); `resident_message` is a plain Chinese key the UI translates."""

    phase: Phase
    service_id: str
    wanted_page: int
    page: RecordsPage | None = None
    resident_message: str = ""
    technician_message: str = ""


class RecordsQuery(Asking[RecordsView]):
    """The resident's records query (kiosk.services.asking says how answers arrive)."""

    def __init__(self, session: Session, executor: Executor) -> None:
        super().__init__(session, executor)
        self.central: CentralClient | None = None  # set when the core connects
        self.token: Callable[[], str | None] = lambda: None
        self._page_size = 10

    def open(self, service_id: str, page_size: int) -> None:
        """Ask the first page of `service_id`, `page_size` rows a page."""
        self._page_size = page_size
        self._ask(service_id, 1, shown=None)

    def show_page(self, page: int) -> None:
        """Ask another page (上一页 / 下一页); the current one stays until it arrives."""
        view = self.view
        if view is None or view.page is None or not 1 <= page <= view.page.pages:
            return
        self._ask(view.service_id, page, shown=view.page)

    def retry(self) -> None:
        """After a failure: the same page again."""
        view = self.view
        if view is not None and view.phase is Phase.FAILED:
            self._ask(view.service_id, view.wanted_page, shown=view.page)

    def _ask(self, service_id: str, page: int, shown: RecordsPage | None) -> None:
        self._outdate()
        self._set(RecordsView(Phase.LOADING, service_id, page, shown))
        central, token = self.central, self.token()
        if central is None or token is None:
            why = "no central service" if central is None else "no resident session"
            resident = CentralError.resident_message
            self._fail(service_id, page, shown, resident, f"records not asked: {why}")
            return
        page_size = self._page_size
        self._submit(
            lambda: page_from_answer(
                service_id, central.records(token, service_id, page, page_size), page, page_size
            ),
            lambda outcome: self._arrived(service_id, page, shown, outcome),
            late=f"records page {page} of {service_id}",
        )

    def _arrived(
        self, service_id: str, page: int, shown: RecordsPage | None, outcome: Outcome[Any]
    ) -> None:
        error = outcome.error
        if error is None:
            assert isinstance(outcome.value, RecordsPage)
            self._set(RecordsView(Phase.SHOWN, service_id, page, outcome.value))
            return
        if not isinstance(error, CentralError):
            raise error  # a bug: the crash handler reports it
        if isinstance(error, ResidentSessionEndedError):
            log.info("records %s: the centre ended the session: %s", service_id, error)
            self._session.time_out()
            return
        from kiosk.services.identification import resident_message

        log.warning("records %s page %d failed: %s", service_id, page, error.technician_message)
        self._fail(service_id, page, shown, resident_message(error), error.technician_message)

    def _fail(
        self,
        service_id: str,
        page: int,
        shown: RecordsPage | None,
        resident: str,
        technician: str,
    ) -> None:
        self._set(RecordsView(Phase.FAILED, service_id, page, shown, resident, technician))
