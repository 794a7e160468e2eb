"""The citizen's side of the one-stop process, through the portal: the dossier page after each decision,
supplementing only what was asked, resubmitting, stopping a dossier, downloading the result.

The officials' decisions are taken by calling workflow.services directly, as the back office would.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import make_pdf
from motcua.catalog import eform
from motcua.dossiers.models import Dossier, DossierRevision
from motcua.identity.models import OfficialRole
from motcua.identity.tests.factories import OfficialFactory
from motcua.notifications.models import InboxMessage
from motcua.portal.tests.conftest import pdf_bytes, valid_answers
from motcua.workflow import services
from motcua.workflow.models import Decision
from motcua.workflow.services import SupplementItem

pytestmark = pytest.mark.django_db

START = "/thu-tuc/1.001193/bat-dau/"


def url(dossier: Dossier, name: str, **kwargs) -> str:
    return reverse(f"portal:{name}", kwargs={"public_id": dossier.public_id, **kwargs})


def when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def text(response) -> str:
    assert response.status_code < 500
    return response.content.decode()


def summary(page: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


@pytest.fixture
def ba_dinh() -> str:
    return str(next(code for code, name in eform.communes(1) if name == "Phường Ba Đình"))


@pytest.fixture
def dossier(procedure, applicant_client, ba_dinh) -> Dossier:
    """A dossier submitted through the portal: the birth certificate attached, the e-form answered."""
    response = applicant_client.post(START)
    draft = Dossier.objects.get(public_id=response["Location"].split("/")[2])
    file = SimpleUploadedFile("giay-chung-sinh.pdf", pdf_bytes(), content_type="application/pdf")
    applicant_client.post(
        url(draft, "dossier_upload"),
        {**valid_answers(ba_dinh), "component": "giay-chung-sinh", "file-giay-chung-sinh": file},
    )
    applicant_client.post(url(draft, "dossier_review"), {"submission_key": uuid.uuid4().hex})
    draft.refresh_from_db()
    assert draft.status == Dossier.Status.SUBMITTED
    return draft


@pytest.fixture
def specialist(agency):
    return OfficialFactory(agency=agency, username="chuyenvien.portal", roles=[OfficialRole.Role.SPECIALIST])


@pytest.fixture
def leader(agency):
    return OfficialFactory(agency=agency, username="lanhdao.portal", roles=[OfficialRole.Role.LEADER])


ASKED = [
    SupplementItem("form.ten_tre", "Tên của trẻ phải ghi đúng như trên giấy chứng sinh."),
    SupplementItem("component.giay-chung-sinh", "Bản chụp bị mờ, hãy chụp lại rõ nét cả hai mặt."),
]


@pytest.fixture
def asked(dossier, receptionist) -> Decision:
    """The one-stop official asks for the child's name and a clearer birth certificate (R-SUP-1)."""
    decision = services.request_supplement(
        dossier=dossier, official=receptionist, items=ASKED, reason="Hồ sơ chưa đầy đủ, hợp lệ."
    )
    dossier.refresh_from_db()
    return decision


def replace_certificate(client: Client, dossier: Dossier, content: bytes, **data) -> None:
    """Remove the old birth certificate and upload a new one, as the supplement page's buttons do (the
    browser posts the open field with every button)."""
    data = {"ten_tre": dossier.form_data["ten_tre"], **data}
    old = dossier.files.get(component__code="giay-chung-sinh")
    assert (
        client.post(
            url(dossier, "dossier_supplement"), {"action": f"delete-file:{old.pk}", **data}
        ).status_code
        == 302
    )
    file = SimpleUploadedFile("chung-sinh-ro.pdf", content, content_type="application/pdf")
    response = client.post(
        url(dossier, "dossier_supplement"),
        {"action": "upload:giay-chung-sinh", "file-giay-chung-sinh": file, **data},
    )
    assert response.status_code == 302, summary(text(response))


