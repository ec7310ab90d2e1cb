"""`kiosk-diag all`: every check that needs no resident, in one table: each device as
`kiosk-diag devices` finds it, the central service and the clock (`network`), what waits in the
outbox, and the voice's engine (a sentence synthesized, not played). Exit 0 when every check
passes, 1 when one fails.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from kiosk.config import Config

COMMAND = "all"
EXIT_OK, EXIT_FAIL = 0, 1
NetworkCheck = Callable[[], tuple[bool, dict[str, Any], str]]


def add_command(commands: Any) -> None:
    commands.add_parser(COMMAND, help="every check that needs no resident, in one table")


def run(
    config: Config, devices: list[dict[str, str]], network: NetworkCheck
) -> tuple[int, dict[str, Any], str]:
    started = time.monotonic()
    checks = [
        _check(f"device {row['device']}", row["level"] == "ok", row["reason"] or row["level"])
        for row in devices
    ]
    ok, row, _text = network()
    if ok:
        detail = f"{row['round_trip_ms']} ms, clock offset {row['clock_offset_s']} s"
    else:
        detail = str(row.get("error") or ("clock off" if "clock_ok" in row else row["central"]))
    checks.append(_check("central service", ok, detail))
    checks.append(_outbox(config))
    checks.append(_voice())
    passed = all(check["ok"] for check in checks)
    report = {"ok": passed, "seconds": round(time.monotonic() - started, 2), "checks": checks}
    return (EXIT_OK if passed else EXIT_FAIL), report, _table(report)


def _check(name: str, ok: bool, detail: str) -> dict[str, Any]:
    return {"check": name, "ok": ok, "detail": detail}


def _outbox(config: Config) -> dict[str, Any]:
    import sqlite3

    from kiosk.app import OUTBOX_FILE
    from kiosk.outbox import summary_of

    path = config.state_dir / OUTBOX_FILE
    try:
        kinds = summary_of(path)
    except (sqlite3.Error, OSError) as error:
        return _check("outbox", False, f"cannot read {path}: {error}")
    waiting = sum(k.waiting for k in kinds)
    set_aside = sum(k.set_aside for k in kinds)
    return _check("outbox", set_aside == 0, f"{waiting} waiting, {set_aside} refused for good")


def _voice() -> dict[str, Any]:
    from drivers.speech import SpeechUnavailableError, Synthesizer, Utterance, wav_duration_s

    utterance = Utterance("终端自检")
    try:
        seconds = wav_duration_s(Synthesizer().render(utterance))
    except SpeechUnavailableError as error:
        return _check("voice engine", False, error.technician_message)
    return _check("voice engine", seconds > 0, f"{seconds:.1f} s of audio, {utterance.voice}")


def _table(report: dict[str, Any]) -> str:
    width = max(len(check["check"]) for check in report["checks"])
    lines = [
        f"{check['check']:<{width}}  {'正常 ok' if check['ok'] else '异常 FAILED':<11}  "
        f"{check['detail']}"
        for check in report["checks"]
    ]
    verdict = "all passed / 全部正常" if report["ok"] else "FAILED / 有异常"
    lines.append(f"{'result':<{width}}  {verdict} in {report['seconds']:.1f} s")
    if not report["ok"]:
        lines.append(
            "do".ljust(width) + "  run the failing check's own subcommand (kiosk-diag devices, "
            "network, outbox, speak) for its reason and what to do"
        )
    return "\n".join(lines)
