"""The back office through the API: the queue, the dossier as an official sees it, and one endpoint per
workflow action, called with tokens as an integration would."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.api.tests.conftest import PDF, VALID_FORM, client_for, make_procedure, submit_dossier
from motcua.api.tests.test_auth_and_errors import assert_error_shape
from motcua.api.views_backoffice import ACTION_VIEWS
from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Dossier
from motcua.identity.models import OfficialRole
from motcua.identity.tests.factories import OfficialFactory
from motcua.workflow import services
from motcua.workflow.models import Consultation, Decision

pytestmark = pytest.mark.django_db

QUEUE = "/api/v1/backoffice/dossiers/"
RESULT_PDF = PDF + b"%result\n"


def url(dossier: Dossier, action: str = "") -> str:
    return f"{QUEUE}{dossier.public_id}/{action + '/' if action else ''}"


def act(client, dossier: Dossier, action: str, body=None, **kwargs):
    return client.post(url(dossier, action), body if body is not None else {}, format="json", **kwargs)


def attach(client, dossier: Dossier, content: bytes = RESULT_PDF, name: str = "giay-khai-sinh.pdf"):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    return client.post(url(dossier, "attach-result"), {"file": upload}, format="multipart")


def actions_of(body: dict) -> list[str]:
    return [a["action"] for a in body["allowed_actions"]]


@pytest.fixture
def desk(receptionist):
    return client_for(receptionist)


@pytest.fixture
def accepted(submitted, receptionist):
    services.accept(dossier=submitted, official=receptionist)
    submitted.refresh_from_db()
    return submitted


@pytest.fixture
def assigned(accepted, leader, specialist):
    services.assign(dossier=accepted, official=leader, assignee=specialist)
    return accepted


# --- every action has its endpoint ---------------------------------------------------------------------


def test_every_workflow_action_has_an_endpoint():
    assert {view.action for view in ACTION_VIEWS} == set(services.ACTIONS)


# --- who may call the back office ----------------------------------------------------------------------


def backoffice_calls(dossier: Dossier):
    yield "get", QUEUE
    yield "get", url(dossier)
    yield "get", "/api/v1/backoffice/consultations/"
    yield "post", "/api/v1/backoffice/consultations/1/answer/"
    for view in ACTION_VIEWS:
        yield "post", url(dossier, view.action.replace("_", "-"))


def test_a_citizens_token_gets_403_on_every_back_office_endpoint(api, submitted):
    for method, path in backoffice_calls(submitted):
        response = getattr(api, method)(path, {}, format="json") if method == "post" else api.get(path)

        body = assert_error_shape(response, 403, "officials_only")
        assert "cán bộ" in body["message"], path
    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.SUBMITTED


def test_without_a_token_every_back_office_endpoint_is_401(anonymous, submitted):
    for method, path in backoffice_calls(submitted):
        assert_error_shape(getattr(anonymous, method)(path), 401, "not_authenticated")


def test_another_agencys_dossier_is_404_like_a_missing_one_R_PROH_4(submitted, other_receptionist):
    """An official of Sở Tư pháp cannot read or decide Ba Đình's dossier, nor learn that it exists."""
    other = client_for(other_receptionist)
    missing = Dossier(public_id=uuid.uuid4())

    for path_of in (url, lambda d: url(d, "accept"), lambda d: url(d, "refuse")):
        method = other.get if path_of is url else other.post
        theirs, nothing = method(path_of(submitted)), method(path_of(missing))
        assert theirs.status_code == nothing.status_code == 404
        assert theirs.json() == nothing.json()
    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.SUBMITTED and submitted.code is None
    assert not AuditEvent.objects.filter(actor_id=other_receptionist.pk, action="dossier.read").exists()


# --- the queue -----------------------------------------------------------------------------------------


def test_the_queue_lists_my_agencys_submitted_dossiers_most_urgent_first_R_CHK_1(
    desk, citizen, procedure, other_agency, field
):
    dossiers = [submit_dossier(citizen, procedure) for _ in range(3)]
    elsewhere = make_procedure(
        code="2.000815", name="Chứng thực bản sao", agencies=[other_agency], field=field
    )
    submit_dossier(citizen, elsewhere)

    body = desk.get(QUEUE).json()

    assert [row["id"] for row in body["results"]] == [str(d.public_id) for d in dossiers]
    assert body["next"] is None
    assert body["counts"] == {"total": 3, "due_soon": body["counts"]["due_soon"], "overdue": 0}
    row = body["results"][0]
    assert row["applicant_name"] == citizen.full_name
    assert row["check_state"] in {"ok", "due_soon"} and row["check_state_label"]
    assert 0 < row["remaining_seconds"] <= 8 * 3600  # 8 working hours to decide (R-CHK-1)


