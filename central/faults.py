"""Fault injection, per route: latency, errors, dropped connections, malformed JSON.

For tests and demos only. Rules come from `kiosk-central serve --fault` and from the admin
endpoint `/admin/faults` (admin token required). A rule's key is `METHOD /path-prefix`,
`/path-prefix` or `*`; the longest matching key wins.
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

from pydantic import BaseModel, Field

from central.errors import BUSY, refusal

Scope = dict[str, Any]


class Fault(BaseModel):
    latency_ms: int = Field(0, ge=0, le=60_000)
    error_rate: float = Field(0.0, ge=0, le=1)
    error_status: int = Field(503, ge=400, le=599)
    reset_rate: float = Field(0.0, ge=0, le=1, description="drop the connection mid-answer")
    malformed_rate: float = Field(0.0, ge=0, le=1, description="answer 200 with broken JSON")


class FaultRules(BaseModel):
    rules: dict[str, Fault] = Field(default_factory=dict)


def parse_fault_option(text: str) -> tuple[str, Fault]:
    """`GET /v1/catalog=latency_ms:200,error_rate:0.5` → ("GET /v1/catalog", Fault(...))."""
    key, _, spec = text.partition("=")
    values = dict(part.split(":", 1) for part in spec.split(",") if part)
    return key.strip(), Fault.model_validate(values)


class FaultSwitch:
    """The rules in force; the admin endpoint replaces them while the server runs."""

    def __init__(self, rules: FaultRules) -> None:
        self.rules = rules


class FaultInjector:
    """ASGI middleware in front of the API."""

    def __init__(self, app: Any, switch: FaultSwitch, rng: random.Random | None = None) -> None:
        self.app = app
        self.switch = switch
        self._rng = rng or random.Random()

    def _match(self, method: str, path: str) -> Fault | None:
        best: tuple[int, Fault] | None = None
        for key, fault in self.switch.rules.rules.items():
            rule_method, _, prefix = key.partition(" ") if " " in key else ("", "", key)
            if rule_method and rule_method != method:
                continue
            if prefix == "*" or path.startswith(prefix):
                weight = len(key)
                if best is None or weight > best[0]:
                    best = (weight, fault)
        return best[1] if best else None

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        fault = None
        if scope["type"] == "http" and scope["path"].startswith("/v1/"):
            fault = self._match(scope["method"], scope["path"])
        if fault is None:
            await self.app(scope, receive, send)
            return
        if fault.latency_ms:
            await asyncio.sleep(fault.latency_ms / 1000)
        roll = self._rng.random()
        if roll < fault.error_rate:
            answer = refusal("injected_fault", *BUSY, retryable=True)
            await _send(send, fault.error_status, json.dumps(answer.model_dump()).encode())
        elif roll < fault.error_rate + fault.reset_rate:
            # Promise a body, send half of it and return: the server closes the connection.
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", b"1000"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b'{"partial": ', "more_body": True})
        elif roll < fault.error_rate + fault.reset_rate + fault.malformed_rate:
            await _send(send, 200, b'{"services": [{"id": ')
        else:
            await self.app(scope, receive, send)


async def _send(send: Any, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
