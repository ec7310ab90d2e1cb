"""From "print" to CUPS accepting the job, on the private cupsd of the test rig (needs root).

Figures: the driver's state check + submit (what the print-job service does once the PDF
exists), and the whole step from a rendered-answer to an accepted job (render + check +
submit). Floor: a bare pycups `printFile` of the same PDF to the same queue, nothing else.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

TITLE = "print → CUPS accepted"

RUNS = 20


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
        finally:
            rig.stop()
    return [
        ("print → CUPS accepted (check + submit)", submit, floor, "ms"),
        ("print → accepted (render+check+submit)", whole, floor, "ms"),
    ]
