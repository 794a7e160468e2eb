"""The dossier page of the back office: the check with its decisions at reception, the processing forms
after it, every decision a POST through one workflow service, then a redirect with a message (PRG)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import make_pdf
from motcua.audit.models import AuditEvent
from motcua.backoffice.tests.conftest import STATES
from motcua.dossiers.models import Dossier
from motcua.identity.tests.factories import OfficialFactory
from motcua.workflow import services
from motcua.workflow.models import Consultation, Decision, ProcessingStep


def url(dossier) -> str:
    return f"/mot-cua/ho-so/{dossier.public_id}/"


def act_url(dossier) -> str:
    return url(dossier) + "xu-ly/"


def buttons(page: str) -> set[str]:
    """The decisions a page offers: every submit button carries the action it takes."""
    return set(re.findall(r'data-action="([a-z_]+)"', page))


def post(client, dossier, action, **fields):
    return client.post(act_url(dossier), {"action": action, "revision": str(dossier.revision), **fields})


def decide(client, official, dossier, action, **fields) -> str:
    """Post one decision as `official`; it must redirect to the dossier page, which is returned."""
    client.force_login(official)
    response = post(client, dossier, action, **fields)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == url(dossier)
    dossier.refresh_from_db()
    return client.get(response["Location"]).content.decode()


@pytest.fixture
def submitted(submit, procedure):
    return submit(procedure)


@pytest.fixture
def colleague(agency):
    """A second receptionist of Ba Đình, deciding at the same time as `receptionist`."""
    return OfficialFactory(agency=agency, username="tiepnhan2.test")


# -- who sees what --------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", STATES)
def test_the_buttons_are_exactly_the_allowed_actions_for_each_role_R_PROH_6(
    state, client, submitted, advance, receptionist, specialist, leader
):
    dossier = advance(submitted, state)
    offered = set()
    for official in (receptionist, specialist, leader):
        client.force_login(official)
        response = client.get(url(dossier))
        assert response.status_code == 200
        shown = buttons(response.content.decode())
        assert shown == set(services.allowed_actions(dossier, official)), official.username
        offered |= shown
    # Something is offered to someone exactly while the dossier waits for the agency.
    assert bool(offered) == (state not in {"supplement_requested", "refused", "done"})


def test_a_specialist_sees_a_dossier_at_reception_without_any_decision(client, submitted, specialist):
    client.force_login(specialist)

    page = client.get(url(submitted)).content.decode()

    assert buttons(page) == set()
    assert "Bạn chỉ xem được hồ sơ này" in page
    assert "Nộp lần đầu" in page  # the e-form is shown all the same


def test_a_citizen_cannot_post_a_decision_and_a_get_decides_nothing(client, submitted, citizen, receptionist):
    client.force_login(citizen)
    assert post(client, submitted, "accept").status_code == 403

    client.force_login(receptionist)
    assert client.get(act_url(submitted)).status_code == 405
    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.SUBMITTED


def test_enter_in_a_box_decides_nothing_and_keeps_what_was_typed(client, submitted, receptionist):
    """The check form's first (invisible) button has no action: implicit submission cannot accept."""
    client.force_login(receptionist)

    response = post(client, submitted, "", **{"note-component.don": "Chữ ký hơi mờ, vẫn đọc được."})

    page = response.content.decode()
    assert response.status_code == 200
    assert "Chưa có quyết định nào được thực hiện" in page
    assert "Chữ ký hơi mờ, vẫn đọc được.</textarea>" in page
    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.SUBMITTED


# -- reception decisions (R-CHK-1) ------------------------------------------------------------------------


def test_accepting_keeps_the_check_marks_and_shows_the_code_after_the_redirect_R_CHK_1(
    client, submitted, receptionist
):
    page = decide(
        client,
        receptionist,
        submitted,
        "accept",
        **{
            "mark-component.don": "ok",
            "note-component.don": "Đơn rõ, có chữ ký.",
            "mark-component.giay_to_khac": "",
        },
    )

    assert submitted.status == Dossier.Status.PROCESSING
    assert f"Đã tiếp nhận hồ sơ. Mã hồ sơ: {submitted.code}." in page
    decision = Decision.objects.get(dossier=submitted, kind=Decision.Kind.ACCEPT)
    assert decision.data["marks"] == {"component.don": {"ok": True, "note": "Đơn rõ, có chữ ký."}}
    assert "Phiếu kiểm soát quá trình giải quyết" in page  # the page is now the processing page


