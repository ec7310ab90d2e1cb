"""A certificate (证明) as an A4 PDF, from the contract's `CertificateAnswer`.

Laid out as a government office would sign it: the serial number top right, the title
centred, the recipient block, the body, tables that split across pages with their header
repeated, "第 N 页 共 M 页", the issuer and date beside a drawn red seal, and a QR code of
the verification URL with the code and its validity. Every string from the centre is
escaped before it reaches reportlab's paragraph markup, so `<b>张三</b> & 李四` prints as
typed. The seal is a picture of the issuer's seal and the page says so: it is not a
GB/T 38540 electronic signature.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from kiosk.api.models import CertificateAnswer, CertificatePreview, Document, Verification
from kiosk.documents.fonts import register_cjk_font

if TYPE_CHECKING:  # receipt.py draws its QR code with this module's QrCode
    from kiosk.documents.receipt import Receipt

SEAL_RED = colors.Color(0.80, 0.06, 0.10)
MARGIN = 22 * mm
SEAL_RADIUS = 21 * mm
QR_SIZE = 28 * mm
CELL_PADDING = 6  # points, reportlab's default
PREVIEW_WATERMARK = "预览"
PREVIEW_PLACEHOLDER = "（打印时生成）"


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=font, fontSize=12, leading=20, wordWrap="CJK")
    return {
        "title": ParagraphStyle(
            "title", parent=base, fontSize=22, leading=30, alignment=TA_CENTER, spaceAfter=2 * mm
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontSize=13, alignment=TA_CENTER, spaceAfter=6 * mm
        ),
        "body": ParagraphStyle("paragraph", parent=base, firstLineIndent=24, spaceAfter=3 * mm),
        "cell": ParagraphStyle("cell", parent=base, fontSize=10, leading=14),
        "head": ParagraphStyle(
            "head", parent=base, fontSize=10, leading=14, textColor=colors.white
        ),
        "note": ParagraphStyle(
            "note", parent=base, fontSize=9, leading=13, textColor=colors.Color(0.3, 0.3, 0.3)
        ),
        "issuer": ParagraphStyle("issuer", parent=base, alignment=TA_RIGHT),
        "note_right": ParagraphStyle(
            "note_right",
            parent=base,
            fontSize=9,
            leading=13,
            alignment=TA_RIGHT,
            textColor=colors.Color(0.3, 0.3, 0.3),
        ),
        "plain": ParagraphStyle("plain", parent=base, alignment=TA_LEFT),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of text from the centre: escaped, so markup characters print as typed."""
    return Paragraph(escape(text), style)


class Seal(Flowable):
    """A round red seal: the issuer's name along the upper arc, a star, the seal's purpose."""

    def __init__(self, text: str, font: str) -> None:
        super().__init__()
        self.text, self.font = text, font
        self.width = self.height = 2 * SEAL_RADIUS

    def draw(self) -> None:
        c = self.canv
        r = SEAL_RADIUS
        c.saveState()
        c.translate(r, r)
        c.setStrokeColor(SEAL_RED)
        c.setFillColor(SEAL_RED)
        c.setLineWidth(1.4 * mm)
        c.circle(0, 0, r - 0.7 * mm)
        name, purpose = self._split()
        self._arc_text(name, r - 5.5 * mm)
        self._star(0, 1 * mm, 6.5 * mm)
        if purpose:
            c.setFont(self.font, 8)
            c.drawCentredString(0, -11 * mm, purpose)
        c.restoreState()

    def _split(self) -> tuple[str, str]:
        for purpose in ("业务专用章", "专用章", "公章"):
            if self.text.endswith(purpose) and len(self.text) > len(purpose):
                return self.text[: -len(purpose)], purpose
        return self.text, ""

    def _arc_text(self, text: str, radius: float) -> None:
        c = self.canv
        size = 9 if len(text) <= 14 else 7.5
        span = math.radians(min(250, 18 * len(text)))
        start = math.pi / 2 + span / 2
        step = span / max(len(text) - 1, 1)
        c.setFont(self.font, size)
        for index, char in enumerate(text):
            angle = start - index * step
            c.saveState()
            c.translate(radius * math.cos(angle), radius * math.sin(angle))
            c.rotate(math.degrees(angle) - 90)
            c.drawCentredString(0, -size / 3, char)
            c.restoreState()

    def _star(self, x: float, y: float, outer: float) -> None:
        inner = outer * 0.382
        path = self.canv.beginPath()
        for point in range(10):
            radius = outer if point % 2 == 0 else inner
            angle = math.pi / 2 + point * math.pi / 5
            px, py = x + radius * math.cos(angle), y + radius * math.sin(angle)
            path.moveTo(px, py) if point == 0 else path.lineTo(px, py)
        path.close()
        self.canv.drawPath(path, stroke=0, fill=1)


