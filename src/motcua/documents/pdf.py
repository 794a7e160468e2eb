"""Render the one-stop forms of Circular 03/2025/TT-VPCP Annex I to PDF (R-FORM-1, R-FORM-2, R-FORM-3).

`render_pdf(doc)` takes one of the dataclasses of `motcua.documents.forms` and returns the PDF bytes.
Text is set in Liberation Serif (metrically Times New Roman, the typeface of Vietnamese administrative
documents), embedded so every diacritic prints on any reader. Output is byte-for-byte deterministic.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, HRFlowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from motcua.documents.forms import (
    ApologyDoc,
    ControlSheet,
    Header,
    Party,
    ReceiptSlip,
    RefusalDoc,
    StopNoticeDoc,
    SupplementRequestDoc,
    TrackingBook,
)
from motcua.documents.text import (
    SYSTEM_NAME,
    local,
    number_line,
    place_and_date,
    short,
    tracking_book_subtitle,
    when,
)

FONT_DIR = Path(__file__).parent / "fonts"
FONT = "MotcuaSerif"

MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP = 2.5 * cm, 1.5 * cm, 2 * cm
FOOTER_HEIGHT = 2.6 * cm  # room for the R-FORM-3 block: system name, code, link and QR
QR_SIZE = 2.2 * cm

# Annex I titles and number symbols; forms 01 and 05 have none in R-FORM-1 (nor in workflow.Decision.FORMS).
TITLES = {
    ReceiptSlip: ("Giấy tiếp nhận hồ sơ và hẹn trả kết quả", ""),
    SupplementRequestDoc: ("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "PBS"),
    RefusalDoc: ("Phiếu từ chối tiếp nhận giải quyết hồ sơ", "PTC"),
    ApologyDoc: ("Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết", "PXL"),
    StopNoticeDoc: ("Thông báo dừng giải quyết hồ sơ", ""),
    ControlSheet: ("Phiếu kiểm soát quá trình giải quyết hồ sơ", "PKS"),
    TrackingBook: ("Sổ theo dõi hồ sơ", "STD"),
}


for _suffix, _file in (("", "Regular"), ("-Bold", "Bold"), ("-Italic", "Italic")):
    pdfmetrics.registerFont(TTFont(FONT + _suffix, FONT_DIR / f"LiberationSerif-{_file}.ttf"))
pdfmetrics.registerFontFamily(
    FONT, normal=FONT, bold=FONT + "-Bold", italic=FONT + "-Italic", boldItalic=FONT + "-Bold"
)


BODY = ParagraphStyle("body", fontName=FONT, fontSize=12, leading=16, spaceAfter=2, alignment=TA_JUSTIFY)
ITEM = ParagraphStyle("item", parent=BODY, leftIndent=0.8 * cm)
CENTRE = ParagraphStyle("centre", parent=BODY, alignment=TA_CENTER, spaceAfter=0)
TITLE = ParagraphStyle(
    "title", parent=CENTRE, fontName=FONT + "-Bold", fontSize=14, leading=18, spaceBefore=14
)
SUBTITLE = ParagraphStyle("subtitle", parent=CENTRE, fontSize=12, spaceAfter=10)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=9, leading=11, spaceAfter=0, alignment=TA_LEFT)
CELL_HEAD = ParagraphStyle("cell_head", parent=CELL, fontName=FONT + "-Bold", alignment=TA_CENTER)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=9, leading=11, spaceAfter=0, alignment=TA_LEFT)
SMALL_CENTRE = ParagraphStyle("small_centre", parent=SMALL, alignment=TA_CENTER)


# -- Text -------------------------------------------------------------------------------------------


def _t(value: object) -> str:
    """Return a value as Paragraph markup: composed Vietnamese (NFC), escaped, line breaks kept."""
    text = unicodedata.normalize("NFC", str(value))
    return escape(text).replace("\n", "<br/>")


def _upper(value: str) -> str:
    return unicodedata.normalize("NFC", value).upper()


# -- Building blocks --------------------------------------------------------------------------------


def _field(label: str, value: object, *, bold: bool = False) -> Paragraph:
    text = f"<b>{_t(value)}</b>" if bold else _t(value)
    return Paragraph(f"{_t(label)}: {text}", BODY)


def _numbered(items: Sequence[str]) -> list[Flowable]:
    return [Paragraph(f"{i}. {_t(item)}", ITEM) for i, item in enumerate(items, start=1)]


def _contact(party: Party, *, known_only: bool = False) -> list[Flowable]:
    """Return a party's identifier, address, phone and e-mail; with known_only, only those given."""
    fields = [
        ("Số định danh cá nhân/tổ chức", party.identifier),
        ("Địa chỉ", party.address),
        ("Số điện thoại", party.phone),
        ("Email", party.email),
    ]
    return [_field(label, value) for label, value in fields if value or not known_only]


