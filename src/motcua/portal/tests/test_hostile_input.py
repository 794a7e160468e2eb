"""Garbage posted to every portal form: never a 500, a Vietnamese message where a person would see one,
and the draft's accepted files and answers are still there afterwards.

Several of these answered 500 on PostgreSQL only (it refuses NUL in text), so run them on both databases.
"""

from __future__ import annotations

import re
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from motcua.catalog import eform
from motcua.catalog.tests.factories import AgencyFactory
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.notifications.models import InboxMessage
from motcua.portal.tests.conftest import logged_in, pdf_bytes, valid_answers

pytestmark = pytest.mark.django_db

START = "/thu-tuc/1.001193/bat-dau/"
TYPED_NAME = "Nguyễn Minh An"  # what valid_answers() typed for the child's name


@pytest.fixture
def answers() -> dict[str, str]:
    ba_dinh = next(code for code, name in eform.communes(1) if name == "Phường Ba Đình")
    return valid_answers(str(ba_dinh))


@pytest.fixture
def draft(procedure, applicant_client, answers) -> Dossier:
    """A draft with every answer typed and one accepted file."""
    response = applicant_client.post(START)
    dossier = Dossier.objects.get(public_id=response["Location"].split("/")[2])
    file = SimpleUploadedFile("giay-chung-sinh.pdf", pdf_bytes(), content_type="application/pdf")
    applicant_client.post(
        url(dossier, "dossier_upload"),
        {**answers, "component": "giay-chung-sinh", "file-giay-chung-sinh": file},
    )
    assert_intact(dossier)
    return dossier


def url(dossier: Dossier, name: str, **kwargs) -> str:
    return reverse(f"portal:{name}", kwargs={"public_id": dossier.public_id, **kwargs})


def assert_intact(dossier: Dossier, **changed) -> None:
    """The accepted file is attached and the answers are as typed (but for the fields named)."""
    dossier.refresh_from_db()
    assert dossier.is_draft
    assert list(dossier.files.values_list("original_name", flat=True)) == ["giay-chung-sinh.pdf"]
    expected = {"ten_tre": TYPED_NAME, "gioi_tinh": "nam", "quan_he": "me", "so_ban_sao": "2", **changed}
    assert {key: dossier.form_data.get(key) for key in expected} == expected
    assert dossier.form_data["noi_sinh"]["street"] == "Số 5 ngõ 12 Đội Cấn"


def page_of(response) -> str:
    assert response.status_code < 500
    return response.content.decode()


def summary(page: str) -> str:
    """The error summary's text: where a person reads what went wrong."""
    match = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def multipart(fields: dict[str, str], files: list[tuple[str, bytes, bytes]]) -> tuple[bytes, str]:
    """A hand-made multipart body: file names as raw bytes, which Django's test client cannot send."""
    parts = [
        b'--B\r\nContent-Disposition: form-data; name="'
        + name.encode()
        + b'"\r\n\r\n'
        + value.encode()
        + b"\r\n"
        for name, value in fields.items()
    ]
    parts += [
        b'--B\r\nContent-Disposition: form-data; name="'
        + name.encode()
        + b'"; filename="'
        + filename
        + b'"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + content + b"\r\n"
        for name, filename, content in files
    ]
    return b"".join(parts) + b"--B--\r\n", "multipart/form-data; boundary=B"


# -- starting a draft ------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["9.999999", "1.001193%00", "%00", "x" * 500])
def test_starting_an_unknown_procedure_is_a_vietnamese_not_found_page(procedure, applicant_client, code):
    for response in (
        applicant_client.get(f"/thu-tuc/{code}/"),
        applicant_client.post(f"/thu-tuc/{code}/bat-dau/"),
    ):
        assert response.status_code == 404
        assert "Không tìm thấy trang" in page_of(response)
    assert not Dossier.objects.exists()