class QrCode(Flowable):
    """A QR code drawn as one path of squares (segno encodes it once)."""

    def __init__(self, data: str, size: float = QR_SIZE) -> None:
        super().__init__()
        self.matrix = segno.make(data, error="m").matrix
        self.width = self.height = size

    def draw(self) -> None:
        modules = len(self.matrix) + 8  # the 4-module quiet zone on each side
        unit = self.width / modules
        path = self.canv.beginPath()
        for row, line in enumerate(self.matrix):
            for column, dark in enumerate(line):
                if dark:
                    path.rect((column + 4) * unit, self.height - (row + 5) * unit, unit, unit)
        self.canv.setFillColor(colors.black)
        self.canv.drawPath(path, stroke=0, fill=1)


class QrPlaceholder(Flowable):
    """Where the QR code will be, on a preview: a dashed square saying so."""

    def __init__(self, font: str, size: float = QR_SIZE) -> None:
        super().__init__()
        self.font = font
        self.width = self.height = size

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.setStrokeColor(colors.Color(0.5, 0.5, 0.5))
        c.setDash(3, 3)
        c.rect(2 * mm, 2 * mm, self.width - 4 * mm, self.height - 4 * mm)
        c.setFillColor(colors.Color(0.4, 0.4, 0.4))
        c.setFont(self.font, 9)
        c.drawCentredString(self.width / 2, self.height / 2 + 1 * mm, "二维码")
        c.drawCentredString(self.width / 2, self.height / 2 - 4 * mm, PREVIEW_PLACEHOLDER)
        c.restoreState()