def to_result(dossier: Dossier, receptionist, specialist, leader, *, issue: bool = True) -> None:
    """The officials take an accepted dossier to an issued result (R-PROC-2), by the services."""
    services.assign(dossier=dossier, official=leader, assignee=specialist)
    services.attach_result(
        dossier=dossier, official=specialist, original_name="giay-khai-sinh.pdf", chunks=[make_pdf("kết quả")]
    )
    if issue:
        services.submit_for_approval(dossier=dossier, official=specialist)
        services.approve(dossier=dossier, official=leader)
        services.issue_result(dossier=dossier, official=specialist)
    dossier.refresh_from_db()


# -- the dossier page after each decision ----------------------------------------------------------


def test_waiting_for_the_check_says_by_when_the_agency_answers(dossier, applicant_client):
    page = text(applicant_client.get(url(dossier, "dossier_detail")))

    assert "Đang chờ tiếp nhận" in page
    assert f"chậm nhất lúc <strong>{when(dossier.check_due_at)}</strong>" in page
    assert "Dừng giải quyết hồ sơ" in page


def test_an_accepted_dossier_shows_its_code_and_appointment_R_CODE_1(dossier, applicant_client, receptionist):
    """R-CODE-1: the code issued at acceptance is shown to the applicant, with the appointment."""
    services.accept(dossier=dossier, official=receptionist)
    dossier.refresh_from_db()

    page = text(applicant_client.get(url(dossier, "dossier_detail")))

    assert "Đang giải quyết" in page
    assert f"Mã hồ sơ {dossier.code}" in page and f"<strong>{dossier.code}</strong>" in page
    assert f"Hẹn trả kết quả: <strong>{when(dossier.due_at)}</strong>" in page
    assert "Đã tiếp nhận hồ sơ" in page and f"Mã hồ sơ: {dossier.code}" in page  # the timeline
    receipt = Decision.objects.get(dossier=dossier, kind=Decision.Kind.ACCEPT)
    link = f"/ho-so/{dossier.public_id}/phieu/{receipt.pk}/"
    assert f'href="{link}"' in page  # form 01, R-FORM-1
    assert applicant_client.get(link).content.startswith(b"%PDF")


def test_a_supplement_request_shows_its_numbered_items_guidance_deadline_and_a_call_to_action_R_SUP_1(
    asked, dossier, applicant_client
):
    """R-SUP-1: the content, the reason and specific guidance, all in one request, seen on the dossier page."""
    page = text(applicant_client.get(url(dossier, "dossier_detail")))

    assert "Cần bổ sung" in page
    items = re.search(r'<ol class="supplement-items">(.*?)</ol>', page, re.S).group(1)
    assert re.findall(r"<li><strong>([^<]+)</strong>", items) == [
        "Họ, chữ đệm và tên của trẻ",
        "Giấy chứng sinh",
    ]
    assert "Tên của trẻ phải ghi đúng như trên giấy chứng sinh." in items
    assert "Bản chụp bị mờ, hãy chụp lại rõ nét cả hai mặt." in items
    assert "Hồ sơ chưa đầy đủ, hợp lệ." in page and f"Số: {asked.number}" in page
    assert f"Hạn bổ sung: <strong>{when(asked.closes_at)}</strong>" in page
    assert f'href="{url(dossier, "dossier_supplement")}">Bổ sung hồ sơ</a>' in page
    assert "Yêu cầu bổ sung hồ sơ" in page  # the timeline