def test_an_agency_not_in_the_list_is_refused_with_a_reason(procedure, applicant_client):
    procedure.agencies.add(AgencyFactory(name="Ủy ban nhân dân xã Tân Hội"))

    response = applicant_client.post(START, {"agency": "000.00.99.H99\x00"})

    assert response.status_code == 400
    assert "Cơ quan đã chọn không tiếp nhận thủ tục này" in page_of(response)
    assert not Dossier.objects.exists()


# -- the edit form ---------------------------------------------------------------------------------


def test_unknown_keys_are_ignored_and_the_draft_is_intact(draft, applicant_client, answers):
    response = applicant_client.post(
        url(draft, "dossier_edit"),
        {
            **answers,
            "zzz": "x",
            "__proto__": "x",
            "ten_tre.0.x": "y",
            "noi_sinh.country": "VN",
            "action": "save",
        },
    )

    assert response.status_code == 302
    assert_intact(draft)
    assert "zzz" not in draft.form_data and "country" not in draft.form_data["noi_sinh"]


def test_a_10000_character_value_is_kept_and_explained(draft, applicant_client, answers):
    long_name = "A" * 10_000

    page = page_of(
        applicant_client.post(
            url(draft, "dossier_edit"), {**answers, "ten_tre": long_name, "action": "continue"}
        )
    )

    assert "tối đa 255 ký tự. Bạn đã nhập 10000 ký tự" in summary(page)
    assert_intact(draft, ten_tre=long_name)  # kept as typed, to be shortened beside its message


def test_nul_characters_are_dropped_from_what_was_typed(draft, applicant_client, answers):
    """PostgreSQL refuses NUL in JSON text: saving answered 500 there."""
    fields = {**answers, "ten_tre": "Nguyễn\x00 Minh An", "noi_sinh.street": "Số 5\x00 ngõ 12 Đội Cấn"}

    response = applicant_client.post(url(draft, "dossier_edit"), {**fields, "action": "save"})

    assert response.status_code == 302
    assert_intact(draft)


def test_a_group_index_of_999999_changes_nothing(draft, applicant_client, answers):
    response = applicant_client.post(
        url(draft, "dossier_edit"),
        {**answers, "nguoi_lam_chung.999999.ho_ten": "X", "action": "remove:nguoi_lam_chung.999999"},
    )

    assert response.status_code == 302
    assert_intact(draft, nguoi_lam_chung=[])
    assert page_of(applicant_client.get(response["Location"]))


@pytest.mark.parametrize("province", ["abc", "²", "٣", "-1", "1e3", "99999999999999999999", "1\x00x"])
def test_address_codes_that_are_not_numbers_are_explained(draft, applicant_client, answers, province):
    """A "²" is a digit to str.isdigit() but not to int(): the commune list answered 500."""
    page = page_of(
        applicant_client.post(
            url(draft, "dossier_edit"), {**answers, "noi_sinh.province": province, "action": "continue"}
        )
    )

    assert "tỉnh, thành phố" in summary(page)
    assert applicant_client.get("/dia-gioi/xa/", {"tinh": province}).json() == {"communes": []}
    assert_intact(draft)


@pytest.mark.parametrize("number", ["9" * 5000, "-" + "9" * 30, "1e308", "0x10", "NaN"])
def test_huge_or_odd_numbers_for_an_integer_field_are_explained(draft, applicant_client, answers, number):
    page = page_of(
        applicant_client.post(
            url(draft, "dossier_edit"), {**answers, "so_ban_sao": number, "action": "continue"}
        )
    )

    assert "Số bản sao trích lục" in summary(page)
    assert_intact(draft, so_ban_sao=number)


# -- files -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "files",
    [
        [],  # "Tải lên" pressed without choosing a file
        [("file-giay-chung-sinh", b"", pdf_bytes())],  # a file input with an empty file name
        [("file-giay-chung-sinh", b"\xff\xfe.pdf", pdf_bytes())],  # a name that is not UTF-8
    ],
    ids=["no-file", "empty-filename", "invalid-utf8-filename"],
)
def test_an_upload_that_brings_no_file_says_so(draft, applicant_client, answers, files):
    body, content_type = multipart({**answers, "component": "giay-chung-sinh"}, files)

    response = applicant_client.generic("POST", url(draft, "dossier_upload"), body, content_type=content_type)

    assert "Chưa nhận được tệp nào" in summary(page_of(response))
    assert_intact(draft)