def _numbered_canvas(
    serial: str, footer: str, font: str, watermark: str = "", header: str = ""
) -> type[Canvas]:
    """A canvas that knows the page count when it draws each page's header and footer (and
    a preview's watermark)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("initialFontName", font)
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()  # type: ignore[attr-defined]  # reportlab API, not in the stubs

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._decorate(number, total)
                super().showPage()
            super().save()

        def _decorate(self, number: int, total: int) -> None:
            width, height = A4
            self.setFont(font, 10)
            self.setFillColor(colors.black)
            self.drawRightString(width - MARGIN, height - 14 * mm, header or f"编号：{serial}")
            self.setFont(font, 9)
            self.drawCentredString(width / 2, 12 * mm, f"第 {number} 页 共 {total} 页")
            self.setFillColor(colors.Color(0.35, 0.35, 0.35))
            self.drawCentredString(width / 2, 17 * mm, footer)
            if watermark:
                self.saveState()
                self.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.18))
                self.setFont(font, 120)
                self.translate(width / 2, height / 2)
                self.rotate(35)
                self.drawCentredString(0, -40, watermark)
                self.restoreState()

    return NumberedCanvas


def _table(rows: list[list[str]], styles: dict[str, ParagraphStyle], header: bool) -> Table:
    """A ruled table. A body cell whose text fits on one line is drawn as a plain string
    (printed literally, never parsed as markup); only longer ones are paragraphs that wrap.
    A table re-measures its rows at each page break, so paragraphs everywhere made a long
    table twice as slow to lay out."""
    column = (A4[0] - 2 * MARGIN) / max(len(rows[0]), 1)
    cell = styles["cell"]
    room = column - 2 * CELL_PADDING

    def body_cell(text: str) -> str | Paragraph:
        fits = "\n" not in text and stringWidth(text, cell.fontName, cell.fontSize) <= room
        return text if fits else _p(text, cell)

    cells = [
        [_p(text, styles["head"]) if header and index == 0 else body_cell(text) for text in row]
        for index, row in enumerate(rows)
    ]
    table = Table(
        cells, repeatRows=1 if header else 0, hAlign="LEFT", colWidths=[column] * len(rows[0])
    )
    commands: list[tuple[Any, ...]] = [
        # Plain-string cells take the table's font (else Helvetica, unembedded) and size.
        ("FONTNAME", (0, 0), (-1, -1), cell.fontName),
        ("FONTSIZE", (0, 0), (-1, -1), cell.fontSize),
        ("LEADING", (0, 0), (-1, -1), cell.leading),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.Color(0.6, 0.6, 0.6)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if header:  # a table of records: amounts and counts set right, so digits line up
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.11, 0.31, 0.61)))
        for index in _numeric_columns(rows[1:]):
            commands.append(("ALIGN", (index, 1), (index, -1), "RIGHT"))
    table.setStyle(TableStyle(commands))
    return table


# An amount or a count as the documents write it: ¥1,234.50, -12.00, 1,200, 36 元.
_NUMBER = re.compile(r"-?[¥￥]?-?\d[\d,]*(\.\d+)?\s*(元|个月|月|人|次)?")


def _numeric_columns(body: list[list[str]]) -> list[int]:
    """The columns whose every filled cell is a number."""
    columns: dict[int, list[str]] = {}
    for row in body:
        for index, text in enumerate(row):
            if text.strip():
                columns.setdefault(index, []).append(text.strip())
    return [
        index
        for index, cells in sorted(columns.items())
        if all(_NUMBER.fullmatch(cell) for cell in cells)
    ]


def _content(document: Document, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """What the document says: title, recipient, text, fields, tables, notes."""
    story: list[Flowable] = [_p(document.title, styles["title"])]
    if document.subtitle:
        story.append(_p(document.subtitle, styles["subtitle"]))
    if document.recipient:
        story += [
            _table([[kv.label, kv.value] for kv in document.recipient], styles, False),
            Spacer(1, 6 * mm),
        ]
    story += [_p(text, styles["body"]) for text in document.paragraphs]
    if document.fields:
        story += [
            _table([[kv.label, kv.value] for kv in document.fields], styles, False),
            Spacer(1, 4 * mm),
        ]
    for table in document.tables:
        if table.title:
            story.append(_p(table.title, styles["plain"]))
        story += [_table([table.columns, *table.rows], styles, True), Spacer(1, 4 * mm)]
    story += [_p(note, styles["note"]) for note in document.notes]
    return story


def _story(answer: CertificateAnswer, font: str, preview: bool) -> list[Flowable]:
    document: Document = answer.document
    styles = _styles(font)
    story = _content(document, styles)
    verify = answer.verify
    seal_width = 2 * SEAL_RADIUS + 2 * mm
    issuer = Table(
        [
            [
                [
                    _p(document.issuer, styles["issuer"]),
                    _p(f"{document.issue_date:%Y年%m月%d日}", styles["issuer"]),
                    _p("（印章为图像，仅供核验参考，非电子签名）", styles["note_right"]),
                ],
                Seal(document.seal_text, font),
            ]
        ],
        colWidths=[None, seal_width],
    )
    check = Table(
        [
            [
                QrPlaceholder(font) if preview else QrCode(verify.url),
                [
                    _p(f"验证码：{verify.code}", styles["plain"]),
                    _p(f"内容校验码：{verify.content_hash}", styles["note"]),
                    _p(
                        f"核验有效期至 {verify.valid_until:%Y年%m月%d日}；"
                        "扫描二维码或登录核验网站，输入验证码即可查验本证明的真伪。",
                        styles["note"],
                    ),
                ],
            ]
        ],
        colWidths=[QR_SIZE + 4 * mm, None],
    )
    for block in (issuer, check):
        block.setStyle(
            TableStyle(
                [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("FONTNAME", (0, 0), (-1, -1), font)]
            )
        )
    story += [Spacer(1, 8 * mm), KeepTogether([issuer, Spacer(1, 4 * mm), check])]
    return story


def _a4_template(buffer: io.BytesIO, document: Document, font: str) -> SimpleDocTemplate:
    """An A4 page with the margins the header and footer lines need, titled as `document`."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=24 * mm,
        bottomMargin=26 * mm,
        title=document.title,
        author=document.issuer,
        initialFontName=font,
    )


