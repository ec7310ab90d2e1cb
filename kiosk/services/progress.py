"""办件查询: the resident's applications and, for one, its timeline, off the GUI thread.

    open() ─► LOADING ─► LIST ─► (choose) LOADING ─► DETAIL ─► back() ─► LIST
                 └──────────► FAILED ◄───────┘        retry(): what was asked again

An application in 需补正 offers 补正材料 on its detail page (the journey hands it to
`Applying.resume`). Nothing is written anywhere; the answers go with the session's wipe.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from kiosk.api.errors import CentralError, ResidentSessionEndedError
from kiosk.executor import Executor, Outcome
from kiosk.services.asking import Asking
from kiosk.session import Session

if TYPE_CHECKING:
    from kiosk.api.applications import ApplicationSummary, ApplicationView
    from kiosk.api.client import CentralClient

log = logging.getLogger(__name__)


class Phase(StrEnum):
    LOADING = "loading"
    LIST = "list"
    DETAIL = "detail"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ProgressView:
    phase: Phase
    applications: tuple[ApplicationSummary, ...] = ()
    detail: ApplicationView | None = None
    wanted: str = ""  # the application asked for (LOADING/FAILED of a detail); "": the list
    resident_message: str = ""


class ApplicationsQuery(Asking[ProgressView]):
    """办件查询 (kiosk.services.asking says how answers arrive)."""

    def __init__(self, session: Session, executor: Executor) -> None:
        super().__init__(session, executor)
        self.central: CentralClient | None = None  # set when the core connects
        self.token: Callable[[], str | None] = lambda: None

    def open(self) -> None:
        """The list, newest first."""
        self._ask("")

    def choose(self, application_id: str) -> None:
        self._ask(application_id)

    def back(self) -> bool:
        """From a detail to the list (False: already at the list)."""
        view = self.view
        if view is None or (view.phase is not Phase.DETAIL and not view.wanted):
            return False
        if view.applications:
            self._outdate()
            self._set(ProgressView(Phase.LIST, view.applications))
        else:
            self.open()
        return True

    def retry(self) -> None:
        view = self.view
        if view is not None and view.phase is Phase.FAILED:
            self._ask(view.wanted)

    def _ask(self, application_id: str) -> None:
        self._outdate()
        known = self.view.applications if self.view is not None else ()
        self._set(ProgressView(Phase.LOADING, known, wanted=application_id))
        central, token = self.central, self.token()
        if central is None or token is None:
            log.warning("applications not asked: no centre or no resident session")
            self._set(
                ProgressView(
                    Phase.FAILED,
                    known,
                    wanted=application_id,
                    resident_message=CentralError.resident_message,
                )
            )
            return

        def work() -> Any:
            if application_id:
                return central.application(token, application_id)
            return tuple(central.applications(token).applications)

        self._submit(
            work,
            lambda outcome: self._arrived(application_id, known, outcome),
            late=f"the application {application_id}" if application_id else "the applications",
        )

    def _arrived(
        self, application_id: str, known: tuple[ApplicationSummary, ...], outcome: Outcome[Any]
    ) -> None:
        error = outcome.error
        if error is None:
            if application_id:
                self._set(ProgressView(Phase.DETAIL, known, detail=outcome.value))
            else:
                self._set(ProgressView(Phase.LIST, tuple(outcome.value or ())))
            return
        if isinstance(error, ResidentSessionEndedError):
            self._session.time_out()
            return
        if not isinstance(error, CentralError):
            raise error
        from kiosk.services.identification import resident_message

        log.warning("applications query failed: %s", error.technician_message)
        self._set(
            ProgressView(
                Phase.FAILED, known, wanted=application_id, resident_message=resident_message(error)
            )
        )
