"""证明预览: the certificate a resident is about to print, page 1 as an image, before 确认打印.

The centre says what the certificate would hold (`POST /certificates/preview`: nothing is
issued or stored there); the same renderer that prints it draws it, marked 预览 with
placeholders where the issue fills in serial, verification code and QR code; page 1 becomes
a PNG the height of the screen's preview area. All of it on a worker, off the GUI thread.
Only 确认打印 issues the certificate (kiosk/services/certificates.py), so leaving after a
preview issues nothing. The image lives in memory until the service is left or the session's
wipe, whichever comes first.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from kiosk.api.errors import CentralError, ResidentSessionEndedError
from kiosk.executor import Executor, Outcome
from kiosk.services.asking import Asking
from kiosk.session import Session

if TYPE_CHECKING:
    from kiosk.api.client import CentralClient

log = logging.getLogger(__name__)

CANNOT_RENDER = "证明暂时无法打印，请联系工作人员"
_PDFIUM = threading.Lock()  # pdfium is one library state per process: one render at a time


class PreviewPhase(StrEnum):
    LOADING = "loading"
    SHOWN = "shown"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class PreviewView:
    """What the certificate screen shows beside 确认打印. Messages are plain Chinese keys."""

    phase: PreviewPhase
    service_id: str
    image_png: bytes = b""  # page 1, as tall as asked
    pages: int = 0
    resident_message: str = ""


@dataclass(frozen=True, slots=True)
class _Rendered:
    image_png: bytes
    pages: int


def first_page_png(pdf: bytes, height_px: int) -> tuple[bytes, int]:
    """Page 1 of `pdf` as a PNG `height_px` tall, and the number of pages."""
    import pypdfium2  # type: ignore[import-untyped]

    with _PDFIUM:
        document = pypdfium2.PdfDocument(pdf)
        try:
            page = document[0]
            bitmap = page.render(scale=height_px / page.get_height())
            image = bitmap.to_pil()
            pages = len(document)
        finally:
            document.close()
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue(), pages


class CertificatePreviewing(Asking[PreviewView]):
    """The preview before 确认打印 (kiosk.services.asking says how answers arrive)."""

    def __init__(self, session: Session, executor: Executor) -> None:
        super().__init__(session, executor)
        self.central: CentralClient | None = None  # set when the core connects
        self.token: Callable[[], str | None] = lambda: None
        self._height_px = 800

    def open(self, service_id: str, height_px: int) -> None:
        """Preview the certificate of `service_id`, page 1 `height_px` tall."""
        self._height_px = max(height_px, 100)
        self._ask(service_id)

    def retry(self) -> None:
        view = self.view
        if view is not None and view.phase is PreviewPhase.FAILED:
            self._ask(view.service_id)

    def _ask(self, service_id: str) -> None:
        self._outdate()
        self._set(PreviewView(PreviewPhase.LOADING, service_id))
        central, token, height_px = self.central, self.token(), self._height_px
        if central is None or token is None:
            log.warning("no preview of %s: no central service or no resident session", service_id)
            self._set(
                PreviewView(
                    PreviewPhase.FAILED, service_id, resident_message=CentralError.resident_message
                )
            )
            return

        def work() -> _Rendered:
            from kiosk.documents.certificate import preview_answer, render_certificate

            preview = central.preview_certificate(token, service_id)
            try:
                pdf = render_certificate(preview_answer(preview), preview=True)
                return _Rendered(*first_page_png(pdf, height_px))
            except Exception as error:  # a missing font, a broken library: say it, not crash
                raise _RenderError(f"{type(error).__name__}: {error}") from error

        self._submit(
            work,
            lambda outcome: self._arrived(service_id, outcome),
            late=f"the preview of {service_id}",
        )

    def _arrived(self, service_id: str, outcome: Outcome[Any]) -> None:
        error = outcome.error
        if error is None:
            rendered = outcome.value
            assert isinstance(rendered, _Rendered)
            log.info("preview of %s: %d page(s)", service_id, rendered.pages)
            self._set(
                PreviewView(PreviewPhase.SHOWN, service_id, rendered.image_png, rendered.pages)
            )
            return
        if isinstance(error, ResidentSessionEndedError):
            log.info("preview %s: the centre ended the session: %s", service_id, error)
            self._session.time_out()
            return
        if isinstance(error, CentralError):
            from kiosk.services.identification import resident_message

            log.warning("preview of %s failed: %s", service_id, error.technician_message)
            message = resident_message(error)
        elif isinstance(error, _RenderError):
            log.error("preview of %s could not be rendered: %s", service_id, error)
            message = CANNOT_RENDER
        else:
            raise error  # a bug: the crash handler reports it
        self._set(PreviewView(PreviewPhase.FAILED, service_id, resident_message=message))


class _RenderError(Exception):
    """The preview's PDF or image could not be made."""