def render_certificate(answer: CertificateAnswer, *, preview: bool = False) -> bytes:
    """The certificate as PDF bytes, fonts embedded as subsets. `preview`: the resident's
    look before 确认打印 (see `preview_answer`), marked 预览 on every page, no QR code."""
    font = register_cjk_font()
    host = answer.verify.url.split("/verify/")[0]
    if preview:
        footer = "预览：确认打印后开具，编号、验证码和二维码在开具时生成"
    else:
        footer = f"此证明可通过扫描二维码或登录 {host} 输入验证码 {answer.verify.code} 核验"
    buffer = io.BytesIO()
    template = _a4_template(buffer, answer.document, font)
    canvas = _numbered_canvas(answer.serial_no, footer, font, PREVIEW_WATERMARK if preview else "")
    template.build(_story(answer, font, preview), canvasmaker=canvas)
    return buffer.getvalue()


def render_query_result(document: Document) -> bytes:
    """A query result (查询结果) as PDF bytes: the document's content on the certificate's
    pages, headed 查询结果 instead of a serial, with the place and date it was printed but
    no seal, no QR code and no verification code: nothing was issued."""
    font = register_cjk_font()
    styles = _styles(font)
    buffer = io.BytesIO()
    template = _a4_template(buffer, document, font)
    story = _content(document, styles)
    story += [
        Spacer(1, 6 * mm),
        _p(document.issuer, styles["issuer"]),
        _p(f"{document.issue_date:%Y年%m月%d日}", styles["issuer"]),
    ]
    footer = "自助终端查询结果，仅供本人查阅，不作为证明使用"
    template.build(story, canvasmaker=_numbered_canvas("", footer, font, header="查询结果"))
    return buffer.getvalue()


def render_acceptance(receipt: Receipt) -> bytes:
    """A 受理回执 on A4, for a kiosk without a receipt printer: the slip's lines in large type
    and the QR code of the progress page."""
    font = register_cjk_font()
    styles = _styles(font)
    buffer = io.BytesIO()
    template = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=24 * mm,
        bottomMargin=26 * mm, title=receipt.title, author=receipt.site, initialFontName=font,
    )  # fmt: skip
    story: list[Flowable] = [_p(receipt.title, styles["title"]), Spacer(1, 6 * mm)]
    story += [_p(line, styles["plain"]) for line in receipt.lines()]
    story += [Spacer(1, 6 * mm), QrCode(receipt.verify_url)]  # the footer: on every page's foot
    template.build(
        story, canvasmaker=_numbered_canvas("", receipt.footer, font, header=receipt.title)
    )
    return buffer.getvalue()


def preview_answer(preview: CertificatePreview) -> CertificateAnswer:
    """The certificate as it would be issued, with placeholders where the issue fills in
    serial, verification code and content hash, for `render_certificate(…, preview=True)`."""
    return CertificateAnswer(
        certificate_id="preview",
        serial_no=PREVIEW_PLACEHOLDER,
        issued_at=dt.datetime.now(dt.UTC),
        verify=Verification(
            url=preview.verify_base_url,
            code=PREVIEW_PLACEHOLDER,
            valid_until=preview.valid_until,
            content_hash=PREVIEW_PLACEHOLDER,
        ),
        document=preview.document,
        reprint=False,
    )
