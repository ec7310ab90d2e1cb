"""Refusals: an HTTP status and `{code, message, retryable}` (kiosk.api.models.ErrorAnswer)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk.api.models import ErrorAnswer, Text

log = logging.getLogger(__name__)


# Every API route answers a refusal with the same body; the OpenAPI document says so (and
# thereby replaces FastAPI's default 422 body, which this service never sends).
REFUSALS: dict[int | str, dict[str, Any]] = {
    "4XX": {
        "model": ErrorAnswer,
        "description": "Refused: `code` says why (auth_* the kiosk's signature, session_* the "
        "resident's session, validation_error the request), `message` is for the resident",
    },
    "5XX": {
        "model": ErrorAnswer,
        "description": "The centre failed; `retryable` says whether trying again may help",
    },
}


# Starlette's own refusals (routing, a body that is not JSON at all): status -> code, message.
_HTTP_ERRORS = {
    400: ("bad_request", "请求内容有误", "The request is not valid"),
    404: ("not_found", "请求的内容不存在", "Nothing was found there"),
    405: ("method_not_allowed", "请求方式有误", "The request method is not allowed"),
}
BUSY = ("系统繁忙，请稍后再试", "The system is busy; please try again shortly")


def refusal(code: str, message: str, english: str, *, retryable: bool = False) -> ErrorAnswer:
    """A refusal's body: `message` in Chinese (what older kiosks read), `text` in both."""
    return ErrorAnswer(
        code=code, message=message, text=Text(zh_CN=message, en=english), retryable=retryable
    )


class ApiRefusal(Exception):  # noqa: N818 - a refusal is not an error of ours
    def __init__(
        self, status: int, code: str, message: str, english: str, *, retryable: bool = False
    ) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.answer = refusal(code, message, english, retryable=retryable)


def problem_response(
    status: int, answer: ErrorAnswer, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(status_code=status, content=answer.model_dump(), headers=headers)


def remember_methods(app: FastAPI, router: APIRouter, prefix: str = "") -> None:
    """Note the methods each of `router`'s paths serves, for the `Allow` of a 405: Starlette
    names only the first matching route's (GET and POST /applications are two routes)."""
    from starlette.routing import compile_path

    if not hasattr(app.state, "route_methods"):
        app.state.route_methods = []
    for route in router.routes:
        methods = getattr(route, "methods", None)
        if methods:
            path = prefix + route.path  # type: ignore[attr-defined]
            app.state.route_methods.append((compile_path(path)[0], set(methods)))


def _allowed_methods(request: Request) -> str:
    table = getattr(request.app.state, "route_methods", [])
    methods = set().union(*(m for regex, m in table if regex.match(request.url.path)))
    return ", ".join(sorted(methods))


def _route_path(request: Request) -> str:
    """The route's template (`/v1/sessions/{token}`), never a secret from the actual path."""
    route = request.scope.get("route")
    return str(getattr(route, "path", request.url.path))


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiRefusal)
    async def _problem(request: Request, problem: ApiRefusal) -> JSONResponse:
        log.info("%s %s refused: %s", request.method, _route_path(request), problem.answer.code)
        return problem_response(problem.status, problem.answer)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        # Where and what kind only: the input itself may be a resident's name or ID number.
        problems = [(e["type"], ".".join(map(str, e["loc"]))) for e in error.errors()[:5]]
        log.info("%s %s invalid: %s", request.method, _route_path(request), problems)
        answer = refusal("validation_error", "请求内容有误", "The request is not valid")
        return problem_response(422, answer)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code, message, english = _HTTP_ERRORS.get(
            error.status_code, ("http_error", "请求无法处理", "The request cannot be handled")
        )
        answer = refusal(code, message, english)
        # Keep the exception's headers: a 405 must say which methods are allowed (`Allow`).
        headers = dict(error.headers or {})
        if error.status_code == 405:
            headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
        return problem_response(error.status_code, answer, headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, _route_path(request))
        answer = refusal("internal_error", *BUSY, retryable=True)
        return problem_response(500, answer)
