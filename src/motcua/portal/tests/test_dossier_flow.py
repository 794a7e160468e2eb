"""The applicant's way through a dossier: start, fill, upload, check, submit, acknowledgement, follow."""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.catalog import eform
from motcua.catalog.tests.factories import AgencyFactory
from motcua.dossiers.models import Dossier
from motcua.notifications.models import InboxMessage
from motcua.portal.tests.conftest import pdf_bytes, valid_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def ba_dinh() -> str:
    return str(next(code for code, name in eform.communes(1) if name == "Phường Ba Đình"))


def start(client: Client) -> Dossier:
    response = client.post("/thu-tuc/1.001193/bat-dau/")
    assert response.status_code == 302
    public_id = re.search(r"/ho-so/([0-9a-f-]+)/soan/", response["Location"]).group(1)
    return Dossier.objects.get(public_id=public_id)


def url(dossier: Dossier, name: str) -> str:
    return reverse(f"portal:{name}", kwargs={"public_id": dossier.public_id})


def upload(client: Client, dossier: Dossier, content: bytes, name: str = "giay-chung-sinh.pdf", **data):
    file = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(
        url(dossier, "dossier_upload"), {"component": "giay-chung-sinh", "file-giay-chung-sinh": file, **data}
    )


def submitted_dossier(client: Client, ba_dinh: str) -> Dossier:
    dossier = start(client)
    upload(client, dossier, pdf_bytes(), **valid_answers(ba_dinh))
    client.post(url(dossier, "dossier_review"), {"submission_key": "k-" + uuid.uuid4().hex})
    dossier.refresh_from_db()
    assert not dossier.is_draft
    return dossier


def test_starting_asks_to_log_in_first_and_comes_back(procedure):
    response = Client().post("/thu-tuc/1.001193/bat-dau/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=/thu-tuc/1.001193/bat-dau/")


def test_start_creates_a_draft_with_prefilled_identity_shown_read_only(procedure, citizen, applicant_client):
    dossier = start(applicant_client)
    assert dossier.applicant == citizen and dossier.is_draft
    page = applicant_client.get(url(dossier, "dossier_edit")).content.decode()
    assert "Nguyễn Thị Mai" in page and "Lấy từ tài khoản định danh" in page
    assert 'name="ho_ten"' not in page  # prefilled: shown, not editable
    assert 'name="ten_tre"' in page and 'name="noi_sinh.province"' in page
    assert 'name="nguoi_lam_chung.0.ho_ten"' in page  # one blank item of the repeatable group
    assert "Chỉ điền nếu “Quan hệ với trẻ” là “Người khác”." in page
    assert 'id="file-giay-chung-sinh"' in page


def test_saving_a_draft_keeps_what_was_typed_even_when_invalid(procedure, applicant_client):
    dossier = start(applicant_client)
    response = applicant_client.post(
        url(dossier, "dossier_edit"), {"action": "save", "ten_tre": "Minh An", "so_ban_sao": "hai"}
    )
    assert response.status_code == 302
    page = applicant_client.get(url(dossier, "dossier_edit")).content.decode()
    assert "Đã lưu nháp lúc" in page
    assert 'value="Minh An"' in page and 'value="hai"' in page


def test_choosing_a_province_without_javascript_lists_its_communes(procedure, applicant_client):
    dossier = start(applicant_client)
    response = applicant_client.post(
        url(dossier, "dossier_edit"), {"action": "pick:noi_sinh.commune", "noi_sinh.province": "1"}
    )
    assert response["Location"].endswith("#f-noi_sinh")
    page = applicant_client.get(url(dossier, "dossier_edit")).content.decode()
    assert "Phường Ba Đình</option>" in page
    assert page.count("<option") < 300  # one province's communes, not the whole country


def test_adding_to_a_repeatable_group_saves_and_shows_one_more_item(procedure, applicant_client):
    dossier = start(applicant_client)
    applicant_client.post(
        url(dossier, "dossier_edit"),
        {"action": "add:nguoi_lam_chung", "nguoi_lam_chung.0.ho_ten": "Lê Văn Bình"},
    )
    dossier.refresh_from_db()
    assert dossier.form_data["nguoi_lam_chung"] == [{"ho_ten": "Lê Văn Bình", "dien_thoai": ""}]
    page = applicant_client.get(url(dossier, "dossier_edit")).content.decode()
    assert 'value="Lê Văn Bình"' in page and 'name="nguoi_lam_chung.1.ho_ten"' in page
    applicant_client.post(
        url(dossier, "dossier_edit"),
        {"action": "remove:nguoi_lam_chung.0", "nguoi_lam_chung.0.ho_ten": "Lê Văn Bình"},
    )
    dossier.refresh_from_db()
    assert dossier.form_data["nguoi_lam_chung"] == []


