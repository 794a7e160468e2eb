"""Indicators count what happened: on-time rate against the original appointment, rescheduled dossiers
as late (R-LATE-3), repeated supplement requests counted (R-SUP-2)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from motcua.reports.selectors import indicators, resolution_timing
from motcua.workflow import services
from motcua.workflow.services import SupplementItem

ITEM = [SupplementItem("form.dien_thoai", "Số điện thoại không đúng; hãy ghi số đang dùng.")]


def _finish(dossier, receptionist, specialist, leader, pdf):
    services.assign(dossier=dossier, official=leader, assignee=specialist)
    services.attach_result(dossier=dossier, official=specialist, original_name="kq.pdf", chunks=[pdf])
    services.submit_for_approval(dossier=dossier, official=specialist)
    services.approve(dossier=dossier, official=leader)
    services.issue_result(dossier=dossier, official=specialist)
    services.return_result(dossier=dossier, official=receptionist)


def test_a_rescheduled_dossier_counts_as_late_and_repeats_are_counted_R_LATE_3_R_SUP_2(
    submit, procedure, agency, receptionist, specialist, leader, citizen, pdf_bytes
):
    on_time, rescheduled, refused = submit(procedure), submit(procedure), submit(procedure)
    services.request_supplement(dossier=on_time, official=receptionist, items=ITEM)
    services.resubmit(dossier=on_time, applicant=citizen)
    services.request_supplement(
        dossier=on_time, official=receptionist, items=ITEM, legal_basis="Luật Hộ tịch, Điều 16, khoản 2."
    )
    services.resubmit(dossier=on_time, applicant=citizen)
    for dossier in (on_time, rescheduled):
        services.accept(dossier=dossier, official=receptionist)
        dossier.refresh_from_db()
    services.apologise(
        dossier=rescheduled,
        official=leader,
        reason="Cần xác minh thêm tại nơi cư trú cũ.",
        new_due_at=rescheduled.due_at + dt.timedelta(days=7),
    )
    services.refuse(dossier=refused, official=receptionist, reason="Không thuộc thẩm quyền của phường.")
    for dossier in (on_time, rescheduled):
        _finish(dossier, receptionist, specialist, leader, pdf_bytes)

    today = timezone.localdate()
    result = indicators(agency_ids=[agency.pk], start=today - dt.timedelta(days=1), end=today)

    assert (result.received, result.accepted, result.refused) == (3, 2, 1)
    assert (result.supplement_requests, result.repeated_supplement_requests) == (2, 1)
    assert result.resolved == 2 and result.late == 1 and result.rescheduled == 1
    assert result.early == 1  # resolved today, due days later
    assert result.on_time_rate == 0.5
    nothing = indicators(
        agency_ids=[agency.pk], start=today - dt.timedelta(days=30), end=today - dt.timedelta(days=20)
    )
    assert nothing.received == 0 and nothing.on_time_rate is None


def test_resolution_timing_is_measured_against_the_original_appointment():
    due = dt.datetime(2026, 11, 27, 17, 0, tzinfo=timezone.get_current_timezone())
    assert (
        resolution_timing(resolved_at=due - dt.timedelta(days=2), original_due_at=due, rescheduled=False)
        == "early"
    )
    assert (
        resolution_timing(resolved_at=due - dt.timedelta(hours=2), original_due_at=due, rescheduled=False)
        == "on_time"
    )
    assert (
        resolution_timing(resolved_at=due + dt.timedelta(minutes=1), original_due_at=due, rescheduled=False)
        == "late"
    )
    assert (
        resolution_timing(resolved_at=due - dt.timedelta(days=2), original_due_at=due, rescheduled=True)
        == "late"
    )
