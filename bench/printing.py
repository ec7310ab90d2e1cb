"""From "print" to CUPS, on the private cupsd of the test rig (needs root).

Figures: the driver's state check + submit (what the print-job service does once the PDF
exists), and the whole step from a rendered-answer to an accepted job (render + check +
submit); floor: a bare pycups `printFile` of the same PDF to the same queue, nothing else.
Then the resident's whole step: 确认打印 → the PDF completed by cups-pdf, through the
print-job service (the centre issues the certificate, the renderer draws it, the driver
submits it and follows the job); floor: render + a bare pycups job followed to completion.
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

TITLE = "print → CUPS accepted"

RUNS = 20
CONFIRM_RUNS = 5  # each prints a page through cups-pdf: about a second
JOB_COMPLETED = 9  # IPP job-state


def _median_ms(action: object, runs: int = RUNS) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        action()  # type: ignore[operator]
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def run() -> list[tuple[str, float, float, str]]:
    import cups  # type: ignore[import-not-found]

    from bench.render import issue_answers
    from drivers.printer.cups import CupsPrinter
    from kiosk.documents.certificate import render_certificate
    from tests.rigs.cups import start_cups

    answer, _ = issue_answers()
    pdf = render_certificate(answer)
    with tempfile.TemporaryDirectory() as directory:
        rig = start_cups(Path(directory))
        try:
            rig.disable(rig.pdf_queue)  # jobs wait: only the acceptance is measured
            printer = CupsPrinter(rig.pdf_queue, rig.server)
            pdf_path = Path(directory) / "certificate.pdf"
            pdf_path.write_bytes(pdf)
            connection = cups.Connection(host=rig.server)

            def bare() -> None:
                connection.printFile(rig.pdf_queue, str(pdf_path), "floor", {})

            def check_and_submit() -> None:
                printer.state()  # its problem() is "stopped" here, on purpose
                printer.submit(pdf, answer.serial_no)

            def render_check_submit() -> None:
                document = render_certificate(answer)
                printer.state()
                printer.submit(document, answer.serial_no)

            floor = _median_ms(bare)
            submit = _median_ms(check_and_submit)
            whole = _median_ms(render_check_submit)
            rig.enable(rig.pdf_queue)
            confirmed, printed_floor = _confirm_to_completed(rig, Path(directory), answer)
        finally:
            rig.stop()
    return [
        ("print → CUPS accepted (check + submit)", submit, floor, "ms"),
        ("print → accepted (render+check+submit)", whole, floor, "ms"),
        ("确认打印 → PDF completed by cups-pdf", confirmed, printed_floor, "ms"),
    ]


def _confirm_to_completed(rig: Any, directory: Path, answer: Any) -> tuple[float, float]:
    """Median ms of 确认打印 → completed through the print-job service, and of its floor."""
    import cups

    from drivers.printer.cups import CupsPrinter
    from kiosk.documents.certificate import render_certificate
    from kiosk.executor import ThreadExecutor
    from kiosk.services.certificates import CertificatePrinting, PrintJournal, Stage
    from kiosk.services.identification import idcard_session_request
    from kiosk.session import Resident, Session
    from tests.rigs.central import start_central

    connection = cups.Connection(host=rig.server)

    def bare_job() -> None:
        pdf_path = directory / "floor.pdf"
        pdf_path.write_bytes(render_certificate(answer))
        job = connection.printFile(rig.pdf_queue, str(pdf_path), "floor", {})
        while connection.getJobAttributes(job)["job-state"] != JOB_COMPLETED:
            time.sleep(0.01)

    # No outbox here: the print results it would queue are not what is measured.
    logging.getLogger("kiosk.services.certificates").setLevel(logging.CRITICAL)
    central = start_central(directory / "centre")
    try:
        from drivers.idcard.demo import DEMO_CARDS

        client = central.client()
        token = client.open_session(idcard_session_request(DEMO_CARDS[1], "bench")).token
        session = Session(idle_timeout_s=600, elder_idle_timeout_s=900, warning_s=30)
        executor = ThreadExecutor()
        journal = PrintJournal(directory / "journal.sqlite3")
        printing = CertificatePrinting(
            session, executor, journal, CupsPrinter(rig.pdf_queue, rig.server), timeout_s=60
        )
        printing.central, printing.token = client, lambda: token
        finished = threading.Event()
        outcomes: list[Any] = []
        printing.on_finished(lambda outcome: (outcomes.append(outcome), finished.set()))

        def confirm_to_completed() -> None:
            session.card_detected()
            session.identified(Resident("李*英", "511321********0029"))
            session.choose_service("si-cert")
            finished.clear()
            printing.print_certificate("si-cert")
            if not finished.wait(60) or outcomes[-1].stage is not Stage.PRINTED:
                raise RuntimeError(f"the certificate did not print: {outcomes[-1:]}")
            session.exit()

        figure = _median_ms(confirm_to_completed, CONFIRM_RUNS)
        floor = _median_ms(bare_job, CONFIRM_RUNS)
        executor.drain(10)
        journal.close()
    finally:
        central.stop()
    return figure, floor