def _top(header: Header, doc_type: type, width: float, subtitle: str = "") -> list[Flowable]:
    """Return the unit header, motto, number, place and date, and the title of a form."""
    title, symbol = TITLES[doc_type]
    rule = HRFlowable(
        width="35%", thickness=0.6, color=colors.black, spaceBefore=1, spaceAfter=4, hAlign="CENTER"
    )
    left = [
        Paragraph(_t(_upper(header.unit.parent_name)), CENTRE),
        Paragraph(f"<b>{_t(_upper(header.unit.name))}</b>", CENTRE),
        rule,
        Paragraph(_t(number_line(header, symbol)), CENTRE),
    ]
    right = [
        Paragraph("<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>", CENTRE),
        Paragraph("<b>Độc lập - Tự do - Hạnh phúc</b>", CENTRE),
        rule,
        Paragraph(f"<i>{_t(place_and_date(header.place, header.date))}</i>", CENTRE),
    ]
    table = Table([[left, right]], colWidths=[width * 0.44, width * 0.56])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    below_title = Paragraph(_t(subtitle), SUBTITLE) if subtitle else Spacer(1, 10)
    return [table, Paragraph(_t(_upper(title)), TITLE), below_title]


def _signatures(width: float, right: tuple[str, str], left: tuple[str, str] | None = None) -> Table:
    """Return the signature blocks: (role, name) on the right, and on the left if two parties sign."""

    def block(role: str, name: str) -> list[Flowable]:
        return [
            Paragraph(f"<b>{_t(_upper(role))}</b>", CENTRE),
            Paragraph("<i>(Ký và ghi rõ họ tên)</i>", CENTRE),
            Spacer(1, 2 * cm),
            Paragraph(f"<b>{_t(name)}</b>", CENTRE),
        ]

    table = Table([[block(*left) if left else "", block(*right)]], colWidths=[width / 2, width / 2])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 14)]))
    return table


def _grid(
    header_rows: Sequence[Sequence[str]], rows: Sequence[Sequence[object]], widths: list[float]
) -> Table:
    """Return a bordered table whose header repeats on every page."""
    data = [[Paragraph(_t(cell), CELL_HEAD) if cell else "" for cell in row] for row in header_rows]
    data += [[Paragraph(_t(cell), CELL) for cell in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=len(header_rows))
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, len(header_rows) - 1), colors.HexColor("#eeeeee")),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return table


def _cell_time(moment: dt.datetime | None) -> str:
    """Return "14:30" above "28/11/2026", so narrow columns break between time and date."""
    return short(moment).replace(" ", "\n")


def _qr(url: str, size: float) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x2 - x1), 0, 0, size / (y2 - y1), 0, 0])
    drawing.add(widget)
    return drawing


