"""The certification statement (lời chứng) that ends a certified electronic copy (R-CERT-1).

Wording after the statement for a copy from an original under Decree 23/2015/NĐ-CP and Circular
01/2020/TT-BTP ("Chứng thực bản sao đúng với bản chính. Số chứng thực … quyển số …-SCT/BS"), adapted to an
electronic copy: it says how many pages were captured, from which original, for whom, and that the copy
carries the certifying official's and the agency's digital signatures rather than ink and a seal.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from motcua.documents.pdf import BODY, CENTRE, FONT, TITLE, _t, _upper
from motcua.documents.text import SYSTEM_NAME, local, place_and_date

STATEMENT = "Chứng thực bản sao đúng với bản chính."


@dataclass(frozen=True)
class Statement:
    agency_name: str
    place: str
    number: int
    year: int
    copy_pages: int
    document_title: str
    document_issuer: str
    document_number: str
    original_pages: int
    applicant_name: str
    applicant_id_number: str
    official_name: str
    issued_at: dt.datetime


def register_line(number: int, year: int) -> str:
    """ "Số chứng thực: 12, quyển số 2026-SCT/BS" (the register's volume is its year)."""
    return f"Số chứng thực: {number}, quyển số {year}-SCT/BS"


def statement_pdf(s: Statement) -> bytes:
    """The statement page, in the forms' typeface; deterministic bytes for the same statement."""
    original = f"“{s.document_title}”"
    if s.document_number:
        original += f", số {s.document_number}"
    original += f", do {s.document_issuer} cấp, gồm {s.original_pages} trang"
    story = [
        Paragraph(f"<b>{_t(_upper(s.agency_name))}</b>", CENTRE),
        Spacer(1, 6),
        Paragraph("<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>", CENTRE),
        Paragraph("<b>Độc lập - Tự do - Hạnh phúc</b>", CENTRE),
        Paragraph("LỜI CHỨNG", TITLE),
        Spacer(1, 12),
        Paragraph(f"<b>{_t(STATEMENT)}</b>", BODY),
        Paragraph(
            _t(
                f"Bản sao điện tử gồm {s.copy_pages} trang trước lời chứng này, được chụp đầy đủ, đúng thứ tự "
                f"từng trang từ bản chính {original}."
            ),
            BODY,
        ),
        Paragraph(
            _t(f"Người yêu cầu chứng thực: {s.applicant_name}, số giấy tờ tùy thân {s.applicant_id_number}."),
            BODY,
        ),
        Paragraph(f"<b>{_t(register_line(s.number, s.year))}</b>", BODY),
        Paragraph(
            _t(f"Thời điểm chứng thực: {local(s.issued_at):%H:%M}, ngày {local(s.issued_at):%d/%m/%Y}."), BODY
        ),
        Spacer(1, 12),
        Paragraph(f"<i>{_t(place_and_date(s.place, local(s.issued_at).date()))}</i>", CENTRE),
        Paragraph("<b>NGƯỜI THỰC HIỆN CHỨNG THỰC</b>", CENTRE),
        Paragraph("<i>(Ký số của người thực hiện chứng thực và của cơ quan)</i>", CENTRE),
        Spacer(1, 1.2 * cm),
        Paragraph(f"<b>{_t(s.official_name)}</b>", CENTRE),
        Spacer(1, 1 * cm),
        Paragraph(
            _t(
                f"Bản sao điện tử này được ký số bởi người thực hiện chứng thực và {s.agency_name} trên {SYSTEM_NAME}; "
                "chữ ký số thay cho chữ ký tay và con dấu trên bản giấy (Nghị định 45/2020/NĐ-CP, Điều 10)."
            ),
            BODY,
        ),
    ]
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=2.5 * cm,
        rightMargin=1.5 * cm,
        topMargin=2 * cm,
        bottomMargin=5 * cm,  # room for the visible signature blocks
        title="Lời chứng bản sao điện tử",
        author=s.agency_name,
        subject=register_line(s.number, s.year),
        creator=SYSTEM_NAME,
        lang="vi-VN",
        initialFontName=FONT,
        invariant=1,
    )
    document.build(story)
    return out.getvalue()