def test_refusal_reasons_and_the_competent_agency_are_shown_R_REF_1(dossier, applicant_client, receptionist):
    """R-REF-1: refused with specific reasons and, where known, the competent agency."""
    decision = services.refuse(
        dossier=dossier,
        official=receptionist,
        reason="Trẻ sinh tại Đà Nẵng, cha mẹ thường trú tại Đà Nẵng.",
        competent_agency="Ủy ban nhân dân phường Hải Châu, thành phố Đà Nẵng",
    )

    page = text(applicant_client.get(url(dossier, "dossier_detail")))

    assert "Từ chối tiếp nhận" in page
    assert "Trẻ sinh tại Đà Nẵng, cha mẹ thường trú tại Đà Nẵng." in page
    assert "Ủy ban nhân dân phường Hải Châu, thành phố Đà Nẵng" in page
    assert f"Số: {decision.number}" in page
    assert "Dừng giải quyết hồ sơ" not in page  # nothing left to stop
    assert f'href="/ho-so/{dossier.public_id}/phieu/{decision.pk}/"' in page  # form 03


def test_a_rejection_at_processing_shows_its_reasons_R_PROC_5(
    dossier, applicant_client, receptionist, specialist, leader
):
    services.accept(dossier=dossier, official=receptionist)
    services.reject(dossier=dossier, official=leader, reason="Giấy chứng sinh không do cơ sở y tế cấp.")

    page = text(applicant_client.get(url(dossier, "dossier_detail")))

    assert "Không đủ điều kiện giải quyết" in page
    assert "Giấy chứng sinh không do cơ sở y tế cấp." in page


def test_an_apology_shows_the_new_date_the_reason_and_the_first_date_R_LATE_1(
    dossier, applicant_client, receptionist, leader
):
    """R-LATE-1, R-LATE-3: the apology's reason and new date; the original appointment stays visible."""
    services.accept(dossier=dossier, official=receptionist)
    dossier.refresh_from_db()
    first = dossier.due_at
    new_due = first + dt.timedelta(days=7)
    services.apologise(
        dossier=dossier,
        official=leader,
        reason="Phải xác minh thêm với bệnh viện nơi trẻ sinh.",
        new_due_at=new_due,
    )

    page = text(applicant_client.get(url(dossier, "dossier_detail")))

    assert "Xin lỗi và hẹn lại ngày trả kết quả" in page
    assert "Lý do: Phải xác minh thêm với bệnh viện nơi trẻ sinh." in page
    assert f"Ngày hẹn trả kết quả mới: <strong>{when(new_due)}</strong>" in page
    assert f"chưa trả được kết quả đúng hẹn ({when(first)})" in page
    assert f"Hẹn ban đầu: {when(first)}" in page
    assert "Xin lỗi, hẹn lại ngày trả kết quả" in page and f"Hẹn mới: {when(new_due)}" in page  # the timeline


# -- supplementing (R-SUP-1, R-SUP-4, R-SUP-5) -----------------------------------------------------


def test_the_supplement_page_opens_only_the_asked_field_and_component_R_SUP_4(
    asked, dossier, applicant_client
):
    """R-SUP-4: the applicant changes only what the request named; the rest is shown as submitted."""
    page = text(applicant_client.get(url(dossier, "dossier_supplement")))

    assert 'name="ten_tre"' in page and 'value="Nguyễn Minh An"' in page
    for other in ("gioi_tinh", "ngay_sinh_tre", "noi_sinh.province", "quan_he", "cam_doan", "so_ban_sao"):
        assert f'name="{other}"' not in page, other
    assert 'name="file-giay-chung-sinh"' in page and 'name="file-giay-uy-quyen"' not in page
    locked = page[page.index("Thông tin giữ nguyên như đã nộp") :]
    assert "Giới tính" in locked and "Nam" in locked and "Số 5 ngõ 12 Đội Cấn" in locked
    assert "Bản chụp bị mờ, hãy chụp lại rõ nét cả hai mặt." in page
    assert f"Hạn bổ sung: <strong>{when(asked.closes_at)}</strong>" in page
    assert 'href="#f-ten_tre"' in page and 'href="#component-giay-chung-sinh"' in page


