"""Certificates rendered from the real centre's answers; the PDF read back with poppler."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.api.models import CertificateAnswer, DocumentTable, SessionByIdCard
from kiosk.documents.certificate import render_certificate
from tests.rigs.central import CentralServer
from tests.rigs.residents import ELDER_CARD


def issue(central: CentralServer, service: str) -> CertificateAnswer:
    client = central.client()
    token = client.open_session(SessionByIdCard(method="idcard", card=ELDER_CARD, sam_id="s")).token
    return client.issue_certificate(token, service, secrets.token_hex(12))


def pdf_text(pdf: bytes, tmp_path: Path, page: int | None = None) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(
        ["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout.replace(" ", "")  # pdftotext spaces text out as it likes: compare without


def pdf_pages(pdf: bytes, tmp_path: Path) -> int:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(
        next(line.split()[1] for line in info.stdout.splitlines() if line.startswith("Pages:"))
    )


def test_a_certificate_carries_title_holder_serial_and_verification(
    central_server: CentralServer, tmp_path: Path
) -> None:
    answer = issue(central_server, "si-cert")
    pdf = render_certificate(answer)
    text = pdf_text(pdf, tmp_path)
    for expected in (
        "社会保险参保证明",
        "李秀英",
        "511321********0029",
        answer.serial_no,
        answer.verify.code,
        "第1页共1页",
        "南部县人力资源和社会保障局",
        "非电子签名",
    ):
        assert expected in text
    assert "511321194602030029" not in text


def test_fonts_are_embedded_subsets_and_nothing_else(
    central_server: CentralServer, tmp_path: Path
) -> None:
    path = tmp_path / "c.pdf"
    path.write_bytes(render_certificate(issue(central_server, "si-cert")))
    fonts = subprocess.run(
        ["pdffonts", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts, "no font at all"
    for line in fonts:
        *_, emb, sub, uni, _obj, _gen = line.split()
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line


def test_a_long_table_splits_across_pages_with_its_header_repeated(
    central_server: CentralServer, tmp_path: Path
) -> None:
    answer = issue(central_server, "si-detail")  # 120 monthly contributions
    pdf = render_certificate(answer)
    pages = pdf_pages(pdf, tmp_path)
    assert pages >= 3
    for page in range(1, pages):
        text = pdf_text(pdf, tmp_path, page)
        assert f"第{page}页共{pages}页" in text
        if "缴费明细" in text or page > 1:
            assert "缴费月份" in text


def test_markup_in_a_name_prints_literally(central_server: CentralServer, tmp_path: Path) -> None:
    answer = issue(central_server, "residence-cert")
    document = answer.document.model_copy(
        update={
            "recipient": [
                answer.document.recipient[0].model_copy(update={"value": "<b>张三</b> & 李四"})
            ],
            "paragraphs": ["兹证明 <i>x</i> &amp; <font size=40>y</font>"],
        }
    )
    text = pdf_text(render_certificate(answer.model_copy(update={"document": document})), tmp_path)
    assert "<b>张三</b>&李四" in text
    assert "<i>x</i>&amp;<fontsize=40>y</font>" in text


def test_a_missing_chinese_font_is_a_clear_error(tmp_path: Path) -> None:
    conf = tmp_path / "fonts.conf"
    (tmp_path / "none").mkdir()
    conf.write_text(
        f"<?xml version='1.0'?><fontconfig><dir>{tmp_path / 'none'}</dir>"
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    script = (
        "from kiosk.documents.fonts import find_cjk_font\n"
        "try:\n    find_cjk_font()\nexcept Exception as e:\n    print(type(e).__name__, e)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "FONTCONFIG_FILE": str(conf)},
        timeout=30,
    )
    assert done.stdout.startswith("DocumentFontMissingError no outline font for Chinese")
    assert "fonts-wqy-microhei" in done.stdout


@pytest.mark.parametrize(
    "service", ["si-cert", "si-detail", "dibao-cert", "elder-allowance-cert", "residence-cert"]
)
def test_every_certificate_kind_renders(
    central_server: CentralServer, service: str, tmp_path: Path
) -> None:
    answer = issue(central_server, service)
    assert answer.document.title in pdf_text(render_certificate(answer), tmp_path)
    assert answer.issued_at.date() <= dt.date.today()


def test_a_cell_too_long_for_its_column_wraps_inside_it(
    central_server: CentralServer, tmp_path: Path
) -> None:
    answer = issue(central_server, "residence-cert")
    address = "四川省南充市南部县大桥镇青龙村第三村民小组二十七号附一号" * 2
    *others, last = answer.document.recipient
    recipient = [*others, last.model_copy(update={"value": address})]
    document = answer.document.model_copy(update={"recipient": recipient})
    text = pdf_text(render_certificate(answer.model_copy(update={"document": document})), tmp_path)
    lines = text.splitlines()
    assert all(address not in line for line in lines)  # not one line running off the column
    wrapped = "".join(lines).replace(last.label, "")
    assert address in wrapped  # every character printed, on consecutive lines


def test_amounts_line_up_on_the_right_and_dates_on_the_left(
    central_server: CentralServer, tmp_path: Path
) -> None:
    answer = issue(central_server, "si-cert")
    table = DocumentTable(
        title=None,
        columns=["月份", "金额", "备注"],
        rows=[
            ["2024年03月", "¥1,234.50", "按时缴费"],
            ["2024年04月", "¥12.00", "补缴"],
            ["2024年05月", "-¥3.00", "退费"],
        ],
    )
    document = answer.document.model_copy(update={"tables": [table]})
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(render_certificate(answer.model_copy(update={"document": document})))
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    words = {
        m["word"]: (float(m["x0"]), float(m["x1"]))
        for m in re.finditer(
            r'<word xMin="(?P<x0>[\d.]+)" yMin="[\d.]+" xMax="(?P<x1>[\d.]+)" '
            r'yMax="[\d.]+">(?P<word>[^<]+)</word>',
            boxes,
        )
    }
    amounts = [words[a] for a in ("¥1,234.50", "¥12.00", "-¥3.00")]
    assert max(right for _, right in amounts) - min(right for _, right in amounts) < 1.0
    assert amounts[1][0] > amounts[0][0] + 10  # the short amount starts further right
    notes = [words[n][0] for n in ("按时缴费", "补缴", "退费")]
    assert max(notes) - min(notes) < 1.0  # text stays on the left
