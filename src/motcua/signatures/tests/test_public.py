"""The public verification page and API (R-RES-2, R-RES-3): by upload or by the QR code's token, without
personal data, and a modified copy is told apart."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.dossiers.storage import blob_path
from motcua.signatures.issuing import document_revoke
from motcua.signatures.models import IssuedDocument
from motcua.signatures.public import LOOKUPS

pytestmark = pytest.mark.django_db


def sealed(document: IssuedDocument) -> bytes:
    return blob_path(document.sha256).read_bytes()


def upload(client, data: bytes, name: str = "ket-qua.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("portal:verify"), {"tep": SimpleUploadedFile(name, data, "application/pdf")})


def assert_no_personal_data(text: str, citizen) -> None:
    for personal in (citizen.full_name, citizen.citizen_id, citizen.address, citizen.phone, citizen.email):
        if personal:
            assert personal not in text


def test_page_without_login_explains_and_offers_an_upload_form(client):
    response = client.get(reverse("portal:verify"))
    assert response.status_code == 200
    assert (
        'type="file"' in response.content.decode()
        and 'enctype="multipart/form-data"' in response.content.decode()
    )


def test_an_uploaded_issued_document_is_recognised_unmodified_without_personal_data_R_RES_3(
    issued_result, client, citizen, agency
):
    response = upload(client, sealed(issued_result))
    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-outcome="match"' in text
    assert agency.name in text and issued_result.dossier_code in text and issued_result.document_code in text
    assert "Còn hiệu lực" in text
    assert_no_personal_data(text, citizen)


def test_the_qr_code_link_finds_the_document_R_RES_3_R_FORM_3(issued_result, client, citizen):
    response = client.get(reverse("portal:verify_token", args=[issued_result.token]))
    text = response.content.decode()
    assert response.status_code == 200 and issued_result.dossier_code in text
    assert_no_personal_data(text, citizen)


def test_an_unknown_token_is_a_404_with_a_way_forward(db, client):
    response = client.get(reverse("portal:verify_token", args=["ABCDEFGHJKLMNPQRSTUV"]))
    assert response.status_code == 404
    assert "Không tìm thấy văn bản" in response.content.decode()


def test_a_modified_copy_is_reported_as_modified_R_RES_3(issued_result, client):
    data = bytearray(sealed(issued_result))
    at = data.index(b"/Title") + 8  # inside the signed bytes: the draft's title
    data[at] = ord("X") if data[at] != ord("X") else ord("Y")
    response = upload(client, bytes(data))
    text = response.content.decode()
    assert 'data-outcome="modified"' in text and issued_result.dossier_code in text


def test_a_copy_with_something_appended_keeps_the_issued_part_but_says_so(issued_result, client):
    data = sealed(issued_result) + b"\n% added later\n"
    response = upload(client, data)
    assert 'data-outcome="extended"' in response.content.decode()


def test_a_pdf_motcua_never_issued_is_unknown(db, client, pdf_bytes):
    response = upload(client, pdf_bytes)
    assert 'data-outcome="unknown"' in response.content.decode()


def test_a_revoked_result_is_still_found_and_marked_revoked_R_RES_2(issued_result, client, leader):
    document_revoke(document=issued_result, official=leader, reason="Cấp nhầm thông tin", ground="error")
    for response in (
        upload(client, sealed(issued_result)),
        client.get(reverse("portal:verify_token", args=[issued_result.token])),
    ):
        text = response.content.decode()
        assert response.status_code == 200
        assert "đã bị thu hồi" in text and issued_result.dossier_code in text
    api = client.get(f"/api/v1/verification/{issued_result.token}/").json()
    assert api["document"]["revoked"] is True
    assert api["document"]["revoked_ground"] and "Cấp nhầm" not in str(
        api
    )  # the ground, not the private reason


def test_no_file_chosen_is_a_clear_error_not_a_crash(db, client):
    response = client.post(reverse("portal:verify"), {})
    assert response.status_code == 400
    assert "Hãy chọn tệp PDF" in response.content.decode()


def test_lookups_are_rate_limited_per_client(db, client, pdf_bytes):
    for _ in range(LOOKUPS.count):
        assert upload(client, pdf_bytes).status_code == 200
    response = upload(client, pdf_bytes)
    assert response.status_code == 429 and response["Retry-After"]


def test_the_api_says_the_same_without_personal_data_R_RES_3(issued_result, client, citizen):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/api/v1/verification/",
        {"file": SimpleUploadedFile("kq.pdf", sealed(issued_result), "application/pdf")},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "match" and body["document"]["dossier_code"] == issued_result.dossier_code
    assert body["document"]["revoked"] is False
    assert_no_personal_data(response.content.decode(), citizen)
    by_token = client.get(f"/api/v1/verification/{issued_result.token}/")
    assert by_token.status_code == 200 and by_token.json()["document"]["token"] == issued_result.token
    assert client.get("/api/v1/verification/ABCDEFGHJKLMNPQRSTUV/").status_code == 404
    assert client.post("/api/v1/verification/", {}).status_code == 400


def test_the_page_says_the_seal_is_valid_now_R_RES_3(trust_store, cached_crls, issued_result, client):
    response = client.get(reverse("portal:verify_token", args=[issued_result.token]))
    text = response.content.decode()
    assert "Chữ ký số trong tệp, kiểm tra lúc này" in text
    assert "Hợp lệ" in text


def test_the_api_reports_the_signatures_valid_now_R_RES_3(trust_store, cached_crls, issued_result, client):
    body = client.get(f"/api/v1/verification/{issued_result.token}/").json()
    assert body["signatures"]["verdict"] == "valid"
    assert [s["verdict"] for s in body["signatures"]["signatures"]] == ["valid"]
