"""申请 (一窗受理, 一件事一次办): a resident applies at the kiosk, off the GUI thread.

    open(service) ─► NEEDS ─► FORM (one question a page, then how to receive the result)
                                 │
                                 ▼
                              CAPTURE (each material to scan: pages captured, retaken)
                                 │
                                 ▼
                              REVIEW ─► SUBMITTING ─► SUBMITTED (受理回执 printed)
                                            │
                                            └─► FAILED ── retry() ──► SUBMITTING

`resume(application)` starts at CAPTURE with only what a 需补正 notice asks for, and submits
the same application again. Submitting is one job on the executor: create the application
(its idempotency key is drawn when the form opens, so a retry after a lost answer finds the
same draft), upload each material as one file (one page: its JPEG; more: one PDF of the
pages' JPEGs, not re-encoded), then submit. Captured pages live in memory only and go with
the session's wipe.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from kiosk.api.errors import CentralError, CentralRefusedError, ResidentSessionEndedError
from kiosk.catalog import MaterialNeed, Question, Service
from kiosk.executor import Executor, Outcome
from kiosk.services.asking import Asking
from kiosk.session import Session

if TYPE_CHECKING:
    from drivers.scanner import Page
    from kiosk.api.applications import ApplicationView
    from kiosk.api.client import CentralClient
    from kiosk.services.capture import DocumentCapture

log = logging.getLogger(__name__)

PREVIEW_HEIGHT_PX = 480  # a captured page as the screen shows it: decoded at once
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
NUMBER = re.compile(r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$")
DELIVERY_QUESTION = "delivery"  # the form's last page: 自取 or 邮寄
# The resident's messages (ui/resident_messages.py lists them for translation).
REQUIRED = "此项必须填写"
NOT_A_NUMBER = "请填写数字"
NOT_A_MOBILE = "请填写11位手机号码"
NOT_A_DATE = "请选择日期"
TOO_LONG = "内容过长"
ADDRESS_NEEDED = "邮寄需要填写收件地址"
PAGES_MISSING = "请拍摄这项材料"
NO_SCANNER = "本机没有材料拍摄设备，请到村便民服务站办理"
NOT_SENT = "申请没有提交成功，请重试"


class Step(StrEnum):
    NEEDS = "needs"  # what you will need
    FORM = "form"
    CAPTURE = "capture"
    REVIEW = "review"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class CapturedPage:
    jpeg: bytes  # as it is uploaded (≤ the scanner's budget a page)
    preview: bytes  # a small JPEG the screen decodes at once
    width_px: int
    height_px: int
    dpi: int


@dataclass(frozen=True, slots=True)
class Submitted:
    """What the 受理回执 and the submitted screen say."""

    application_id: str
    application_no: str
    title: dict[str, str]
    status_text: dict[str, str]
    submitted_at: dt.datetime | None
    promised_date: dt.date | None
    materials: tuple[tuple[dict[str, str], int], ...]  # (title, pages) received; 0: 数据共享
    delivery: str
    pickup_place: dict[str, str]
    progress_url: str


@dataclass(frozen=True, slots=True)
class ApplyingView:
    """What the applying screens show now. Messages are plain Chinese keys the UI translates."""

    step: Step
    service: Service
    answers: dict[str, str] = field(default_factory=dict)
    delivery: str = "pickup"
    address: str = ""
    question: int = 0  # FORM: the question on screen; len(questions): the delivery page
    material: int = 0  # CAPTURE: the index in `to_capture`
    pages: dict[str, tuple[CapturedPage, ...]] = field(default_factory=dict)
    capturing: bool = False
    problem: str = ""  # what is wrong with the page on screen
    resident_message: str = ""  # FAILED
    submitted: Submitted | None = None
    resubmitting: str = ""  # the application id, after 需补正
    asked: tuple[str, ...] = ()  # after 需补正: the material keys asked for again

    @property
    def questions(self) -> tuple[Question, ...]:
        form = self.service.form
        return () if self.resubmitting or form is None else form.questions

    @property
    def materials(self) -> tuple[MaterialNeed, ...]:
        form = self.service.form
        return () if form is None else form.materials

    @property
    def to_capture(self) -> tuple[MaterialNeed, ...]:
        if self.resubmitting:
            return tuple(m for m in self.materials if m.key in self.asked)
        return tuple(m for m in self.materials if m.scanned)

    @property
    def current_material(self) -> MaterialNeed | None:
        wanted = self.to_capture
        return wanted[self.material] if 0 <= self.material < len(wanted) else None

    @property
    def current_question(self) -> Question | None:
        questions = self.questions
        return questions[self.question] if self.question < len(questions) else None


def check_answer(question: Question, value: str) -> str:
    """The resident message for what is wrong with `value`, or "" (the centre checks again)."""
    value = value.strip()
    if not value:
        return REQUIRED if question.required and not question.prefill else ""
    if len(value) > question.max_length:
        return TOO_LONG
    if question.kind == "number" and not NUMBER.match(value):
        return NOT_A_NUMBER
    if question.kind == "phone" and not MOBILE.match(value):
        return NOT_A_MOBILE
    if question.kind == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return NOT_A_DATE
    if question.kind == "choice" and value not in {choice for choice, _title in question.choices}:
        return REQUIRED
    return ""


def material_file(pages: tuple[CapturedPage, ...]) -> bytes:
    """One file for a material: a single page's JPEG as it is, several pages as one PDF whose
    pages are those JPEGs (reportlab embeds a JPEG without re-encoding it)."""
    if len(pages) == 1:
        return pages[0].jpeg
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pageCompression=1)
    for page in pages:
        width = page.width_px * 72 / page.dpi
        height = page.height_px * 72 / page.dpi
        canvas.setPageSize((width, height))
        canvas.drawImage(ImageReader(io.BytesIO(page.jpeg)), 0, 0, width, height)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def captured(page: Page) -> CapturedPage:
    """A page from the scanner with its small preview (made here, on the worker)."""
    from PIL import Image

    image = Image.open(io.BytesIO(page.jpeg))
    image.thumbnail((PREVIEW_HEIGHT_PX * 2, PREVIEW_HEIGHT_PX))
    out = io.BytesIO()
    image.convert("RGB").save(out, "JPEG", quality=80)
    return CapturedPage(page.jpeg, out.getvalue(), page.width_px, page.height_px, page.dpi)


def submitted_from(view: ApplicationView, pages: dict[str, int]) -> Submitted:
    materials = tuple(
        (m.title.model_dump(), pages.get(m.key, 0)) for m in view.materials if m.received
    )
    return Submitted(
        application_id=view.application_id,
        application_no=view.application_no,
        title=view.title.model_dump(),
        status_text=view.status_text.model_dump(),
        submitted_at=view.submitted_at,
        promised_date=view.promised_date,
        materials=materials,
        delivery=view.delivery,
        pickup_place=view.pickup_place.model_dump() if view.pickup_place else {},
        progress_url=view.progress_url or "",
    )


class Applying(Asking[ApplyingView]):
    """The resident's application (kiosk.services.asking says how answers arrive)."""

    def __init__(
        self, session: Session, executor: Executor, capture: DocumentCapture | None
    ) -> None:
        super().__init__(session, executor)
        self.capture = capture
        self.central: CentralClient | None = None  # set when the core connects
        self.token: Callable[[], str | None] = lambda: None
        self._idempotency_key = ""
        self._submitted_listeners: list[Callable[[Submitted], None]] = []

    def on_submitted(self, listener: Callable[[Submitted], None]) -> None:
        """Called once an application went in: the 受理回执 prints."""
        self._submitted_listeners.append(listener)

    @property
    def busy(self) -> bool:
        view = self.view
        return view is not None and (view.capturing or view.step is Step.SUBMITTING)

    # --- moving through the steps --------------------------------------------------------

    def open(self, service: Service) -> None:
        """申请 `service` (an application or a bundle): what it needs first."""
        self._outdate()
        self._idempotency_key = secrets.token_urlsafe(24)
        self._set(ApplyingView(Step.NEEDS, service))

    def resume(self, service: Service, application_id: str, missing: tuple[str, ...]) -> None:
        """补正: capture what the department asked for again, and submit the same application."""
        self._outdate()
        view = ApplyingView(Step.CAPTURE, service, resubmitting=application_id, asked=missing)
        self._set(view if view.to_capture else replace(view, step=Step.REVIEW))

    def start(self) -> None:
        """开始申请, from the needs page."""
        view = self.view
        if view is not None and view.step is Step.NEEDS:
            self._set(replace(view, step=Step.FORM, question=0, problem=""))

    def answer(self, key: str, value: str) -> None:
        view = self.view
        if view is not None and view.step is Step.FORM:
            self._changed()
            self._set(replace(view, answers={**view.answers, key: value}, problem=""))

    def choose_delivery(self, method: str, address: str = "") -> None:
        view = self.view
        if view is not None and method in ("pickup", "post"):
            self._changed()
            self._set(replace(view, delivery=method, address=address, problem=""))

    def _changed(self) -> None:
        """An answer changed: a draft the centre made from the old answers (a submission that
        failed after it) is left behind, never submitted; the next submission makes a new one."""
        self._idempotency_key = secrets.token_urlsafe(24)

    def forward(self) -> None:
        """下一步: the next question, material or the review, once this page is right."""
        view = self.view
        if view is None or self.busy:
            return
        if view.step is Step.FORM:
            question = view.current_question
            if question is not None:
                problem = check_answer(question, view.answers.get(question.key, ""))
                if problem:
                    self._set(replace(view, problem=problem))
                    return
                self._set(replace(view, question=view.question + 1, problem=""))
                return
            if view.delivery == "post" and not view.address.strip():
                self._set(replace(view, problem=ADDRESS_NEEDED))
                return
            step = Step.CAPTURE if view.to_capture else Step.REVIEW
            self._set(replace(view, step=step, material=0, problem=""))
        elif view.step is Step.CAPTURE:
            material = view.current_material
            if material is not None and material.required and not view.pages.get(material.key):
                self._set(replace(view, problem=PAGES_MISSING))
                return
            if view.material + 1 < len(view.to_capture):
                self._set(replace(view, material=view.material + 1, problem=""))
            else:
                self._set(replace(view, step=Step.REVIEW, problem=""))

    def backward(self) -> bool:
        """上一步; False at the first page (the screen then leaves the service)."""
        view = self.view
        if view is None or self.busy:
            return False
        if view.step is Step.FORM:
            if view.question == 0:
                self._set(replace(view, step=Step.NEEDS, problem=""))
            else:
                self._set(replace(view, question=view.question - 1, problem=""))
        elif view.step is Step.CAPTURE:
            if view.material > 0:
                self._set(replace(view, material=view.material - 1, problem=""))
            elif view.resubmitting:
                return False
            else:
                self._set(replace(view, step=Step.FORM, question=len(view.questions)))
        elif view.step in (Step.REVIEW, Step.FAILED):
            if view.to_capture:
                last = len(view.to_capture) - 1
                self._set(replace(view, step=Step.CAPTURE, material=last, problem=""))
            elif view.resubmitting:
                return False
            else:
                self._set(replace(view, step=Step.FORM, question=len(view.questions)))
        else:
            return False
        return True

    def edit(self, question: int) -> None:
        """修改, from the review: straight to that question."""
        view = self.view
        if view is not None and view.step is Step.REVIEW and not view.resubmitting:
            self._set(replace(view, step=Step.FORM, question=question, problem=""))

    # --- capturing -----------------------------------------------------------------------

    def capture_page(self, replacing: int | None = None) -> None:
        """拍摄 (a new page) or 重拍 (`replacing` that page), on the executor."""
        view, capture = self.view, self.capture
        material = view.current_material if view is not None else None
        if view is None or material is None or view.capturing or view.step is not Step.CAPTURE:
            return
        if capture is None:
            self._set(replace(view, problem=NO_SCANNER))
            return
        pages = view.pages.get(material.key, ())
        if replacing is None and len(pages) >= material.max_pages:
            return
        self._set(replace(view, capturing=True, problem=""))
        self._submit(
            lambda: captured(capture.capture()),
            lambda outcome: self._captured(material.key, replacing, outcome),
            late=f"a captured page of {material.key}",
        )

    def drop_page(self, index: int) -> None:
        view = self.view
        material = view.current_material if view is not None else None
        if view is None or material is None or view.capturing:
            return
        pages = list(view.pages.get(material.key, ()))
        if 0 <= index < len(pages):
            del pages[index]
            self._set(replace(view, pages={**view.pages, material.key: tuple(pages)}))

    def _captured(self, key: str, replacing: int | None, outcome: Outcome[Any]) -> None:
        view = self.view
        if view is None:
            return
        error = outcome.error
        if error is not None:
            from drivers.scanner import ScannerError

            if not isinstance(error, ScannerError):
                raise error
            log.warning("capture of %s failed: %s", key, error.technician_message)
            self._set(replace(view, capturing=False, problem=error.resident_message))
            return
        page = outcome.value
        assert isinstance(page, CapturedPage)
        pages = list(view.pages.get(key, ()))
        if replacing is not None and 0 <= replacing < len(pages):
            pages[replacing] = page
        else:
            pages.append(page)
        log.info("captured a page of %s: %d bytes, %dx%d", key, len(page.jpeg),
                 page.width_px, page.height_px)  # fmt: skip
        self._set(replace(view, capturing=False, pages={**view.pages, key: tuple(pages)}))

    # --- submitting ----------------------------------------------------------------------

    def submit(self) -> None:
        """提交申请 (or 重新提交 after 需补正), from the review; again after a failure."""
        view = self.view
        if view is None or view.step not in (Step.REVIEW, Step.FAILED):
            return
        central, token = self.central, self.token()
        if central is None or token is None:
            log.warning("application not submitted: no centre or no resident session")
            self._set(
                replace(view, step=Step.FAILED, resident_message=CentralError.resident_message)
            )
            return
        self._set(replace(view, step=Step.SUBMITTING, resident_message=""))
        files = {key: material_file(pages) for key, pages in view.pages.items() if pages}
        counts = {key: len(pages) for key, pages in view.pages.items() if pages}
        key = self._idempotency_key

        def work() -> Submitted:
            return submitted_from(_send(central, token, view, files, key), counts)

        self._submit(work, self._sent, late="an application that went in after the resident left")

    def _sent(self, outcome: Outcome[Any]) -> None:
        view = self.view
        if view is None:
            return
        error = outcome.error
        if error is None:
            done = outcome.value
            assert isinstance(done, Submitted)
            log.info("application %s submitted (%s)", done.application_no, view.service.id)
            # Submitted: the pages and the answers are the centre's now; the kiosk keeps none.
            self._set(
                ApplyingView(
                    Step.SUBMITTED, view.service, submitted=done, resubmitting=view.resubmitting
                )
            )
            for listener in self._submitted_listeners:
                listener(done)
            return
        if isinstance(error, ResidentSessionEndedError):
            self._session.time_out()
            return
        if not isinstance(error, CentralError):
            raise error
        from kiosk.services.identification import resident_message

        log.warning("application %s not submitted: %s", view.service.id, error.technician_message)
        message = resident_message(error) if isinstance(error, CentralRefusedError) else NOT_SENT
        self._set(replace(view, step=Step.FAILED, resident_message=message))


def _send(
    central: CentralClient, token: str, view: ApplyingView, files: dict[str, bytes], key: str
) -> ApplicationView:
    """Create (or find again), upload, submit: safe to repeat after any failure."""
    from kiosk.api.applications import ApplicationRequest, Delivery

    application_id = view.resubmitting
    if application_id:
        current = central.application(token, application_id)
        if current.status != "correction":
            return current  # it went in again before the answer was lost
        status: str = current.status
    else:
        answers = {k: v.strip() for k, v in view.answers.items() if v.strip()}
        address = view.address.strip() if view.delivery == "post" else None
        created = central.create_application(
            token,
            ApplicationRequest(
                service_id=view.service.id,
                idempotency_key=key,
                form=answers,
                delivery=Delivery(method=view.delivery, address=address),  # type: ignore[arg-type]
            ),
        )
        application_id, status = created.application_id, created.status
    if status in ("draft", "correction"):
        for material, data in files.items():
            central.put_material(token, application_id, material, data)
        return central.submit_application(token, application_id)
    return central.application(token, application_id)  # it went in before the answer was lost
