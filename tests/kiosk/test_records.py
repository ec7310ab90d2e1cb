"""查询 in the core: cells as a resident reads them, pages checked beyond the contract, and the
query's life cycle against the reference centre on loopback (its own database: tests here
add ledger rows), with its fault injection for failures."""

from __future__ import annotations

import calendar
import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from drivers.idcard.demo import DEMO_CARDS
from kiosk.api.errors import CentralMalformedAnswerError
from kiosk.api.models import Column, RecordsAnswer, Text
from kiosk.executor import ThreadExecutor
from kiosk.services.identification import idcard_session_request
from kiosk.services.records import (
    NO_VALUE,
    Phase,
    RecordsQuery,
    RecordsView,
    format_cell,
    page_from_answer,
    right_aligned,
)
from kiosk.session import Session
from tests.rigs.central import CentralServer, start_central

PAGE_SIZE = 13
ADULT, ELDER, YOUNG = DEMO_CARDS  # 张伟 41, 李秀英 80, 欧阳娜娜 25: the young have no pension


# --- cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "language", "shown"),
    [
        ("1234.50", "money", "zh_CN", "¥1,234.50"),
        ("1234567.5", "money", "en", "¥1,234,567.50"),
        ("-12", "money", "zh_CN", "-¥12.00"),
        (0, "money", "zh_CN", "¥0.00"),
        (352.0, "money", "zh_CN", "¥352.00"),
        ("about 5 yuan", "money", "zh_CN", "about 5 yuan"),
        ("2024-03", "date", "zh_CN", "2024年03月"),
        ("2024-03-15", "date", "zh_CN", "2024年03月15日"),
        ("2024-03", "date", "en", "Mar 2024"),
        ("2024-03-05", "date", "en", "5 Mar 2024"),
        ("2024-13", "date", "zh_CN", "2024-13"),
        ("2024-02-30", "date", "zh_CN", "2024-02-30"),
        ("yesterday", "date", "zh_CN", "yesterday"),
        (12345, "number", "zh_CN", "12,345"),
        ("1234.5", "number", "zh_CN", "1,234.5"),
        ("NaN", "number", "zh_CN", "NaN"),
        ("<b>王&五</b>", "text", "zh_CN", "<b>王&五</b>"),
        ("2024-03", "percent", "zh_CN", "2024-03"),  # a kind the kiosk does not know: text
        (None, "money", "zh_CN", NO_VALUE),
        ("", "date", "en", NO_VALUE),
    ],
)
def test_a_cell_reads_as_its_columns_kind_or_as_the_text_sent(
    value: str | int | float | None, kind: str, language: str, shown: str
) -> None:
    assert format_cell(value, kind, language) == shown


def test_money_and_numbers_are_right_aligned_and_the_rest_left() -> None:
    assert [right_aligned(kind) for kind in ("money", "number", "date", "text", "percent")] == [
        True,
        True,
        False,
        False,
        False,
    ]


cells = st.one_of(st.none(), st.text(), st.integers(), st.floats(allow_nan=True))


@given(
    cells,
    st.sampled_from(["money", "date", "number", "text", "unknown"]),
    st.sampled_from(["zh_CN", "en"]),
)
def test_formatting_a_cell_never_fails(value: object, kind: str, language: str) -> None:
    assert isinstance(format_cell(value, kind, language), str)  # type: ignore[arg-type]


# --- a page, checked ---------------------------------------------------------------------


def answer(
    rows: int, *, page: int = 1, total: int | None = None, keys: tuple[str, ...] = ("a", "b")
) -> RecordsAnswer:
    return RecordsAnswer(
        title=Text(zh_CN="测试", en="Test"),
        columns=[Column(key=k, title=Text(zh_CN=k, en=k), kind="text") for k in keys],
        rows=[{"a": str(i), "b": None} for i in range(rows)],
        total=rows if total is None else total,
        page=page,
        page_size=PAGE_SIZE,
        summary=[],
    )


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (answer(3, page=2, total=30), "page 2 instead of 1"),
        (answer(PAGE_SIZE + 1), "14 rows on a page of 13"),
        (answer(5, total=4), "total 4 is less than"),
        (answer(1, keys=()), "no columns"),
        (answer(1, keys=("a", "a")), "a column key twice"),
    ],
)
def test_a_page_that_does_not_hold_together_is_malformed(bad: RecordsAnswer, problem: str) -> None:
    with pytest.raises(CentralMalformedAnswerError, match=problem):
        page_from_answer("svc", bad, 1, PAGE_SIZE)


def test_a_page_keeps_the_columns_order_and_a_missing_cell_is_empty() -> None:
    page = page_from_answer("svc", answer(2, total=40), 1, PAGE_SIZE)
    assert page.rows == (("0", None), ("1", None))
    assert (page.pages, page.has_previous, page.has_next) == (4, False, True)
    assert page.cells("zh_CN")[0] == ["0", NO_VALUE]


# --- against the centre ------------------------------------------------------------------


@pytest.fixture(scope="module")
def centre(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CentralServer]:
    """A centre of this module's own: tests add ledger rows to its database."""
    server = start_central(tmp_path_factory.mktemp("records-centre"))
    yield server
    server.stop()