def test_an_asked_field_shows_the_guidance_beside_it_and_is_never_hidden_by_a_locked_answer(
    dossier, applicant_client, receptionist
):
    """The note is read out with the input; a field shown only for some answer of a locked field stays shown
    (without JavaScript's condition, which would find no input to read and hide it)."""
    services.request_supplement(
        dossier=dossier,
        official=receptionist,
        items=[SupplementItem("form.quan_he_khac", "Ghi rõ quan hệ với trẻ, ví dụ: bà ngoại.")],
    )

    page = text(applicant_client.get(url(dossier, "dossier_supplement")))

    assert 'name="quan_he_khac"' in page and 'name="quan_he"' not in page
    assert 'data-when="quan_he"' not in page and "Chỉ điền nếu" not in page
    assert 'id="f-quan_he_khac-note"' in page and 'aria-describedby="f-quan_he_khac-note"' in page
    assert "Ghi rõ quan hệ với trẻ, ví dụ: bà ngoại." in page


def test_parts_not_asked_for_cannot_be_changed_even_by_a_forged_post_R_SUP_4(
    asked, dossier, applicant_client
):
    """R-SUP-4: a forged post for fields, files or components the request did not name changes nothing."""
    before = dict(dossier.form_data)
    other_file = SimpleUploadedFile("uy-quyen.pdf", pdf_bytes(), content_type="application/pdf")

    forged = applicant_client.post(
        url(dossier, "dossier_supplement"),
        {"action": "save", "ten_tre": "Nguyễn Minh Anh", "gioi_tinh": "nu", "so_ban_sao": "9",
         "file-giay-uy-quyen": other_file},
    )  # fmt: skip

    assert "Cơ quan tiếp nhận không yêu cầu bổ sung phần này" in summary(text(forged))
    dossier.refresh_from_db()
    assert dossier.form_data["gioi_tinh"] == before["gioi_tinh"] and dossier.form_data["so_ban_sao"] == 2
    assert dossier.form_data["ten_tre"] == "Nguyễn Minh Anh"  # the asked field did change
    assert not dossier.files.filter(component__code="giay-uy-quyen").exists()


def test_a_file_of_a_component_not_asked_for_cannot_be_deleted_R_SUP_4(
    dossier, applicant_client, receptionist
):
    services.request_supplement(
        dossier=dossier,
        official=receptionist,
        items=[SupplementItem("form.ten_tre", "Ghi đúng tên của trẻ.")],
    )
    kept = dossier.files.get()

    response = applicant_client.post(url(dossier, "dossier_supplement"), {"action": f"delete-file:{kept.pk}"})

    assert "Cơ quan tiếp nhận không yêu cầu bổ sung phần này" in summary(text(response))
    assert dossier.files.get() == kept


def test_supplement_problems_are_all_shown_at_once_and_what_was_typed_is_kept(
    asked, dossier, applicant_client
):
    """R-ACK-3 applies to a supplement too: the removed certificate and the over-long name, together."""
    old = dossier.files.get()
    applicant_client.post(url(dossier, "dossier_supplement"), {"action": f"delete-file:{old.pk}"})

    response = applicant_client.post(
        url(dossier, "dossier_supplement"), {"action": "continue", "ten_tre": "A" * 300}
    )

    page = text(response)
    assert response.status_code == 200
    assert 'href="#f-ten_tre"' in summary(page) and 'href="#file-giay-chung-sinh"' in summary(page)
    assert "Chưa có “Giấy chứng sinh”" in summary(page)
    assert 'value="' + "A" * 300 + '"' in page