def test_a_supplement_request_is_built_from_the_parts_marked_not_ok_with_their_notes_R_SUP_1(
    client, submitted, receptionist
):
    page = decide(
        client,
        receptionist,
        submitted,
        "request_supplement",
        **{
            "mark-component.don": "not_ok",
            "note-component.don": "Đơn chưa có chữ ký; hãy ký và tải lại.",
            "mark-component.giay_to_khac": "ok",
            "note-component.giay_to_khac": "Không cần thêm.",
            "mark-form.dien_thoai": "not_ok",
            "note-form.dien_thoai": "Số điện thoại không liên lạc được; hãy ghi số đang dùng.",
            "note-form.ghi_chu": "Ghi chú nội bộ, không đánh dấu nên không gửi.",
            "request_supplement_reason": "Hồ sơ còn thiếu chữ ký.",
        },
    )

    decision = Decision.objects.get(dossier=submitted, kind=Decision.Kind.SUPPLEMENT)
    assert [(i["target"], i["note"]) for i in decision.data["items"]] == [
        ("component.don", "Đơn chưa có chữ ký; hãy ký và tải lại."),
        ("form.dien_thoai", "Số điện thoại không liên lạc được; hãy ghi số đang dùng."),
    ]
    assert decision.reason == "Hồ sơ còn thiếu chữ ký."
    assert submitted.status == Dossier.Status.SUPPLEMENT_REQUESTED
    assert f"Đã gửi yêu cầu bổ sung hồ sơ (phiếu {decision.number})" in page


def test_refusing_records_the_reason_and_the_competent_agency_R_REF_1(client, submitted, receptionist):
    page = decide(
        client,
        receptionist,
        submitted,
        "refuse",
        refuse_reason="Thủ tục thuộc thẩm quyền cấp tỉnh.",
        refuse_competent_agency="Sở Tư pháp thành phố Hà Nội",
    )

    decision = Decision.objects.get(dossier=submitted, kind=Decision.Kind.REFUSE)
    assert submitted.status == Dossier.Status.REFUSED
    assert decision.data["competent_agency"] == "Sở Tư pháp thành phố Hà Nội"
    assert f"Đã từ chối tiếp nhận hồ sơ (phiếu {decision.number})" in page
    assert "Thủ tục thuộc thẩm quyền cấp tỉnh." in page


