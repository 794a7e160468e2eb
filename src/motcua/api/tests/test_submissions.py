"""The one-shot submission for kiosks and other systems: POST /api/v1/submissions/."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from motcua.api.tests.conftest import PDF, VALID_FORM, client_for, make_procedure
from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Dossier, DossierFile

pytestmark = pytest.mark.django_db

URL = "/api/v1/submissions/"


def pdf(name="to-khai.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def submit(api, *, key="kiosk-1-0001", form_data=VALID_FORM, files=None, procedure="1.001193", **extra):
    body = {"procedure": procedure, **extra}
    if form_data is not None:
        body["form_data"] = json.dumps(form_data, ensure_ascii=False)
    body.update({"to-khai": pdf()} if files is None else files)
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return api.post(URL, body, format="multipart", **headers)


def test_one_call_creates_submits_and_acknowledges(api, procedure, citizen):
    """R-ACK-2: the acknowledgement states the official receipt time, with each stored file's hash."""
    response = submit(api)

    assert response.status_code == 200
    ack = response.json()
    dossier = Dossier.objects.get()
    assert (dossier.applicant, dossier.status) == (citizen, Dossier.Status.SUBMITTED)
    assert ack["id"] == str(dossier.public_id)
    assert ack["reference"] == dossier.reference
    assert ack["official_receipt_at"] is not None and ack["replayed"] is False
    assert "Thời điểm tiếp nhận chính thức" in ack["message"]
    assert [(f["component"], f["sha256"], f["size"]) for f in ack["files"]] == [
        ("to-khai", hashlib.sha256(PDF).hexdigest(), len(PDF))
    ]
    assert dossier.form_data == VALID_FORM
    assert dossier.submission_key == "kiosk-1-0001"


def test_a_retry_with_the_same_key_returns_the_same_acknowledgement_and_creates_nothing(api, procedure):
    first = submit(api).json()
    audit_events = AuditEvent.objects.count()

    retry = submit(api)

    assert retry.status_code == 200
    assert retry.json()["replayed"] is True
    assert {k: v for k, v in retry.json().items() if k != "replayed"} == {
        k: v for k, v in first.items() if k != "replayed"
    }
    assert Dossier.objects.count() == 1
    assert AuditEvent.objects.count() == audit_events


def test_the_same_key_from_another_account_is_another_submission(api, procedure, stranger):
    submit(api)

    other = submit(client_for(stranger))

    assert other.status_code == 200 and other.json()["replayed"] is False
    assert Dossier.objects.count() == 2


def test_a_key_reused_for_another_procedure_is_409(api, procedure, agency, field):
    make_procedure(code="2.000815", name="Chứng thực bản sao", agencies=[agency], field=field)
    submit(api)

    response = submit(api, procedure="2.000815")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Dossier.objects.count() == 1


def test_the_idempotency_key_is_required(api, procedure):
    response = submit(api, key=None)

    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("Idempotency-Key", "required")]
    assert not Dossier.objects.exists()


def test_problems_are_all_listed_and_no_draft_is_left(api, procedure):
    """R-ACK-3: a missing component and an invalid field at once; nothing is kept, nothing submitted."""
    response = submit(api, form_data={"ho_ten": "Lê Văn Tám", "ngay_sinh": "hôm qua"}, files={})

    assert response.status_code == 422
    body = response.json()
    assert body["status"] == 422 and body["code"] == "submission_rejected"
    assert {(e["field"], e["code"]) for e in body["errors"]} == {
        ("form.ngay_sinh", "invalid"),
        ("component.to-khai", "missing"),
    }
    assert not Dossier.objects.exists()
    assert not AuditEvent.objects.filter(action="dossier.draft_created").exists()


def test_a_rejected_file_is_reported_with_the_form_problems_and_not_also_as_missing(api, procedure):
    response = submit(
        api,
        form_data={"ho_ten": ""},
        files={"to-khai": pdf(content=b"GIF89a not a pdf"), "giay-to-khac": pdf("ok.pdf")},
    )

    assert response.status_code == 422
    problems = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert problems == {
        ("component.to-khai", "file_rejected"),
        ("form.ho_ten", "invalid"),
        ("form.ngay_sinh", "invalid"),
    }
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()


def test_a_file_part_with_an_unknown_component_code_is_named_in_the_problem(api, procedure):
    response = submit(api, files={"to-khai": pdf(), "giay-khong-co": pdf()})

    assert response.status_code == 422
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("component.giay-khong-co", "unknown")]
    assert "giay-khong-co" in errors[0]["message"]
    assert not Dossier.objects.exists()


def test_several_files_for_one_component_are_all_attached(api, procedure):
    response = submit(api, files={"to-khai": [pdf("trang-1.pdf"), pdf("trang-2.pdf", PDF + b"%extra\n")]})

    assert response.status_code == 200
    assert sorted(f["name"] for f in response.json()["files"]) == ["trang-1.pdf", "trang-2.pdf"]


@pytest.mark.parametrize(
    ("form_data", "code"),
    [("{not json", "invalid_json"), ("[1, 2]", "not_a_dict"), ("[" * 5000 + "]" * 5000, "invalid_json")],
)
def test_form_data_that_is_not_a_json_object_is_400(api, procedure, form_data, code):
    response = api.post(
        URL, {"procedure": "1.001193", "form_data": form_data, "to-khai": pdf()}, HTTP_IDEMPOTENCY_KEY="k-1"
    )

    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("form_data", code)]
    assert not Dossier.objects.exists()


def test_missing_procedure_part_is_400(api, procedure):
    response = api.post(URL, {"to-khai": pdf()}, HTTP_IDEMPOTENCY_KEY="k-2")

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "procedure"


def test_json_instead_of_multipart_is_415(api, procedure):
    response = api.post(URL, {"procedure": "1.001193"}, format="json", HTTP_IDEMPOTENCY_KEY="k-3")

    assert response.status_code == 415


@pytest.mark.parametrize(
    ("content_type", "code"),
    [
        ("multipart/form-data", "malformed_request"),  # no boundary: the parser cannot start
        ("multipart/form-data; boundary=xyz", "invalid_request"),  # cut short: "procedure" never arrives
    ],
)
def test_a_broken_multipart_body_is_400_not_500(api, procedure, content_type, code):
    response = api.generic(
        "POST",
        URL,
        data=b'--xyz\r\nContent-Disposition: form-data; name="procedure"\r\n\r\n',
        content_type=content_type,
        HTTP_IDEMPOTENCY_KEY="k-4",
    )

    assert response.status_code == 400
    assert response.json()["code"] == code
    assert not Dossier.objects.exists()


def test_anonymous_submission_is_401(anonymous, procedure):
    response = submit(anonymous)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert not Dossier.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_with_one_key_make_one_dossier(procedure, citizen):
    """Whichever request wins, the other answers with its acknowledgement and leaves nothing behind."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL's row-level concurrency")
    barrier = threading.Barrier(2)
    answers = []

    def post():
        client = client_for(citizen)
        barrier.wait()
        try:
            answers.append(submit(client, key="kiosk-race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert sorted(a.json()["replayed"] for a in answers) == [False, True]
    assert Dossier.objects.count() == 1