def test_resubmission_makes_revision_2_and_returns_the_dossier_to_the_officials_R_SUP_4_R_SUP_5(
    asked, dossier, applicant_client, citizen, receptionist
):
    """R-SUP-4: a new revision, the first kept unchanged; R-SUP-5: the check clock restarts from it."""
    first = DossierRevision.objects.get(dossier=dossier, number=1)
    new_pdf = make_pdf("rõ nét", pages=2)
    replace_certificate(applicant_client, dossier, new_pdf, ten_tre="Nguyễn Minh Anh")
    to_review = applicant_client.post(
        url(dossier, "dossier_supplement"), {"action": "continue", "ten_tre": "Nguyễn Minh Anh"}
    )
    assert to_review["Location"] == url(dossier, "dossier_supplement_review")
    review = text(applicant_client.get(to_review["Location"]))
    assert "Nguyễn Minh Anh" in review and "chung-sinh-ro.pdf" in review
    assert review.count("Đã sửa</span>") == 2 and "Chưa thay đổi</span>" not in review

    sent = applicant_client.post(url(dossier, "dossier_supplement_review"), {"revision": "1"}, follow=True)

    assert sent.redirect_chain[-1][0] == url(dossier, "dossier_supplement_ack")
    page = text(sent)
    dossier.refresh_from_db()
    assert "Đã gửi hồ sơ bổ sung" in page and dossier.reference in page
    assert when(dossier.check_due_at) in page and when(dossier.official_receipt_at) in page
    assert dossier.status == Dossier.Status.SUBMITTED and dossier.revision == 2 and dossier.open_targets == []
    revisions = {r.number: r for r in DossierRevision.objects.filter(dossier=dossier)}
    assert revisions[1].manifest_sha256 == first.manifest_sha256  # kept unchanged
    assert revisions[2].manifest["form_data"]["ten_tre"] == "Nguyễn Minh Anh"
    assert {f["name"] for f in revisions[2].manifest["files"]} == {"chung-sinh-ro.pdf"}
    asked.refresh_from_db()
    assert asked.answered_at is not None
    assert "accept" in services.allowed_actions(dossier, receptionist)  # back in the queue awaiting check
    assert InboxMessage.objects.filter(user=citizen, subject__startswith="Đã nhận hồ sơ bổ sung").exists()
    detail = text(applicant_client.get(url(dossier, "dossier_detail")))
    assert "Bạn đã nộp bổ sung (lần nộp 2)" in detail and "Đã nộp bổ sung" in detail

    services.accept(dossier=dossier, official=receptionist)  # and the officials can take it on
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.PROCESSING


def test_the_review_warns_about_asked_parts_left_unchanged(asked, dossier, applicant_client):
    page = text(applicant_client.get(url(dossier, "dossier_supplement_review")))

    assert "Bạn chưa thay đổi những phần sau so với lần nộp trước" in page
    assert page.count("Chưa thay đổi</span>") == 2


def test_sending_the_supplement_twice_makes_one_revision(asked, dossier, applicant_client):
    replace_certificate(applicant_client, dossier, make_pdf("mới"))

    first = applicant_client.post(url(dossier, "dossier_supplement_review"), {"revision": "1"})
    again = applicant_client.post(url(dossier, "dossier_supplement_review"), {"revision": "1"})

    assert first["Location"] == again["Location"] == url(dossier, "dossier_supplement_ack")
    assert DossierRevision.objects.filter(dossier=dossier).count() == 2


def test_a_supplement_during_processing_keeps_the_code_R_CODE_3(dossier, applicant_client, receptionist):
    services.accept(dossier=dossier, official=receptionist)
    dossier.refresh_from_db()
    code = dossier.code
    services.request_supplement(dossier=dossier, official=receptionist, items=ASKED[:1])

    applicant_client.post(
        url(dossier, "dossier_supplement"), {"action": "save", "ten_tre": "Nguyễn Minh Anh"}
    )
    applicant_client.post(url(dossier, "dossier_supplement_review"), {"revision": "1"})

    dossier.refresh_from_db()
    assert dossier.revision == 2 and dossier.code == code
    assert f'Mã hồ sơ của bạn<br><strong class="reference">{code}</strong>' in text(
        applicant_client.get(url(dossier, "dossier_supplement_ack"))
    )