def test_the_queue_pages_by_keyset_following_next(desk, citizen, procedure):
    ids = [str(submit_dossier(citizen, procedure).public_id) for _ in range(5)]

    seen, page = [], desk.get(QUEUE, {"limit": 2}).json()
    while True:
        seen += [row["id"] for row in page["results"]]
        if page["next"] is None:
            break
        assert "limit=2" in page["next"]
        page = desk.get(page["next"]).json()

    assert seen == ids


def test_the_queue_filters_by_procedure_and_searches_by_name_or_code(
    desk, citizen, stranger, procedure, agency, field
):
    other_procedure = make_procedure(
        code="2.000815", name="Chứng thực bản sao", agencies=[agency], field=field
    )
    mine = submit_dossier(citizen, procedure)
    copy = submit_dossier(citizen, other_procedure)
    theirs = submit_dossier(stranger, procedure)

    def ids(**params):
        return [row["id"] for row in desk.get(QUEUE, params).json()["results"]]

    assert ids(procedure="2.000815") == [str(copy.public_id)]
    assert ids(q=stranger.full_name) == [str(theirs.public_id)]
    assert ids(q=mine.reference) == [str(mine.public_id)]
    assert ids(procedure="9.999999") == []


def test_the_queue_answers_in_a_fixed_number_of_queries_whatever_the_page_size(desk, citizen, procedure):
    """The queue must stay fast with millions of dossiers: no query per row."""
    submit_dossier(citizen, procedure)
    with CaptureQueriesContext(connection) as one:
        assert desk.get(QUEUE).status_code == 200
    for _ in range(6):
        submit_dossier(citizen, procedure)
    with CaptureQueriesContext(connection) as seven:
        assert len(desk.get(QUEUE).json()["results"]) == 7

    assert len(seven) == len(one)


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "bm90LWEtZGF0ZXwx",  # "not-a-date|1"
        "MjAyNi0xMS0yN1QxMDowMDowMHwx",  # a moment without offset
        "OTk5OS0xMi0zMVQyMzo1OTo1OS0xMjowMHwx",  # a year no database converts
        "MjAyNi0xMS0yN1QxMDowMDowMCswNzowMHwteA==",  # id not a number
    ],
)
def test_a_garbled_queue_cursor_is_400_on_cursor(desk, submitted, cursor):
    body = assert_error_shape(desk.get(QUEUE, {"cursor": cursor}), 400, "invalid_request")

    assert body["errors"][0]["field"] == "cursor"


