"""The diagnostics screen's core without a screen: the PIN gate and its lock (kept across a
restart), the audit events every attempt leaves, and the tests against real parts: the
ESC/POS simulator on a pty, the centre over HTTPS with a test CA, the log's masked tail."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.printer.escpos_simulator import ReceiptPrinterSimulator
from kiosk.api.demo import DEMO_DEVICE_ID, DEMO_DEVICE_SECRET
from kiosk.app import Core, build_core
from kiosk.config import Config
from kiosk.executor import ThreadExecutor
from kiosk.pin import hash_pin
from kiosk.services.diagnostics import (
    AUDIT_KIND,
    LOCK_FILE,
    LOCK_S,
    Audit,
    Check,
    CheckResult,
    Gate,
    GateAnswer,
    TechnicianGate,
    log_tail,
    tls_expiry,
)
from kiosk.session import Session
from tests.conftest import wait_for_catalog
from tests.rigs.central import CentralServer
from tests.rigs.tls import TlsFiles

PIN = "246813"
PIN_HASH = hash_pin(PIN, iterations=1000)  # the format of the real one, at test speed


class Wall:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


class Recorded(Audit):
    def __init__(self) -> None:
        super().__init__()
        self.kinds: list[tuple[str, dict[str, object]]] = []

    def record(self, kind: str, **details: str | int | bool) -> None:
        super().record(kind, **details)
        self.kinds.append((kind, details))


def check(gate: TechnicianGate, pin: str) -> GateAnswer:
    answers: list[GateAnswer] = []
    done = threading.Event()
    gate.check(pin, lambda answer: (answers.append(answer), done.set()))
    assert done.wait(10)
    return answers[0]


@pytest.fixture
def executor() -> Iterator[ThreadExecutor]:
    executor = ThreadExecutor()
    yield executor
    executor.drain(5)


def gate_in(
    state_dir: Path, executor: ThreadExecutor, wall: Wall, audit: Audit, pin_hash: str = PIN_HASH
) -> TechnicianGate:
    session = Session(idle_timeout_s=60, elder_idle_timeout_s=120, warning_s=10)
    return TechnicianGate(pin_hash, session, state_dir, audit, executor, wall)


def test_five_wrong_pins_lock_for_ten_minutes_even_across_a_restart(
    tmp_path: Path, executor: ThreadExecutor
) -> None:
    wall, audit = Wall(), Recorded()
    gate = gate_in(tmp_path, executor, wall, audit)
    answers = [check(gate, "000000") for _ in range(5)]
    assert [a.gate for a in answers] == [Gate.WRONG] * 4 + [Gate.LOCKED]
    assert [a.attempts_left for a in answers[:4]] == [4, 3, 2, 1]
    assert answers[4].locked_minutes == 10
    assert check(gate, PIN).gate is Gate.LOCKED  # even the right PIN, while locked
    restarted = gate_in(tmp_path, executor, wall, audit)
    assert restarted.refusal() == GateAnswer(Gate.LOCKED, 0, LOCK_S)
    wall.now += LOCK_S + 1
    assert check(restarted, PIN).gate is Gate.OPEN
    kinds = [kind for kind, _ in audit.kinds]
    assert kinds == [
        *["diagnostics.pin_wrong"] * 5,
        "diagnostics.locked",
        "diagnostics.pin_refused",
        "diagnostics.opened",
    ]
    assert [d["attempt"] for k, d in audit.kinds if k == "diagnostics.pin_wrong"] == [1, 2, 3, 4, 5]


def test_a_right_pin_clears_the_count_of_wrong_ones(
    tmp_path: Path, executor: ThreadExecutor
) -> None:
    gate = gate_in(tmp_path, executor, Wall(), Recorded())
    for _ in range(4):
        check(gate, "111111")
    assert check(gate, PIN).gate is Gate.OPEN
    gate.close("left")
    assert check(gate, "111111").attempts_left == 4


def test_a_damaged_lock_file_locks_rather_than_opens(
    tmp_path: Path, executor: ThreadExecutor
) -> None:
    (tmp_path / LOCK_FILE).write_text("{not json", encoding="utf-8")
    gate = gate_in(tmp_path, executor, Wall(), Recorded())
    refusal = gate.refusal()
    assert refusal is not None and refusal.gate is Gate.LOCKED


def test_no_configured_pin_lets_nobody_in(tmp_path: Path, executor: ThreadExecutor) -> None:
    gate = gate_in(tmp_path, executor, Wall(), Recorded(), pin_hash="")
    assert gate.refusal() == GateAnswer(Gate.NO_PIN)
    assert check(gate, "").gate is Gate.NO_PIN


def test_the_log_tail_is_masked_and_bounded(tmp_path: Path) -> None:
    log_file = tmp_path / "kiosk.log"
    lines = [f"line {n} id 511321198506120030 phone 13800138000" for n in range(300)]
    log_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tail = log_tail(log_file, 200)
    assert len(tail) == 200 and tail[-1].startswith("line 299 ")
    assert all("511321198506120030" not in line and "13800138000" not in line for line in tail)
    assert "[ID]" in tail[0] and "[PHONE]" in tail[0]
    assert log_tail(tmp_path / "missing.log", 200)[0].startswith("log file ")


@pytest.fixture
def receipt_core(
    config: Config, receipt_printer: ReceiptPrinterSimulator
) -> Iterator[tuple[Core, list[CheckResult]]]:
    """Not demo mode: the receipt printer is the ESC/POS simulator on its pty."""
    devices = dataclasses.replace(
        config.devices,
        receipt_printer="escpos-serial",
        receipt_port=receipt_printer.port,
        idcard_reader="none",
        a4_printer="none",
    )
    kiosk = dataclasses.replace(config.kiosk, id=DEMO_DEVICE_ID, device_secret=DEMO_DEVICE_SECRET)
    core = build_core(dataclasses.replace(config, kiosk=kiosk, devices=devices), demo=False)
    results: list[CheckResult] = []
    core.diagnostics.on_result(results.append)
    core.start()
    yield core, results
    core.stop()


def wait_for_result(results: list[CheckResult], test: Check) -> CheckResult:
    deadline = dt.datetime.now() + dt.timedelta(seconds=20)
    while dt.datetime.now() < deadline:
        for result in results:
            if result.test is test:
                return result
        threading.Event().wait(0.05)
    raise AssertionError(f"no result for {test}")


def test_the_test_slip_goes_over_the_wire_and_is_audited(
    receipt_core: tuple[Core, list[CheckResult]], receipt_printer: ReceiptPrinterSimulator
) -> None:
    core, results = receipt_core
    wait_for_catalog(core)
    core.diagnostics.run(Check.RECEIPT)
    result = wait_for_result(results, Check.RECEIPT)
    assert result.ok, result.detail
    assert result.detail.startswith(receipt_printer.port)
    assert "打印测试".encode("gb18030") in receipt_printer.printed
    assert core.outbox is not None
    assert core.outbox.flush(10)
    ports = core.diagnostics._gather().serial_ports
    assert [(p.role, p.path, p.exists, p.may_open) for p in ports] == [
        ("receipt", receipt_printer.port, True, True)
    ]


def test_a_printer_that_is_not_configured_fails_its_test_with_the_reason(
    receipt_core: tuple[Core, list[CheckResult]],
) -> None:
    core, results = receipt_core
    core.diagnostics.run(Check.PRINTER)
    result = wait_for_result(results, Check.PRINTER)
    assert not result.ok and "no A4 printer configured" in result.detail


def test_the_central_check_warns_of_a_tls_certificate_near_its_end(
    tls_central: CentralServer, tls_files: TlsFiles, central_server: CentralServer, config: Config
) -> None:
    expiry = tls_expiry(tls_central.client(ca_bundle=str(tls_files.ca_cert)))
    assert expiry is not None  # the test CA signs for one day
    assert dt.timedelta(0) < expiry - dt.datetime.now(dt.UTC) <= dt.timedelta(days=2)
    assert tls_expiry(central_server.client()) is None  # plain HTTP: no certificate

    central = dataclasses.replace(
        config.central, url=tls_central.url, ca_bundle=str(tls_files.ca_cert)
    )
    kiosk = dataclasses.replace(config.kiosk, id=DEMO_DEVICE_ID, device_secret=DEMO_DEVICE_SECRET)
    devices = dataclasses.replace(config.devices, idcard_reader="none", a4_printer="none")
    core = build_core(
        dataclasses.replace(config, kiosk=kiosk, central=central, devices=devices), demo=False
    )
    results: list[CheckResult] = []
    core.diagnostics.on_result(results.append)
    core.connect()
    try:
        core.diagnostics.run(Check.CENTRAL)
        result = wait_for_result(results, Check.CENTRAL)
    finally:
        core.stop()
    assert not result.ok
    assert "ms; clock offset" in result.detail and "TLS certificate valid until" in result.detail
    assert "renew it within" in result.detail


def test_audit_events_reach_the_centre_through_the_outbox(
    core: Core, central_server: CentralServer, caplog: pytest.LogCaptureFixture
) -> None:
    core.start()
    wait_for_catalog(core)
    with caplog.at_level(logging.INFO, logger="kiosk.services.diagnostics"):
        core.audit.record("diagnostics.test", test="printer", ok=True)
    assert core.outbox is not None and core.outbox.flush(10)
    assert not any(kind.kind == AUDIT_KIND and kind.set_aside for kind in core.outbox.summary())
    assert 'audit diagnostics.test {"ok": true, "test": "printer"}' in caplog.text