def test_an_unknown_component_code_is_explained_and_its_file_is_not_attached(
    draft, applicant_client, answers
):
    file = SimpleUploadedFile("khac.pdf", pdf_bytes() + b"%", content_type="application/pdf")

    response = applicant_client.post(
        url(draft, "dossier_upload"), {**answers, "component": "khong-co\r\nX: y", "file-khong-co": file}
    )

    assert "Thành phần hồ sơ này không thuộc thủ tục" in summary(page_of(response))
    assert_intact(draft)


def test_a_nul_in_a_file_name_is_dropped(draft, applicant_client, answers):
    body, content_type = multipart(
        {**answers, "component": "giay-chung-sinh"},
        [("file-giay-chung-sinh", b"uy\x00quyen.pdf", pdf_bytes())],
    )

    response = applicant_client.generic("POST", url(draft, "dossier_upload"), body, content_type=content_type)

    assert response.status_code == 302
    assert list(draft.files.values_list("original_name", flat=True)) == ["giay-chung-sinh.pdf", "uyquyen.pdf"]


def test_deleting_another_applicants_file_deletes_nothing(draft, applicant_client, stranger_client, answers):
    others = Dossier.objects.get(public_id=stranger_client.post(START)["Location"].split("/")[2])
    file = SimpleUploadedFile("cua-nguoi-khac.pdf", pdf_bytes(), content_type="application/pdf")
    stranger_client.post(
        url(others, "dossier_upload"), {"component": "giay-chung-sinh", "file-giay-chung-sinh": file}
    )
    their_file = others.files.get()

    mine = applicant_client.post(url(draft, "dossier_file_delete", file_id=their_file.pk), answers)
    theirs = applicant_client.post(url(others, "dossier_file_delete", file_id=their_file.pk), answers)

    assert "Không tìm thấy tệp này trong hồ sơ" in summary(page_of(mine))
    assert theirs.status_code == 404
    assert others.files.get() == their_file
    assert_intact(draft)


# -- submitting ------------------------------------------------------------------------------------


def test_a_submission_key_already_used_for_another_dossier_submits_nothing(
    draft, procedure, applicant_client, citizen, answers
):
    earlier = Dossier.objects.create(
        applicant=citizen, procedure=procedure, agency=draft.agency, status="submitted", reference="261120-ABCDEF",
        submission_key="k-used", submitted_at=draft.created_at, official_receipt_at=draft.created_at,
        check_due_at=draft.created_at,
    )  # fmt: skip

    response = applicant_client.post(url(draft, "dossier_review"), {"submission_key": "k-used"})

    assert response.status_code == 409
    assert "Hồ sơ chưa được nộp vì trang này đã cũ" in summary(page_of(response))
    assert 'name="submission_key"' in page_of(response)  # with a fresh key, ready to submit again
    assert_intact(draft)
    fresh = re.search(r'name="submission_key" value="([^"]+)"', page_of(response)).group(1)
    assert applicant_client.post(url(draft, "dossier_review"), {"submission_key": fresh})["Location"] == url(
        draft, "dossier_ack"
    )
    earlier.refresh_from_db()
    assert earlier.submission_key == "k-used"


@pytest.mark.parametrize("key", ["k\x00nul", "x" * 5000, "khóa có dấu cách", ""])
def test_an_odd_submission_key_still_submits_once(draft, applicant_client, key):
    """A key with NUL answered 500 on PostgreSQL; odd keys are now ignored, the draft's status suffices."""
    first = applicant_client.post(url(draft, "dossier_review"), {"submission_key": key})
    again = applicant_client.post(url(draft, "dossier_review"), {"submission_key": key})

    assert first["Location"] == again["Location"] == url(draft, "dossier_ack")
    assert DossierEvent.objects.filter(dossier=draft, kind="submitted").count() == 1


