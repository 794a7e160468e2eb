"""The applicant's side of the one-stop process through the API: supplementing, withdrawing, and downloading
the returned result (R-SUP-4, R-SUP-5, R-STOP-1, R-WH-3)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.api.tests.conftest import PDF, client_for
from motcua.api.tests.test_auth_and_errors import assert_error_shape
from motcua.dossiers.models import Dossier, DossierRevision
from motcua.workflow import services
from motcua.workflow.services import SupplementItem

pytestmark = pytest.mark.django_db

DOSSIERS = "/api/v1/dossiers/"
RESULT_PDF = PDF + b"%result\n"


def path(dossier: Dossier, suffix: str = "") -> str:
    return f"{DOSSIERS}{dossier.public_id}/{suffix}"


@pytest.fixture
def asked(submitted, receptionist):
    """A dossier whose applicant is asked to correct the name and to send the declaration again."""
    services.request_supplement(
        dossier=submitted,
        official=receptionist,
        items=[
            SupplementItem("form.ho_ten", "Họ tên phải viết đủ dấu như trên giấy khai sinh."),
            SupplementItem("component.to-khai", "Tờ khai thiếu chữ ký; hãy ký rồi tải lên lại."),
        ],
        reason="Hồ sơ chưa hợp lệ.",
    )
    submitted.refresh_from_db()
    return submitted


@pytest.fixture
def processing(submitted, receptionist, leader, specialist):
    services.accept(dossier=submitted, official=receptionist)
    services.assign(dossier=submitted, official=leader, assignee=specialist)
    services.attach_result(
        dossier=submitted, official=specialist, original_name="giay-khai-sinh.pdf", chunks=[RESULT_PDF]
    )
    submitted.refresh_from_db()
    return submitted


def to_result_ready(dossier, specialist, leader):
    services.submit_for_approval(dossier=dossier, official=specialist)
    services.approve(dossier=dossier, official=leader)
    services.issue_result(dossier=dossier, official=specialist)


# --- supplementing -------------------------------------------------------------------------------------


def test_the_applicant_sees_what_to_supplement_and_only_that_can_change(api, asked):
    body = api.get(path(asked)).json()

    assert body["status"] == "supplement_requested"
    assert body["open_targets"] == ["form.ho_ten", "component.to-khai"]
    request = body["decisions"][-1]
    assert (request["kind"], request["form"]) == ("supplement", "02") and request["number"].endswith("/PBS")
    assert [(i["target"], i["label"]) for i in request["items"]] == [
        ("form.ho_ten", "Họ và tên"),
        ("component.to-khai", "Tờ khai"),
    ]
    assert request["closes_at"]
    assert "marks" not in request and "by" not in request  # officials' record stays with officials


def test_resubmitting_makes_a_new_revision_and_restarts_the_check_R_SUP_4_R_SUP_5(api, asked):
    old_file = asked.files.get().pk
    api.patch(
        path(asked),
        {"form_data": {"ho_ten": "Nguyễn Thị Minh Ánh", "ngay_sinh": "2001-01-01"}},
        format="json",
    )
    api.delete(path(asked, f"files/{old_file}/"))
    signed = SimpleUploadedFile("to-khai-da-ky.pdf", PDF + b"%signed\n", content_type="application/pdf")
    assert api.post(path(asked, "files/"), {"component": "to-khai", "file": signed}).status_code == 201

    response = api.post(path(asked, "resubmit/"))

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["revision"]) == ("submitted", 2)
    assert body["form_data"]["ho_ten"] == "Nguyễn Thị Minh Ánh"
    assert body["form_data"]["ngay_sinh"] == "1999-04-30"  # not asked for: stays as submitted
    assert body["open_targets"] == []
    assert body["timeline"][-1]["kind"] == "resubmitted"
    assert body["official_receipt_at"] and body["check_due_at"]
    assert [r.number for r in DossierRevision.objects.filter(dossier=asked)] == [1, 2]


def test_resubmitting_an_incomplete_dossier_lists_every_problem_and_changes_nothing(api, asked):
    api.delete(path(asked, f"files/{asked.files.get().pk}/"))

    response = api.post(path(asked, "resubmit/"))

    body = assert_error_shape(response, 422, "submission_rejected")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("component.to-khai", "missing")]
    asked.refresh_from_db()
    assert (asked.status, asked.revision) == (Dossier.Status.SUPPLEMENT_REQUESTED, 1)


def test_resubmitting_when_nothing_is_asked_is_409(api, submitted):
    body = assert_error_shape(api.post(path(submitted, "resubmit/")), 409, "wrong_state")

    assert body["errors"][0]["code"] == "not_requested"


def test_someone_elses_dossier_cannot_be_resubmitted_or_withdrawn(asked, stranger, receptionist):
    for client in (client_for(stranger), client_for(receptionist)):
        assert_error_shape(client.post(path(asked, "resubmit/")), 404, "not_found")
        assert_error_shape(client.post(path(asked, "withdraw/"), {}, format="json"), 404, "not_found")
    asked.refresh_from_db()
    assert asked.status == Dossier.Status.SUPPLEMENT_REQUESTED


# --- withdrawing (R-STOP-1) ----------------------------------------------------------------------------


def test_the_applicant_withdraws_an_undecided_dossier_with_a_stop_notice_R_STOP_1(api, submitted):
    response = api.post(path(submitted, "withdraw/"), {"reason": "Tôi nộp nhầm thủ tục."}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "withdrawn" and body["ended_at"]
    notice = body["decisions"][-1]
    assert (notice["kind"], notice["form"], notice["reason"]) == ("withdraw", "05", "Tôi nộp nhầm thủ tục.")


def test_a_dossier_whose_result_went_for_signature_cannot_be_withdrawn(api, processing, specialist):
    services.submit_for_approval(dossier=processing, official=specialist)

    body = assert_error_shape(api.post(path(processing, "withdraw/"), {}, format="json"), 409, "wrong_state")

    assert body["errors"][0]["code"] == "result_issued"
    processing.refresh_from_db()
    assert processing.status == Dossier.Status.PROCESSING


def test_withdrawing_twice_is_409(api, submitted):
    api.post(path(submitted, "withdraw/"), {}, format="json")

    body = assert_error_shape(api.post(path(submitted, "withdraw/"), {}, format="json"), 409, "wrong_state")

    assert body["errors"][0]["code"] == "not_withdrawable"


@pytest.mark.parametrize(
    "body",
    [
        '{"reason": "a\\u0000b"}',
        '{"reason": ["x"]}',
        '{"reason": "' + "x" * 2001 + '"}',
        "null",
        "[]",
        "{not json",
    ],
    ids=["nul", "list", "too-long", "null", "array", "not-json"],
)
def test_a_hostile_withdrawal_is_400_and_changes_nothing(api, submitted, body):
    response = api.generic("POST", path(submitted, "withdraw/"), body, content_type="application/json")

    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.SUBMITTED


# --- results (R-WH-3) ----------------------------------------------------------------------------------


def test_results_are_listed_and_downloadable_by_the_owner_once_issued(
    api, processing, receptionist, specialist, leader, stranger, anonymous
):
    """The same rule as the portal: a result is the applicant's once issued (result ready), not while it is a
    draft awaiting approval."""
    result = processing.results.get()
    link = path(processing, f"results/{result.pk}/")
    before = api.get(path(processing)).json()

    to_result_ready(processing, specialist, leader)
    after = api.get(path(processing)).json()
    download = api.get(after["results"][0]["download"], HTTP_ACCEPT="application/pdf")

    assert before["status"] == "processing" and before["results"] == []
    assert [(r["code"], r["name"]) for r in after["results"]] == [(result.code, "giay-khai-sinh.pdf")]
    assert after["results"][0]["download"].endswith(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == RESULT_PDF
    assert download["Content-Type"] == "application/pdf"
    assert 'filename="giay-khai-sinh.pdf"' in download["Content-Disposition"]
    for other in (client_for(stranger), client_for(receptionist)):
        assert_error_shape(other.get(link), 404, "not_found")
    assert_error_shape(anonymous.get(link), 401, "not_authenticated")


def test_a_draft_result_is_not_downloadable_before_it_is_issued(api, processing):
    link = path(processing, f"results/{processing.results.get().pk}/")

    assert_error_shape(api.get(link), 404, "not_found")


def test_an_unknown_result_is_404(api, processing, receptionist, specialist, leader):
    to_result_ready(processing, specialist, leader)
    services.return_result(dossier=processing, official=receptionist)

    assert_error_shape(api.get(path(processing, "results/999999/")), 404, "not_found")


def test_the_officials_download_the_attached_result_through_the_back_office(processing, leader, stranger):
    link = (
        client_for(leader)
        .get(f"/api/v1/backoffice/dossiers/{processing.public_id}/")
        .json()["results"][0]["download"]
    )

    response = client_for(leader).get(link)

    assert response.status_code == 200 and b"".join(response.streaming_content) == RESULT_PDF
    assert_error_shape(client_for(stranger).get(link), 403, "officials_only")
