"""Each decision's form, filled from what was recorded and rendered to PDF with its Vietnamese text
(R-FORM-1, R-FORM-2, R-FORM-3)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata

import pytest
from django.utils import timezone
from pypdf import PdfReader

from motcua.documents.exports import tracking_book_csv
from motcua.documents.pdf import render_pdf
from motcua.workflow import services
from motcua.workflow.documents import control_sheet, decision_document, tracking_book
from motcua.workflow.models import Decision


def text_of(pdf: bytes) -> str:
    raw = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return unicodedata.normalize("NFC", " ".join(raw.split()))


@pytest.fixture
def accepted(submitted, receptionist):
    services.accept(dossier=submitted, official=receptionist)
    submitted.refresh_from_db()
    return submitted


def test_the_receipt_slip_carries_the_code_the_applicant_the_times_and_the_book_entry_R_FORM_2(
    accepted, citizen
):
    decision = Decision.objects.get(dossier=accepted, kind="accept")

    text = text_of(render_pdf(decision_document(decision)))

    assert accepted.code in text
    assert "Nguyễn Văn An" in text and citizen.citizen_id in text
    assert accepted.procedure.name in text
    assert "don.pdf" in text  # the numbered list of components received
    assert timezone.localtime(accepted.due_at).strftime("%d/%m/%Y") in text
    assert f"/tra-cuu/?ma={accepted.code}" in text  # R-FORM-3: where to verify / track
    assert str(decision.data["book_entry"]) in text


def test_the_supplement_request_lists_every_item_with_its_number_R_FORM_1(submitted, receptionist):
    decision = services.request_supplement(
        dossier=submitted,
        official=receptionist,
        items=[
            services.SupplementItem(
                "component.don", "Đơn chưa có chữ ký của người yêu cầu; hãy ký và tải lại."
            ),
            services.SupplementItem(
                "form.dien_thoai", "Số điện thoại không liên lạc được; hãy ghi số đang dùng."
            ),
        ],
    )

    text = text_of(render_pdf(decision_document(decision)))

    assert f"Số: {decision.number}" in text  # "Số: 1/PBS"
    assert "Đơn chưa có chữ ký của người yêu cầu" in text and "Số điện thoại không liên lạc được" in text


def test_refusal_apology_and_stop_notice_print_their_reasons_R_FORM_1(
    submit, procedure, receptionist, leader, citizen
):
    refused = submit(procedure)
    refusal = services.refuse(
        dossier=refused,
        official=receptionist,
        reason="Thủ tục thuộc thẩm quyền cấp tỉnh.",
        competent_agency="Sở Tư pháp",
    )
    late = submit(procedure)
    services.accept(dossier=late, official=receptionist)
    late.refresh_from_db()
    apology = services.apologise(
        dossier=late,
        official=leader,
        reason="Cần xác minh thêm tại nơi cư trú cũ.",
        new_due_at=late.due_at + dt.timedelta(days=7),
    )
    stopped = submit(procedure)
    stop = services.withdraw(dossier=stopped, applicant=citizen, reason="Tôi đã nộp nhầm thủ tục.")

    assert "Thủ tục thuộc thẩm quyền cấp tỉnh" in text_of(render_pdf(decision_document(refusal)))
    apology_text = text_of(render_pdf(decision_document(apology)))
    assert "Cần xác minh thêm tại nơi cư trú cũ" in apology_text and f"Số: {apology.number}" in apology_text
    stop_text = text_of(render_pdf(decision_document(stop)))
    assert "Tôi đã nộp nhầm thủ tục" in stop_text and "Đang chờ tiếp nhận" in stop_text


def test_the_control_sheet_and_the_tracking_book_show_the_hand_overs_R_PROC_3(
    accepted, agency, specialist, leader, pdf_bytes
):
    services.assign(dossier=accepted, official=leader, assignee=specialist)
    services.attach_result(dossier=accepted, official=specialist, original_name="kq.pdf", chunks=[pdf_bytes])
    services.submit_for_approval(dossier=accepted, official=specialist)

    sheet = text_of(render_pdf(control_sheet(accepted)))
    assert "Tiếp nhận hồ sơ" in sheet and specialist.display_name in sheet
    assert "Trước hạn" in sheet or "Đúng hạn" in sheet

    today = timezone.localdate()
    book = tracking_book(agency=agency, start=today, end=today)
    assert [row.dossier_code for row in book.rows] == [accepted.code]
    assert accepted.code in tracking_book_csv(book).decode("utf-8-sig")