def test_a_draft_holding_values_of_the_wrong_type_is_checked_not_crashed(draft, applicant_client):
    """The API stores any JSON in a draft; "check your answers" and the dossier page answered 500."""
    Dossier.objects.filter(pk=draft.pk).update(
        form_data={**draft.form_data, "nguoi_lam_chung": 5, "noi_sinh": True, "gioi_tinh": {"a": [1]}}
    )

    review = page_of(applicant_client.get(url(draft, "dossier_review")))

    assert "Người làm chứng phải là một danh sách." in summary(review)  # the edit page, with every problem
    assert "Nộp hồ sơ</button>" not in review
    assert page_of(applicant_client.get(url(draft, "dossier_detail")))


# -- methods, addresses, query strings -------------------------------------------------------------


def test_get_on_post_only_views_leads_somewhere_useful_and_changes_nothing(draft, applicant_client, citizen):
    file_id = draft.files.get().pk
    message = InboxMessage.objects.create(user=citizen, subject="Thư", body="Nội dung")

    assert applicant_client.get(url(draft, "dossier_upload"))["Location"] == url(draft, "dossier_edit")
    assert applicant_client.get(url(draft, "dossier_file_delete", file_id=file_id))["Location"] == url(
        draft, "dossier_edit"
    )
    assert applicant_client.get(f"/hop-thu/{message.pk}/da-doc/")["Location"] == "/hop-thu/"
    logout = applicant_client.get("/dang-xuat/", follow=True)
    assert "Để đăng xuất, hãy bấm nút “Đăng xuất” ở đầu trang." in page_of(logout)
    assert_intact(draft)
    message.refresh_from_db()
    assert message.read_at is None
    assert applicant_client.get(url(draft, "dossier_edit")).status_code == 200  # still logged in


def test_coming_back_from_the_login_page_to_an_upload_address_shows_the_edit_page(draft, citizen):
    anonymous = Client()
    to_login = anonymous.post(url(draft, "dossier_upload"))
    assert to_login["Location"].startswith("/dang-nhap/?next=")

    client = logged_in(citizen)

    assert client.get(url(draft, "dossier_upload"), follow=True).redirect_chain[-1][0] == url(
        draft, "dossier_edit"
    )


BAD_IDS = [
    "not-a-uuid",
    "12345678-1234-1234-1234-1234567890ab",
    "00000000-0000-0000-0000-000000000000",
    "%00",
]
DOSSIER_PAGES = [
    "",
    "soan/",
    "tep/",
    "tep/1/",
    "tep/1/xoa/",
    "kiem-tra/",
    "da-nop/",
    "tep/99999999999999999999/",
    "bo-sung/",
    "bo-sung/kiem-tra/",
    "da-bo-sung/",
    "dung/",
    "ket-qua/1/",
    "ket-qua/99999999999999999999/",
]
READ_ONLY_PAGES = {  # a POST there is 405
    "",
    "tep/1/",
    "da-nop/",
    "tep/99999999999999999999/",
    "da-bo-sung/",
    "ket-qua/1/",
    "ket-qua/99999999999999999999/",
}


@pytest.mark.parametrize("public_id", BAD_IDS)
@pytest.mark.parametrize("page", DOSSIER_PAGES)
def test_bad_dossier_ids_in_every_address_are_a_vietnamese_not_found(
    draft, applicant_client, public_id, page
):
    response = applicant_client.get(f"/ho-so/{public_id}/{page}")
    posted = applicant_client.post(f"/ho-so/{public_id}/{page}")

    assert response.status_code == 404 and "Không tìm thấy trang" in page_of(response)
    assert posted.status_code in ({404, 405} if page in READ_ONLY_PAGES else {404})
    assert_intact(draft)


