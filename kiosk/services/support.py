"""Remote support through the heartbeat: what the centre's answers ask of this kiosk, done at
the next idle moment, never under a resident's finger.

- A new catalog version: the catalog is fetched again once no session is open (a menu must not
  change while a resident reads it).
- A technician's request for a diagnostic bundle (the zip of `kiosk-diag bundle`, masked, its
  logs capped to fit the upload limit) or a screenshot (PNG, taken only while no session is
  open): made and uploaded (PUT /v1/support-uploads/{id}) once idle; a failed upload is tried
  again at a later idle moment, `RETRY_S` on.

`heard()` runs on the outbox's thread; `when_idle()` on the GUI's (the screenshot is taken
there), and only when the front end says the kiosk is idle. Nothing here imports Qt.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk.executor import Executor, Outcome
from kiosk.session import Session, State

if TYPE_CHECKING:
    from kiosk.api.client import CentralClient
    from kiosk.api.models import HeartbeatAnswer
    from kiosk.catalog import CatalogLoader, CatalogStore
    from kiosk.config import Config
    from kiosk.devices.status import DeviceStatus

log = logging.getLogger(__name__)

BUNDLE_LOG_BYTES = 4 * 1024 * 1024  # logs in an uploaded bundle; zipped, well under the limit
RETRY_S = 60.0

Screenshot = Callable[[], bytes]  # the screen as PNG bytes, on the GUI thread


class RemoteSupport:
    def __init__(
        self,
        config: Config,
        session: Session,
        catalog: CatalogStore,
        executor: Executor,
        device_statuses: Callable[[], list[DeviceStatus]],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._config = config
        self._session = session
        self._catalog = catalog
        self._executor = executor
        self._device_statuses = device_statuses
        self._clock = clock
        self.central: CentralClient | None = None  # set when the core connects
        self.loader: CatalogLoader | None = None
        self.screenshot: Screenshot | None = None  # set by the touchscreen
        self._lock = threading.Lock()
        self._refetch = False
        self._asked: dict[str, str] = {}  # request id → kind, as the last answer listed them
        self._busy: set[str] = set()  # uploads under way
        self._not_before: dict[str, float] = {}  # request id → when to try again
        self._listeners: list[Callable[[str, str], None]] = []

    def on_uploaded(self, listener: Callable[[str, str], None]) -> None:
        """`listener(request_id, kind)` once an upload is accepted (tests, the log)."""
        self._listeners.append(listener)

    @property
    def pending(self) -> bool:
        """Something waits for an idle moment."""
        with self._lock:
            return self._refetch or bool(set(self._asked) - self._busy)

    def heard(self, answer: HeartbeatAnswer) -> None:
        """A heartbeat answer (the outbox's thread): remember what it asks for."""
        loaded = self._catalog.current.config_version  # 0: the first load is under way
        with self._lock:
            if loaded and answer.config_version != loaded and not self._refetch:
                log.info("catalog version %d announced (have %d)", answer.config_version, loaded)
                self._refetch = True
            self._asked = {request.id: request.kind for request in answer.support_requests}

    def when_idle(self) -> None:
        """The front end's idle moment (no session, nobody at the screen): do what waits."""
        if self._session.state is not State.IDLE:
            return
        now = self._clock()
        with self._lock:
            refetch, self._refetch = self._refetch, False
            due = {
                request_id: kind
                for request_id, kind in self._asked.items()
                if request_id not in self._busy and self._not_before.get(request_id, 0) <= now
            }
            self._busy |= set(due)
        if refetch and self.loader is not None:
            log.info("fetching the new catalog while no session is open")
            self.loader.refresh()
        for request_id, kind in due.items():
            self._start_upload(request_id, kind)

    def _start_upload(self, request_id: str, kind: str) -> None:
        if kind == "screenshot":
            if self.screenshot is None:
                log.warning("screenshot %s asked, but no screen to take it from", request_id[:8])
                self._done(request_id, ok=False)
                return
            png = self.screenshot()  # here, on the GUI thread, while no session is open

            def work() -> Any:
                return self._upload(request_id, png)
        else:

            def work() -> Any:
                return self._upload(request_id, self._bundle())

        self._executor.submit(work, lambda outcome: self._uploaded(request_id, kind, outcome))

    def _bundle(self) -> bytes:
        from kiosk.bundle_diag import write_bundle

        devices = [
            {"device": s.device, "level": str(s.level), "reason": s.reason}
            for s in self._device_statuses()
        ]
        out = io.BytesIO()
        write_bundle(out, self._config, devices, log_bytes=BUNDLE_LOG_BYTES)
        return out.getvalue()

    def _upload(self, request_id: str, data: bytes) -> int:
        if self.central is None:
            raise RuntimeError("no central service configured")
        return self.central.upload_support(request_id, data).bytes

    def _uploaded(self, request_id: str, kind: str, outcome: Outcome[Any]) -> None:
        from kiosk.api.errors import CentralError

        error = outcome.error
        if error is None:
            log.info("support %s %s uploaded: %d bytes", kind, request_id[:8], outcome.value)
            self._done(request_id, ok=True)
            for listener in self._listeners:
                listener(request_id, kind)
        elif isinstance(error, CentralError | OSError | RuntimeError):
            message = getattr(error, "technician_message", str(error))
            log.warning("support %s %s not uploaded: %s", kind, request_id[:8], message)
            self._done(request_id, ok=False)
        else:
            raise error  # a bug: the crash handler reports it

    def _done(self, request_id: str, *, ok: bool) -> None:
        with self._lock:
            self._busy.discard(request_id)
            if ok:
                self._asked.pop(request_id, None)  # the next answer will not list it again
                self._not_before.pop(request_id, None)
            else:
                self._not_before[request_id] = self._clock() + RETRY_S