def test_without_an_open_request_the_supplement_pages_lead_to_the_dossier_page(dossier, applicant_client):
    for name in ("dossier_supplement", "dossier_supplement_review", "dossier_supplement_ack"):
        assert applicant_client.get(url(dossier, name))["Location"] == url(dossier, "dossier_detail")
    response = applicant_client.post(url(dossier, "dossier_supplement"), {"ten_tre": "Khác"})
    assert response["Location"] == url(dossier, "dossier_detail")
    dossier.refresh_from_db()
    assert dossier.form_data["ten_tre"] == "Nguyễn Minh An"


def test_an_unanswered_request_closes_the_dossier_and_says_so_R_SUP_6(asked, dossier, applicant_client):
    services.close_unanswered_supplements(now=asked.closes_at + dt.timedelta(minutes=1))

    page = text(applicant_client.get(url(dossier, "dossier_detail")))

    assert "Đã đóng (không bổ sung)" in page and "không được bổ sung trong thời hạn" in page
    assert applicant_client.get(url(dossier, "dossier_supplement"))["Location"] == url(
        dossier, "dossier_detail"
    )
    sent = applicant_client.post(url(dossier, "dossier_supplement_review"), {"revision": "7"}, follow=True)
    assert "không có yêu cầu bổ sung nào đang chờ" in text(sent)


# -- stopping a dossier (R-STOP-1) -----------------------------------------------------------------


@pytest.mark.parametrize("state", ["submitted", "supplement_requested", "processing"])
def test_the_applicant_stops_a_dossier_after_confirming_R_STOP_1(
    dossier, applicant_client, citizen, receptionist, state
):
    """R-STOP-1: a dossier with no decision or result issued stops at the applicant's request (form 05)."""
    if state == "supplement_requested":
        services.request_supplement(dossier=dossier, official=receptionist, items=ASKED)
    elif state == "processing":
        services.accept(dossier=dossier, official=receptionist)
    confirm = text(applicant_client.get(url(dossier, "dossier_withdraw")))
    assert "Việc này không thể hoàn tác." in confirm and 'name="reason"' in confirm
    assert 'method="post"' in confirm

    response = applicant_client.post(
        url(dossier, "dossier_withdraw"), {"reason": "Đã đăng ký khai sinh ở quê."}
    )

    assert response["Location"] == url(dossier, "dossier_detail")
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.WITHDRAWN and dossier.ended_at
    decision = Decision.objects.get(dossier=dossier, kind=Decision.Kind.WITHDRAW)
    assert decision.reason == "Đã đăng ký khai sinh ở quê." and decision.by == citizen
    page = text(applicant_client.get(response["Location"]))
    assert "Đã dừng theo yêu cầu" in page and "Đã đăng ký khai sinh ở quê." in page
    assert "Đã dừng giải quyết hồ sơ theo yêu cầu của bạn." in page
    assert "Dừng giải quyết hồ sơ</a>" not in page
    assert InboxMessage.objects.filter(user=citizen, subject__startswith="Đã dừng giải quyết hồ sơ").exists()


def test_stopping_without_a_reason_is_fine(dossier, applicant_client):
    assert applicant_client.post(url(dossier, "dossier_withdraw"))["Location"] == url(
        dossier, "dossier_detail"
    )
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.WITHDRAWN


@pytest.mark.parametrize("state", ["refused", "result_ready", "done", "withdrawn"])
def test_a_decided_dossier_cannot_be_stopped_and_the_page_says_why_R_STOP_1(
    dossier, applicant_client, receptionist, specialist, leader, state
):
    if state == "refused":
        services.refuse(dossier=dossier, official=receptionist, reason="Không thuộc thẩm quyền của phường.")
    elif state == "withdrawn":
        services.withdraw(dossier=dossier, applicant=dossier.applicant)
    else:
        services.accept(dossier=dossier, official=receptionist)
        to_result(dossier, receptionist, specialist, leader)
        if state == "done":
            services.return_result(dossier=dossier, official=receptionist)
    dossier.refresh_from_db()

    shown = text(applicant_client.get(url(dossier, "dossier_withdraw")))
    posted = applicant_client.post(url(dossier, "dossier_withdraw"), {"reason": "Không cần nữa."})

    assert "nên không thể dừng giải quyết" in shown and 'name="reason"' not in shown
    assert posted.status_code == 409
    assert "nên không thể dừng giải quyết" in summary(text(posted))
    assert Dossier.objects.get(pk=dossier.pk).status == state