def test_someone_elses_dossier_id_is_not_found_everywhere(draft, stranger_client, answers):
    file_id = draft.files.get().pk
    pages = ["", "soan/", "tep/", f"tep/{file_id}/", f"tep/{file_id}/xoa/", "kiem-tra/", "da-nop/"]
    pages += ["bo-sung/", "bo-sung/kiem-tra/", "da-bo-sung/", "dung/", "ket-qua/1/"]
    for page in pages:
        assert stranger_client.get(f"/ho-so/{draft.public_id}/{page}").status_code == 404
        posted = stranger_client.post(f"/ho-so/{draft.public_id}/{page}", answers).status_code
        assert (
            posted == 405
            if page in ("", f"tep/{file_id}/", "da-nop/", "da-bo-sung/", "ket-qua/1/")
            else posted == 404
        )
    assert_intact(draft)


@pytest.mark.parametrize(
    "path",
    [
        "/thu-tuc/?q=a%00b",
        "/tra-cuu/?ma=a%00b",
        "/dia-gioi/xa/?tinh=%00",
        "/hop-thu/?trang=%00",
        "/thu-tuc/?trang=9999999999999999999999",
    ],
)
def test_nul_and_huge_values_in_query_strings_are_harmless(procedure, applicant_client, path):
    """PostgreSQL refuses NUL in a compared string: search and tracking answered 500 there."""
    assert applicant_client.get(path).status_code in (200, 404)


def test_a_nul_in_the_login_form_is_explained_in_vietnamese(citizen):
    page = page_of(Client().post("/dang-nhap/", {"username": citizen.username + "\x00", "password": "x"}))

    assert "Có ký tự không hợp lệ (NUL). Hãy gõ lại." in summary(page)


def test_a_form_posted_without_its_csrf_token_explains_what_to_do(procedure):
    response = Client(enforce_csrf_checks=True).post(START)

    assert response.status_code == 403
    assert "Trang đã hết hạn" in page_of(response) and "tải lại trang" in page_of(response)


