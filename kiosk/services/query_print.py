"""打印查询结果: a records answer, every page of it, printed on A4 as a query result.

Not a certificate: nothing is issued at the centre, so there is no serial, no verification
code and no seal; the page says 查询结果 and that it does not serve as a certificate. The
resident is named as the screens name them (masked: 张*, 511321********0030), so a sheet left
in the tray gives away no more than the screen did. The rows are fetched again, all of them,
when 打印查询结果 is tapped (the screen holds one page), formatted by the same `format_cell`
as the screen, drawn by the certificate renderer and printed by the A4 driver, followed to
the end of the job; all of it on a worker. Nothing is written to disk but the spooled job.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Final

from drivers.printer.a4 import A4Printer, A4PrinterError, wait_for_job
from kiosk.api.errors import CentralError, ResidentSessionEndedError
from kiosk.executor import Executor, Outcome
from kiosk.services.asking import Asking
from kiosk.services.records import RecordsPage, page_from_answer
from kiosk.session import Session

if TYPE_CHECKING:
    from kiosk.api.client import CentralClient
    from kiosk.api.models import Document

log = logging.getLogger(__name__)

FETCH_PAGE_SIZE: Final = 100  # the centre's largest page: the fewest requests
ROWS_PER_PAGE: Final = 35  # about what an A4 page of the renderer's table holds
MAX_ROWS: Final = 1000  # about 30 printed pages; beyond it the printout says it stops
NO_PRINTER: Final = "本机暂时不能打印，请联系工作人员"
CANNOT_PRINT: Final = "查询结果暂时无法打印，请联系工作人员"
PRINTED: Final = "查询结果已打印，请从下方出纸口取走"


class QueryPrintStage(StrEnum):
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class QueryPrintView:
    """What the records screen says about the printout; messages are plain Chinese keys."""

    stage: QueryPrintStage
    service_id: str
    pages: int = 0
    resident_message: str = ""


@dataclass(frozen=True, slots=True)
class Holder:
    """Who the printout is for, as the screens show them (masked by the centre)."""

    display_name: str
    masked_id: str


def query_result_document(
    pages: list[RecordsPage], holder: Holder, site: str, kiosk_id: str, now: dt.datetime
) -> Document:
    """The printout's content: the answer's title, the resident (masked), the summary lines,
    one table of every row, and what this sheet is and is not. In Chinese, as certificates."""
    from kiosk.api.models import Document, DocumentTable, KeyValue

    first = pages[0]
    rows = [row for page in pages for row in page.cells("zh_CN")]
    total = first.total
    notes = [
        "本页为自助终端打印的查询结果，仅供本人查阅，不作为证明使用；需要证明请办理相应的证明打印。",
        f"查询时间：{now:%Y年%m月%d日 %H:%M}；终端：{kiosk_id}。",
    ]
    if len(rows) < total:
        notes.insert(0, f"共 {total} 条记录，本页打印前 {len(rows)} 条；其余请到窗口查询。")
    return Document(
        title=first.title.zh_CN,
        subtitle="查询结果（不作证明使用）",
        recipient=[
            KeyValue(label="姓名", value=holder.display_name),
            KeyValue(label="公民身份号码", value=holder.masked_id),
        ],
        paragraphs=[line.zh_CN for line in first.summary],
        fields=[KeyValue(label="记录条数", value=str(total))],
        tables=[
            DocumentTable(
                title=None, columns=[c.title.zh_CN for c in first.columns], rows=rows or [["—"]]
            )
        ]
        if first.columns
        else [],
        notes=notes,
        issuer=site,
        issue_date=now.date(),
        seal_text="",
        pages_hint=1 + len(rows) // ROWS_PER_PAGE,
    )


class QueryResultPrinting(Asking[QueryPrintView]):
    """打印查询结果: every row fetched, then printed (kiosk.services.asking says how answers
    arrive). Leaving the service forgets the printout's state; a job at the printer still
    finishes."""

    def __init__(
        self,
        session: Session,
        executor: Executor,
        printer: A4Printer | None,
        *,
        site: str,
        kiosk_id: str,
        timeout_s: float,
    ) -> None:
        super().__init__(session, executor)
        self.printer = printer
        self._site = site
        self._kiosk_id = kiosk_id
        self._timeout_s = timeout_s
        self.central: CentralClient | None = None  # set when the core connects
        self.token: Callable[[], str | None] = lambda: None

    @property
    def busy(self) -> bool:
        return self.view is not None and self.view.stage is QueryPrintStage.PRINTING

    def print_all(self, service_id: str, holder: Holder) -> None:
        """Fetch every row of `service_id` and print them; one printout at a time."""
        if self.busy:
            return
        self._outdate()
        self._set(QueryPrintView(QueryPrintStage.PRINTING, service_id))
        central, token, printer = self.central, self.token(), self.printer
        if printer is None:
            self._set(
                QueryPrintView(QueryPrintStage.FAILED, service_id, resident_message=NO_PRINTER)
            )
            return
        if central is None or token is None:
            log.warning("query result of %s not printed: no centre or no session", service_id)
            self._set(
                QueryPrintView(
                    QueryPrintStage.FAILED,
                    service_id,
                    resident_message=CentralError.resident_message,
                )
            )
            return
        now = dt.datetime.now().astimezone()

        def work() -> int:
            pages = self._fetch_all(central, token, service_id)
            document = query_result_document(pages, holder, self._site, self._kiosk_id, now)
            from kiosk.documents.certificate import render_query_result
            from kiosk.services.certificates import page_count

            pdf = render_query_result(document)
            job = printer.submit(pdf, f"query-{service_id}")
            wait_for_job(printer, job, self._timeout_s)
            return page_count(pdf)

        self._submit(
            work,
            lambda outcome: self._done(service_id, outcome),
            late=f"the query result of {service_id}, printed after the resident left,",
        )

    @staticmethod
    def _fetch_all(central: CentralClient, token: str, service_id: str) -> list[RecordsPage]:
        started = time.monotonic()
        first = page_from_answer(
            service_id, central.records(token, service_id, 1, FETCH_PAGE_SIZE), 1, FETCH_PAGE_SIZE
        )
        pages = [first]
        wanted = min(first.pages, math.ceil(MAX_ROWS / FETCH_PAGE_SIZE))
        for number in range(2, wanted + 1):
            answer = central.records(token, service_id, number, FETCH_PAGE_SIZE)
            pages.append(page_from_answer(service_id, answer, number, FETCH_PAGE_SIZE))
        log.info(
            "query result of %s: %d page(s) of rows fetched in %.0f ms",
            service_id,
            len(pages),
            (time.monotonic() - started) * 1000,
        )
        return pages

    def _done(self, service_id: str, outcome: Outcome[Any]) -> None:
        error = outcome.error
        if error is None:
            log.info("query result of %s printed: %s page(s)", service_id, outcome.value)
            self._set(
                QueryPrintView(
                    QueryPrintStage.PRINTED,
                    service_id,
                    pages=int(outcome.value or 0),
                    resident_message=PRINTED,
                )
            )
            return
        if isinstance(error, ResidentSessionEndedError):
            self._session.time_out()
            return
        if isinstance(error, CentralError):
            from kiosk.services.identification import resident_message

            log.warning("query result of %s: %s", service_id, error.technician_message)
            message = resident_message(error)
        elif isinstance(error, A4PrinterError):
            log.warning("query result of %s not printed: %s", service_id, error)
            message = error.resident_message
        else:
            log.error("query result of %s not printed", service_id, exc_info=error)
            message = CANNOT_PRINT
        self._set(QueryPrintView(QueryPrintStage.FAILED, service_id, resident_message=message))