@pytest.mark.parametrize(
    ("params", "where"),
    [
        ({"limit": "abc"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": str(10**30)}, "limit"),
        ({"q": "Nguyễn\x00"}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"procedure": "1.001\x00193"}, "procedure"),
    ],
)
def test_bad_queue_parameters_are_400_naming_the_parameter(desk, submitted, params, where):
    body = assert_error_shape(desk.get(QUEUE, params), 400, "invalid_request")

    assert [e["field"] for e in body["errors"]] == [where]


# --- one dossier ---------------------------------------------------------------------------------------


def test_the_dossier_as_an_official_sees_it_and_the_read_is_audited(desk, submitted, receptionist, citizen):
    body = desk.get(url(submitted)).json()

    assert body["id"] == str(submitted.public_id)
    assert (body["status"], body["revision"], body["revisions"]) == ("submitted", 1, 1)
    assert body["code"] is None and body["reference"] == submitted.reference
    assert body["form_data"] == VALID_FORM
    assert body["applicant"]["name"] == citizen.full_name
    assert body["applicant"]["identifier"] == citizen.username
    assert [f["component"] for f in body["files"]] == ["to-khai"]
    assert body["steps"] == [] and body["decisions"] == [] and body["results"] == []
    assert actions_of(body) == ["accept", "request-supplement", "refuse"]
    assert body["allowed_actions"][0]["label"] == "Tiếp nhận hồ sơ"
    assert body["allowed_actions"][0]["url"].endswith(url(submitted, "accept"))
    read = AuditEvent.objects.filter(actor_id=receptionist.pk, action="dossier.read").get()
    assert read.object_id == str(submitted.public_id) and read.data["purpose"] == "view"


def test_an_official_downloads_a_submitted_file_through_the_audited_link(desk, submitted, receptionist):
    link = desk.get(url(submitted)).json()["files"][0]["download"]

    response = desk.get(link, HTTP_ACCEPT="application/pdf")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    purposes = AuditEvent.objects.filter(actor_id=receptionist.pk, action="dossier.read").values_list(
        "data__purpose", flat=True
    )
    assert sorted(purposes) == ["file", "view"]


def test_the_actions_shown_are_exactly_those_the_workflow_allows_R_PROH_6(
    assigned, receptionist, specialist, leader
):
    for official in (receptionist, specialist, leader):
        body = client_for(official).get(url(assigned)).json()
        expected = [a.replace("_", "-") for a in services.allowed_actions(assigned, official)]
        assert actions_of(body) == expected
    assert actions_of(client_for(specialist).get(url(assigned)).json()) == [
        "consult",
        "attach-result",
        "submit-for-approval",
        "reject",
        "suspend",
    ]


def test_a_paused_clock_through_the_api_R_PROC_6(assigned, specialist):
    expert = client_for(specialist)
    paused = expert.post(
        url(assigned, "suspend"), {"ground": "fee", "reason": "Chờ người nộp nộp lệ phí."}, format="json"
    )
    assert paused.status_code == 200, paused.content
    assert actions_of(paused.json()) == ["reject", "resume"]
    resumed = expert.post(url(assigned, "resume"), {}, format="json")
    assert resumed.status_code == 200 and "suspend" in actions_of(resumed.json())
    refused = expert.post(url(assigned, "suspend"), {"ground": "x", "reason": ""}, format="json")
    assert refused.status_code == 422
    assert {p["field"] for p in refused.json()["errors"]} == {"ground", "reason"}


# --- from acceptance to the returned result ------------------------------------------------------------


def test_the_happy_path_from_accept_to_return_result(
    api, desk, submitted, receptionist, specialist, leader, citizen
):
    """R-CHK-1, R-CODE-1, R-PROC-2, R-PROC-3, R-CODE-5: every step through the API, each answer showing the
    dossier after the change."""
    lead, expert = client_for(leader), client_for(specialist)

    accepted = act(
        desk, submitted, "accept", {"marks": {"component.to-khai": {"ok": True}}, "expected_revision": 1}
    )
    assert accepted.status_code == 200, accepted.json()
    body = accepted.json()
    assert body["status"] == "processing" and body["stage"] == "specialist"
    assert body["code"].startswith(f"{submitted.agency.code}-")
    assert body["due_at"] and body["accepted_at"]
    assert body["decisions"][0]["kind"] == "accept"
    assert body["decisions"][0]["marks"] == {"component.to-khai": {"ok": True, "note": ""}}
    assert actions_of(body) == ["request-supplement"]  # the receptionist's part is done

    body = act(lead, submitted, "assign", {"assignee": specialist.username}).json()
    assert body["steps"][0]["assignee"]["username"] == specialist.username

    response = attach(expert, submitted)
    assert response.status_code == 200, response.json()
    result = response.json()["results"][0]
    assert result["code"] == f"{body['code']}-KQ1" and result["name"] == "giay-khai-sinh.pdf"

    body = act(expert, submitted, "submit-for-approval", {"note": "Đủ điều kiện."}).json()
    assert body["stage"] == "approval"
    body = act(lead, submitted, "approve").json()
    assert body["stage"] == "result"
    body = act(expert, submitted, "issue-result").json()
    assert body["status"] == "result_ready"
    body = act(desk, submitted, "return-result").json()

    assert body["status"] == "done" and body["ended_at"]
    assert body["allowed_actions"] == []
    steps = body["steps"]
    assert [s["kind"] for s in steps] == ["specialist", "approval", "result", "return"]
    assert all(s["handed_over_at"] and s["outcome"] in {"early", "on_time", "late"} for s in steps)
    assert steps[0]["handed_over_by"]["username"] == specialist.username
    assert steps[1]["giver"]["username"] == specialist.username
    mine = api.get(f"/api/v1/dossiers/{submitted.public_id}/").json()
    assert mine["status"] == "done"
    assert [e["kind"] for e in mine["timeline"]][-3:] == ["accepted", "result_ready", "done"]
    assert [r["code"] for r in mine["results"]] == [result["code"]]


def test_a_leader_sends_the_draft_back_and_the_specialist_takes_it_again(assigned, specialist, leader):
    expert, lead = client_for(specialist), client_for(leader)
    attach(expert, assigned)
    act(expert, assigned, "submit-for-approval")

    short = act(lead, assigned, "send-back", {"note": "Sai"})
    body = act(lead, assigned, "send-back", {"note": "Sai tên cha trong dự thảo."}).json()

    assert_error_shape(short, 422, "action_refused")
    assert body["stage"] == "specialist"
    assert body["steps"][-1]["assignee"]["username"] == specialist.username
    assert "Sai tên cha" in body["steps"][-2]["note"]


def test_a_specialist_takes_an_unassigned_step_by_assigning_themselves(accepted, specialist):
    body = act(client_for(specialist), accepted, "assign", {"assignee": specialist.username}).json()

    assert body["steps"][0]["assignee"]["username"] == specialist.username
    assert "attach-result" in actions_of(body)


def test_an_assignee_who_is_not_an_official_of_the_agency_is_400_without_naming_anyone(
    assigned, leader, citizen, other_receptionist
):
    lead = client_for(leader)

    for username in (citizen.username, other_receptionist.username, "khong-co-ai"):
        body = assert_error_shape(
            act(lead, assigned, "assign", {"assignee": username}), 400, "invalid_request"
        )
        assert [(e["field"], e["code"]) for e in body["errors"]] == [("assignee", "unknown")]
        assert citizen.full_name not in body["errors"][0]["message"]


def test_assigning_a_colleague_who_is_not_a_specialist_is_422(assigned, leader, receptionist):
    response = act(client_for(leader), assigned, "assign", {"assignee": receptionist.username})

    body = assert_error_shape(response, 422, "action_refused")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("assignee", "not_specialist")]