def test_too_many_fields_is_a_vietnamese_bad_request(draft, applicant_client, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10

    response = applicant_client.post(url(draft, "dossier_edit"), {f"f{i}": "x" for i in range(50)})

    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in page_of(response)
    assert_intact(draft)


# -- two submissions at once -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_key", [True, False], ids=["double-click", "two-tabs"])
def test_two_simultaneous_submissions_of_one_draft_make_one_submission_and_one_notice(
    procedure, citizen, answers, same_key
):
    """R-ACK-2: one dossier, one acknowledgement in the inbox, whoever wins the race."""
    if connection.vendor == "sqlite":
        pytest.skip(
            "SQLite serialises writers, so it cannot race two submissions; run with DATABASE_URL=postgres://…"
        )
    client = logged_in(citizen)
    draft = Dossier.objects.get(public_id=client.post(START)["Location"].split("/")[2])
    file = SimpleUploadedFile("giay-chung-sinh.pdf", pdf_bytes(), content_type="application/pdf")
    client.post(
        url(draft, "dossier_upload"),
        {**answers, "component": "giay-chung-sinh", "file-giay-chung-sinh": file},
    )
    clients = [logged_in(citizen), logged_in(citizen)]
    keys = ["k-same", "k-same"] if same_key else ["k-tab-1", "k-tab-2"]
    barrier = threading.Barrier(2)
    answered = []

    def submit(client: Client, key: str) -> None:
        barrier.wait()
        try:
            answered.append(client.post(url(draft, "dossier_review"), {"submission_key": key}))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=pair) for pair in zip(clients, keys, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [r.status_code for r in answered] == [302, 302]
    assert {r["Location"] for r in answered} == {url(draft, "dossier_ack")}
    draft.refresh_from_db()
    assert not draft.is_draft and draft.submission_key in keys
    assert DossierEvent.objects.filter(dossier=draft, kind="submitted").count() == 1
    assert InboxMessage.objects.filter(user=citizen, subject__contains=draft.reference).count() == 1
    assert Dossier.objects.count() == 1


# -- supplementing, stopping (issue 3) ---------------------------------------------------------------


@pytest.fixture
def supplementing(draft, applicant_client, receptionist) -> Dossier:
    """The draft, submitted, then asked for the child's name and the birth certificate again (R-SUP-1)."""
    from motcua.workflow import services

    applicant_client.post(url(draft, "dossier_review"), {"submission_key": "k-hostile"})
    services.request_supplement(
        dossier=draft,
        official=receptionist,
        items=[
            services.SupplementItem("form.ten_tre", "Ghi đúng tên như giấy chứng sinh."),
            services.SupplementItem("component.giay-chung-sinh", "Chụp lại rõ nét cả hai mặt."),
        ],
    )
    draft.refresh_from_db()
    assert draft.status == Dossier.Status.SUPPLEMENT_REQUESTED
    return draft


def assert_locked_parts_intact(dossier: Dossier) -> None:
    """What the request did not name is as submitted (R-SUP-4): answers, and the other component's files."""
    dossier.refresh_from_db()
    assert dossier.status == Dossier.Status.SUPPLEMENT_REQUESTED
    submitted = dossier.revisions.get(number=1).manifest["form_data"]
    for key in ("gioi_tinh", "quan_he", "so_ban_sao", "noi_sinh", "ngay_sinh_tre", "cam_doan", "ho_ten"):
        assert dossier.form_data.get(key) == submitted.get(key), key
    assert not dossier.files.filter(component__code="giay-uy-quyen").exists()


@pytest.mark.parametrize(
    "action",
    [
        "delete-file:abc",
        "delete-file:",
        "delete-file:-1",
        "delete-file:99999999999999999999",
        "delete-file:1\x00",
        "upload:",
        "upload:khong-co\r\nX: y",
        "upload:giay-uy-quyen",
        "add:zzz",
        "add:gioi_tinh",
        "remove:nguoi_lam_chung.999999",
        "pick:noi_sinh.commune",
        "continue",
        "zzz\x00",
        "x" * 5000,
    ],
)
def test_garbage_on_the_supplement_page_never_fails_and_changes_no_locked_part(
    supplementing, applicant_client, action
):
    response = applicant_client.post(
        url(supplementing, "dossier_supplement"),
        {
            "action": action,
            "ten_tre": "Nguyễn\x00 Minh Anh" + "A" * 20,
            "gioi_tinh": "<script>",
            "noi_sinh.province": "²",
            "so_ban_sao": "1e308",
            "nguoi_lam_chung.999999.ho_ten": "X",
            "cam_doan": "maybe",
        },
    )

    page = page_of(response)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert "error-summary" in page
    assert_locked_parts_intact(supplementing)
    assert "\x00" not in supplementing.form_data["ten_tre"]


def test_a_forged_file_for_a_component_not_asked_for_is_refused_with_its_reason(
    supplementing, applicant_client
):
    """R-SUP-4: even with a raw multipart body naming the other component, nothing is attached."""
    body, content_type = multipart(
        {"action": "upload:giay-uy-quyen", "ten_tre": TYPED_NAME},
        [("file-giay-uy-quyen", b"uy-quyen.pdf", pdf_bytes()), ("file-khong-co", b"x.pdf", pdf_bytes())],
    )

    response = applicant_client.generic(
        "POST", url(supplementing, "dossier_supplement"), body, content_type=content_type
    )

    assert "Cơ quan tiếp nhận không yêu cầu bổ sung phần này" in summary(page_of(response))
    assert_locked_parts_intact(supplementing)


@pytest.mark.parametrize(
    "files",
    [
        [],
        [("file-giay-chung-sinh", b"", pdf_bytes())],
        [("file-giay-chung-sinh", b"\xff\xfe.pdf", pdf_bytes())],
    ],
    ids=["no-file", "empty-filename", "invalid-utf8-filename"],
)
def test_a_supplement_upload_that_brings_no_file_says_so(supplementing, applicant_client, files):
    body, content_type = multipart({"action": "upload:giay-chung-sinh", "ten_tre": TYPED_NAME}, files)

    response = applicant_client.generic(
        "POST", url(supplementing, "dossier_supplement"), body, content_type=content_type
    )

    assert "Chưa nhận được tệp nào" in summary(page_of(response))
    assert_locked_parts_intact(supplementing)


def test_a_bad_file_for_the_asked_component_is_explained_and_the_old_one_stays(
    supplementing, applicant_client
):
    file = SimpleUploadedFile("scan.pdf", b"not a pdf at all", content_type="application/pdf")

    response = applicant_client.post(
        url(supplementing, "dossier_supplement"),
        {"action": "upload:giay-chung-sinh", "ten_tre": "Nguyễn Minh Anh", "file-giay-chung-sinh": file},
    )

    page = page_of(response)
    assert "Tệp “scan.pdf”" in summary(page) and 'href="#file-giay-chung-sinh"' in summary(page)
    assert 'value="Nguyễn Minh Anh"' in page  # what was typed is kept
    assert list(supplementing.files.values_list("original_name", flat=True)) == ["giay-chung-sinh.pdf"]


@pytest.mark.parametrize("revision", ["", "\x00", "abc", "99999999999999999999999", "-1", "2"])
def test_odd_revisions_posted_with_the_supplement_send_it_once(supplementing, applicant_client, revision):
    first = applicant_client.post(url(supplementing, "dossier_supplement_review"), {"revision": revision})
    again = applicant_client.post(url(supplementing, "dossier_supplement_review"), {"revision": revision})

    assert first["Location"] == url(supplementing, "dossier_supplement_ack")
    assert again.status_code == 302  # to the acknowledgement or the dossier page, which says where it stands
    assert page_of(applicant_client.get(again["Location"], follow=True))
    assert supplementing.revisions.count() == 2


@pytest.mark.parametrize("reason", ["Không\x00 cần nữa", "  ", "<script>alert(1)</script>", "é" * 2000])
def test_odd_withdrawal_reasons_are_kept_safely(supplementing, applicant_client, reason):
    response = applicant_client.post(url(supplementing, "dossier_withdraw"), {"reason": reason})

    assert response["Location"] == url(supplementing, "dossier_detail")
    decision = supplementing.decisions.get(kind="withdraw")
    assert decision.reason == reason.replace("\x00", "").strip()
    assert "<script>alert" not in page_of(applicant_client.get(response["Location"]))


def test_a_withdrawal_reason_too_long_is_explained_and_kept(supplementing, applicant_client):
    long_reason = "Lý do " * 500

    response = applicant_client.post(url(supplementing, "dossier_withdraw"), {"reason": long_reason})

    page = page_of(response)
    assert "Lý do chỉ được tối đa 2000 ký tự" in summary(page) and 'href="#f-reason"' in summary(page)
    assert long_reason.strip() in page
    supplementing.refresh_from_db()
    assert supplementing.status == Dossier.Status.SUPPLEMENT_REQUESTED


def test_a_draft_has_nothing_to_stop_or_supplement(draft, applicant_client):
    assert applicant_client.post(url(draft, "dossier_withdraw"))["Location"] == url(draft, "dossier_edit")
    assert applicant_client.post(url(draft, "dossier_supplement"), {"ten_tre": "X"})["Location"] == url(
        draft, "dossier_detail"
    )
    assert applicant_client.post(url(draft, "dossier_supplement_review"))["Location"] == url(
        draft, "dossier_detail"
    )
    assert_intact(draft)


def test_another_applicants_result_and_pages_are_not_found(supplementing, stranger_client):
    for name in ("dossier_supplement", "dossier_supplement_review", "dossier_withdraw"):
        assert (
            stranger_client.post(url(supplementing, name), {"ten_tre": "X", "reason": "x"}).status_code == 404
        )
    assert_locked_parts_intact(supplementing)
    assert supplementing.form_data["ten_tre"] == TYPED_NAME
