"""The warehouse as people meet it: the citizen's pages (documents, add, delete, access log, consents), one-click
reuse and consent in the portal's dossier pages, and the provenance officials see (R-WH-*, R-PRIV-*)."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import LAND, make_pdf
from motcua.dossiers.services import draft_create
from motcua.warehouse import services
from motcua.warehouse.models import Consent, Document, DocumentAccess, DocumentUse
from motcua.warehouse.tests.conftest import draft_with


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# -- the citizen's warehouse pages -----------------------------------------------------------------------


def test_owner_sees_documents_with_provenance_and_downloads_them_R_WH_1(verified_land, citizen, land_pdf):
    client = as_user(citizen)
    page = text(client.get("/kho-du-lieu/"))
    assert "Giấy tờ về đất" in page and "Đã xác minh" in page
    assert "Ủy ban nhân dân phường Ba Đình" in page or verified_land.agency.name in page
    download = client.get(f"/kho-du-lieu/{verified_land.public_id}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == land_pdf


def test_nobody_else_can_download_or_delete_a_document(verified_land, other_citizen):
    client = as_user(other_citizen)
    assert client.get(f"/kho-du-lieu/{verified_land.public_id}/").status_code == 404
    assert client.post(f"/kho-du-lieu/{verified_land.public_id}/xoa/").status_code == 404
    assert "Giấy tờ về đất" not in text(client.get("/kho-du-lieu/"))
    verified_land.refresh_from_db()
    assert verified_land.removed_at is None


def test_delete_asks_first_and_deletes_only_on_post(verified_land, citizen):
    client = as_user(citizen)
    confirm = client.get(f"/kho-du-lieu/{verified_land.public_id}/xoa/")
    assert confirm.status_code == 200 and "Xoá giấy tờ" in text(confirm)
    verified_land.refresh_from_db()
    assert verified_land.removed_at is None
    response = client.post(f"/kho-du-lieu/{verified_land.public_id}/xoa/")
    assert response.status_code == 302
    verified_land.refresh_from_db()
    assert verified_land.removed_at is not None


def test_owner_adds_a_document_and_every_problem_is_listed_at_once(citizen, land_type):
    client = as_user(citizen)
    bad = client.post(
        "/kho-du-lieu/them/",
        {"document_type": LAND, "title": "", "issued_on": "31/02/2024", "number": "x" * 101},
    )
    page = text(bad)
    assert bad.status_code == 400
    assert (
        "Hãy nhập tên giấy tờ" in page
        and "31/02/2024" in page
        and "Hãy chọn tệp" in page
        and "100 ký tự" in page
    )
    assert 'value="x' in page  # what was typed stays
    good = client.post(
        "/kho-du-lieu/them/",
        {
            "document_type": LAND,
            "title": "Sổ đỏ",
            "issued_on": "2024-05-20",
            "file": SimpleUploadedFile("so-do.pdf", make_pdf("so do"), content_type="application/pdf"),
        },
    )
    assert good.status_code == 302
    document = Document.objects.get(owner=citizen)
    assert document.title == "Sổ đỏ" and document.provenance == Document.Provenance.UPLOADED
    assert "Chưa xác minh" in text(client.get("/kho-du-lieu/"))


def test_the_warehouse_pages_need_a_login(db):
    for url in ("/kho-du-lieu/", "/kho-du-lieu/them/", "/kho-du-lieu/nhat-ky/", "/kho-du-lieu/dong-y/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_malformed_ids_are_404_not_500(citizen):
    client = as_user(citizen)
    assert client.get("/kho-du-lieu/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/kho-du-lieu/dong-y/00000000-0000-0000-0000-000000000000/rut-lai/").status_code == 404


# -- consent in the portal (R-PRIV-1) ----------------------------------------------------------------------


def _draft_with_land(citizen, procedure):
    return draft_with(citizen, procedure, {"don": make_pdf("don"), "giay_to_dat": make_pdf("so do")})


def test_review_page_asks_consent_per_component_and_records_the_wording_R_PRIV_1(citizen, building_permit):
    draft = _draft_with_land(citizen, building_permit)
    client = as_user(citizen)
    review = text(client.get(f"/ho-so/{draft.public_id}/kiem-tra/"))
    assert 'name="consent_component" value="giay_to_dat"' in review
    assert 'value="don"' not in review  # a form with no document type cannot be reused: not asked
    assert "checked" not in review.split("consent")[1][:200]  # nothing ticked for the applicant
    key = re.search(r'name="submission_key" value="([^"]+)"', review).group(1)
    response = client.post(
        f"/ho-so/{draft.public_id}/kiem-tra/",
        {"submission_key": key, "consent_component": ["giay_to_dat", "don"], "consent_result": "1"},
    )
    assert response.status_code == 302
    consents = {c.scope: c for c in Consent.objects.filter(dossier=draft)}
    assert set(consents) == {"component", "result"}
    assert consents["component"].component.code == "giay_to_dat"
    assert "Giấy tờ về đất" in consents["component"].wording and consents["component"].language == "vi"


def test_consent_page_withdraws_after_confirming_R_PRIV_1(verified_land, citizen):
    client = as_user(citizen)
    consent = verified_land.consent
    page = text(client.get("/kho-du-lieu/dong-y/"))
    assert consent.wording in page and "Rút lại sự đồng ý" in page
    confirm = text(client.get(f"/kho-du-lieu/dong-y/{consent.public_id}/rut-lai/"))
    assert "Giấy tờ về đất" in confirm  # says what will leave the warehouse
    assert client.post(f"/kho-du-lieu/dong-y/{consent.public_id}/rut-lai/").status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert "Đã rút lại" in text(client.get("/kho-du-lieu/dong-y/"))
    assert "Giấy tờ về đất" not in text(client.get("/kho-du-lieu/"))


# -- one-click reuse in the draft (R-WH-2) ------------------------------------------------------------------


def test_edit_page_offers_the_document_and_one_click_attaches_it_R_WH_2(
    verified_land, business_registration, citizen
):
    draft = draft_create(applicant=citizen, procedure=business_registration)
    client = as_user(citizen)
    page = text(client.get(f"/ho-so/{draft.public_id}/soan/"))
    value = f"dia_diem:{verified_land.public_id}"
    assert f'value="{value}"' in page and "Dùng giấy tờ này" in page
    assert "Đã được" in page and "xác minh" in page  # provenance beside the button
    response = client.post(f"/ho-so/{draft.public_id}/dung-giay-to/", {"use_document": value})
    assert response.status_code == 302 and response["Location"].endswith("#component-dia_diem")
    assert DocumentUse.objects.get(document=verified_land).dossier_file.dossier == draft


def test_reuse_of_a_document_that_is_not_yours_says_so(verified_land, business_registration, other_citizen):
    draft = draft_create(applicant=other_citizen, procedure=business_registration)
    response = as_user(other_citizen).post(
        f"/ho-so/{draft.public_id}/dung-giay-to/", {"use_document": f"dia_diem:{verified_land.public_id}"}
    )
    assert response.status_code == 200 and "Không tìm thấy giấy tờ này" in text(response)
    assert not DocumentUse.objects.exists()


# -- officials: provenance, access log, agency scope (R-PRIV-2) ------------------------------------------


@pytest.fixture
def reused_dossier(reused_draft, citizen):
    return services.dossier_submit_with_consent(dossier=reused_draft, applicant=citizen).dossier


def test_official_sees_provenance_and_the_owner_sees_the_use_R_PRIV_2(
    reused_dossier, verified_land, receptionist, citizen
):
    page = text(as_user(receptionist).get(f"/mot-cua/ho-so/{reused_dossier.public_id}/"))
    assert "Lấy từ Kho dữ liệu của người nộp" in page and "xác minh" in page
    access = DocumentAccess.objects.get(document=verified_land)
    assert (access.official, access.dossier, access.purpose) == (receptionist, reused_dossier, "view")

    file_id = reused_dossier.files.get(component__code="dia_diem").pk
    download = as_user(receptionist).get(f"/mot-cua/ho-so/{reused_dossier.public_id}/tep/{file_id}/")
    assert download.status_code == 200
    assert DocumentAccess.objects.filter(document=verified_land, purpose="file").count() == 1

    log = text(as_user(citizen).get("/kho-du-lieu/nhat-ky/"))
    assert receptionist.display_name in log and reused_dossier.agency.name in log
    assert reused_dossier.reference in log and "Tải tệp về" in log


def test_official_of_another_agency_cannot_read_the_warehouse_R_PRIV_2(
    reused_dossier, verified_land, other_receptionist
):
    client = as_user(other_receptionist)
    assert client.get(f"/mot-cua/ho-so/{reused_dossier.public_id}/").status_code == 404
    file_id = reused_dossier.files.get(component__code="dia_diem").pk
    assert client.get(f"/mot-cua/ho-so/{reused_dossier.public_id}/tep/{file_id}/").status_code == 404
    # Nor through the owner's pages: those are the owner's only.
    assert client.get(f"/kho-du-lieu/{verified_land.public_id}/").status_code == 404
    assert not DocumentAccess.objects.filter(official=other_receptionist).exists()


def test_the_officials_api_gives_the_provenance_and_its_reads_are_logged_too_R_PRIV_2(
    reused_dossier, verified_land, receptionist, other_receptionist
):
    """R-PRIV-2: a read through the REST API is a read like any other: the owner sees it."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(receptionist)
    body = api.get(f"/api/v1/backoffice/dossiers/{reused_dossier.public_id}/").json()
    reused = next(f for f in body["files"] if f["component"] == "dia_diem")
    assert reused["warehouse"]["provenance"] == "verified"
    assert reused["warehouse"]["agency"] == reused_dossier.agency.code
    assert reused["warehouse"]["verified_by"] == receptionist.display_name
    assert next(f for f in body["files"] if f["component"] == "don")["warehouse"] is None
    assert api.get(reused["download"]).status_code == 200
    assert sorted(DocumentAccess.objects.values_list("purpose", flat=True)) == ["file", "view"]

    api.force_authenticate(other_receptionist)
    assert api.get(f"/api/v1/backoffice/dossiers/{reused_dossier.public_id}/").status_code == 404
    other = api.get(reused["download"])  # the file of another agency's dossier: 404 in the API's shape
    assert other.status_code == 404 and other.json()["code"] == "not_found"
    assert DocumentAccess.objects.count() == 2


