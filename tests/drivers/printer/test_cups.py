"""CupsPrinter against a real cupsd (tests/rigs/cups.py): cups-pdf for the paper that comes
out, the kiosk-fault backend for a printer that fails, lpadmin for the reasons it reports."""

from __future__ import annotations

import io
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from drivers.printer.a4 import (
    JOB_TITLE_MAX_CHARS,
    DoorOpenError,
    JobFailedError,
    JobState,
    JobTimeoutError,
    PaperOutError,
    PrinterStoppedError,
    PrinterUnavailableError,
    job_title,
    wait_for_job,
)
from drivers.printer.cups import CupsPrinter, _split_server
from tests.rigs.cups import CupsRig

POLL_S = 0.02


def a_pdf(text: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setFont("Helvetica", 14)
    canvas.drawString(72, 760, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def wait(printer: CupsPrinter, job_id: int, timeout_s: float = 10.0) -> None:
    wait_for_job(printer, job_id, timeout_s, poll_s=POLL_S)


def wait_state(printer: CupsPrinter, job_id: int, wanted: JobState, timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while (state := printer.job_state(job_id)) is not wanted:
        assert time.monotonic() < deadline, f"job {job_id} still {state}, not {wanted}"
        time.sleep(POLL_S)


def test_a_pdf_printed_to_cups_pdf_comes_out_with_its_text(rig: CupsRig) -> None:
    printer = CupsPrinter(rig.pdf_queue, server=rig.server)
    job_id = printer.submit(a_pdf("kiosk driver test 0042"), "ZM-TEST-0042")
    wait(printer, job_id)
    assert printer.job_state(job_id) is JobState.COMPLETED
    out = rig.pdf_for_job(rig.pdf_queue, job_id)
    assert "kiosk driver test 0042" in pdf_text(out)


def test_the_job_carries_the_title_and_the_pdf_arrives_unchanged(rig: CupsRig) -> None:
    printer = CupsPrinter(rig.fault_queue, server=rig.server)
    pdf = a_pdf("byte for byte")
    job_id = printer.submit(pdf, "ZM-TITLE-7")
    wait(printer, job_id)
    assert rig.pdf_for_job(rig.fault_queue, job_id).read_bytes() == pdf
    jobs = rig.admin("lpstat", "-W", "completed", "-l", "-o", rig.fault_queue)
    assert f"{rig.fault_queue}-{job_id}" in jobs


def test_an_empty_queue_name_means_the_servers_default(
    rig: CupsRig, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("LPDEST", "PRINTER"):  # libcups would prefer these to the server's
        monkeypatch.delenv(variable, raising=False)
    printer = CupsPrinter(server=rig.server)
    assert printer.state().queue == rig.pdf_queue
    job_id = printer.submit(a_pdf("to the default queue"), "ZM-DEFAULT")
    wait(printer, job_id)
    assert "to the default queue" in pdf_text(rig.pdf_for_job(rig.pdf_queue, job_id))


def test_the_server_may_be_named_by_host_and_port(rig: CupsRig) -> None:
    printer = CupsPrinter(rig.fault_queue, server=rig.tcp_server)
    state = printer.state()
    assert (state.queue, state.state, state.accepting, state.problem()) == (
        rig.fault_queue,
        "idle",
        True,
        None,
    )
    job_id = printer.submit(a_pdf("over tcp"), "ZM-TCP")
    wait(printer, job_id)


def test_a_tcp_server_leaves_the_threads_libcups_default_as_it_was(rig: CupsRig) -> None:
    import cups  # type: ignore[import-not-found]

    before = (cups.getServer(), cups.getPort())
    printer = CupsPrinter(rig.fault_queue, server=rig.tcp_server)
    wait(printer, printer.submit(a_pdf("x"), "ZM-DEFAULT-KEPT"))
    assert (cups.getServer(), cups.getPort()) == before


@pytest.mark.parametrize(
    ("server", "host", "port"),
    [
        ("", None, 631),
        ("/run/cups/cups.sock", "/run/cups/cups.sock", 631),
        ("printserver", "printserver", 631),
        ("printserver:8631", "printserver", 8631),
        ("[::1]:8631", "::1", 8631),
        ("[fe80::1]", "fe80::1", 631),
    ],
)
def test_a_server_is_a_socket_a_host_or_a_host_and_port(
    server: str, host: str | None, port: int
) -> None:
    assert _split_server(server) == (host, port)


def test_paper_running_out_mid_job_raises_paper_out_at_once(rig: CupsRig) -> None:
    printer = CupsPrinter(rig.fault_queue, server=rig.server)
    rig.set_fault("paper-out-stop")
    job_id = printer.submit(a_pdf("no paper"), "ZM-PAPER")
    started = time.monotonic()
    with pytest.raises(PaperOutError) as raised:
        wait_for_job(printer, job_id, timeout_s=30, poll_s=POLL_S)
    assert time.monotonic() - started < 3, "waited for the timeout instead of the printer"
    assert "media-empty" in raised.value.technician_message
    state = printer.state()
    assert state.state == "stopped" and "media-empty-error" in state.reasons
    assert printer.job_state(job_id) is JobState.PENDING, "the job waits for paper"


@pytest.mark.parametrize(
    ("mode", "final"), [("abort", JobState.ABORTED), ("cancel", JobState.CANCELED)]
)
def test_a_job_the_printer_aborts_or_cancels_fails(
    rig: CupsRig, mode: str, final: JobState
) -> None:
    printer = CupsPrinter(rig.fault_queue, server=rig.server)
    rig.set_fault(mode)
    job_id = printer.submit(a_pdf(mode), f"ZM-{mode}")
    with pytest.raises(JobFailedError, match=f"job {job_id} ended {final}"):
        wait(printer, job_id)
    assert printer.job_state(job_id) is final
    assert printer.state().problem() is None, "the printer itself is fine"


def test_a_slow_job_times_out_and_can_then_be_cancelled(rig: CupsRig) -> None:
    printer = CupsPrinter(rig.fault_queue, server=rig.server)
    rig.set_fault("slow", seconds=30)
    job_id = printer.submit(a_pdf("slow"), "ZM-SLOW")
    started = time.monotonic()
    with pytest.raises(JobTimeoutError, match="still processing"):
        wait_for_job(printer, job_id, timeout_s=0.5, poll_s=POLL_S)
    assert 0.5 <= time.monotonic() - started < 2
    printer.cancel(job_id)
    wait_state(printer, job_id, JobState.CANCELED)
    printer.cancel(job_id)  # an ended job is left alone, no error
    assert not (rig.fault_out_dir / f"job-{job_id}.pdf").exists()


@pytest.mark.parametrize(
    ("reasons", "problem", "warnings"),
    [
        (["media-empty-error"], PaperOutError, ()),
        (["media-low-report"], None, ("media-low-report",)),
        (["door-open-error"], DoorOpenError, ()),
        (["offline-report"], PrinterStoppedError, ()),
        (["media-low-report", "door-open-error"], DoorOpenError, ("media-low-report",)),
    ],
)
def test_the_reasons_a_printer_reports_become_problems_and_warnings(
    rig: CupsRig,
    reasons: list[str],
    problem: type[Exception] | None,
    warnings: tuple[str, ...],
) -> None:
    rig.set_reasons(rig.pdf_queue, reasons)
    state = CupsPrinter(rig.pdf_queue, server=rig.server).state()
    assert state.reasons == tuple(reasons)
    found = state.problem()
    assert (type(found) if found else None) is problem
    assert state.warnings() == warnings


def test_a_disabled_queue_holds_the_job_and_says_the_printer_is_stopped(rig: CupsRig) -> None:
    printer = CupsPrinter(rig.pdf_queue, server=rig.server)
    rig.disable(rig.pdf_queue, "maintenance")
    state = printer.state()
    assert state.state == "stopped" and state.message == "maintenance"
    job_id = printer.submit(a_pdf("held"), "ZM-HELD")
    with pytest.raises(PrinterStoppedError, match="paused"):
        wait(printer, job_id)
    assert printer.job_state(job_id) is JobState.PENDING
    rig.enable(rig.pdf_queue)
    wait(printer, job_id)  # re-enabled: the job that waited prints


def test_a_queue_that_rejects_jobs_refuses_the_submit(rig: CupsRig) -> None:
    printer = CupsPrinter(rig.pdf_queue, server=rig.server)
    rig.reject(rig.pdf_queue)
    assert isinstance(printer.state().problem(), PrinterStoppedError)
    with pytest.raises(PrinterStoppedError, match="not accepting jobs"):
        printer.submit(a_pdf("refused"), "ZM-REJECTED")


def test_a_missing_queue_is_unavailable_naming_server_and_queue(rig: CupsRig) -> None:
    printer = CupsPrinter("no-such-queue", server=rig.server)
    for call in (printer.state, lambda: printer.submit(a_pdf("x"), "ZM-X")):
        with pytest.raises(PrinterUnavailableError) as raised:
            call()
        message = raised.value.technician_message
        assert "no-such-queue" in message and rig.server in message


def test_a_job_the_server_does_not_know_is_unknown(rig: CupsRig) -> None:
    printer = CupsPrinter(rig.pdf_queue, server=rig.server)
    assert printer.job_state(987_654) is JobState.UNKNOWN
    printer.cancel(987_654)  # unknown: left alone


def test_a_stopped_server_is_unavailable_then_recovers(rig: CupsRig) -> None:
    printer = CupsPrinter(rig.pdf_queue, server=rig.server)
    job_id = printer.submit(a_pdf("before the outage"), "ZM-BEFORE")
    wait(printer, job_id)
    rig.stop_server()
    calls = (
        printer.state,
        lambda: printer.submit(a_pdf("x"), "ZM-X"),
        lambda: printer.job_state(job_id),
        lambda: printer.cancel(job_id),
    )
    for call in calls:
        with pytest.raises(PrinterUnavailableError) as raised:
            call()
        assert rig.server in raised.value.technician_message
        assert raised.value.resident_message
    tcp = CupsPrinter(rig.pdf_queue, server=rig.tcp_server)
    with pytest.raises(PrinterUnavailableError, match=rig.tcp_server):
        tcp.state()
    rig.start_server()
    assert printer.state().problem() is None
    assert printer.job_state(job_id) is JobState.COMPLETED, "the history survives a restart"
    after = printer.submit(a_pdf("after the outage"), "ZM-AFTER")
    assert after > job_id
    wait(printer, after)
    assert "after the outage" in pdf_text(rig.pdf_for_job(rig.pdf_queue, after))


def test_the_deploy_script_tells_cups_to_keep_no_printed_file(tmp_path: Path) -> None:
    """cupsctl rewrites cupsd.conf and restarts the server, which the rig's private cupsd
    does not survive: a cupsctl that records its arguments stands in for it here. (That
    cupsctl writes these directives into cupsd.conf was checked by hand on the rig.)"""
    script = Path(__file__).resolve().parents[3] / "deploy" / "configure-cups.sh"
    recorder = tmp_path / "cupsctl"
    recorder.write_text(f'#!/bin/sh\necho "$@" > {tmp_path / "args"}\n')
    recorder.chmod(0o755)
    env = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"}
    subprocess.run([str(script), "-h", "cups.example:631"], check=True, env=env, timeout=10)
    args = (tmp_path / "args").read_text().split()
    assert args[:2] == ["-h", "cups.example:631"]
    assert "PreserveJobFiles=No" in args and "PreserveJobHistory=Yes" in args


def test_jobs_are_found_by_their_title_ended_or_not(rig: CupsRig) -> None:
    printer = CupsPrinter(rig.fault_queue, rig.server)
    done = printer.submit(a_pdf("done"), "ZM2026112600000011")
    wait_for_job(printer, done, 10)
    rig.set_fault("slow", seconds=30)
    waiting = printer.submit(a_pdf("waiting"), "ZM2026112600000012")
    assert printer.jobs_titled("ZM2026112600000011", since=0) == {done: JobState.COMPLETED}
    assert set(printer.jobs_titled("ZM2026112600000012", since=0)) == {waiting}
    assert not printer.jobs_titled("ZM2026112600000012", since=0)[waiting].final
    assert printer.jobs_titled("ZM-no-such-job", since=0) == {}
    other_queue = CupsPrinter(rig.pdf_queue, rig.server)
    assert other_queue.jobs_titled("ZM2026112600000011", since=0) == {}
    # A reprint has the same title: a job older than the journal's row is someone else's.
    assert printer.jobs_titled("ZM2026112600000011", since=time.time() + 60) == {}


def test_the_rigs_configuration_passes_cupsds_own_check(rig: CupsRig) -> None:
    # cupsd 2.4.2-3+deb12u10 refuses a directive without a value; so may later releases.
    assert "is OK" in rig.check_config()


AWKWARD_TITLES = [
    "kiosk-diag test page diag-test-kiosk-42",  # a space: the segfault of deb12u10
    "tab\there",
    "社会保险参保证明 ZM2026",
    'quote\'s "double" `back`',
    "line\nbreak; rm -rf / $(id) %s %n",
    "x" * 300,
    "",
]


@pytest.mark.parametrize("title", AWKWARD_TITLES, ids=range(len(AWKWARD_TITLES)))
def test_a_job_with_an_awkward_title_prints_and_cupsd_lives_on(rig: CupsRig, title: str) -> None:
    printer = CupsPrinter(rig.pdf_queue, server=rig.server)
    job_id = printer.submit(a_pdf("awkward title"), title)
    wait(printer, job_id)
    assert "awkward title" in pdf_text(rig.pdf_for_job(rig.pdf_queue, job_id))
    assert rig.running, rig.log()[-2000:]
    assert printer.state().problem() is None  # the server still answers
    assert printer.jobs_titled(title, since=0).get(job_id) is JobState.COMPLETED


@given(st.text())
def test_a_job_title_on_the_wire_is_short_plain_ascii_and_never_empty(title: str) -> None:
    wire = job_title(title)
    assert re.fullmatch(r"[A-Za-z0-9._-]+", wire)
    assert len(wire) <= JOB_TITLE_MAX_CHARS
    assert job_title(wire) == wire


def test_a_certificate_serial_is_its_own_job_title() -> None:
    assert job_title("ZM2026120200000042") == "ZM2026120200000042"
    assert job_title("kiosk-diag test page k-1") == "kiosk-diag_test_page_k-1"
