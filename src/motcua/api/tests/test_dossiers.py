from __future__ import annotations

import hashlib
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.api.tests.conftest import PDF, VALID_FORM, client_for, make_procedure
from motcua.api.views import DossierPagination
from motcua.catalog.tests.factories import AgencyFactory
from motcua.dossiers.models import Dossier, DossierFile

pytestmark = pytest.mark.django_db

DOSSIERS = "/api/v1/dossiers/"


def create_draft(api, procedure, form_data=None) -> dict:
    body = {"procedure": procedure.code}
    if form_data is not None:
        body["form_data"] = form_data
    response = api.post(DOSSIERS, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def upload(api, dossier_id, component="to-khai", content=PDF, name="to-khai.pdf"):
    return api.post(
        f"{DOSSIERS}{dossier_id}/files/",
        {"component": component, "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        format="multipart",
    )


def ready_draft(api, procedure) -> dict:
    draft = create_draft(api, procedure, VALID_FORM)
    assert upload(api, draft["id"]).status_code == 201
    return draft


# --- creating and reading drafts ---------------------------------------------------------------------


def test_creating_a_draft_answers_201_with_the_dossier(api, procedure, agency):
    response = api.post(
        DOSSIERS, {"procedure": "1.001193", "form_data": {"ho_ten": "Lê Văn Tám"}}, format="json"
    )

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["procedure"] == "1.001193"
    assert body["agency"] == agency.code  # the procedure's only agency
    assert body["form_data"]["ho_ten"] == "Lê Văn Tám"
    assert body["reference"] is None and body["official_receipt_at"] is None
    assert [event["kind"] for event in body["timeline"]] == ["created"]
    assert Dossier.objects.get(public_id=body["id"]).status == Dossier.Status.DRAFT


def test_creating_a_draft_for_an_unknown_procedure_says_which_field_is_wrong(api, procedure):
    response = api.post(DOSSIERS, {"procedure": "9.999999"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_request"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("procedure", "unknown")]
    assert "9.999999" in body["errors"][0]["message"]
    assert not Dossier.objects.exists()


def test_an_agency_that_does_not_handle_the_procedure_is_refused(api, procedure):
    response = api.post(DOSSIERS, {"procedure": procedure.code, "agency": "000.00.00.X99"}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "agency"


def test_a_procedure_with_several_agencies_needs_one_chosen(api, procedure, agency, field):
    other = AgencyFactory()
    make_procedure(code="2.000815", name="Chứng thực bản sao", agencies=[agency, other], field=field)

    missing = api.post(DOSSIERS, {"procedure": "2.000815"}, format="json")
    chosen = api.post(DOSSIERS, {"procedure": "2.000815", "agency": other.code}, format="json")

    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "agency"
    assert chosen.status_code == 201
    assert chosen.json()["agency"] == other.code


@pytest.mark.parametrize(
    ("body", "where", "code"),
    [
        ({}, "procedure", "required"),
        ({"procedure": 12}, "procedure", "unknown"),  # a number is read as text, then not found
        ({"procedure": ["1.001193"]}, "procedure", "invalid"),
        ({"procedure": "1.001193", "form_data": [1, 2]}, "form_data", "not_a_dict"),
        ({"procedure": "1.001193", "form_data": "ho_ten"}, "form_data", "not_a_dict"),
        (
            {
                "procedure": "1.001193",
                "form_data": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {}}}}}}}}},
            },
            "form_data",
            "too_deep",
        ),
        ({"procedure": "1.001193", "form_data": {"ghi_chu": "x" * 100_001}}, "form_data", "too_large"),
    ],
)
def test_wrong_types_and_oversized_answers_get_400_with_the_field(api, procedure, body, where, code):
    response = api.post(DOSSIERS, body, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert (errors[0]["field"], errors[0]["code"]) == (where, code)
    assert all(error["message"] for error in errors)
    assert not Dossier.objects.exists()


def test_validation_messages_are_in_vietnamese(api, procedure):
    response = api.post(DOSSIERS, {}, format="json")

    assert response.json()["errors"][0]["message"] == "Thiếu trường này. Hãy gửi kèm giá trị."


def test_my_dossiers_lists_only_mine_newest_first_in_pages(api, procedure, stranger):
    ids = [create_draft(api, procedure)["id"] for _ in range(3)]
    create_draft(client_for(stranger), procedure)

    page = api.get(DOSSIERS).json()

    assert [d["id"] for d in page["results"]] == ids[::-1]
    assert page["next"] is None


def test_the_list_is_cursor_paginated(api, procedure, monkeypatch):
    monkeypatch.setattr(DossierPagination, "page_size", 2)
    ids = [create_draft(api, procedure)["id"] for _ in range(3)]

    first = api.get(DOSSIERS).json()
    second = api.get(first["next"]).json()

    assert [d["id"] for d in first["results"]] == ids[:0:-1]
    assert [d["id"] for d in second["results"]] == ids[:1]
    assert second["next"] is None


def test_a_garbled_cursor_is_a_bad_request(api, procedure):
    response = api.get(DOSSIERS, {"cursor": "not-a-cursor"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "cursor"


def test_detail_shows_status_answers_files_and_timeline(api, procedure):
    draft = ready_draft(api, procedure)

    body = api.get(f"{DOSSIERS}{draft['id']}/").json()

    assert body["status"] == "draft"
    assert body["form_data"] == VALID_FORM
    assert [f["component"] for f in body["files"]] == ["to-khai"]
    assert body["files"][0]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert [e["kind"] for e in body["timeline"]] == ["created"]


@pytest.mark.parametrize("suffix", ["", "timeline/", "submit/", "files/"])
def test_another_applicants_dossier_is_404_like_a_missing_one(api, procedure, stranger, suffix):
    draft = create_draft(api, procedure)
    other = client_for(stranger)
    method = other.get if suffix in ("", "timeline/") else other.post

    theirs = method(f"{DOSSIERS}{draft['id']}/{suffix}")
    missing = method(f"{DOSSIERS}{uuid.uuid4()}/{suffix}")

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert Dossier.objects.get(public_id=draft["id"]).status == Dossier.Status.DRAFT


def test_a_malformed_dossier_id_is_404_in_the_error_shape(api):
    response = api.get(f"{DOSSIERS}not-a-uuid/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- editing drafts ------------------------------------------------------------------------------------


def test_patch_saves_the_answers_given_and_keeps_the_others(api, procedure):
    draft = create_draft(api, procedure, {"ho_ten": "Lê Văn Tám"})

    response = api.patch(
        f"{DOSSIERS}{draft['id']}/", {"form_data": {"ngay_sinh": "2000-01-02"}}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["form_data"] == {"ho_ten": "Lê Văn Tám", "ngay_sinh": "2000-01-02"}


def test_patch_of_a_submitted_dossier_is_409_and_changes_nothing(api, procedure):
    draft = ready_draft(api, procedure)
    assert api.post(f"{DOSSIERS}{draft['id']}/submit/").status_code == 200

    response = api.patch(f"{DOSSIERS}{draft['id']}/", {"form_data": {"ho_ten": "Khác"}}, format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "dossier_not_editable"
    assert body["errors"][0]["code"] == "not_editable"
    assert Dossier.objects.get(public_id=draft["id"]).form_data["ho_ten"] == VALID_FORM["ho_ten"]


def test_patch_without_form_data_is_400(api, procedure):
    draft = create_draft(api, procedure)

    response = api.patch(f"{DOSSIERS}{draft['id']}/", {}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "form_data"


# --- files ---------------------------------------------------------------------------------------------


def test_uploading_a_file_answers_201_with_its_hash_size_and_sniffed_type(api, procedure):
    draft = create_draft(api, procedure)

    response = upload(api, draft["id"], name="scan.PDF")

    assert response.status_code == 201
    body = response.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["size"] == len(PDF)
    assert body["content_type"] == "application/pdf"
    assert (body["component"], body["name"]) == ("to-khai", "scan.PDF")


def test_a_file_of_the_wrong_type_is_rejected_with_422_and_not_attached(api, procedure):
    draft = create_draft(api, procedure)

    response = upload(api, draft["id"], content=b"just text, not a PDF", name="to-khai.pdf")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "submission_rejected"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("component.to-khai", "file_rejected")]
    assert not DossierFile.objects.exists()


def test_a_file_over_the_components_limit_is_rejected(api, procedure):
    draft = create_draft(api, procedure)

    response = upload(api, draft["id"], content=PDF + b"\0" * (1024 * 1024))

    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "too_large"


def test_an_unknown_component_is_422(api, procedure):
    draft = create_draft(api, procedure)

    response = upload(api, draft["id"], component="khong-co")

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "component"


def test_an_upload_without_the_file_part_is_400(api, procedure):
    draft = create_draft(api, procedure)

    response = api.post(f"{DOSSIERS}{draft['id']}/files/", {"component": "to-khai"}, format="multipart")

    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("file", "required")]


def test_an_upload_sent_as_json_is_415(api, procedure):
    draft = create_draft(api, procedure)

    response = api.post(
        f"{DOSSIERS}{draft['id']}/files/", {"component": "to-khai", "file": "x"}, format="json"
    )

    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_a_body_larger_than_any_upload_may_be_is_413_before_it_is_read(api, procedure, settings):
    draft = create_draft(api, procedure)

    response = api.generic(
        "POST",
        f"{DOSSIERS}{draft['id']}/files/",
        data=b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(settings.MOTCUA_MAX_UPLOAD_BYTES + 2 * 1024 * 1024),
    )

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_removing_a_file_detaches_it(api, procedure):
    draft = create_draft(api, procedure)
    file_id = upload(api, draft["id"]).json()["id"]

    response = api.delete(f"{DOSSIERS}{draft['id']}/files/{file_id}/")

    assert response.status_code == 204
    assert api.get(f"{DOSSIERS}{draft['id']}/").json()["files"] == []


def test_removing_a_file_that_is_not_in_the_dossier_is_404(api, procedure):
    draft = create_draft(api, procedure)

    response = api.delete(f"{DOSSIERS}{draft['id']}/files/999999/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_files_of_a_submitted_dossier_cannot_change(api, procedure):
    draft = ready_draft(api, procedure)
    file_id = Dossier.objects.get(public_id=draft["id"]).files.get().pk
    api.post(f"{DOSSIERS}{draft['id']}/submit/")

    added = upload(api, draft["id"], component="giay-to-khac")
    removed = api.delete(f"{DOSSIERS}{draft['id']}/files/{file_id}/")

    assert (added.status_code, removed.status_code) == (409, 409)
    assert DossierFile.objects.count() == 1


# --- submission ----------------------------------------------------------------------------------------


def test_submit_acknowledges_with_the_official_receipt_time(api, procedure):
    """R-ACK-2: the answer says the dossier was sent and states the official receipt time."""
    draft = ready_draft(api, procedure)
    before = timezone.now()

    response = api.post(f"{DOSSIERS}{draft['id']}/submit/")

    assert response.status_code == 200
    ack = response.json()
    dossier = Dossier.objects.get(public_id=draft["id"])
    assert dossier.status == Dossier.Status.SUBMITTED
    assert ack["status"] == "submitted"
    assert ack["reference"] == dossier.reference
    assert ack["replayed"] is False
    official = timezone.localtime(dossier.official_receipt_at)
    assert official >= before
    assert ack["official_receipt_at"] == official.isoformat()
    assert ack["check_due_at"] == timezone.localtime(dossier.check_due_at).isoformat()
    assert "gửi thành công" in ack["message"]
    assert f"{official:%H:%M} ngày {official:%d/%m/%Y}" in ack["message"]
    assert [f["sha256"] for f in ack["files"]] == [hashlib.sha256(PDF).hexdigest()]


def test_submit_with_problems_lists_every_one_and_submits_nothing(api, procedure):
    """R-ACK-3: a missing component and an invalid field are reported together; the draft stays a draft."""
    draft = create_draft(api, procedure, {"ho_ten": "Lê Văn Tám", "ngay_sinh": "30/02/2001"})

    response = api.post(f"{DOSSIERS}{draft['id']}/submit/")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "submission_rejected"
    fields = {(e["field"], e["code"]) for e in body["errors"]}
    assert fields == {("form.ngay_sinh", "invalid"), ("component.to-khai", "missing")}
    assert all(e["message"] for e in body["errors"])
    dossier = Dossier.objects.get(public_id=draft["id"])
    assert dossier.status == Dossier.Status.DRAFT
    assert dossier.reference is None
    assert dossier.form_data["ngay_sinh"] == "30/02/2001"  # what they typed is kept


def test_submitting_twice_with_the_same_key_gives_one_dossier_and_the_same_acknowledgement(api, procedure):
    draft = ready_draft(api, procedure)
    headers = {"HTTP_IDEMPOTENCY_KEY": "kiosk-7-000123"}

    first = api.post(f"{DOSSIERS}{draft['id']}/submit/", **headers).json()
    second = api.post(f"{DOSSIERS}{draft['id']}/submit/", **headers).json()

    assert second["replayed"] is True
    assert {k: v for k, v in second.items() if k != "replayed"} == {
        k: v for k, v in first.items() if k != "replayed"
    }
    assert Dossier.objects.filter(status=Dossier.Status.SUBMITTED).count() == 1


def test_a_key_already_used_for_another_dossier_is_409_and_submits_nothing(api, procedure):
    first = ready_draft(api, procedure)
    second = ready_draft(api, procedure)
    headers = {"HTTP_IDEMPOTENCY_KEY": "same-key"}
    ack = api.post(f"{DOSSIERS}{first['id']}/submit/", **headers).json()

    response = api.post(f"{DOSSIERS}{second['id']}/submit/", **headers)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "idempotency_key_reused"
    assert ack["reference"] in body["message"]
    assert Dossier.objects.get(public_id=second["id"]).status == Dossier.Status.DRAFT


def test_a_malformed_idempotency_key_is_400(api, procedure):
    draft = ready_draft(api, procedure)

    response = api.post(f"{DOSSIERS}{draft['id']}/submit/", HTTP_IDEMPOTENCY_KEY="has spaces in it")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Dossier.objects.get(public_id=draft["id"]).status == Dossier.Status.DRAFT


def test_timeline_lists_what_happened_oldest_first(api, procedure):
    draft = ready_draft(api, procedure)
    api.post(f"{DOSSIERS}{draft['id']}/submit/")

    events = api.get(f"{DOSSIERS}{draft['id']}/timeline/").json()

    assert [e["kind"] for e in events] == ["created", "submitted"]
    assert events[1]["label"] == "Nộp hồ sơ thành công"