def test_uploaded_pdf_is_listed_with_name_size_and_type(procedure, applicant_client):
    dossier = start(applicant_client)
    response = upload(applicant_client, dossier, pdf_bytes(), name="chung-sinh-be-An.pdf")
    assert response.status_code == 302 and response["Location"].endswith("#component-giay-chung-sinh")
    page = applicant_client.get(url(dossier, "dossier_edit")).content.decode()
    assert "chung-sinh-be-An.pdf" in page
    assert re.search(r"\d+ (B|KB), PDF", page)
    assert "Đã tải lên tệp “chung-sinh-be-An.pdf”." in page


def test_bad_upload_is_explained_next_to_its_component_and_typed_data_is_kept(procedure, applicant_client):
    dossier = start(applicant_client)
    response = upload(
        applicant_client, dossier, b"just some text, not a PDF", name="giay.pdf", ten_tre="Minh An"
    )
    page = response.content.decode()
    assert response.status_code == 200
    component = page[
        page.index('id="component-giay-chung-sinh"') : page.index('id="component-giay-uy-quyen"')
    ]
    assert "giay.pdf" in component and 'class="error-message"' in component
    assert 'href="#file-giay-chung-sinh"' in page  # the error summary links to the file input
    assert 'value="Minh An"' in page
    assert not dossier.files.exists()


def test_removing_a_file_detaches_it(procedure, applicant_client):
    dossier = start(applicant_client)
    upload(applicant_client, dossier, pdf_bytes())
    attached = dossier.files.get()
    response = applicant_client.post(
        reverse("portal:dossier_file_delete", args=[dossier.public_id, attached.pk])
    )
    assert response.status_code == 302
    assert not dossier.files.exists()