def test_a_leader_apologises_once_with_a_new_appointment_R_LATE_1_R_LATE_2(accepted, leader):
    lead = client_for(leader)
    new_due = timezone.localtime(accepted.due_at + dt.timedelta(days=7)).replace(microsecond=0)
    body = {"reason": "Cần xác minh thêm tại nơi cư trú trước đây.", "new_due_at": new_due.isoformat()}

    first = act(lead, accepted, "apologise", body)
    again = act(lead, accepted, "apologise", body)

    assert first.status_code == 200, first.json()
    shown = first.json()
    assert dt.datetime.fromisoformat(shown["due_at"]) == new_due
    assert dt.datetime.fromisoformat(shown["original_due_at"]) == accepted.due_at  # R-LATE-3
    apology = shown["decisions"][-1]
    assert apology["kind"] == "apology" and apology["form"] == "04" and apology["number"].endswith("/PXL")
    assert dt.datetime.fromisoformat(apology["new_due_at"]) == new_due
    assert "apologise" not in actions_of(shown)
    assert_error_shape(again, 422, "action_refused")  # R-LATE-2: once only


def test_reject_at_processing_ends_the_dossier_with_a_written_refusal_R_PROC_5(assigned, specialist):
    body = act(
        client_for(specialist), assigned, "reject", {"reason": "Người yêu cầu không đủ tuổi theo luật."}
    )

    assert body.status_code == 200
    shown = body.json()
    assert shown["status"] == "rejected"
    assert shown["decisions"][-1]["number"].endswith("/PTC")


def test_refuse_at_reception_with_the_competent_agency_R_REF_1(desk, submitted):
    body = act(
        desk,
        submitted,
        "refuse",
        {"reason": "Không thuộc thẩm quyền của phường.", "competent_agency": "Sở Tư pháp Hà Nội"},
    ).json()

    assert body["status"] == "refused"
    refusal = body["decisions"][-1]
    assert refusal["form"] == "03" and refusal["competent_agency"] == "Sở Tư pháp Hà Nội"


# --- two officials at once, and the stale revision -----------------------------------------------------


def test_a_second_official_deciding_on_what_they_saw_gets_409_R_PROH_6(submitted, receptionist, agency):
    """Two receptionists open revision 1; the first accepts; the second's refusal is refused with 409."""
    colleague = OfficialFactory(agency=agency)
    first = act(client_for(receptionist), submitted, "accept", {"expected_revision": 1})

    second = act(
        client_for(colleague),
        submitted,
        "refuse",
        {"reason": "Không thuộc thẩm quyền của phường.", "expected_revision": 1},
    )

    assert first.status_code == 200
    body = assert_error_shape(second, 409, "dossier_changed")
    assert "tải lại" in body["message"]
    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.PROCESSING
    assert not Decision.objects.filter(kind=Decision.Kind.REFUSE).exists()