class Watcher:
    """A query with a resident session; `wait()` returns the next settled view."""

    def __init__(self, centre: CentralServer, card_index: int, **client: object) -> None:
        self.central = centre.client(**client)
        opened = self.central.open_session(idcard_session_request(DEMO_CARDS[card_index], "s-1"))
        self.session = Session(idle_timeout_s=120, elder_idle_timeout_s=180, warning_s=15)
        self.query = RecordsQuery(self.session, ThreadExecutor())
        self.query.central = self.central
        self.query.token = lambda: opened.token
        self.views: list[RecordsView | None] = []
        self._settled = threading.Event()
        self.query.on_change(self._changed)

    def _changed(self, view: RecordsView | None) -> None:
        self.views.append(view)
        if view is None or view.phase is not Phase.LOADING:
            self._settled.set()

    def wait(self, timeout_s: float = 10) -> RecordsView | None:
        assert self._settled.wait(timeout_s), f"no answer; views so far: {self.views}"
        self._settled.clear()
        return self.views[-1]

    def open(self, service_id: str) -> RecordsView:
        self.query.open(service_id, PAGE_SIZE)
        view = self.wait()
        assert view is not None
        return view


def add_pension_rows(centre: CentralServer, card_index: int, count: int) -> None:
    db = sqlite3.connect(centre.log_path.parent / "central.sqlite3")
    try:
        [(resident_id,)] = db.execute(
            "SELECT id FROM residents WHERE id_number = ?", (DEMO_CARDS[card_index].id_number,)
        )
        first = dt.date(2000, 1, 1)
        db.executemany(
            "INSERT INTO ledger (resident_id, ledger, day, item, amount_fen, detail)"
            " VALUES (?, 'pension', ?, '城乡居民基本养老金', 21000, '{}')",
            [(resident_id, (first + dt.timedelta(days=31 * n)).isoformat()) for n in range(count)],
        )
        db.commit()
    finally:
        db.close()


def test_the_first_page_arrives_formatted_and_the_second_when_asked(centre: CentralServer) -> None:
    watcher = Watcher(centre, 0)
    first = watcher.open("si-contrib")
    assert first.phase is Phase.SHOWN and first.page is not None
    assert (first.page.total, first.page.pages, len(first.page.rows)) == (120, 10, PAGE_SIZE)
    assert first.page.title.text("zh_CN") == "养老保险缴费记录"
    month, scheme, base, paid = first.page.cells("zh_CN")[0]
    assert month.endswith("月") and len(month) == len("2026年10月")
    assert scheme == "城乡居民基本养老保险" and base.startswith("¥") and paid.startswith("¥")
    assert first.page.cells("en")[0][0].split()[0] in calendar.month_abbr

    watcher.query.show_page(2)
    second = watcher.wait()
    assert second is not None and second.page is not None and second.page.page == 2
    assert second.page.rows[0] != first.page.rows[0]
    assert [v.phase for v in watcher.views if v] == [
        Phase.LOADING,
        Phase.SHOWN,
        Phase.LOADING,
        Phase.SHOWN,
    ]
    assert watcher.views[2] is not None and watcher.views[2].page == first.page  # kept meanwhile


def test_no_records_is_a_page_without_rows(centre: CentralServer) -> None:
    view = Watcher(centre, 2).open("pension")
    assert view.phase is Phase.SHOWN and view.page is not None
    assert (view.page.rows, view.page.total, view.page.pages) == ((), 0, 1)


def test_one_record_and_three_hundred_records(centre: CentralServer) -> None:
    add_pension_rows(centre, 0, 1)
    one = Watcher(centre, 0).open("pension")
    assert one.page is not None and len(one.page.rows) == one.page.total == 1

    add_pension_rows(centre, 0, 299)
    watcher = Watcher(centre, 0)
    many = watcher.open("pension")
    assert many.page is not None and (many.page.total, many.page.pages) == (300, 24)
    watcher.query.show_page(24)
    last = watcher.wait()
    assert last is not None and last.page is not None and len(last.page.rows) == 300 - 23 * 13
    assert not last.page.has_next
    watcher.query.show_page(25)  # past the end: nothing asked
    assert watcher.views[-1] is last


def test_a_malformed_answer_fails_whole_and_a_retry_shows_the_page(centre: CentralServer) -> None:
    watcher = Watcher(centre, 0, retries=0)
    centre.set_faults({"GET /v1/records": {"malformed_rate": 1.0}})
    try:
        failed = watcher.open("mi-account")
    finally:
        centre.set_faults({})
    assert failed.phase is Phase.FAILED and failed.page is None
    assert failed.resident_message == CentralMalformedAnswerError.resident_message
    assert "RecordsAnswer" in failed.technician_message
    watcher.query.retry()
    shown = watcher.wait()
    assert shown is not None and shown.phase is Phase.SHOWN and shown.wanted_page == 1


def test_a_centre_too_slow_to_answer_fails_with_a_timeout(centre: CentralServer) -> None:
    watcher = Watcher(centre, 0, retries=0, read_timeout_s=0.3)
    centre.set_faults({"GET /v1/records": {"latency_ms": 1500}})
    try:
        failed = watcher.open("subsidy")
    finally:
        centre.set_faults({})
    assert failed.phase is Phase.FAILED
    assert failed.resident_message == "服务中心响应超时，请稍后再试"


def test_a_page_that_arrives_after_the_resident_left_is_dropped(centre: CentralServer) -> None:
    watcher = Watcher(centre, 0)
    centre.set_faults({"GET /v1/records": {"latency_ms": 400}})
    try:
        watcher.query.open("si-contrib", PAGE_SIZE)
        watcher.session.card_detected()
        watcher.session.exit()  # the session ends: its wipe closes the query
        assert watcher.wait() is None
        threading.Event().wait(0.8)  # the answer arrives meanwhile
    finally:
        centre.set_faults({})
    assert watcher.views[-1] is None and watcher.query.view is None


def test_without_a_resident_session_nothing_is_asked(tmp_path: Path) -> None:
    query = RecordsQuery(
        Session(idle_timeout_s=120, elder_idle_timeout_s=180, warning_s=15), ThreadExecutor()
    )
    query.open("si-contrib", PAGE_SIZE)
    assert query.view is not None and query.view.phase is Phase.FAILED
    assert query.view.technician_message == "records not asked: no central service"