def test_a_result_gone_for_signing_cannot_be_stopped_R_STOP_1(
    dossier, applicant_client, receptionist, specialist, leader
):
    services.accept(dossier=dossier, official=receptionist)
    to_result(dossier, receptionist, specialist, leader, issue=False)
    services.submit_for_approval(dossier=dossier, official=specialist)

    posted = applicant_client.post(url(dossier, "dossier_withdraw"))

    assert posted.status_code == 409
    assert "Kết quả giải quyết đã được trình ký" in summary(text(posted))
    assert 'name="reason"' not in text(posted)
    assert Dossier.objects.get(pk=dossier.pk).status == Dossier.Status.PROCESSING


# -- results (R-WH-3, R-CODE-5) --------------------------------------------------------------------


def test_the_owner_downloads_the_issued_result_and_nobody_else_can_R_WH_3(
    dossier, applicant_client, stranger_client, receptionist, specialist, leader
):
    """R-WH-3: the owner downloads every result from the account; another citizen gets a not-found."""
    services.accept(dossier=dossier, official=receptionist)
    to_result(dossier, receptionist, specialist, leader)
    result = dossier.results.get()
    result_url = url(dossier, "dossier_result", result_id=result.pk)

    page = text(applicant_client.get(url(dossier, "dossier_detail")))
    response = applicant_client.get(result_url)

    assert "Đã có kết quả" in page and f'href="{result_url}"' in page and result.code in page  # R-CODE-5
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == make_pdf("kết quả")
    assert 'filename="giay-khai-sinh.pdf"' in response["Content-Disposition"]
    assert stranger_client.get(result_url).status_code == 404
    assert Client().get(result_url).status_code == 302  # to the login page

    services.return_result(dossier=dossier, official=receptionist)
    assert "Đã trả kết quả" in text(applicant_client.get(url(dossier, "dossier_detail")))
    assert applicant_client.get(result_url).status_code == 200  # still there once returned


def test_a_draft_result_is_not_shown_or_served_before_it_is_issued(
    dossier, applicant_client, receptionist, specialist, leader
):
    services.accept(dossier=dossier, official=receptionist)
    to_result(dossier, receptionist, specialist, leader, issue=False)
    result = dossier.results.get()

    page = text(applicant_client.get(url(dossier, "dossier_detail")))

    assert "Kết quả giải quyết</h2>" not in page and result.code not in page
    assert applicant_client.get(url(dossier, "dossier_result", result_id=result.pk)).status_code == 404


# -- my dossiers -----------------------------------------------------------------------------------


def test_my_dossiers_shows_the_new_statuses_and_filters_those_to_supplement(
    asked, dossier, procedure, applicant_client, citizen, receptionist, ba_dinh
):
    other = Dossier.objects.get(public_id=applicant_client.post(START)["Location"].split("/")[2])

    page = text(applicant_client.get("/ho-so/"))
    only = text(applicant_client.get("/ho-so/", {"loc": "can-bo-sung"}))

    assert "Cần bổ sung (1)" in page and "Tất cả (2)" in page
    assert 'tag-orange">Cần bổ sung</strong>' in page
    assert f'href="{url(dossier, "dossier_supplement")}"' in page
    assert url(dossier, "dossier_detail") in only and url(other, "dossier_edit") not in only
    assert 'aria-current="page">Cần bổ sung (1)' in only
    assert "Không có hồ sơ nào trong mục này." in text(applicant_client.get("/ho-so/", {"loc": "co-ket-qua"}))
    assert url(other, "dossier_edit") in text(applicant_client.get("/ho-so/", {"loc": "khong-co\x00"}))
