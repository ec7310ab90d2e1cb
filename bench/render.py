"""Printed documents as PDF: certificates (证明) of one and of ten pages, and the receipt slip.

The certificates are the demo centre's own answers, issued as the tests issue them
(`si-cert`, and `si-detail` with its table of monthly contributions lengthened to 24 years so
the document runs to ten pages). The floor is the least any renderer does with the same tools:
a bare reportlab canvas with the same CJK font (registered once, before the timing), a few
lines of Chinese per page and a segno QR code of the same URL drawn as one path; for ten pages
also the table's cells, each one string at a fixed place. The receipt slip is held to the
one-page floor: it is such a canvas itself.

Goals: the one-page certificate at most 2× the floor (warm median), its PDF at most 100 KB.
"First" figures are the median of fresh interpreters: the imports, the font's registration and
the first render all count, as they do at the kiosk's first print. That is also why this module
imports reportlab and the renderers only inside functions.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from kiosk.api.models import CertificateAnswer, IdCardFields, SessionByIdCard

TITLE = "certificate and receipt rendering"
WARMUP_RUNS = 3
WARM_RUNS = 40
WARM_RUNS_TEN_PAGES = 20
FIRST_RUNS = 3
TEN_PAGE_MONTHS = 288  # 24 years of contributions: ten A4 pages (270 to 300 rows are)
TEN_PAGES = 10
SIZE_GOAL_KB = 100
RATIO_GOAL = 2.0
FLOOR_MARGIN_PT = 62.0
FLOOR_LEADING_PT = 20.0
FLOOR_QR_PT = 80.0
FLOOR_ROW_PT = 18.0
FLOOR_LINES = (
    "社会保险参保证明",
    "兹证明李秀英自二〇一六年十一月起参加城乡居民基本养老保险。",
    "累计缴费一百二十个月，截至开具之日参保状态正常。",
    "南部县人力资源和社会保障局　二〇二六年十一月二十六日",
)
# The resident the tests issue certificates for (tests/central/test_api.py).
ELDER_CARD = IdCardFields(
    name="李秀英",
    gender="女",
    ethnicity="汉",
    birth_date=dt.date(1946, 2, 3),
    address="四川省南部县",
    id_number="511321194602030029",
    issuer="南部县公安局",
    valid_from=dt.date(2016, 3, 1),
    valid_until=None,
)

# Run in a fresh interpreter; prints the seconds from before the first reportlab import to
# the PDF's last byte. The answer is parsed first: the kiosk holds it before it prints.
FIRST_CERTIFICATE = """
import sys, time
from pathlib import Path
from kiosk.api.models import CertificateAnswer
answer = CertificateAnswer.model_validate_json(Path(sys.argv[1]).read_text(encoding="utf-8"))
started = time.perf_counter()
from kiosk.documents.certificate import render_certificate
render_certificate(answer)
print(time.perf_counter() - started)
"""
FIRST_FLOOR = """
import sys, time
from bench.render import floor_pdf
started = time.perf_counter()
floor_pdf(sys.argv[1])
print(time.perf_counter() - started)
"""


def floor_pdf(qr_data: str, pages: int = 1, rows: Sequence[Sequence[str]] = ()) -> bytes:
    """A4 pages of a few lines of Chinese, the first with a QR code of `qr_data` as one path.

    `rows` (a certificate's table) are shared out over the pages, each cell one string at a
    fixed place: the same text as the certificate with none of its layout.
    """
    import segno
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from kiosk.documents.fonts import register_cjk_font

    font = register_cjk_font()
    width, height = A4
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, initialFontName=font)  # type: ignore[arg-type]
    per_page = math.ceil(len(rows) / pages)
    for page in range(pages):
        canvas.setFont(font, 12)
        y = height - 80
        for line in FLOOR_LINES:
            canvas.drawString(FLOOR_MARGIN_PT, y, line)
            y -= FLOOR_LEADING_PT
        canvas.setFont(font, 10)
        for row in rows[page * per_page : (page + 1) * per_page]:
            for index, cell in enumerate(row):
                x = FLOOR_MARGIN_PT + index * (width - 2 * FLOOR_MARGIN_PT) / len(row)
                canvas.drawString(x, y, cell)
            y -= FLOOR_ROW_PT
        if page == 0:
            matrix = segno.make(qr_data, error="m").matrix
            unit = FLOOR_QR_PT / (len(matrix) + 8)  # with the 4-module quiet zone
            path = canvas.beginPath()
            for row_index, modules in enumerate(matrix):
                for column, dark in enumerate(modules):
                    if dark:
                        path.rect(
                            FLOOR_MARGIN_PT + (column + 4) * unit,
                            FLOOR_MARGIN_PT + FLOOR_QR_PT - (row_index + 5) * unit,
                            unit,
                            unit,
                        )
            canvas.drawPath(path, stroke=0, fill=1)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def issue_answers() -> tuple[CertificateAnswer, CertificateAnswer]:
    """A one-page `si-cert` and a `si-detail` from the demo centre, as the tests get them."""
    from bench.central import _start_server, _stop_server  # one way to start the centre
    from kiosk.api.client import CentralClient, ClientSettings
    from kiosk.api.demo import DEMO_DEVICE_ID, DEMO_DEVICE_SECRET

    with tempfile.TemporaryDirectory() as directory:
        process, url = _start_server(Path(directory))
        try:
            client = CentralClient(ClientSettings(url, DEMO_DEVICE_ID, DEMO_DEVICE_SECRET))
            try:
                token = client.open_session(
                    SessionByIdCard(method="idcard", card=ELDER_CARD, sam_id="bench")
                ).token
                one = client.issue_certificate(token, "si-cert", secrets.token_hex(12))
                detail = client.issue_certificate(token, "si-detail", secrets.token_hex(12))
            finally:
                client.close()
        finally:
            _stop_server(process)
    return one, detail


def lengthened(answer: CertificateAnswer, months: int) -> CertificateAnswer:
    """The detail certificate with earlier months (like its first) until it lists `months`."""
    table = answer.document.tables[0]
    year, month = (int(part) for part in table.rows[0][0].split("-"))
    first = year * 12 + month - 1
    earlier = [
        [f"{index // 12:04d}-{index % 12 + 1:02d}", *table.rows[0][1:]]
        for index in range(first - (months - len(table.rows)), first)
    ]
    longer = table.model_copy(update={"rows": earlier + table.rows})
    document = answer.document.model_copy(update={"tables": [longer]})
    return answer.model_copy(update={"document": document})


def page_count(pdf: bytes) -> tuple[int, str]:
    """Pages of a PDF and who counted them: pypdf, else poppler's pdfinfo, else a regex."""
    try:
        import pypdf  # type: ignore[import-not-found]  # optional
    except ImportError:
        pass
    else:
        return len(pypdf.PdfReader(io.BytesIO(pdf)).pages), "pypdf"
    if shutil.which("pdfinfo"):
        info = subprocess.run(
            ["pdfinfo", "-"], input=pdf, capture_output=True, check=True, timeout=30
        ).stdout.decode()
        pages = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
        if pages:
            return int(pages[1]), "pdfinfo"
    # reportlab writes no object streams, so every page object is in plain sight.
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)), "/Type /Page"