def test_continue_with_problems_lists_every_one_and_links_each_field(procedure, applicant_client):
    dossier = start(applicant_client)
    response = applicant_client.post(
        url(dossier, "dossier_edit"), {"action": "continue", "ten_tre": "Minh An", "so_ban_sao": "99"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in page
    for anchor in ("f-ngay_sinh_tre", "f-gioi_tinh", "f-noi_sinh-province", "f-so_ban_sao", "f-cam_doan",
                   "file-giay-chung-sinh"):  # fmt: skip
        assert f'href="#{anchor}"' in page, anchor
    assert 'aria-describedby="f-so_ban_sao-hint f-so_ban_sao-error"' in page
    assert 'value="Minh An"' in page and 'value="99"' in page


def test_submit_with_missing_component_shows_all_problems_and_keeps_data(
    procedure, applicant_client, ba_dinh
):
    """R-ACK-3: nothing is submitted; every problem is shown at once; what was entered is kept."""
    dossier = start(applicant_client)
    answers = valid_answers(ba_dinh) | {"so_ban_sao": "-1"}
    applicant_client.post(url(dossier, "dossier_edit"), {"action": "save", **answers})
    response = applicant_client.post(url(dossier, "dossier_review"), {"submission_key": "abc"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Chưa có “Giấy chứng sinh”" in page
    assert 'href="#f-so_ban_sao"' in page and 'href="#file-giay-chung-sinh"' in page
    assert 'value="Nguyễn Minh An"' in page and 'value="-1"' in page
    dossier.refresh_from_db()
    assert dossier.is_draft and dossier.reference is None


def test_successful_submission_acknowledges_with_official_receipt_time(procedure, applicant_client, ba_dinh):
    """R-ACK-2: "Đã gửi thành công", the reference and the official receipt time, at once."""
    dossier = start(applicant_client)
    upload(applicant_client, dossier, pdf_bytes(), **valid_answers(ba_dinh))
    assert applicant_client.post(
        url(dossier, "dossier_edit"), {"action": "continue", **valid_answers(ba_dinh)}
    )["Location"] == url(dossier, "dossier_review")
    review = applicant_client.get(url(dossier, "dossier_review")).content.decode()
    assert "Nguyễn Minh An" in review and "Số 5 ngõ 12 Đội Cấn, Phường Ba Đình" in review
    key = re.search(r'name="submission_key" value="([^"]+)"', review).group(1)

    response = applicant_client.post(url(dossier, "dossier_review"), {"submission_key": key}, follow=True)
    page = response.content.decode()
    dossier.refresh_from_db()
    assert response.redirect_chain[-1][0] == url(dossier, "dossier_ack")
    assert "Đã gửi thành công" in page
    assert dossier.reference in page
    assert timezone.localtime(dossier.official_receipt_at).strftime("%H:%M %d/%m/%Y") in page
    assert timezone.localtime(dossier.check_due_at).strftime("%H:%M %d/%m/%Y") in page
    assert InboxMessage.objects.filter(user=dossier.applicant, link=url(dossier, "dossier_detail")).exists()


def test_double_post_of_the_same_submission_key_yields_one_submission(
    procedure, citizen, applicant_client, ba_dinh
):
    dossier = start(applicant_client)
    upload(applicant_client, dossier, pdf_bytes(), **valid_answers(ba_dinh))
    first = applicant_client.post(url(dossier, "dossier_review"), {"submission_key": "once"})
    second = applicant_client.post(url(dossier, "dossier_review"), {"submission_key": "once"})
    assert first["Location"] == second["Location"] == url(dossier, "dossier_ack")
    assert Dossier.objects.filter(applicant=citizen, status=Dossier.Status.SUBMITTED).count() == 1
    assert dossier.events.filter(kind="submitted").count() == 1


def test_my_dossiers_lists_drafts_first_with_status_in_plain_words(procedure, applicant_client, ba_dinh):
    done = submitted_dossier(applicant_client, ba_dinh)
    draft = start(applicant_client)
    page = applicant_client.get("/ho-so/").content.decode()
    assert page.index(url(draft, "dossier_edit")) < page.index(url(done, "dossier_detail"))
    assert "Đang soạn" in page and "Đang chờ tiếp nhận" in page and done.reference in page


def test_dossier_page_shows_status_timeline_files_and_answers(procedure, applicant_client, ba_dinh):
    dossier = submitted_dossier(applicant_client, ba_dinh)
    page = applicant_client.get(url(dossier, "dossier_detail")).content.decode()
    assert "Đang chờ tiếp nhận" in page
    assert "Tạo hồ sơ nháp" in page and "Nộp hồ sơ thành công" in page
    assert "giay-chung-sinh.pdf" in page and "Nguyễn Minh An" in page


def test_file_download_streams_the_original_to_its_owner_only(
    procedure, applicant_client, stranger_client, ba_dinh
):
    dossier = submitted_dossier(applicant_client, ba_dinh)
    file_url = reverse("portal:dossier_file", args=[dossier.public_id, dossier.files.get().pk])
    response = applicant_client.get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes()
    assert 'filename="giay-chung-sinh.pdf"' in response["Content-Disposition"]
    assert stranger_client.get(file_url).status_code == 404
    assert Client().get(file_url).status_code == 302  # to the login page


@pytest.mark.parametrize("name", ["dossier_detail", "dossier_edit", "dossier_review", "dossier_ack"])
def test_someone_elses_dossier_is_not_found(procedure, applicant_client, stranger_client, name):
    dossier = start(applicant_client)
    assert stranger_client.get(url(dossier, name)).status_code == 404
    assert stranger_client.post(url(dossier, "dossier_edit"), {"ten_tre": "x"}).status_code == 404
    assert stranger_client.post(url(dossier, "dossier_review"), {"submission_key": "x"}).status_code == 404
    dossier.refresh_from_db()
    assert "ten_tre" not in dossier.form_data


@pytest.mark.parametrize(
    "path", ["/ho-so/not-a-uuid/", "/ho-so/12345678-1234-1234-1234-1234567890ab/", "/ho-so/1/tep/99/"]
)
def test_malformed_or_unknown_dossier_ids_are_not_found(applicant_client, path):
    assert applicant_client.get(path).status_code == 404


def test_garbage_posts_give_form_errors_not_server_errors(procedure, applicant_client):
    dossier = start(applicant_client)
    garbage = {
        "action": "continue",
        "ten_tre": "x" * 10000,
        "ngay_sinh_tre": "31/02/2025",
        "gioi_tinh": "<script>",
        "noi_sinh.province": "99999",
        "noi_sinh.commune": "abc",
        "nguoi_lam_chung.999.ho_ten": "A",
        "nguoi_lam_chung.x.ho_ten": "B",
        "cam_doan": "maybe",
        "so_ban_sao": "1e9",
    }
    response = applicant_client.post(url(dossier, "dossier_edit"), garbage)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert applicant_client.post(url(dossier, "dossier_edit"), {"action": "remove:zzz"}).status_code == 302
    bad_file = reverse("portal:dossier_file_delete", args=[dossier.public_id, 424242])
    assert applicant_client.post(bad_file).status_code == 200  # "Không tìm thấy tệp này" in the summary
    assert applicant_client.post("/thu-tuc/1.001193/bat-dau/", {"agency": "nope"}).status_code == 302


def test_submitted_dossier_can_no_longer_be_edited(procedure, applicant_client, ba_dinh):
    dossier = submitted_dossier(applicant_client, ba_dinh)
    response = applicant_client.post(url(dossier, "dossier_edit"), {"ten_tre": "Đổi tên"})
    assert response["Location"] == url(dossier, "dossier_detail")
    dossier.refresh_from_db()
    assert dossier.form_data["ten_tre"] == "Nguyễn Minh An"


def test_tracking_by_reference_leads_to_own_dossier(procedure, applicant_client, stranger_client, ba_dinh):
    """R-TRK-1: the applicant goes to their dossier's page; anyone else sees the public status only."""
    dossier = submitted_dossier(applicant_client, ba_dinh)
    response = applicant_client.get("/tra-cuu/", {"ma": dossier.reference.lower()})
    assert response["Location"] == url(dossier, "dossier_detail")
    public = stranger_client.get("/tra-cuu/", {"ma": dossier.reference})
    assert public.status_code == 200
    page = public.content.decode()
    assert "Đang chờ tiếp nhận" in page
    assert dossier.applicant.full_name not in page and "Nguyễn Minh An" not in page


def test_inbox_shows_the_acknowledgement_and_marks_it_read(
    procedure, applicant_client, stranger_client, ba_dinh
):
    dossier = submitted_dossier(applicant_client, ba_dinh)
    message = InboxMessage.objects.get(user=dossier.applicant)
    home = applicant_client.get("/").content.decode()
    assert '1<span class="visually-hidden"> thông báo chưa đọc</span>' in home
    page = applicant_client.get("/hop-thu/").content.decode()
    assert dossier.reference in page and "Chưa đọc" in page
    assert stranger_client.post(f"/hop-thu/{message.pk}/da-doc/").status_code == 404
    assert applicant_client.post(f"/hop-thu/{message.pk}/da-doc/").status_code == 302
    message.refresh_from_db()
    assert message.read_at is not None


def test_continue_with_a_bad_file_shows_it_with_every_other_problem(procedure, applicant_client):
    dossier = start(applicant_client)
    file = SimpleUploadedFile("scan.pdf", b"not a pdf", content_type="application/pdf")
    response = applicant_client.post(
        url(dossier, "dossier_edit"), {"action": "continue", "file-giay-chung-sinh": file}
    )
    page = response.content.decode()
    assert "Tệp “scan.pdf”" in page
    assert 'href="#f-ten_tre"' in page and 'href="#f-cam_doan"' in page


def test_with_several_agencies_the_applicant_chooses_one(procedure, applicant_client):
    other = AgencyFactory(name="Ủy ban nhân dân xã Tân Hội")
    procedure.agencies.add(other)
    page = applicant_client.get("/thu-tuc/1.001193/").content.decode()
    assert "Bạn nộp hồ sơ đến cơ quan nào?" in page and "Ủy ban nhân dân xã Tân Hội" in page
    response = applicant_client.post("/thu-tuc/1.001193/bat-dau/")
    assert response.status_code == 400
    assert "Hãy chọn cơ quan tiếp nhận hồ sơ." in response.content.decode()
    assert start_at(applicant_client, other.code).agency == other


def start_at(client: Client, agency_code: str) -> Dossier:
    response = client.post("/thu-tuc/1.001193/bat-dau/", {"agency": agency_code})
    return Dossier.objects.get(public_id=response["Location"].split("/")[2])