def _footer(header: Header, dossier_code: str) -> Callable[[Canvas, SimpleDocTemplate], None]:
    """Return the page callback printing the R-FORM-3 block: system name, code, link, converter, QR."""

    def draw(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        lines = [f"<b>{_t(SYSTEM_NAME)}</b>"]
        if dossier_code:
            lines.append("Mã hồ sơ: " + _t(dossier_code))
        if header.tracking_url:
            lines.append("Tra cứu hồ sơ: " + _t(header.tracking_url))
        if header.verification_url:
            lines.append("Xác thực văn bản: " + _t(header.verification_url))
        if header.converted_by:
            lines.append("Người chuyển đổi: " + _t(header.converted_by))
        lines.append(f"Trang {canvas.getPageNumber()}")
        text = Paragraph("<br/>".join(lines), SMALL)
        qr: object = ""
        if header.verification_url:
            qr = [_qr(header.verification_url, QR_SIZE), Paragraph("Mã QR xác thực", SMALL_CENTRE)]
        elif header.tracking_url:
            qr = [_qr(header.tracking_url, QR_SIZE), Paragraph("Mã QR tra cứu", SMALL_CENTRE)]
        qr_width = QR_SIZE + 0.6 * cm
        table = Table([[text, qr]], colWidths=[doc.width - qr_width, qr_width])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LINEABOVE", (0, 0), (-1, 0), 0.5, colors.grey),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        _, height = table.wrapOn(canvas, doc.width, FOOTER_HEIGHT)
        table.drawOn(canvas, doc.leftMargin, 1.2 * cm + max(0.0, FOOTER_HEIGHT - height) / 2)

    return draw


def _page_width(wide: bool) -> float:
    return (landscape(A4) if wide else A4)[0] - MARGIN_LEFT - MARGIN_RIGHT


def _build(story: list[Flowable], *, doc_type: type, header: Header, dossier_code: str, wide: bool) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4) if wide else A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=1.2 * cm + FOOTER_HEIGHT + 0.4 * cm,
        title=TITLES[doc_type][0],
        author=header.unit.name,
        subject=dossier_code,
        creator=SYSTEM_NAME,
        lang="vi-VN",
        initialFontName=FONT,
        invariant=1,  # no timestamps or random ids: the same form gives the same bytes
    )
    footer = _footer(header, dossier_code)
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()


# -- The forms --------------------------------------------------------------------------------------


@functools.singledispatch
def render_pdf(doc: object) -> bytes:
    """Return the PDF of a form of Circular 03/2025/TT-VPCP Annex I given as a `forms` dataclass."""
    raise TypeError(f"no PDF form for {type(doc).__name__}")


@render_pdf.register
def _(doc: ReceiptSlip) -> bytes:
    width = _page_width(wide=False)
    story = _top(doc.header, ReceiptSlip, width)
    story += [
        _field("Mã hồ sơ", doc.dossier_code, bold=True),
        _field("Đơn vị tiếp nhận", doc.receiving_unit),
        _field("Tiếp nhận hồ sơ của", doc.applicant.name, bold=True),
        *_contact(doc.applicant),
    ]
    if doc.delegate:
        story += [
            _field("Người được ủy quyền nộp hồ sơ", doc.delegate.name, bold=True),
            *_contact(doc.delegate, known_only=True),
            _field("Văn bản ủy quyền", doc.mandate_document),
        ]
    story += [
        _field("Nội dung yêu cầu giải quyết", doc.procedure_name),
        Paragraph("Thành phần hồ sơ nộp gồm:", BODY),
        *_numbered(doc.components),
        _field("Số lượng hồ sơ", f"{doc.sets:02d} (bộ)"),
        _field("Thời gian giải quyết hồ sơ theo quy định", doc.processing_time),
        _field("Thời gian nhận hồ sơ", when(doc.received_at)),
        _field("Thời gian trả kết quả giải quyết hồ sơ", when(doc.due_at), bold=True),
        _field("Đăng ký nhận kết quả tại", doc.result_delivery),
        Paragraph(
            f"Vào Sổ theo dõi hồ sơ, Quyển số: {_t(doc.book_volume)}, Số thứ tự: {_t(doc.book_entry)}", BODY
        ),
    ]
    submitter = doc.delegate or doc.applicant
    story.append(
        _signatures(
            width,
            left=("Người nộp hồ sơ", submitter.name),
            right=(doc.header.signer_title or "Người tiếp nhận hồ sơ", doc.header.signer_name),
        )
    )
    return _build(story, doc_type=ReceiptSlip, header=doc.header, dossier_code=doc.dossier_code, wide=False)


@render_pdf.register
def _(doc: SupplementRequestDoc) -> bytes:
    width = _page_width(wide=False)
    story = _top(doc.header, SupplementRequestDoc, width)
    story += [
        _field("Mã hồ sơ", doc.dossier_code, bold=True),
        _field("Hồ sơ của", doc.applicant.name, bold=True),
        _field("Nội dung yêu cầu giải quyết", doc.procedure_name),
        *_contact(doc.applicant),
        Paragraph("<b>Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:</b>", BODY),
        *_numbered(doc.items),
        _field("Lý do", doc.reason),
        Paragraph(
            "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, xin liên hệ "
            f"{_t(doc.contact_name)}, số điện thoại {_t(doc.contact_phone)} để được hướng dẫn./.",
            BODY,
        ),
        _signatures(width, right=(doc.header.signer_title or "Người hướng dẫn", doc.header.signer_name)),
    ]
    return _build(
        story, doc_type=SupplementRequestDoc, header=doc.header, dossier_code=doc.dossier_code, wide=False
    )