def first_s(script: str, argument: str) -> float:
    """Median seconds of `script` in fresh interpreters (the median drops a cold page cache)."""
    runs = []
    for _ in range(FIRST_RUNS):
        done = subprocess.run(
            [sys.executable, "-c", script, argument],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=Path(__file__).resolve().parent.parent,
        )
        if done.returncode:
            raise RuntimeError(f"first render failed: {done.stderr[-2000:]}")
        runs.append(float(done.stdout.split()[-1]))
    return statistics.median(runs)


def warm_ms(renders: dict[str, Callable[[], object]], runs: int) -> dict[str, list[float]]:
    """Milliseconds per render, interleaved so a change of CPU clock or load hits all alike."""
    for _ in range(WARMUP_RUNS):
        for render in renders.values():
            render()
    samples: dict[str, list[float]] = {name: [] for name in renders}
    for _ in range(runs):
        for name, render in renders.items():
            started = time.perf_counter()
            render()
            samples[name].append((time.perf_counter() - started) * 1000)
    return samples


def _p90(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10, method="inclusive")[8]


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def run() -> list[tuple[str, float, float, str]]:
    from kiosk.documents.certificate import render_certificate
    from kiosk.documents.receipt import Receipt, render_receipt_pdf

    one, detail = issue_answers()
    ten = lengthened(detail, TEN_PAGE_MONTHS)
    table = ten.document.tables[0].rows
    url = one.verify.url
    receipt = Receipt(
        service=one.document.title,
        printed_at=one.issued_at,
        serial_no=one.serial_no,
        verify_code=one.verify.code,
        verify_url=url,
        site="青龙村便民服务站",
    )
    with tempfile.TemporaryDirectory() as directory:
        answer_path = Path(directory) / "answer.json"
        answer_path.write_text(one.model_dump_json(), encoding="utf-8")
        first = first_s(FIRST_CERTIFICATE, str(answer_path))
        first_floor = first_s(FIRST_FLOOR, url)

    one_pdf, ten_pdf = render_certificate(one), render_certificate(ten)
    floor_one_pdf, floor_ten_pdf = floor_pdf(url), floor_pdf(url, TEN_PAGES, table)
    pages, counter = page_count(ten_pdf)
    if pages != TEN_PAGES or page_count(one_pdf)[0] != 1:
        raise RuntimeError(f"expected 1 and {TEN_PAGES} pages; {counter} counts {pages}")

    small = warm_ms(
        {
            "one": lambda: render_certificate(one),
            "floor": lambda: floor_pdf(url),
            "receipt": lambda: render_receipt_pdf(receipt),
        },
        WARM_RUNS,
    )
    large = warm_ms(
        {"ten": lambda: render_certificate(ten), "floor": lambda: floor_pdf(url, TEN_PAGES, table)},
        WARM_RUNS_TEN_PAGES,
    )
    one_ms, floor_ms = statistics.median(small["one"]), statistics.median(small["floor"])
    ratio_met = one_ms <= RATIO_GOAL * floor_ms
    size_met = len(one_pdf) <= SIZE_GOAL_KB * 1024
    return [
        ("certificate 1 p, first, new process", first * 1000, first_floor * 1000, "ms"),
        (
            f"certificate 1 p, warm median, ≤{RATIO_GOAL:g}× {_verdict(ratio_met)}",
            one_ms,
            floor_ms,
            "ms",
        ),
        ("certificate 1 p, warm p90", _p90(small["one"]), _p90(small["floor"]), "ms"),
        (
            f"certificate {pages} p ({counter}), median",
            statistics.median(large["ten"]),
            statistics.median(large["floor"]),
            "ms",
        ),
        ("receipt slip, warm median", statistics.median(small["receipt"]), floor_ms, "ms"),
        (
            f"certificate 1 p PDF, ≤{SIZE_GOAL_KB} KB {_verdict(size_met)}",
            len(one_pdf) / 1024,
            len(floor_one_pdf) / 1024,
            "KB",
        ),
        (
            f"certificate {pages} p PDF",
            len(ten_pdf) / 1024,
            len(floor_ten_pdf) / 1024,
            "KB",
        ),
    ]