def test_deciding_on_a_revision_the_applicant_has_replaced_is_409(api, submitted, receptionist, agency):
    """One official asks for a supplement; the applicant resubmits (revision 2); another official who still
    shows revision 1 cannot accept it unseen."""
    colleague = OfficialFactory(agency=agency)
    act(
        client_for(receptionist),
        submitted,
        "request-supplement",
        {"items": [{"target": "form.ho_ten", "note": "Họ tên phải viết đủ dấu như trên giấy tờ."}]},
    )
    api.patch(
        f"/api/v1/dossiers/{submitted.public_id}/",
        {"form_data": {"ho_ten": "Nguyễn Thị Minh Ánh"}},
        format="json",
    )
    assert api.post(f"/api/v1/dossiers/{submitted.public_id}/resubmit/").status_code == 200

    stale = act(client_for(colleague), submitted, "accept", {"expected_revision": 1})
    fresh = act(client_for(colleague), submitted, "accept", {"expected_revision": 2})

    body = assert_error_shape(stale, 409, "dossier_changed")
    assert body["errors"][0]["code"] == "changed"
    assert fresh.status_code == 200 and fresh.json()["revisions"] == 2


def test_an_action_the_state_no_longer_allows_is_409(accepted, desk):
    assert_error_shape(act(desk, accepted, "accept"), 409, "dossier_changed")


# --- problems listed at once, and roles ----------------------------------------------------------------


def test_a_supplement_request_lists_every_problem_at_once_R_SUP_1(desk, submitted):
    response = act(
        desk,
        submitted,
        "request-supplement",
        {
            "items": [
                {"target": "component.khong-co", "note": "Thành phần không có trong thủ tục."},
                {"target": "form.ho_ten", "note": "ngắn"},
                {"target": "component.to-khai", "note": "Thiếu chữ ký của người yêu cầu."},
                {"target": "component.to-khai", "note": "Thiếu chữ ký của người yêu cầu."},
            ]
        },
    )

    body = assert_error_shape(response, 422, "action_refused")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("component.khong-co", "unknown"),
        ("form.ho_ten", "guidance_required"),
        ("component.to-khai", "duplicate"),
    ]
    assert "3 lỗi" in body["message"]
    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.SUBMITTED


def test_a_second_supplement_request_needs_a_legal_basis_R_SUP_2(api, desk, submitted):
    item = {"target": "form.ho_ten", "note": "Họ tên phải viết đủ dấu như trên giấy tờ."}
    act(desk, submitted, "request-supplement", {"items": [item]})
    api.post(f"/api/v1/dossiers/{submitted.public_id}/resubmit/")

    without = act(desk, submitted, "request-supplement", {"items": [item]})
    with_basis = act(
        desk,
        submitted,
        "request-supplement",
        {"items": [item], "legal_basis": "Luật Hộ tịch, Điều 16, khoản 2."},
    )

    body = assert_error_shape(without, 422, "action_refused")
    assert [e["code"] for e in body["errors"]] == ["repeat_needs_basis"]
    assert with_basis.status_code == 200
    assert with_basis.json()["decisions"][-1]["is_repeat"] is True


def test_an_apology_lists_the_short_reason_and_the_earlier_date_together(accepted, leader):
    earlier = timezone.localtime(accepted.due_at - dt.timedelta(days=1)).isoformat()

    response = act(client_for(leader), accepted, "apologise", {"reason": "muộn", "new_due_at": earlier})

    body = assert_error_shape(response, 422, "action_refused")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("reason", "required"),
        ("new_due_at", "not_later"),
    ]


def test_no_hand_over_without_a_result_and_with_an_open_consultation_both_listed(
    assigned, specialist, other_agency
):
    expert = client_for(specialist)
    act(expert, assigned, "consult", {"agency": other_agency.code, "question": "Xin ý kiến về hộ tịch gốc."})

    body = assert_error_shape(act(expert, assigned, "submit-for-approval"), 422, "action_refused")

    assert {e["field"] for e in body["errors"]} == {"results", "consultations"}


def test_a_role_that_may_not_take_the_action_is_403_with_the_reason(submitted, specialist, leader):
    response = act(client_for(specialist), submitted, "accept")

    body = assert_error_shape(response, 403, "permission_denied")
    assert [e["code"] for e in body["errors"]] == ["forbidden"]
    assert "vai trò" in body["message"]