def test_supplement_problems_are_all_shown_next_to_their_parts_and_nothing_typed_is_lost(
    client, submitted, receptionist
):
    client.force_login(receptionist)

    response = post(
        client,
        submitted,
        "request_supplement",
        **{
            "mark-component.don": "not_ok",
            "note-component.don": "thiếu",
            "mark-form.dien_thoai": "not_ok",
            "note-form.dien_thoai": "",
            "note-component.giay_to_khac": "Bản sao rõ nét, giữ lại ghi chú này.",
            "refuse_reason": "Lý do đang gõ dở",
            "request_supplement_reason": "Lời nhắn chung đang soạn",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Có 2 điều cần sửa" in page
    for part in ("component-don", "form-dien_thoai"):
        assert f'id="note-{part}-error"' in page  # next to the part's note
        assert f'href="#note-{part}"' in page  # and linked from the summary
    assert ">thiếu</textarea>" in page
    assert ">Bản sao rõ nét, giữ lại ghi chú này.</textarea>" in page
    assert ">Lý do đang gõ dở</textarea>" in page
    assert ">Lời nhắn chung đang soạn</textarea>" in page
    assert re.search(r'id="mark-component-don-not-ok"[^>]*checked', page)
    assert re.search(r'id="mark-form-dien_thoai-not-ok"[^>]*checked', page)
    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.SUBMITTED
    assert not Decision.objects.filter(dossier=submitted).exists()


def test_a_supplement_request_with_nothing_marked_points_at_the_marks(client, submitted, receptionist):
    client.force_login(receptionist)

    response = post(client, submitted, "request_supplement", **{"note-component.don": "Chỉ ghi chú."})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#marks"' in page and 'id="marks-error"' in page
    assert "Hãy chọn ít nhất một thành phần" in page


def test_a_refusal_without_a_real_reason_keeps_the_competent_agency_typed(client, submitted, receptionist):
    client.force_login(receptionist)

    response = post(client, submitted, "refuse", refuse_reason="Sai", refuse_competent_agency="Sở Xây dựng")

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="refuse_reason-error"' in page and 'aria-invalid="true"' in page
    assert 'value="Sở Xây dựng"' in page and ">Sai</textarea>" in page


def test_a_second_supplement_request_asks_for_its_legal_basis_R_SUP_2(
    client, submitted, receptionist, citizen
):
    marks = {"mark-form.dien_thoai": "not_ok", "note-form.dien_thoai": "Hãy ghi số điện thoại đang dùng."}
    decide(client, receptionist, submitted, "request_supplement", **marks)
    services.resubmit(dossier=submitted, applicant=citizen)
    submitted.refresh_from_db()

    page = client.get(url(submitted)).content.decode()
    assert "đã được yêu cầu bổ sung một lần" in page
    response = post(client, submitted, "request_supplement", **marks)
    assert response.status_code == 400
    assert 'id="request_supplement_legal_basis-error"' in response.content.decode()

    decide(
        client,
        receptionist,
        submitted,
        "request_supplement",
        **marks,
        request_supplement_legal_basis="Điều 16 Luật Hộ tịch: cần xác minh nơi cư trú.",
    )
    assert (
        Decision.objects.filter(dossier=submitted, kind=Decision.Kind.SUPPLEMENT, is_repeat=True).count() == 1
    )


# -- two officials at once (R-PROH-6: the other is told the dossier changed) --------------------------------


def test_a_decision_on_a_page_older_than_the_resubmission_is_refused_as_changed(
    client, submitted, receptionist, colleague, citizen
):
    client.force_login(receptionist)
    shown = client.get(url(submitted)).content.decode()
    revision = re.search(r'name="revision" value="(\d+)"', shown).group(1)
    # Meanwhile a colleague asks for a supplement and the applicant answers it: revision 2.
    decide(
        Client(),
        colleague,
        submitted,
        "request_supplement",
        **{"mark-form.dien_thoai": "not_ok", "note-form.dien_thoai": "Hãy ghi số điện thoại đang dùng."},
    )
    services.resubmit(dossier=submitted, applicant=citizen)

    response = client.post(
        act_url(submitted), {"action": "accept", "revision": revision, "note-component.don": "Đã xem kỹ đơn."}
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert "Hồ sơ đã thay đổi từ lúc bạn mở trang" in page
    assert "lần nộp 2" in page  # the service says what it is now
    assert "Đã xem kỹ đơn." in page  # what was typed is not lost
    assert 'name="revision" value="2"' in page  # the page now decides on what the applicant sent last
    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.SUBMITTED and submitted.code is None


def test_two_officials_deciding_at_once_the_second_is_told_the_dossier_changed(
    submitted, receptionist, colleague
):
    first, second = Client(), Client()
    first.force_login(receptionist)
    second.force_login(colleague)
    assert first.get(url(submitted)).status_code == second.get(url(submitted)).status_code == 200

    assert post(first, submitted, "accept").status_code == 302
    response = second.post(
        act_url(submitted),
        {"action": "refuse", "revision": "1", "refuse_reason": "Không thuộc thẩm quyền của phường."},
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert "Hồ sơ đã thay đổi từ lúc bạn mở trang" in page
    assert "Nội dung bạn đã nhập (chưa được lưu)" in page
    assert "Không thuộc thẩm quyền của phường." in page
    assert buttons(page) == set(services.allowed_actions(Dossier.objects.get(pk=submitted.pk), colleague))
    assert not Decision.objects.filter(dossier=submitted, kind=Decision.Kind.REFUSE).exists()


# -- processing (R-PROC-*) ----------------------------------------------------------------------------------


def test_the_processing_forms_take_an_accepted_dossier_to_its_returned_result_R_PROC_3(
    client, submitted, advance, receptionist, specialist, leader, pdf_bytes
):
    advance(submitted, "specialist_unassigned")

    page = decide(client, leader, submitted, "assign", assign_assignee=str(specialist.pk))
    assert f"Đã phân công {specialist.display_name} xử lý hồ sơ." in page
    client.force_login(specialist)
    response = post(
        client,
        submitted,
        "attach_result",
        attach_result_file=SimpleUploadedFile("giay-chung-nhan.pdf", pdf_bytes, "application/pdf"),
    )
    assert response.status_code == 302
    assert f"Đã đính kèm kết quả {submitted.code}-KQ1." in client.get(url(submitted)).content.decode()
    decide(client, specialist, submitted, "submit_for_approval", submit_for_approval_note="Kính trình.")
    page = decide(client, leader, submitted, "send_back", send_back_note="Sai tên cha trong dự thảo.")
    assert "Đã trả lại hồ sơ cho chuyên viên xử lý lại." in page
    decide(client, specialist, submitted, "submit_for_approval")
    decide(client, leader, submitted, "approve", approve_note="Đồng ý.")
    page = decide(client, specialist, submitted, "issue_result")
    assert submitted.status == Dossier.Status.RESULT_READY
    page = decide(client, receptionist, submitted, "return_result")

    assert submitted.status == Dossier.Status.DONE
    assert "Đã trả kết quả cho người nộp." in page
    kinds = list(ProcessingStep.objects.filter(dossier=submitted).values_list("kind", flat=True))
    assert kinds == ["specialist", "approval", "specialist", "approval", "result", "return"]
    sheet = page[page.index('id="sheet-title"') : page.index('id="decisions-title"')]
    assert sheet.count("<tr") == 1 + len(kinds)  # the header and one row per step, form 06
    assert "Sai tên cha trong dự thảo." in sheet
    assert "Lãnh đạo" in sheet and "Chuyên viên xử lý" in sheet and "Cán bộ tiếp nhận (Một cửa)" in sheet
    assert re.search(r"Trước hạn|Đúng hạn", sheet)
    assert f"{submitted.code}-KQ1" in page


def test_a_specialist_takes_an_unassigned_dossier(client, submitted, advance, specialist):
    advance(submitted, "specialist_unassigned")

    page = decide(client, specialist, submitted, "assign", assign_assignee=str(specialist.pk))

    assert "Bạn đã nhận xử lý hồ sơ." in page
    assert ProcessingStep.objects.get(dossier=submitted, handed_over_at=None).assignee == specialist
    assert {"attach_result", "consult", "submit_for_approval"} <= buttons(page)


def test_a_specialist_cannot_assign_a_colleague_through_a_forged_form(
    client, submitted, advance, specialist, agency
):
    advance(submitted, "specialist_unassigned")
    colleague = OfficialFactory(agency=agency, roles=["specialist"])
    client.force_login(specialist)

    response = post(client, submitted, "assign", assign_assignee=str(colleague.pk))

    assert response.status_code == 400
    assert "Chỉ lãnh đạo mới phân công" in response.content.decode()
    assert ProcessingStep.objects.get(dossier=submitted, handed_over_at=None).assignee is None


def test_submitting_without_a_result_names_the_missing_result(client, submitted, advance, specialist, leader):
    advance(submitted, "specialist_assigned")
    client.force_login(specialist)

    response = post(client, submitted, "submit_for_approval", submit_for_approval_note="Kính trình.")

    page = response.content.decode()
    assert response.status_code == 400
    assert 'href="#results"' in page and "Hãy đính kèm dự thảo kết quả" in page
    assert ">Kính trình.</textarea>" in page


def test_a_result_that_is_not_a_pdf_is_refused_next_to_the_file_input(client, submitted, advance, specialist):
    advance(submitted, "specialist_assigned")
    client.force_login(specialist)

    response = post(
        client,
        submitted,
        "attach_result",
        attach_result_file=SimpleUploadedFile("kq.pdf", b"hello", "application/pdf"),
    )
    missing = post(client, submitted, "attach_result")

    assert response.status_code == 400
    assert 'id="attach_result_file-error"' in response.content.decode()
    assert "Kết quả phải là tệp PDF." in response.content.decode()
    assert missing.status_code == 400 and "Chưa nhận được tệp nào" in missing.content.decode()


def test_rejecting_at_appraisal_ends_the_dossier_with_reasons_R_PROC_5(
    client, submitted, advance, specialist
):
    advance(submitted, "specialist_assigned")

    page = decide(
        client, specialist, submitted, "reject", reject_reason="Người yêu cầu không thuộc diện được cấp."
    )

    decision = Decision.objects.get(dossier=submitted, kind=Decision.Kind.REJECT)
    assert submitted.status == Dossier.Status.REJECTED
    assert f"(phiếu {decision.number})" in page
    assert "Người yêu cầu không thuộc diện được cấp." in page


def test_an_apology_sets_the_new_appointment_typed_as_day_month_year_R_LATE_1(
    client, submitted, advance, leader
):
    advance(submitted, "specialist_assigned")
    new_day = (submitted.due_at.astimezone() + dt.timedelta(days=14)).date()

    page = decide(
        client,
        leader,
        submitted,
        "apologise",
        apologise_reason="Cần xác minh thêm với cơ quan công an.",
        apologise_new_due_at=new_day.strftime("%d/%m/%Y"),
        apologise_time="16:30",
    )

    decision = Decision.objects.get(dossier=submitted, kind=Decision.Kind.APOLOGY)
    assert submitted.due_at.astimezone().strftime("%H:%M %d/%m/%Y") == f"16:30 {new_day:%d/%m/%Y}"
    assert submitted.original_due_at != submitted.due_at  # R-LATE-3: the original stays
    assert f"ngày hẹn trả kết quả mới: 16:30 {new_day:%d/%m/%Y}" in page
    assert decision.number in page
    assert "apologise" not in buttons(page)  # R-LATE-2: once only


def test_apology_problems_are_all_shown_at_once_and_the_typed_date_is_kept(
    client, submitted, advance, leader
):
    advance(submitted, "specialist_assigned")
    client.force_login(leader)

    response = post(client, submitted, "apologise", apologise_reason="", apologise_new_due_at="31/02/2026")

    page = response.content.decode()
    assert response.status_code == 400
    assert "Có 2 điều cần sửa" in page
    assert 'id="apologise_reason-error"' in page and 'id="apologise_new_due_at-error"' in page
    assert 'value="31/02/2026"' in page
    assert re.search(r'<details class="action-details" open>\s*<summary>Xin lỗi', page)


def test_consult_problems_are_all_shown_at_once_and_the_typed_hours_kept(
    client, submitted, advance, specialist
):
    advance(submitted, "specialist_assigned")
    client.force_login(specialist)

    response = post(
        client, submitted, "consult", consult_agency="", consult_question="", consult_hours="hai ngày"
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Có 3 điều cần sửa" in page
    for name in ("consult_agency", "consult_question", "consult_hours"):
        assert f'id="{name}-error"' in page
    assert 'value="hai ngày"' in page
    assert not Consultation.objects.exists()


# -- consultation (R-PROC-4) and access (R-PROH-4) --------------------------------------------------------------


def test_a_consulted_agency_opens_and_answers_the_dossier_a_third_agency_cannot_R_PROH_4(
    client, submitted, advance, specialist, consulted, third_official, other_agency
):
    advance(submitted, "specialist_assigned")
    decide(
        client,
        specialist,
        submitted,
        "consult",
        consult_agency=str(other_agency.pk),
        consult_question="Xin ý kiến về hộ tịch gốc của người yêu cầu.",
        consult_hours="16",
    )
    consultation = Consultation.objects.get(dossier=submitted)
    file_url = f"{url(submitted)}tep/{submitted.files.get().pk}/"

    client.force_login(third_official)
    assert client.get(url(submitted)).status_code == 404
    assert client.get(file_url).status_code == 404
    assert submitted.code not in client.get("/mot-cua/xin-y-kien/").content.decode()
    forged = post(
        client,
        submitted,
        "answer_consultation",
        consultation=str(consultation.pk),
        answer_consultation_answer="Trả lời giả.",
    )
    assert forged.status_code == 404

    client.force_login(consulted)
    assert submitted.code in client.get("/mot-cua/xin-y-kien/").content.decode()
    page = client.get(url(submitted)).content.decode()
    assert "Xin ý kiến về hộ tịch gốc" in page
    assert f"hỏi ý kiến {other_agency.name}; hạn trả lời" in page  # who is asked, not left blank
    assert f'data-consultation="{consultation.pk}"' in page
    assert buttons(page) == set()  # nothing of the lead agency's decisions
    assert client.get(file_url).status_code == 200
    assert AuditEvent.objects.filter(
        actor_id=consulted.pk, action="dossier.read", data__via="consultation"
    ).exists()

    page = decide(
        client,
        consulted,
        submitted,
        "answer_consultation",
        consultation=str(consultation.pk),
        answer_consultation_answer="Sở Tư pháp thống nhất, hồ sơ gốc hợp lệ.",
    )
    consultation.refresh_from_db()
    assert consultation.answered_by == consulted
    assert "Đã gửi ý kiến trả lời" in page
    client.force_login(specialist)
    assert "Sở Tư pháp thống nhất, hồ sơ gốc hợp lệ." in client.get(url(submitted)).content.decode()


def test_an_empty_answer_is_shown_next_to_its_box(
    client, submitted, advance, specialist, consulted, other_agency
):
    advance(submitted, "specialist_assigned")
    consultation = services.consult(
        dossier=submitted, official=specialist, agency=other_agency, question="Xin ý kiến về nội dung này."
    )
    client.force_login(consulted)

    response = post(
        client,
        submitted,
        "answer_consultation",
        consultation=str(consultation.pk),
        answer_consultation_answer=" ",
    )

    assert response.status_code == 400
    assert f'id="answer_consultation_answer-{consultation.pk}-error"' in response.content.decode()


def test_result_documents_download_through_the_audited_access_function(
    client, submitted, advance, specialist, third_official, pdf_bytes
):
    advance(submitted, "approval")
    result = submitted.results.get()
    result_url = f"{url(submitted)}ket-qua/{result.pk}/"

    client.force_login(third_official)
    assert client.get(result_url).status_code == 404
    client.force_login(specialist)
    assert result_url in client.get(url(submitted)).content.decode()
    response = client.get(result_url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes
    assert (
        AuditEvent.objects.filter(
            actor_id=specialist.pk, action="dossier.read", data__purpose="result"
        ).count()
        == 1
    )
    assert client.get(f"{url(submitted)}ket-qua/{result.pk + 999}/").status_code == 404


# -- what a supplement changed (R-SUP-4) -------------------------------------------------------------------


def test_after_a_supplement_the_page_shows_part_by_part_what_changed_R_SUP_4(
    client, submitted, receptionist, citizen
):
    from motcua.dossiers.services import dossier_file_add, dossier_file_remove, draft_update

    decide(
        client,
        receptionist,
        submitted,
        "request_supplement",
        **{
            "mark-component.don": "not_ok",
            "note-component.don": "Đơn chưa ký; hãy ký rồi tải lại.",
            "mark-form.dien_thoai": "not_ok",
            "note-form.dien_thoai": "Hãy ghi số điện thoại đang dùng.",
        },
    )
    old = submitted.files.get()
    draft_update(dossier=submitted, applicant=citizen, form_data={"dien_thoai": "0987654321"})
    dossier_file_remove(dossier=submitted, applicant=citizen, file_id=old.pk)
    new = dossier_file_add(
        dossier=submitted,
        applicant=citizen,
        component_code="don",
        original_name="don-da-ky.pdf",
        chunks=[make_pdf("đơn đã ký")],
    )
    services.resubmit(dossier=submitted, applicant=citizen)

    page = client.get(url(submitted)).content.decode()

    diff = page[page.index('class="diff"') : page.index("</section>", page.index('class="diff"'))]
    assert "Những gì thay đổi từ lần nộp 1 sang lần nộp 2" in diff
    assert "<del>0912345678</del>" in diff and "<ins>0987654321</ins>" in diff
    assert "thay tệp" in diff and "don.pdf" in diff and "don-da-ky.pdf" in diff
    assert old.stored_file.sha256[:16] in diff and new.stored_file.sha256[:16] in diff
    assert diff.count("được yêu cầu") == 2
    assert "Ghi chú" not in diff  # not asked for, not changed


def test_the_specialist_pauses_and_restarts_the_clock_from_the_page_R_PROC_6(
    client, submitted, receptionist, specialist, leader, citizen
):
    services.accept(dossier=submitted, official=receptionist)
    services.assign(dossier=submitted, official=leader, assignee=specialist)
    due = Dossier.objects.get(pk=submitted.pk).due_at
    client.force_login(specialist)

    refused = post(client, submitted, "suspend", suspend_reason="ngắn")
    page = refused.content.decode()
    assert refused.status_code == 400
    assert "Hãy chọn căn cứ tạm dừng" in page and "ít nhất 10 ký tự" in page
    assert ">ngắn</textarea>" in page  # what was typed is kept

    page = decide(
        client,
        specialist,
        submitted,
        "suspend",
        suspend_ground="fee",
        suspend_reason="Chờ nộp lệ phí cấp bản sao.",
    )
    assert "Đã tạm dừng tính thời hạn" in page
    assert buttons(page) == {"resume", "reject"}
    page = decide(client, specialist, submitted, "resume")
    assert "Đã tính tiếp thời hạn" in page
    assert Dossier.objects.get(pk=submitted.pk).due_at >= due
    client.force_login(citizen)
    mine = client.get(f"/ho-so/{submitted.public_id}/").content.decode()
    assert "Chờ nộp lệ phí cấp bản sao." in mine and "Tiếp tục tính thời hạn" in mine