@render_pdf.register
def _(doc: RefusalDoc) -> bytes:
    width = _page_width(wide=False)
    story = _top(doc.header, RefusalDoc, width)
    story += [
        _field("Đơn vị tiếp nhận", doc.receiving_unit),
        _field("Tiếp nhận hồ sơ của", doc.applicant.name, bold=True),
        *_contact(doc.applicant),
        _field("Mã hồ sơ", doc.dossier_code or "(chưa cấp)"),
        _field("Nội dung yêu cầu giải quyết", doc.procedure_name),
        Paragraph(
            f"Qua xem xét, {_t(doc.receiving_unit)} thông báo <b>không tiếp nhận, giải quyết</b> hồ sơ này "
            "với lý do cụ thể như sau:",
            BODY,
        ),
        Paragraph(_t(doc.reason), ITEM),
        Paragraph("Xin thông báo để ông/bà/tổ chức được biết./.", BODY),
        _signatures(
            width,
            left=("Người nộp hồ sơ", doc.applicant.name),
            right=(doc.header.signer_title or "Người tiếp nhận hồ sơ", doc.header.signer_name),
        ),
    ]
    return _build(story, doc_type=RefusalDoc, header=doc.header, dossier_code=doc.dossier_code, wide=False)


@render_pdf.register
def _(doc: ApologyDoc) -> bytes:
    width = _page_width(wide=False)
    unit = _t(doc.header.unit.name)
    story = _top(doc.header, ApologyDoc, width)
    story += [
        Paragraph(f"Kính gửi: <b>{_t(doc.applicant.name)}</b>", CENTRE),
        Spacer(1, 8),
        Paragraph(
            f"Ngày {local(doc.received_at):%d/%m/%Y}, {unit} tiếp nhận giải quyết hồ sơ đề nghị "
            f"{_t(doc.procedure_name)} của ông/bà/tổ chức:",
            BODY,
        ),
        _field("Tên tổ chức, cá nhân", doc.applicant.name, bold=True),
        _field("Số định danh cá nhân/tổ chức", doc.applicant.identifier),
        _field("Mã số hồ sơ", doc.dossier_code, bold=True),
        _field("Thời gian hẹn trả kết quả giải quyết hồ sơ", when(doc.due_at)),
        Paragraph(
            f"Tuy nhiên đến nay, {unit} chưa trả kết quả giải quyết hồ sơ của ông/bà/tổ chức đúng hạn.",
            BODY,
        ),
        _field("Lý do", doc.reason),
        Paragraph(
            "Sự chậm trễ này đã gây phiền hà, tốn kém chi phí, công sức của ông/bà/tổ chức. "
            f"{unit} xin lỗi ông/bà/tổ chức và đề nghị gia hạn thời gian giải quyết; kết quả giải quyết "
            f"hồ sơ sẽ được trả vào: <b>{_t(when(doc.new_due_at))}</b>.",
            BODY,
        ),
        Paragraph("Xin trân trọng cảm ơn sự hợp tác của ông/bà/tổ chức./.", BODY),
        _signatures(
            width, right=(doc.header.signer_title or "Thủ trưởng cơ quan, đơn vị", doc.header.signer_name)
        ),
    ]
    return _build(story, doc_type=ApologyDoc, header=doc.header, dossier_code=doc.dossier_code, wide=False)


