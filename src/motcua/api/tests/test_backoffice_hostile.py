"""Hostile bodies sent to the back office's action endpoints: wrong types, huge strings, text no database
can store, bodies that are not JSON. Each is refused with 400, 413 or 415 in Vietnamese, never 500, and the
dossier is left exactly as it was. Text with NUL fails on PostgreSQL only, so these run on both databases."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.api.tests.conftest import PDF, client_for
from motcua.api.tests.test_hostile_input import assert_vietnamese_error
from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Dossier
from motcua.workflow import services
from motcua.workflow.models import Decision, ProcessingStep

pytestmark = pytest.mark.django_db


def url(dossier: Dossier, action: str) -> str:
    return f"/api/v1/backoffice/dossiers/{dossier.public_id}/{action}/"


@pytest.fixture
def dossier(request, submitted, receptionist, leader, specialist):
    """The dossier in the state the action needs: `submitted`, or `assigned` to the specialist."""
    if getattr(request, "param", "submitted") == "assigned":
        services.accept(dossier=submitted, official=receptionist)
        services.assign(dossier=submitted, official=leader, assignee=specialist)
    submitted.refresh_from_db()
    return submitted


def snapshot(dossier: Dossier) -> tuple:
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.revision,
        dossier.code,
        dossier.due_at,
        Decision.objects.filter(dossier=dossier).count(),
        list(
            ProcessingStep.objects.filter(dossier=dossier).values_list("kind", "assignee", "handed_over_at")
        ),
        dossier.consultations.count(),
        dossier.results.count(),
        AuditEvent.objects.exclude(action="dossier.read").count(),
    )


# (who, action, JSON text, the field named in the answer). All on a submitted dossier for the receptionist,
# or an assigned one for the leader or the specialist.
RECEPTION = [
    ("accept", '{"marks": []}', "marks"),
    ("accept", '{"marks": "component.to-khai"}', "marks"),
    ("accept", '{"marks": {"component.to-khai": {"ok": "có lẽ"}}}', "marks.component.to-khai.ok"),
    (
        "accept",
        '{"marks": {"component.to-khai": {"ok": true, "note": {"a": 1}}}}',
        "marks.component.to-khai.note",
    ),
    (
        "accept",
        '{"marks": {"component.to-khai": {"ok": true, "note": "a\\u0000b"}}}',
        "marks.component.to-khai.note",
    ),
    ("accept", '{"marks": {"a\\u0000b": {"ok": true}}}', "marks"),
    ("accept", '{"marks": {"\\ud800": {"ok": true}}}', "marks"),
    ("accept", json.dumps({"marks": {"k" * 101: {"ok": True}}}), "marks"),
    ("accept", json.dumps({"marks": {f"component.{i}": {"ok": True} for i in range(201)}}), "marks"),
    ("accept", '{"expected_revision": "một"}', "expected_revision"),
    ("accept", '{"expected_revision": 1.5}', "expected_revision"),
    ("accept", '{"expected_revision": true}', "expected_revision"),
    ("accept", '{"expected_revision": 100000000000000000000000000000}', "expected_revision"),
    ("accept", '{"expected_revision": 0}', "expected_revision"),
    ("request-supplement", "{}", "items"),
    ("request-supplement", '{"items": "form.ho_ten"}', "items"),
    ("request-supplement", '{"items": [1, 2]}', "items.0"),
    ("request-supplement", '{"items": [{"target": null, "note": "Ghi rõ cần sửa gì."}]}', "items.0.target"),
    (
        "request-supplement",
        '{"items": [{"target": "form.ho\\u0000ten", "note": "Ghi rõ cần sửa gì."}]}',
        "items.0.target",
    ),
    (
        "request-supplement",
        json.dumps({"items": [{"target": "form.ho_ten", "note": "x" * 2001}]}),
        "items.0.note",
    ),
    (
        "request-supplement",
        json.dumps({"items": [{"target": "form.ho_ten", "note": "Ghi rõ cần sửa gì."}] * 101}),
        "items",
    ),
    ("request-supplement", json.dumps({"items": [], "reason": "x" * 100_000}), "reason"),
    ("request-supplement", '{"items": [], "legal_basis": ["Luật Hộ tịch"]}', "legal_basis"),
    ("refuse", "{}", "reason"),
    ("refuse", '{"reason": {"lý do": "không"}}', "reason"),
    ("refuse", '{"reason": "Không thuộc\\u0000 thẩm quyền."}', "reason"),
    ("refuse", '{"reason": "Không thuộc thẩm quyền \\udfff."}', "reason"),
    (
        "refuse",
        json.dumps({"reason": "Không thuộc thẩm quyền.", "competent_agency": "x" * 256}),
        "competent_agency",
    ),
]
PROCESSING = [
    ("leader", "assign", '{"assignee": null}', "assignee"),
    ("leader", "assign", '{"assignee": "chuyen\\u0000vien"}', "assignee"),
    ("leader", "assign", json.dumps({"assignee": "u" * 151}), "assignee"),
    ("leader", "assign", '{"assignee": ["chuyenvien.test"]}', "assignee"),
    ("leader", "apologise", '{"reason": "Cần xác minh thêm thông tin."}', "new_due_at"),
    (
        "leader",
        "apologise",
        '{"reason": "Cần xác minh thêm thông tin.", "new_due_at": 1798700000}',
        "new_due_at",
    ),
    (
        "leader",
        "apologise",
        '{"reason": "Cần xác minh thêm thông tin.", "new_due_at": "04/12/2026"}',
        "new_due_at",
    ),
    (
        "leader",
        "apologise",
        '{"reason": "Cần xác minh thêm thông tin.", "new_due_at": "2026-13-45T99:00:00+07:00"}',
        "new_due_at",
    ),
    (
        "leader",
        "apologise",
        '{"reason": "Cần xác minh thêm thông tin.", "new_due_at": "2026-12-04T17:00:00"}',
        "new_due_at",
    ),
    (
        "leader",
        "apologise",
        '{"reason": "Cần xác minh thêm thông tin.", "new_due_at": "9999-12-31T23:59:59-12:00"}',
        "new_due_at",
    ),
    (
        "leader",
        "apologise",
        '{"reason": "Cần xác minh thêm thông tin.", "new_due_at": "0001-01-01T00:00:00+14:00"}',
        "new_due_at",
    ),
    (
        "leader",
        "apologise",
        json.dumps({"reason": "Cần xác minh.", "new_due_at": "2026-12-04T17:00:00+07:00" + " " * 100}),
        "new_due_at",
    ),
    ("leader", "send-back", '{"note": 5}', None),  # read as the text "5": too short, 422 below
    ("leader", "reject", '{"reason": null}', "reason"),
    (
        "specialist",
        "consult",
        '{"agency": "000.00.13.H26", "question": "Xin ý kiến về hộ tịch.", "hours": 0}',
        "hours",
    ),
    (
        "specialist",
        "consult",
        '{"agency": "000.00.13.H26", "question": "Xin ý kiến về hộ tịch.", "hours": "mười"}',
        "hours",
    ),
    (
        "specialist",
        "consult",
        '{"agency": "000.00.13.H26", "question": "Xin ý kiến về hộ tịch.", "hours": 1e100}',
        "hours",
    ),
    (
        "specialist",
        "consult",
        '{"agency": "000.00\\u0000.13", "question": "Xin ý kiến về hộ tịch."}',
        "agency",
    ),
    ("specialist", "consult", json.dumps({"agency": "000.00.13.H26", "question": "x" * 4001}), "question"),
    ("specialist", "submit-for-approval", '{"note": ["a", "b"]}', "note"),
]


@pytest.mark.parametrize(("action", "body", "where"), RECEPTION)
def test_a_hostile_reception_decision_is_400_naming_the_field_and_changes_nothing(
    dossier, receptionist, action, body, where
):
    before = snapshot(dossier)

    response = client_for(receptionist).generic(
        "POST", url(dossier, action), body, content_type="application/json"
    )

    errors = assert_vietnamese_error(response, 400)["errors"]
    assert where in [e["field"] for e in errors]
    assert snapshot(dossier) == before


@pytest.mark.parametrize("dossier", ["assigned"], indirect=True)
@pytest.mark.parametrize(("who", "action", "body", "where"), PROCESSING)
def test_a_hostile_processing_decision_is_refused_naming_the_field_and_changes_nothing(
    request, dossier, other_agency, who, action, body, where
):
    before = snapshot(dossier)
    official = request.getfixturevalue(who)

    response = client_for(official).generic(
        "POST", url(dossier, action), body, content_type="application/json"
    )

    if where is None:
        assert_vietnamese_error(response, 422)
    else:
        assert where in [e["field"] for e in assert_vietnamese_error(response, 400)["errors"]]
    assert snapshot(dossier) == before


BODIES = {
    "null": "null",
    "array": "[]",
    "string": '"accept"',
    "not-json": "{not json",
    "cut-short": '{"marks": {"component.to-',
    "not-utf8": b"\xff\xfe{}",
    "nan": "NaN",
    "deeply-nested": "[" * 100_000,
    "nul-byte": b'{"expected_revision": 1}\x00',
}


@pytest.mark.parametrize("body", BODIES.values(), ids=BODIES.keys())
@pytest.mark.parametrize("action", ["accept", "request-supplement", "refuse"])
def test_a_body_that_is_not_a_json_object_is_400(dossier, receptionist, action, body):
    before = snapshot(dossier)

    response = client_for(receptionist).generic(
        "POST", url(dossier, action), body, content_type="application/json"
    )

    assert_vietnamese_error(response, 400)
    assert snapshot(dossier) == before


@pytest.mark.parametrize("action", ["accept", "refuse", "request-supplement"])
def test_a_form_encoded_body_is_415(dossier, receptionist, action):
    response = client_for(receptionist).post(
        url(dossier, action), "reason=x", content_type="application/x-www-form-urlencoded"
    )

    assert assert_vietnamese_error(response, 415)["code"] == "unsupported_media_type"
    assert Dossier.objects.get(pk=dossier.pk).status == Dossier.Status.SUBMITTED


def test_a_body_over_the_memory_limit_is_413(dossier, receptionist, settings):
    body = '{"reason": "' + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE + '"}'

    response = client_for(receptionist).generic(
        "POST", url(dossier, "refuse"), body, content_type="application/json"
    )

    assert assert_vietnamese_error(response, 413)["code"] == "request_too_large"


# --- the result upload ----------------------------------------------------------------------------------


@pytest.mark.parametrize("dossier", ["assigned"], indirect=True)
def test_a_result_sent_as_json_is_415_and_without_a_file_is_400(dossier, specialist):
    expert = client_for(specialist)

    as_json = expert.post(url(dossier, "attach-result"), {"file": "JVBERi0="}, format="json")
    no_file = expert.post(url(dossier, "attach-result"), {"note": "x"}, format="multipart")

    assert_vietnamese_error(as_json, 415)
    assert [e["field"] for e in assert_vietnamese_error(no_file, 400)["errors"]] == ["file"]
    assert not dossier.results.exists()


@pytest.mark.parametrize("dossier", ["assigned"], indirect=True)
def test_a_result_with_a_name_that_is_not_utf8_is_400(dossier, specialist):
    body = (
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="\xff\xfe.pdf"\r\n'
        b"Content-Type: application/pdf\r\n\r\n" + PDF + b"\r\n--B--\r\n"
    )

    response = client_for(specialist).generic(
        "POST", url(dossier, "attach-result"), body, content_type="multipart/form-data; boundary=B"
    )

    assert assert_vietnamese_error(response, 400)["errors"][0]["field"] == "file"
    assert not dossier.results.exists()


@pytest.mark.parametrize("dossier", ["assigned"], indirect=True)
def test_an_empty_result_file_is_422(dossier, specialist):
    empty = SimpleUploadedFile("kq.pdf", b"", content_type="application/pdf")

    response = client_for(specialist).post(url(dossier, "attach-result"), {"file": empty}, format="multipart")

    assert assert_vietnamese_error(response, 422)["errors"][0]["field"] == "file"


@pytest.mark.parametrize("dossier", ["assigned"], indirect=True)
def test_a_result_body_larger_than_any_result_may_be_is_413_before_it_is_read(dossier, specialist):
    response = client_for(specialist).generic(
        "POST",
        url(dossier, "attach-result"),
        b"",
        content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(services.MAX_RESULT_BYTES + 2 * 1024 * 1024),
    )

    assert assert_vietnamese_error(response, 413)["code"] == "request_too_large"


# --- the consultation answer ----------------------------------------------------------------------------


@pytest.mark.parametrize("dossier", ["assigned"], indirect=True)
@pytest.mark.parametrize(
    "body",
    ['{"answer": ["Đồng ý"]}', '{"answer": "Đồng\\u0000 ý"}', "{}", json.dumps({"answer": "x" * 4001})],
)
def test_a_hostile_consultation_answer_is_400_and_leaves_it_open(dossier, specialist, other_agency, body):
    from motcua.identity.models import OfficialRole
    from motcua.identity.tests.factories import OfficialFactory

    consultation = services.consult(
        dossier=dossier, official=specialist, agency=other_agency, question="Xin ý kiến về hộ tịch gốc."
    )
    consulted = OfficialFactory(agency=other_agency, roles=[OfficialRole.Role.SPECIALIST])

    response = client_for(consulted).generic(
        "POST",
        f"/api/v1/backoffice/consultations/{consultation.pk}/answer/",
        body,
        content_type="application/json",
    )

    assert assert_vietnamese_error(response, 400)["errors"][0]["field"] == "answer"
    consultation.refresh_from_db()
    assert consultation.answered_at is None


def test_a_file_of_another_agencys_dossier_is_404_in_the_apis_shape_not_500(submitted, other_receptionist):
    """The download helper raises Django's Http404; the API answers its own Vietnamese 404 (R-PROH-4)."""
    file_id = submitted.files.first().pk
    for path in (f"files/{file_id}", "files/999999999"):
        response = client_for(other_receptionist).get(
            f"/api/v1/backoffice/dossiers/{submitted.public_id}/{path}/"
        )
        assert assert_vietnamese_error(response, 404)["code"] == "not_found"
