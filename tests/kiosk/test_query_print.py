"""打印查询结果 in the core: every row of a records answer, fetched again and printed on A4 as a
query result (no serial, no code, no seal), through the real cupsd with cups-pdf, the
reference centre on loopback, and its faults."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from drivers.idcard.demo import DEMO_CARDS
from drivers.printer.cups import CupsPrinter
from kiosk.documents.certificate import render_query_result
from kiosk.executor import ThreadExecutor
from kiosk.services.identification import idcard_session_request
from kiosk.services.query_print import (
    PRINTED,
    Holder,
    QueryPrintStage,
    QueryPrintView,
    QueryResultPrinting,
    query_result_document,
)
from kiosk.session import Resident, Session, State
from tests.conftest import FakeClock
from tests.rigs.central import CentralServer
from tests.rigs.cups import CupsRig

CARD = DEMO_CARDS[0]  # 张伟: ten years of contributions in the demo data
HOLDER = Holder("张*", "511321********0030")


class Rig:
    def __init__(self, central: CentralServer, cups: CupsRig, clock: FakeClock) -> None:
        self.cups = cups
        self._earlier = set(cups.out_dir.glob("*.pdf"))  # the session's cupsd printed these
        self.client = central.client()
        self.token = self.client.open_session(idcard_session_request(CARD, "query-test")).token
        self.session = Session(
            idle_timeout_s=60, elder_idle_timeout_s=120, warning_s=15, clock=clock
        )
        self.session.card_detected()
        self.session.identified(Resident(HOLDER.display_name, HOLDER.masked_id))
        self.session.choose_service("si-contrib")
        self.executor = ThreadExecutor()
        self.printing = QueryResultPrinting(
            self.session,
            self.executor,
            CupsPrinter(cups.pdf_queue, cups.server),
            site="青龙村便民服务站",
            kiosk_id="demo-0001",
            timeout_s=60,
        )
        self.printing.central = self.client
        self.printing.token = lambda: self.token
        self.views: list[QueryPrintView | None] = []
        self.printing.on_change(self.views.append)

    def wait(self, ready: Callable[[], bool], timeout_s: float = 60) -> None:
        deadline = time.monotonic() + timeout_s
        while not ready():
            assert time.monotonic() < deadline, f"not reached: {self.printing.view}"
            time.sleep(0.02)

    def finished(self) -> bool:
        view = self.printing.view
        return view is not None and view.stage is not QueryPrintStage.PRINTING

    def printed_pdfs(self) -> list[Path]:
        return sorted(set(self.cups.out_dir.glob("*.pdf")) - self._earlier)


def pdf_text(pdf: bytes) -> str:
    return (
        subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        )
        .stdout.decode()
        .replace(" ", "")
    )


@pytest.fixture
def printing(central_server: CentralServer, rig: CupsRig, clock: FakeClock) -> Iterator[Rig]:
    printing = Rig(central_server, rig, clock)
    yield printing
    printing.executor.drain(30)


def test_every_row_is_printed_as_a_query_result_not_a_certificate(printing: Rig) -> None:
    rows = printing.client.records(printing.token, "si-contrib", 1, 100).total
    assert rows > 100  # more than one page of the centre's: all of them are fetched
    printing.printing.print_all("si-contrib", HOLDER)
    assert printing.printing.busy
    printing.wait(printing.finished)
    view = printing.printing.view
    assert view is not None and view.stage is QueryPrintStage.PRINTED, view
    assert view.resident_message == PRINTED and view.pages >= 3
    [pdf] = printing.printed_pdfs()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages_line = re.search(r"^Pages:\s+(\d+)$", info.stdout, re.MULTILINE)
    assert pages_line is not None and int(pages_line[1]) == view.pages  # cups-pdf's, whole
    # What those pages say (cups-pdf re-distils the PDF and loses the CJK text layer, so
    # the text is read from the renderer's own PDF of the same rows).
    pages = QueryResultPrinting._fetch_all(printing.client, printing.token, "si-contrib")
    now = dt.datetime(2026, 12, 2, 16, 0).astimezone()
    document = query_result_document(pages, HOLDER, "青龙村便民服务站", "demo-0001", now)
    text = pdf_text(render_query_result(document))
    assert "查询结果（不作证明使用）" in text and "不作为证明使用" in text
    assert "张*" in text and "511321********0030" in text
    assert CARD.name not in text and CARD.id_number not in text  # masked, as on the screen
    assert "验证码" not in text and "编号" not in text  # nothing was issued
    assert f"记录条数{rows}" in text
    assert text.count("¥") >= rows  # every row's amount, formatted as on the screen


def test_paper_out_is_said_and_nothing_is_lost(printing: Rig) -> None:
    printing.cups.disable(printing.cups.pdf_queue, "media-empty-error")
    try:
        printing.printing.print_all("si-contrib", HOLDER)
        printing.wait(printing.finished)
    finally:
        printing.cups.enable(printing.cups.pdf_queue)
    view = printing.printing.view
    assert view is not None and view.stage is QueryPrintStage.FAILED
    assert view.resident_message  # what the resident reads, not a traceback
    printing.printing.print_all("si-contrib", HOLDER)  # once it is back: again, whole
    printing.wait(printing.finished)
    assert printing.printing.view is not None
    assert printing.printing.view.stage is QueryPrintStage.PRINTED


def test_a_centre_failing_midway_prints_nothing_half(
    printing: Rig, central_server: CentralServer
) -> None:
    central_server.set_faults({"GET /v1/records": {"error_rate": 1.0}})
    try:
        printing.printing.print_all("si-contrib", HOLDER)
        printing.wait(printing.finished)
    finally:
        central_server.set_faults({})
    view = printing.printing.view
    assert view is not None and view.stage is QueryPrintStage.FAILED
    assert printing.printed_pdfs() == []


def test_leaving_forgets_the_printout(printing: Rig) -> None:
    printing.printing.print_all("si-contrib", HOLDER)
    printing.session.exit()
    assert printing.printing.view is None
    assert printing.session.state is State.IDLE
