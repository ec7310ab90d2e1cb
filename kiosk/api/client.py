"""The signed client of the central service (blocking; run it off the GUI thread).

One `requests.Session` with a connection pool; every request signed at send time with the
clock offset learned from the centre; TLS verified against the configured CA bundle; retries
with back-off only where repeating is harmless; every answer validated by the contract.
"""

from __future__ import annotations

import email.utils
import logging
import random
import time
from dataclasses import dataclass
from typing import TypeVar

import requests
from pydantic import BaseModel, ValidationError
from requests.adapters import HTTPAdapter

from kiosk.api import signing
from kiosk.api.applications import (
    ApplicationCreated,
    ApplicationList,
    ApplicationRequest,
    ApplicationView,
    MaterialReceived,
)
from kiosk.api.errors import (
    CentralError,
    CentralMalformedAnswerError,
    CentralRefusedError,
    CentralTimeoutError,
    CentralTlsError,
    CentralUnreachableError,
    KioskNotAuthorizedError,
    ResidentSessionEndedError,
)
from kiosk.api.models import (
    API_PREFIX,
    Accepted,
    AuditEvent,
    Catalog,
    CertificateAnswer,
    CertificatePreview,
    CertificatePreviewRequest,
    CertificateRequest,
    DemoSmsCode,
    ErrorAnswer,
    Heartbeat,
    HeartbeatAnswer,
    HelpAnswer,
    HelpRequest,
    PrintResult,
    Rating,
    RecordsAnswer,
    SessionAnswer,
    SessionByIdCard,
    SessionBySms,
    SessionBySsCard,
    SmsCodeAnswer,
    SmsCodeRequest,
    SupportUploaded,
)
from kiosk.api.texts import CentreTexts

log = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)
SKEW_CODE = "auth_clock_skew"
_SESSION_CODES = ("session_invalid", "session_expired", "session_missing")


@dataclass(frozen=True, slots=True)
class ClientSettings:
    base_url: str
    kiosk_id: str
    secret: str
    ca_bundle: str | None = None  # None: the system's CAs
    client_cert: tuple[str, str] | None = None  # (certificate, key) PEM files
    connect_timeout_s: float = 3.0
    read_timeout_s: float = 10.0
    retries: int = 2
    backoff_s: float = 0.2


@dataclass(frozen=True, slots=True)
class Probe:
    round_trip_ms: float
    clock_offset_s: float | None  # the centre's clock minus ours (1 s resolution)
    config_version: int
    services: int