def test_a_result_that_is_not_a_pdf_is_422_and_nothing_is_attached(assigned, specialist):
    response = attach(client_for(specialist), assigned, content=b"GIF89a not a pdf", name="kq.pdf")

    body = assert_error_shape(response, 422, "action_refused")
    assert body["errors"][0]["field"] == "file" and "PDF" in body["errors"][0]["message"]
    assert not assigned.results.exists()


def test_a_consultation_with_an_unknown_agency_is_400(assigned, specialist):
    response = act(
        client_for(specialist), assigned, "consult", {"agency": "000.00.99.X99", "question": "Xin ý kiến."}
    )

    body = assert_error_shape(response, 400, "invalid_request")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("agency", "unknown")]


# --- consultations (R-PROC-4) --------------------------------------------------------------------------


def test_the_consulted_agency_finds_the_request_and_answers_it_once_R_PROC_4(
    assigned, specialist, other_agency, agency
):
    consulted = OfficialFactory(agency=other_agency, roles=[OfficialRole.Role.SPECIALIST])
    receptionist_there = OfficialFactory(agency=other_agency)
    act(
        client_for(specialist),
        assigned,
        "consult",
        {"agency": other_agency.code, "question": "Xin ý kiến về hộ tịch gốc.", "hours": 8},
    )
    them = client_for(consulted)

    listed = them.get("/api/v1/backoffice/consultations/").json()["results"]
    assert [(c["dossier_code"], c["requesting_agency"]) for c in listed] == [(assigned.code, agency.code)]
    answer_url = listed[0]["answer_url"]
    assert client_for(specialist).get("/api/v1/backoffice/consultations/").json()["results"] == []

    wrong_role = client_for(receptionist_there).post(answer_url, {"answer": "Đồng ý."}, format="json")
    empty = them.post(answer_url, {"answer": " "}, format="json")
    answered = them.post(answer_url, {"answer": "Thông tin hộ tịch gốc khớp."}, format="json")
    again = them.post(answer_url, {"answer": "Lần nữa."}, format="json")
    from_lead = client_for(specialist).post(answer_url, {"answer": "Tự trả lời."}, format="json")

    assert_error_shape(wrong_role, 403, "permission_denied")
    assert_error_shape(empty, 422, "action_refused")
    assert answered.status_code == 200 and answered.json()["answer"] == "Thông tin hộ tịch gốc khớp."
    assert_error_shape(again, 409, "dossier_changed")
    assert_error_shape(from_lead, 404, "not_found")  # addressed to Sở Tư pháp, not to Ba Đình
    shown = client_for(specialist).get(url(assigned)).json()["consultations"]
    assert [(c["agency"], c["answer"]) for c in shown] == [(other_agency.code, "Thông tin hộ tịch gốc khớp.")]
    assert Consultation.objects.get().answered_by == consulted


def test_a_consultation_that_does_not_exist_is_404(specialist):
    response = client_for(specialist).post(
        "/api/v1/backoffice/consultations/999999/answer/", {"answer": "x"}, format="json"
    )

    assert_error_shape(response, 404, "not_found")


# --- the work queues as list endpoints -----------------------------------------------------------------


def test_the_work_queues_are_list_endpoints_with_the_page_links(assigned, specialist, leader, citizen):
    """Issue 3: queues as list endpoints; each answers what the back office's page shows."""
    mine = client_for(specialist).get("/api/v1/backoffice/queues/my-work/")
    assert mine.status_code == 200, mine.content
    body = mine.json()
    assert [r["dossier"]["code"] for r in body["results"]] == [assigned.code]
    row = body["results"][0]
    assert row["step"] == "specialist" and row["assignee"] == specialist.username
    assert row["state"] in {"ok", "due_soon", "overdue"} and isinstance(row["remaining_seconds"], int)
    assert body["counts"]["my_work"] == 1 and body["next"] is None

    assert client_for(leader).get("/api/v1/backoffice/queues/approval/").json()["results"] == []
    searched = client_for(specialist).get("/api/v1/backoffice/queues/my-work/", {"q": citizen.citizen_id})
    assert len(searched.json()["results"]) == 1
    assert_error_shape(client_for(specialist).get("/api/v1/backoffice/queues/khong-co/"), 404, "not_found")
    bad = client_for(specialist).get(
        "/api/v1/backoffice/queues/overdue/", {"due_by": "hôm nay", "limit": "0"}
    )
    errors = assert_error_shape(bad, 400, "invalid_request")["errors"]
    assert {e["field"] for e in errors} == {"due_by", "limit"}  # every problem at once
    assert_error_shape(client_for(citizen).get("/api/v1/backoffice/queues/my-work/"), 403, "officials_only")
