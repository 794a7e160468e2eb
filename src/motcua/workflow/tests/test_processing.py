"""An accepted dossier through its processing steps to the returned result (R-PROC-*, R-LATE-*, R-CODE-5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.workflow import services
from motcua.workflow.models import Decision, ProcessingStep
from motcua.workflow.services import WorkflowError


@pytest.fixture
def accepted(submitted, receptionist):
    services.accept(dossier=submitted, official=receptionist)
    submitted.refresh_from_db()
    return submitted


def test_the_full_path_records_every_hand_over_on_the_control_sheet_R_PROC_2_R_PROC_3(
    accepted, receptionist, specialist, leader, pdf_bytes
):
    services.assign(dossier=accepted, official=leader, assignee=specialist)
    result = services.attach_result(
        dossier=accepted, official=specialist, original_name="giay-khai-sinh.pdf", chunks=[pdf_bytes]
    )
    assert result.code == f"{accepted.code}-KQ1"  # R-CODE-5
    services.submit_for_approval(dossier=accepted, official=specialist)
    services.approve(dossier=accepted, official=leader)
    services.issue_result(dossier=accepted, official=specialist)
    accepted.refresh_from_db()
    assert accepted.status == Dossier.Status.RESULT_READY and accepted.result_ready_at
    services.return_result(dossier=accepted, official=receptionist)

    accepted.refresh_from_db()
    assert accepted.status == Dossier.Status.DONE and accepted.ended_at
    steps = list(ProcessingStep.objects.filter(dossier=accepted).order_by("order"))
    assert [s.kind for s in steps] == ["specialist", "approval", "result", "return"]
    assert all(s.handed_over_at and s.outcome for s in steps)
    assert steps[0].assignee == specialist and steps[0].handed_over_by == specialist
    assert steps[1].handed_over_by == leader and steps[1].giver == specialist
    # Budgets of the counted steps sum to the processing time (the return is not counted).
    days = accepted.procedure.processing_days
    assert sum(s.budget_hours for s in steps[:3]) == (days * 8 if days else 4)
    kinds = list(DossierEvent.objects.filter(dossier=accepted).values_list("kind", flat=True))
    assert kinds[-3:] == ["accepted", "result_ready", "done"]
    actions = set(
        AuditEvent.objects.filter(object_id=str(accepted.public_id)).values_list("action", flat=True)
    )
    assert {
        "dossier.assigned",
        "dossier.handed_over",
        "dossier.approved",
        "dossier.result_ready",
        "dossier.done",
    } <= actions


def test_a_leader_can_send_the_draft_back_to_the_same_specialist(accepted, specialist, leader, pdf_bytes):
    services.assign(dossier=accepted, official=leader, assignee=specialist)
    services.attach_result(dossier=accepted, official=specialist, original_name="kq.pdf", chunks=[pdf_bytes])
    services.submit_for_approval(dossier=accepted, official=specialist)

    step = services.send_back(dossier=accepted, official=leader, note="Sai tên cha trong dự thảo.")

    assert step.kind == "specialist" and step.assignee == specialist


def test_no_hand_over_without_a_result_or_with_an_open_consultation_R_PROC_4(
    accepted, specialist, leader, other_agency, pdf_bytes
):
    services.assign(dossier=accepted, official=specialist, assignee=specialist)  # takes it
    consultation = services.consult(
        dossier=accepted, official=specialist, agency=other_agency, question="Xin ý kiến về hộ tịch gốc."
    )
    assert consultation.due_at > consultation.requested_at
    with pytest.raises(WorkflowError) as error:
        services.submit_for_approval(dossier=accepted, official=specialist)
    assert {p.field for p in error.value.problems} == {"results", "consultations"}

    from motcua.identity.models import OfficialRole
    from motcua.identity.tests.factories import OfficialFactory

    consulted = OfficialFactory(agency=other_agency, roles=[OfficialRole.Role.SPECIALIST])
    services.answer_consultation(consultation=consultation, official=consulted, answer="Đồng ý.")
    services.attach_result(dossier=accepted, official=specialist, original_name="kq.pdf", chunks=[pdf_bytes])
    assert services.submit_for_approval(dossier=accepted, official=specialist).kind == "approval"


def test_a_result_must_be_a_sound_pdf(accepted, specialist):
    services.assign(dossier=accepted, official=specialist, assignee=specialist)
    with pytest.raises(WorkflowError) as error:
        services.attach_result(
            dossier=accepted, official=specialist, original_name="a.pdf", chunks=[b"not a pdf"]
        )
    assert "PDF" in error.value.problems[0].message


def test_a_specialist_cannot_assign_a_colleague(accepted, specialist, agency):
    from motcua.identity.models import OfficialRole
    from motcua.identity.tests.factories import OfficialFactory

    colleague = OfficialFactory(agency=agency, roles=[OfficialRole.Role.SPECIALIST])
    with pytest.raises(WorkflowError):
        services.assign(dossier=accepted, official=specialist, assignee=colleague)


def test_ineligible_at_appraisal_ends_with_a_written_refusal_R_PROC_5(accepted, specialist):
    services.assign(dossier=accepted, official=specialist, assignee=specialist)
    decision = services.reject(
        dossier=accepted, official=specialist, reason="Người yêu cầu không đủ tuổi theo luật."
    )
    accepted.refresh_from_db()
    assert accepted.status == Dossier.Status.REJECTED and decision.number.endswith("/PTC")


def test_an_apology_moves_the_appointment_once_and_keeps_the_original_R_LATE_1_R_LATE_2_R_LATE_3(
    accepted, leader
):
    original = accepted.due_at
    new_due = original + dt.timedelta(days=7)
    decision = services.apologise(
        dossier=accepted, official=leader, reason="Cần xác minh thêm tại nơi cư trú cũ.", new_due_at=new_due
    )

    accepted.refresh_from_db()
    assert accepted.due_at == new_due and accepted.original_due_at == original
    assert decision.number.endswith("/PXL")
    assert "apologise" not in services.allowed_actions(accepted, leader)
    with pytest.raises(WorkflowError):
        services.apologise(
            dossier=accepted,
            official=leader,
            reason="Lần hai xin lỗi.",
            new_due_at=new_due + dt.timedelta(days=1),
        )
    assert Decision.objects.filter(dossier=accepted, kind=Decision.Kind.APOLOGY).count() == 1


def test_the_new_appointment_must_be_later(accepted, leader):
    with pytest.raises(WorkflowError) as error:
        services.apologise(
            dossier=accepted, official=leader, reason="Cần xác minh thêm.", new_due_at=accepted.due_at
        )
    assert error.value.problems[0].field == "new_due_at"


def test_step_outcomes_early_on_time_late():
    due = dt.datetime(2026, 11, 25, 17, 0, tzinfo=timezone.get_current_timezone())
    assert services.step_outcome(due, due - dt.timedelta(days=1)) == "early"
    assert services.step_outcome(due, due - dt.timedelta(hours=1)) == "on_time"
    assert services.step_outcome(due, due + dt.timedelta(minutes=1)) == "late"


def test_template_steps_of_one_kind_make_one_step_with_their_whole_budget_R_PROC_2(
    submit, procedure, receptionist, specialist, leader, pdf_bytes
):
    procedure.processing_days = 3
    procedure.workflow = [
        {"kind": "specialist", "role": "leader", "hours": 2, "department": "", "name": "Phân công"},
        {
            "kind": "specialist",
            "role": "specialist",
            "hours": 14,
            "department": "Phòng Tư pháp",
            "name": "Thẩm định",
        },
        {"kind": "approval", "role": "leader", "hours": 4, "department": "", "name": "Phê duyệt"},
        {"kind": "approval", "role": "leader", "hours": 2, "department": "", "name": "Ký"},
        {"kind": "result", "role": "specialist", "hours": 2, "department": "", "name": "Vào sổ, ban hành"},
    ]
    procedure.save()
    dossier = submit(procedure)
    services.accept(dossier=dossier, official=receptionist)
    # The template changes while the dossier runs: its budgets stay those it was accepted under.
    procedure.workflow = []
    procedure.save()
    services.assign(dossier=dossier, official=leader, assignee=specialist)
    services.attach_result(dossier=dossier, official=specialist, original_name="kq.pdf", chunks=[pdf_bytes])
    services.submit_for_approval(dossier=dossier, official=specialist)

    steps = list(ProcessingStep.objects.filter(dossier=dossier).order_by("order"))
    assert [(s.kind, s.budget_hours) for s in steps] == [("specialist", 16), ("approval", 6)]
    assert steps[0].department == "Phòng Tư pháp" and steps[0].note.startswith("Phân công; Thẩm định")


def test_a_paused_clock_moves_the_appointment_by_the_working_time_paused_R_PROC_6(
    accepted, specialist, leader
):
    services.assign(dossier=accepted, official=leader, assignee=specialist)
    step = ProcessingStep.objects.get(dossier=accepted, handed_over_at=None)
    due, step_due = accepted.due_at, step.due_at
    with pytest.raises(WorkflowError) as error:
        services.suspend(dossier=accepted, official=specialist, ground="?", reason="")
    assert {p.field for p in error.value.problems} == {"ground", "reason"}

    services.suspend(
        dossier=accepted, official=specialist, ground="fee", reason="Chờ nộp lệ phí cấp bản sao."
    )
    assert services.allowed_actions(accepted, specialist) == ["reject", "resume"]
    # A week later the clock restarts: the paused working time is added to the deadlines.
    from motcua.worktime.calendar import WorkCalendar

    cal = WorkCalendar.from_data(accepted.calendar.data)
    ProcessingStep.objects.filter(pk=step.pk).update(suspended_at=timezone.now() - dt.timedelta(days=7))
    step.refresh_from_db()
    paused = cal.working_time_between(step.suspended_at, timezone.now())
    decision = services.resume(dossier=accepted, official=specialist)

    accepted.refresh_from_db()
    step.refresh_from_db()
    assert paused > dt.timedelta(0)
    # The service measured the pause up to its own "now", a few milliseconds after the test's: equal to the
    # second (exact equality held only when the test ran outside working hours, when no working time passes).
    second = dt.timedelta(seconds=1)
    assert abs(accepted.due_at - cal.add_working_hours(due, paused)) < second
    assert accepted.original_due_at == accepted.due_at  # a lawful pause is not lateness (unlike R-LATE-3)
    assert abs(step.due_at - cal.add_working_hours(step_due, paused)) < second and step.suspended_at is None
    assert dt.datetime.fromisoformat(decision.data["new_due_at"]) == accepted.due_at
    assert "consult" in services.allowed_actions(accepted, specialist)
