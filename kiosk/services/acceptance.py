"""受理回执: the slip that says an application went in, printed as soon as it did.

On the receipt printer when the kiosk has one, else on A4. It says what the application is,
its number, when it went in, the promised date, the materials received and how the result
comes, with a QR code of the public progress page; no name and no ID number (a slip may be
left in the tray). Printed on the executor; listeners get the resident message.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from drivers.errors import DeviceError
from drivers.printer.a4 import A4Printer, wait_for_job
from kiosk.executor import Executor, Outcome
from kiosk.services.receipts import ReceiptPrinting

if TYPE_CHECKING:
    from kiosk.documents.receipt import Receipt
    from kiosk.services.applying import Submitted

log = logging.getLogger(__name__)

PRINTED: Final = "受理回执已打印，请取走"
NOT_PRINTED: Final = "受理回执没有打印出来，可在“办件查询”中查看办理进度"


def acceptance_receipt(submitted: Submitted, site: str, now: dt.datetime) -> Receipt:
    """The slip's content, in Chinese (as every printout)."""
    from kiosk.documents.receipt import ACCEPTANCE_FOOTER, ACCEPTANCE_TITLE, Receipt

    extra = []
    if submitted.promised_date:
        extra.append(f"承诺办结：{submitted.promised_date:%Y年%m月%d日}前")
    if submitted.delivery == "post":
        extra.append("结果领取：邮寄到家")
    else:
        place = submitted.pickup_place.get("zh_CN", "")
        extra.append(f"结果领取：{place or '到承办部门'}自取")
    extra.append("已收材料：")
    for title, pages in submitted.materials:
        # A bullet, not an indent: the A4 layout collapses leading spaces.
        extra.append(f"· {title.get('zh_CN', '')}  " + (f"{pages}页" if pages else "数据共享"))
    return Receipt(
        service=submitted.title.get("zh_CN", ""),
        printed_at=now,
        serial_no=submitted.application_no,
        verify_code="",
        verify_url=submitted.progress_url,
        site=site,
        title=ACCEPTANCE_TITLE,
        footer=ACCEPTANCE_FOOTER,
        extra=tuple(extra),
    )


class AcceptancePrinting:
    def __init__(
        self,
        executor: Executor,
        receipts: ReceiptPrinting | None,
        printer: A4Printer | None,
        *,
        site: str,
        timeout_s: float,
    ) -> None:
        self._executor = executor
        self.receipts = receipts
        self.printer = printer
        self._site = site
        self._timeout_s = timeout_s
        self._listeners: list[Callable[[str], None]] = []

    def on_finished(self, listener: Callable[[str], None]) -> None:
        self._listeners.append(listener)

    def print_for(self, submitted: Submitted) -> None:
        receipts, printer = self.receipts, self.printer
        if receipts is None and printer is None:
            log.warning("受理回执 of %s not printed: no printer", submitted.application_no)
            self._finished(NOT_PRINTED)
            return
        slip = acceptance_receipt(submitted, self._site, dt.datetime.now().astimezone())

        def work() -> None:
            if receipts is not None:
                receipts.output.print_receipt(slip)
                return
            assert printer is not None
            from kiosk.documents.certificate import render_acceptance

            job = printer.submit(render_acceptance(slip), f"acceptance-{submitted.application_no}")
            wait_for_job(printer, job, self._timeout_s)

        self._executor.submit(work, lambda outcome: self._printed(submitted, outcome))

    def _printed(self, submitted: Submitted, outcome: Outcome[Any]) -> None:
        error = outcome.error
        if error is None:
            log.info("受理回执 of %s printed", submitted.application_no)
            self._finished(PRINTED)
        elif isinstance(error, DeviceError):  # A4PrinterError is one
            log.warning("受理回执 of %s not printed: %s", submitted.application_no, error)
            self._finished(NOT_PRINTED)
        else:
            raise error

    def _finished(self, message: str) -> None:
        for listener in self._listeners:
            listener(message)
