"""Refusals: an HTTP status and `{code, message, retryable}` (kiosk.api.models.ErrorAnswer)."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk.api.models import ErrorAnswer

log = logging.getLogger(__name__)


class ApiRefusal(Exception):  # noqa: N818 - a refusal is not an error of ours
    def __init__(self, status: int, code: str, message: str, *, retryable: bool = False) -> None:
        super().__init__(f"{status} {code}")
        self.status = status
        self.answer = ErrorAnswer(code=code, message=message, retryable=retryable)


def problem_response(status: int, answer: ErrorAnswer) -> JSONResponse:
    return JSONResponse(status_code=status, content=answer.model_dump())


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiRefusal)
    async def _problem(request: Request, problem: ApiRefusal) -> JSONResponse:
        log.info("%s %s refused: %s", request.method, request.url.path, problem.answer.code)
        return problem_response(problem.status, problem.answer)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        log.info("%s %s invalid: %s", request.method, request.url.path, error.errors()[:3])
        answer = ErrorAnswer(code="validation_error", message="请求内容有误", retryable=False)
        return problem_response(422, answer)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        answer = ErrorAnswer(code=code, message="请求的内容不存在", retryable=False)
        return problem_response(error.status_code, answer)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        answer = ErrorAnswer(code="internal_error", message="系统繁忙，请稍后再试", retryable=True)
        return problem_response(500, answer)