@render_pdf.register
def _(doc: StopNoticeDoc) -> bytes:
    width = _page_width(wide=False)
    unit = _t(doc.header.unit.name)
    story = _top(doc.header, StopNoticeDoc, width)
    story += [
        Paragraph(f"Kính gửi: <b>{_t(doc.applicant.name)}</b>", CENTRE),
        Spacer(1, 8),
        _field("Mã hồ sơ", doc.dossier_code, bold=True),
        _field("Tên thủ tục hành chính", doc.procedure_name),
        _field("Tên tổ chức, cá nhân", doc.applicant.name),
        _field("Số định danh cá nhân/tổ chức", doc.applicant.identifier),
        Paragraph(
            f"Vào {_t(when(doc.requested_at))}, {unit} nhận được đề nghị dừng giải quyết hồ sơ nêu trên "
            "của ông/bà/tổ chức.",
            BODY,
        ),
    ]
    if doc.reason:
        story.append(_field("Lý do đề nghị", doc.reason))
    story += [
        Paragraph(
            f"Tại thời điểm đề nghị, hồ sơ ở trạng thái: <b>{_t(doc.status_at_request)}</b>; "
            "chưa có quyết định hoặc kết quả giải quyết.",
            BODY,
        ),
        Paragraph(f"{unit} thông báo dừng giải quyết hồ sơ theo đề nghị của ông/bà/tổ chức./.", BODY),
        _signatures(
            width, right=(doc.header.signer_title or "Đại diện Bộ phận Một cửa", doc.header.signer_name)
        ),
    ]
    return _build(story, doc_type=StopNoticeDoc, header=doc.header, dossier_code=doc.dossier_code, wide=False)


@render_pdf.register
def _(doc: ControlSheet) -> bytes:
    width = _page_width(wide=True)
    story = _top(doc.header, ControlSheet, width)
    story += [
        _field("Mã hồ sơ", doc.dossier_code, bold=True),
        _field("Cơ quan (bộ phận) giải quyết hồ sơ", doc.handling_unit),
    ]
    if doc.coordinating_units:
        story.append(_field("Cơ quan phối hợp giải quyết hồ sơ", doc.coordinating_units))
    story += [
        _field("Thời gian nhận hồ sơ", when(doc.received_at)),
        _field("Thời gian hẹn trả kết quả", when(doc.due_at)),
        Spacer(1, 8),
    ]
    columns = [
        "STT",
        "Bước xử lý",
        "Bên giao",
        "Bên nhận",
        "Thời gian nhận",
        "Thời gian giao",
        "Hạn xử lý",
        "Kết quả (trước hạn / đúng hạn / quá hạn)",
        "Ghi chú",
    ]
    rows: list[list[object]] = [
        [
            i,
            row.step,
            row.giver,
            row.receiver,
            _cell_time(row.received_at),
            _cell_time(row.handed_over_at),
            _cell_time(row.due_at),
            row.timeliness.value if row.timeliness else "",
            row.note,
        ]
        for i, row in enumerate(doc.rows, start=1)
    ]
    widths = [w * cm for w in (1.1, 4.6, 3.6, 3.6, 2.0, 2.0, 2.0, 2.4, 4.4)]
    story.append(_grid([columns], rows, widths))
    return _build(story, doc_type=ControlSheet, header=doc.header, dossier_code=doc.dossier_code, wide=True)


@render_pdf.register
def _(doc: TrackingBook) -> bytes:
    width = _page_width(wide=True)
    story = _top(doc.header, TrackingBook, width, subtitle=tracking_book_subtitle(doc))
    head = [
        [
            "STT",
            "Mã hồ sơ",
            "Tên thủ tục hành chính",
            "Tên tổ chức, cá nhân",
            "Địa chỉ, số điện thoại",
            "Cơ quan chủ trì giải quyết",
            "Nhận và trả kết quả",
            "",
            "",
            "Phương thức nhận kết quả",
            "Ký nhận",
        ],
        ["", "", "", "", "", "", "Nhận hồ sơ", "Hẹn trả kết quả", "Trả kết quả", "", ""],
    ]
    rows: list[list[object]] = [
        [
            row.entry_number,
            row.dossier_code,
            row.procedure_name,
            row.applicant_name,
            row.applicant_contact,
            row.lead_agency,
            _cell_time(row.received_at),
            _cell_time(row.due_at),
            _cell_time(row.returned_at),
            row.result_delivery,
            "",
        ]
        for row in doc.rows
    ]
    widths = [w * cm for w in (1.1, 4.2, 3.2, 2.7, 2.9, 2.5, 1.9, 1.9, 1.9, 1.9, 1.4)]
    table = _grid(head, rows, widths)
    # The two header rows: "Nhận và trả kết quả" spans its three columns, the others span both rows.
    spans = [("SPAN", (6, 0), (8, 0))]
    spans += [("SPAN", (col, 0), (col, 1)) for col in (0, 1, 2, 3, 4, 5, 9, 10)]
    table.setStyle(TableStyle(spans))
    story.append(table)
    return _build(story, doc_type=TrackingBook, header=doc.header, dossier_code="", wide=True)