class CentralClient:
    """Thread-safe enough for one worker pool: requests.Session pools connections per host."""

    def __init__(self, settings: ClientSettings, texts: CentreTexts | None = None) -> None:
        """`texts` learns the English of the centre's messages for residents (refusals)."""
        self.settings = settings
        self.texts = texts if texts is not None else CentreTexts()
        self.clock_offset_s = 0.0
        self._http = requests.Session()
        self._http.trust_env = False  # no proxy look-up per call; set proxies explicitly
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=8)
        self._http.mount("http://", adapter)
        self._http.mount("https://", adapter)
        self._http.verify = settings.ca_bundle or True
        if settings.client_cert:
            self._http.cert = settings.client_cert

    def close(self) -> None:
        self._http.close()

    # --- the API -------------------------------------------------------------------------

    def catalog(self) -> Catalog:
        return self._call("GET", "/catalog", None, Catalog, idempotent=True)

    def request_sms_code(self, id_number: str) -> SmsCodeAnswer:
        body = SmsCodeRequest(id_number=id_number)
        return self._call("POST", "/sms-codes", body, SmsCodeAnswer, idempotent=False)

    def demo_sms_code(self, id_number: str) -> str:
        """Demo mode only (`kiosk-central serve --demo`): the code just sent to this resident,
        so the demo panel can show it without a phone."""
        path, shown = f"/demo/sms-codes/{id_number}", "/demo/sms-codes/{id_number}"
        return self._call("GET", path, None, DemoSmsCode, idempotent=True, shown=shown).code

    def open_session(
        self, request: SessionByIdCard | SessionBySms | SessionBySsCard
    ) -> SessionAnswer:
        return self._call("POST", "/sessions", request, SessionAnswer, idempotent=False)

    def close_session(self, token: str) -> None:
        # The token is a secret: it stays out of every log line ("shown" path).
        self._call(
            "DELETE", f"/sessions/{token}", None, None, idempotent=True, shown="/sessions/{token}"
        )

    def records(
        self, token: str, service_id: str, page: int = 1, page_size: int = 20
    ) -> RecordsAnswer:
        path = f"/records/{service_id}?page={page}&page_size={page_size}"
        return self._call("GET", path, None, RecordsAnswer, token=token, idempotent=True)

    def issue_certificate(
        self, token: str, service_id: str, idempotency_key: str
    ) -> CertificateAnswer:
        body = CertificateRequest(service_id=service_id, idempotency_key=idempotency_key)
        # The idempotency key makes a repeat return the same certificate: safe to retry.
        return self._call(
            "POST", "/certificates", body, CertificateAnswer, token=token, idempotent=True
        )

    def preview_certificate(self, token: str, service_id: str) -> CertificatePreview:
        """What the certificate would say; issues nothing, so repeating it is harmless."""
        body = CertificatePreviewRequest(service_id=service_id)
        return self._call(
            "POST", "/certificates/preview", body, CertificatePreview, token=token, idempotent=True
        )

    def send_print_result(self, certificate_id: str, result: PrintResult) -> Accepted:
        path = f"/certificates/{certificate_id}/print-result"
        return self._call("POST", path, result, Accepted, idempotent=True)

    def send_rating(self, rating: Rating) -> Accepted:
        return self._call("POST", "/ratings", rating, Accepted, idempotent=True)

    def send_audit_event(self, event: AuditEvent) -> Accepted:
        return self._call("POST", "/audit-events", event, Accepted, idempotent=True)

    def send_help_request(self, request: HelpRequest) -> HelpAnswer:
        return self._call("POST", "/help-requests", request, HelpAnswer, idempotent=True)

    def upload_support(self, request_id: str, data: bytes) -> SupportUploaded:
        """A bundle (zip) or screenshot (PNG) a technician asked for; the same twice is kept
        once (`duplicate`), so a retry after a lost answer is safe."""
        return self._call(
            "PUT",
            f"/support-uploads/{request_id}",
            None,
            SupportUploaded,
            idempotent=True,
            upload=data,
        )

    # --- 一窗受理: applications --------------------------------------------------------

    def create_application(self, token: str, request: ApplicationRequest) -> ApplicationCreated:
        """A draft; its idempotency key makes a repeat return the same draft."""
        return self._call(
            "POST", "/applications", request, ApplicationCreated, token=token, idempotent=True
        )

    def put_material(
        self, token: str, application_id: str, key: str, data: bytes
    ) -> MaterialReceived:
        """One material's file; the same bytes again are kept once (`duplicate`)."""
        path = f"/applications/{application_id}/materials/{key}"
        return self._call(
            "PUT", path, None, MaterialReceived, token=token, idempotent=True, upload=data
        )

    def submit_application(self, token: str, application_id: str) -> ApplicationView:
        """Not retried here: a repeat after a lost answer is refused (already submitted);
        the caller looks the application up instead."""
        path = f"/applications/{application_id}/submit"
        return self._call("POST", path, None, ApplicationView, token=token, idempotent=False)

    def applications(self, token: str) -> ApplicationList:
        return self._call(
            "GET", "/applications", None, ApplicationList, token=token, idempotent=True
        )

    def application(self, token: str, application_id: str) -> ApplicationView:
        path = f"/applications/{application_id}"
        return self._call("GET", path, None, ApplicationView, token=token, idempotent=True)

    def send_heartbeat(self, heartbeat: Heartbeat) -> HeartbeatAnswer:
        return self._call("POST", "/heartbeat", heartbeat, HeartbeatAnswer, idempotent=True)

    def probe(self) -> Probe:
        """A signed catalog request, timed, with the centre's clock: for `kiosk-diag network`.

        Raises the same typed errors as every call; no retry, no clock correction.
        """
        started = time.monotonic()
        response = self._send("GET", API_PREFIX + "/catalog", b"", None)
        catalog = self._parse(response, Catalog, "GET /catalog")
        round_trip_ms = (time.monotonic() - started) * 1000
        offset_s = None
        if response.headers.get("Date"):
            server = email.utils.parsedate_to_datetime(response.headers["Date"]).timestamp()
            offset_s = server - time.time()
        assert catalog is not None
        return Probe(round_trip_ms, offset_s, catalog.config_version, len(catalog.services))

    # --- the machinery -------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        body: BaseModel | None,
        answer: type[T] | None,
        *,
        idempotent: bool,
        token: str | None = None,
        shown: str | None = None,
        upload: bytes | None = None,
    ) -> T:
        """`body` as JSON, or `upload`: raw bytes (application/octet-stream)."""
        if upload is not None:
            raw, content_type = upload, "application/octet-stream"
        else:
            raw = body.model_dump_json().encode() if body is not None else b""
            content_type = "application/json"
        attempts = 1 + (self.settings.retries if idempotent else 0)
        skew_corrected = False
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._send(method, API_PREFIX + path, raw, token, shown, content_type)
                return self._parse(response, answer, f"{method} {shown or path}")  # type: ignore[return-value]
            except CentralRefusedError as refusal:
                if refusal.code == SKEW_CODE and not skew_corrected and self._learn_offset(refusal):
                    skew_corrected = True  # re-sign once with the corrected clock
                    attempt -= 1
                    continue
                if not refusal.retryable or attempt >= attempts:
                    raise
                log.warning("%s %s refused (%s), retrying", method, shown or path, refusal.code)
            except CentralError as failure:
                if not failure.retryable or attempt >= attempts:
                    raise
                log.warning(
                    "%s %s failed (%s), retrying", method, shown or path, failure.technician_message
                )
            # Full jitter: spread the retries of many kiosks after an outage.
            time.sleep(random.uniform(0, self.settings.backoff_s * 2 ** (attempt - 1)))

    def _send(
        self,
        method: str,
        path: str,
        raw: bytes,
        token: str | None,
        shown: str | None = None,
        content_type: str = "application/json",
    ) -> requests.Response:
        timestamp = int(time.time() + self.clock_offset_s)
        headers = signing.signed_headers(
            self.settings.kiosk_id, self.settings.secret, method, path, raw, timestamp
        )
        if raw:
            headers["Content-Type"] = content_type
        if token:
            headers["Authorization"] = f"Session {token}"
        base = self.settings.base_url.rstrip("/")
        url = base + path
        shown_path = API_PREFIX + shown if shown else path.split("?")[0]
        where = f"{method} {base}{shown_path}"
        timeout = (self.settings.connect_timeout_s, self.settings.read_timeout_s)
        try:
            return self._http.request(
                method,
                url,
                data=raw or None,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
            )
        except requests.exceptions.SSLError as error:
            cause: BaseException = error
            failure: CentralError = CentralTlsError(f"TLS verification failed: {error}")
        except requests.exceptions.Timeout as error:
            cause = error
            failure = CentralTimeoutError(f"no answer within {timeout} s")
        except (
            requests.exceptions.ConnectionError,
            requests.exceptions.ChunkedEncodingError,
        ) as error:
            cause = error
            failure = CentralUnreachableError(f"{type(error).__name__}: {error}")
        except (requests.exceptions.RequestException, OSError) as error:
            # A URL without a scheme, a CA bundle that is not there …: a technician's fix.
            cause = error
            failure = CentralUnreachableError(f"cannot send: {type(error).__name__}: {error}")
        # urllib3 quotes the URL in its messages: keep a secret path (a token) out of the log.
        message = failure.technician_message.replace(path, shown_path)
        raise type(failure)(f"{where}: {message}") from cause

    def _parse(self, response: requests.Response, answer: type[T] | None, where: str) -> T | None:
        try:
            content = response.content
        except requests.exceptions.RequestException as error:
            raise CentralUnreachableError(
                f"{where}: connection dropped mid-answer: {error}"
            ) from error
        if response.status_code >= 400:
            raise self._refusal(response, content, where)
        if answer is None:
            return None
        try:
            return answer.model_validate_json(content)
        except ValidationError as error:
            first = error.errors()[0]
            detail = f"{first['type']} at {'.'.join(map(str, first['loc']))}"
            raise CentralMalformedAnswerError(
                f"{where}: HTTP {response.status_code} answer is not a valid "
                f"{answer.__name__} ({error.error_count()} problems, first: {detail}; "
                f"{len(content)} bytes)"
            ) from error

    def _refusal(self, response: requests.Response, content: bytes, where: str) -> CentralError:
        try:
            body = ErrorAnswer.model_validate_json(content)
        except ValidationError:
            return CentralMalformedAnswerError(
                f"{where}: HTTP {response.status_code} without an error body ({content[:80]!r})"
            )
        if body.text is not None:
            self.texts.learn(body.message, body.text.en)
        if response.status_code == 401 and body.code.startswith("auth_"):
            kind: type[CentralRefusedError] = KioskNotAuthorizedError
        elif body.code in _SESSION_CODES:
            kind = ResidentSessionEndedError
        else:
            kind = CentralRefusedError
        return kind(
            response.status_code,
            body.code,
            body.message,
            body.retryable,
            where,
            date_header=response.headers.get("Date"),
        )

    def _learn_offset(self, refusal: CentralRefusedError) -> bool:
        """Set the clock offset from the centre's `Date` header; False when there is none."""
        if not refusal.date_header:
            return False
        try:
            server = email.utils.parsedate_to_datetime(refusal.date_header).timestamp()
        except (TypeError, ValueError):
            return False
        self.clock_offset_s = server - time.time()
        log.warning(
            "kiosk clock is %+.0f s off the centre's; signing with the centre's time",
            -self.clock_offset_s,
        )
        return True
