"""The periodic deadline sweep (R-CHK-3, R-LATE-1, R-SUP-6): officials are told, once, in one summary."""

from __future__ import annotations

import datetime as dt

from motcua.dossiers.models import Dossier
from motcua.notifications.models import InboxMessage
from motcua.workflow import services
from motcua.workflow.sweeps import sweep_deadlines


def subjects(user) -> list[str]:
    return list(InboxMessage.objects.filter(user=user).order_by("id").values_list("subject", flat=True))


def test_new_dossiers_are_announced_to_the_receptionists_once_in_one_summary_R_CHK_3(
    submit, procedure, receptionist, leader, other_receptionist
):
    first, second = submit(procedure), submit(procedure)

    counts = sweep_deadlines(now=first.submitted_at)

    assert counts["new"] == 2
    assert subjects(receptionist) == ["Có 2 hồ sơ mới chờ tiếp nhận"]
    body = InboxMessage.objects.get(user=receptionist).body
    assert first.reference in body and second.reference in body
    assert subjects(leader) == [] and subjects(other_receptionist) == []
    assert sweep_deadlines(now=first.submitted_at)["new"] == 0
    assert len(subjects(receptionist)) == 1


def test_overdue_checks_reach_the_receptionists_and_their_leaders_R_CHK_3(submitted, receptionist, leader):
    sweep_deadlines(now=submitted.submitted_at)  # the "new" alert
    late = submitted.check_due_at + dt.timedelta(days=3)

    counts = sweep_deadlines(now=late)

    assert counts["check_overdue"] == 1
    assert "1 hồ sơ đã quá hạn kiểm tra 8 giờ làm việc" in subjects(receptionist)
    assert "1 hồ sơ đã quá hạn kiểm tra 8 giờ làm việc" in subjects(leader)
    assert sweep_deadlines(now=late)["check_overdue"] == 0


def test_a_check_with_under_two_working_hours_left_is_due_soon_R_CHK_3(submitted, receptionist):
    # One working hour before the deadline, whatever the calendar between now and then.
    from motcua.worktime.selectors import calendar_for

    cal = calendar_for(agency=submitted.agency, around=submitted.check_due_at.date())
    an_hour_before = cal.add_working_hours(submitted.official_receipt_at, 7)

    counts = sweep_deadlines(now=an_hour_before)

    assert counts["check_due_soon"] == 1 and counts["check_overdue"] == 0


def test_leaders_are_prompted_to_apologise_before_the_appointment_is_missed_R_LATE_1(
    submitted, receptionist, leader
):
    services.accept(dossier=submitted, official=receptionist)
    submitted.refresh_from_db()
    from motcua.worktime.selectors import calendar_for

    cal = calendar_for(agency=submitted.agency, around=submitted.due_at.date())
    early = cal.add_working_hours(submitted.accepted_at, 1)
    assert submitted.procedure.processing_days * 8 > 9  # the fixture's procedure takes several days
    assert sweep_deadlines(now=early)["apology_needed"] == 0

    half_a_day_before = submitted.due_at - dt.timedelta(hours=4)
    assert sweep_deadlines(now=half_a_day_before)["apology_needed"] == 1
    assert any("cần xin lỗi và hẹn lại" in s for s in subjects(leader))


def test_the_sweep_closes_unanswered_supplement_requests_R_SUP_6(submitted, receptionist):
    decision = services.request_supplement(
        dossier=submitted,
        official=receptionist,
        items=[services.SupplementItem("form.dien_thoai", "Số điện thoại không đúng; hãy ghi số đang dùng.")],
    )

    assert sweep_deadlines(now=decision.closes_at)["closed"] == 1

    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.CLOSED