def test_a_submission_through_the_api_records_the_consent_given_R_PRIV_1(citizen, building_permit):
    from rest_framework.test import APIClient

    draft = _draft_with_land(citizen, building_permit)
    api = APIClient()
    api.force_authenticate(citizen)
    bad = api.post(
        f"/api/v1/dossiers/{draft.public_id}/submit/", {"consent_components": "giay_to_dat"}, format="json"
    )
    assert bad.status_code == 400 and not Consent.objects.exists()  # a list is expected; nothing submitted
    response = api.post(
        f"/api/v1/dossiers/{draft.public_id}/submit/",
        {"consent_components": ["giay_to_dat"], "consent_result": True},
        format="json",
    )
    assert response.status_code == 200
    assert sorted(Consent.objects.filter(dossier=draft).values_list("scope", flat=True)) == [
        "component",
        "result",
    ]


def test_the_receptionist_types_what_the_kept_document_says_and_it_enters_with_it_R_WH_2(
    submit_with, building_permit, receptionist, citizen
):
    """R-WH-2: a verified document keeps its number, issuer and dates, read at the check; bad dates are refused
    with the reason and nothing changes."""
    dossier = submit_with(building_permit, "giay_to_dat", consent=["giay_to_dat"])
    client = as_user(receptionist)
    url = f"/mot-cua/ho-so/{dossier.public_id}/"
    page = text(client.get(url))
    assert 'name="doc_number-component.giay_to_dat"' in page
    assert 'name="doc_number-component.don"' not in page  # no consent for the form: nothing to type

    fields = {"action": "accept", "revision": str(dossier.revision), "mark-component.giay_to_dat": "ok"}
    bad = client.post(
        url + "xu-ly/",
        {
            **fields,
            "doc_issued_on-component.giay_to_dat": "2030-01-01",
            "doc_expires_on-component.giay_to_dat": "31/13/2024",
        },
    )
    assert bad.status_code == 400
    assert "31/13/2024" in text(bad) and "Ngày cấp không thể sau hôm nay" in text(bad)
    dossier.refresh_from_db()
    assert dossier.status == "submitted" and not Document.objects.exists()

    good = client.post(
        url + "xu-ly/",
        {
            **fields,
            "doc_number-component.giay_to_dat": "AB 123456",
            "doc_issuer-component.giay_to_dat": "UBND quận Ba Đình",
            "doc_issued_on-component.giay_to_dat": "2019-04-12",
        },
    )
    assert good.status_code == 302
    document = Document.objects.get(owner=citizen)
    assert (document.number, document.issuer, str(document.issued_on)) == (
        "AB 123456",
        "UBND quận Ba Đình",
        "2019-04-12",
    )
    assert document.expires_on is None  # a land certificate's type sets no validity
