"""The one-stop check of a submitted dossier: accept, supplement once, refuse (R-CHK, R-CODE, R-SUP, R-REF)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from motcua.audit.selectors import verify_chain
from motcua.dossiers.models import Dossier, DossierRevision
from motcua.dossiers.services import DossierError, dossier_file_add, draft_update
from motcua.notifications.models import InboxMessage
from motcua.workflow import services
from motcua.workflow.models import Decision, ProcessingStep
from motcua.workflow.services import SupplementItem, WorkflowError
from motcua.worktime.calendar import vietnam_calendar

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def test_accepting_issues_the_code_the_appointment_and_the_first_step_R_CODE_1(
    submitted, receptionist, citizen
):
    """R-CODE-1: `<agency identifier>-YYMMDD-XXXX`, the day's sequence in that agency."""
    decision = services.accept(dossier=submitted, official=receptionist)

    submitted.refresh_from_db()
    today = timezone.localdate()
    assert submitted.code == f"{submitted.agency.code}-{today:%y%m%d}-0001"
    assert submitted.status == Dossier.Status.PROCESSING
    assert submitted.due_at is not None and submitted.due_at == submitted.original_due_at
    assert decision.kind == Decision.Kind.ACCEPT
    step = ProcessingStep.objects.get(dossier=submitted)
    assert step.kind == ProcessingStep.Kind.SPECIALIST and step.assignee is None
    inbox = InboxMessage.objects.filter(user=citizen).latest("id")
    assert submitted.code in inbox.subject and "Hẹn trả kết quả" in inbox.body
    assert verify_chain().ok


def test_codes_follow_each_other_per_agency_per_day_R_CODE_2(submit, procedure, receptionist):
    """R-CODE-2: unique, no gaps; a refused dossier takes no number."""
    dossiers = [submit(procedure) for _ in range(3)]
    services.refuse(dossier=dossiers[1], official=receptionist, reason="Không thuộc thẩm quyền của phường.")
    services.accept(dossier=dossiers[0], official=receptionist)
    services.accept(dossier=dossiers[2], official=receptionist)

    codes = sorted(Dossier.objects.exclude(code=None).values_list("code", flat=True))
    assert [c.rsplit("-", 1)[1] for c in codes] == ["0001", "0002"]


def test_the_code_format_comes_from_the_dossiers_rule_set_R_CODE_4(submitted, receptionist):
    """R-CODE-4: the national platforms' format `<agency>-YYMMDD-AAXXXX` is rule-set data."""
    rule_set = submitted.rule_set
    rule_set.params = {
        **rule_set.params,
        "dossier_code_format": "{agency}-{yymmdd}-{platform}{seq:04d}",
        "platform_code": "01",
    }
    rule_set.save()

    services.accept(dossier=submitted, official=receptionist)

    submitted.refresh_from_db()
    assert re.fullmatch(rf"{re.escape(submitted.agency.code)}-\d{{6}}-010001", submitted.code)


def test_appointment_counts_working_days_and_the_same_day_cutoff_R_RCV_2(submitted):
    cal = vietnam_calendar([2026, 2027])
    monday_10 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=HANOI)
    submitted.procedure.processing_days = 3
    # Tuesday 24/11 is a day off (Ngày Văn hóa Việt Nam): Wed, Thu, Fri.
    assert services.appointment(submitted, monday_10, cal) == dt.datetime(2026, 11, 27, 17, 0, tzinfo=HANOI)
    submitted.procedure.processing_days = 0
    submitted.procedure.same_day_cutoff = dt.time(15, 0)
    assert services.appointment(submitted, monday_10, cal) == dt.datetime(2026, 11, 23, 17, 0, tzinfo=HANOI)
    monday_16 = dt.datetime(2026, 11, 23, 16, 0, tzinfo=HANOI)
    assert services.appointment(submitted, monday_16, cal) == dt.datetime(2026, 11, 25, 17, 0, tzinfo=HANOI)


def test_accepted_after_15h_goes_to_the_deciding_unit_next_working_day_R_PROC_1(submitted):
    cal = vietnam_calendar([2026, 2027])
    before = dt.datetime(2026, 11, 23, 14, 59, tzinfo=HANOI)
    after = dt.datetime(2026, 11, 23, 15, 1, tzinfo=HANOI)
    assert services.transfer_moment(submitted, before, cal) == before
    # Tuesday is a day off: Wednesday morning.
    assert services.transfer_moment(submitted, after, cal) == dt.datetime(2026, 11, 25, 7, 30, tzinfo=HANOI)
    saturday = dt.datetime(2026, 11, 28, 9, 0, tzinfo=HANOI)
    assert services.transfer_moment(submitted, saturday, cal) == dt.datetime(
        2026, 11, 30, 7, 30, tzinfo=HANOI
    )


def test_a_supplement_request_lists_everything_with_guidance_and_opens_only_those_parts_R_SUP_1(
    submitted, receptionist, citizen, pdf_bytes
):
    """R-SUP-1: one request, every deficient part, specific guidance; the applicant changes only those."""
    decision = services.request_supplement(
        dossier=submitted,
        official=receptionist,
        items=[
            SupplementItem("component.don", "Đơn chưa có chữ ký của người yêu cầu; hãy ký và tải lại."),
            SupplementItem("form.dien_thoai", "Số điện thoại không liên lạc được; hãy ghi số đang dùng."),
        ],
    )

    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.SUPPLEMENT_REQUESTED
    assert decision.number.endswith("/PBS")
    assert [i["target"] for i in decision.data["items"]] == ["component.don", "form.dien_thoai"]
    message = InboxMessage.objects.filter(user=citizen).latest("id")
    assert "1. Đơn" in message.body and "2. Số điện thoại" in message.body

    draft_update(
        dossier=submitted, applicant=citizen, form_data={"dien_thoai": "0987654321", "ghi_chu": "sửa"}
    )
    submitted.refresh_from_db()
    assert submitted.form_data["dien_thoai"] == "0987654321"
    assert submitted.form_data["ghi_chu"] == "Nộp lần đầu"  # not asked for: unchanged
    with pytest.raises(DossierError) as error:
        dossier_file_add(
            dossier=submitted,
            applicant=citizen,
            component_code="giay_to_khac",
            original_name="x.pdf",
            chunks=[pdf_bytes],
        )
    assert error.value.problems[0].code == "not_requested"


def test_a_supplement_request_needs_guidance_for_every_part_and_reports_all_problems_at_once(
    submitted, receptionist
):
    with pytest.raises(WorkflowError) as error:
        services.request_supplement(
            dossier=submitted,
            official=receptionist,
            items=[
                SupplementItem("component.don", "thiếu"),
                SupplementItem("form.ho_ten", "Họ tên sai chính tả"),
            ],
        )
    codes = {(p.field, p.code) for p in error.value.problems}
    # "thiếu" is not guidance; ho_ten was prefilled from the identity: never asked again (R-SUP-7).
    assert codes == {("component.don", "guidance_required"), ("form.ho_ten", "unknown")}
    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.SUBMITTED


def test_resubmission_is_a_new_revision_and_restarts_the_check_clock_R_SUP_4_R_SUP_5(
    submitted, receptionist, citizen
):
    first_manifest = submitted.manifest_sha256
    services.request_supplement(
        dossier=submitted,
        official=receptionist,
        items=[SupplementItem("form.dien_thoai", "Số điện thoại không đúng; hãy ghi số đang dùng.")],
    )
    draft_update(dossier=submitted, applicant=citizen, form_data={"dien_thoai": "0987654321"})

    services.resubmit(dossier=submitted, applicant=citizen)

    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.SUBMITTED and submitted.revision == 2
    revisions = list(DossierRevision.objects.filter(dossier=submitted).order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[0].manifest_sha256 == first_manifest
    assert revisions[0].manifest["form_data"]["dien_thoai"] == "0912345678"
    assert revisions[1].manifest["form_data"]["dien_thoai"] == "0987654321"
    assert submitted.check_due_at > revisions[0].submitted_at
    assert Decision.objects.get(kind=Decision.Kind.SUPPLEMENT).answered_at == revisions[1].submitted_at


def test_a_second_supplement_request_needs_a_legal_basis_and_is_counted_R_SUP_2(
    submitted, receptionist, citizen
):
    item = [SupplementItem("form.dien_thoai", "Số điện thoại không đúng; hãy ghi số đang dùng.")]
    services.request_supplement(dossier=submitted, official=receptionist, items=item)
    services.resubmit(dossier=submitted, applicant=citizen)

    with pytest.raises(WorkflowError) as error:
        services.request_supplement(dossier=submitted, official=receptionist, items=item)
    assert error.value.problems[0].code == "repeat_needs_basis"

    again = services.request_supplement(
        dossier=submitted,
        official=receptionist,
        items=item,
        legal_basis="Điều 16 Luật Hộ tịch: cần xác minh thông tin nơi cư trú.",
    )
    assert again.is_repeat
    assert Decision.objects.filter(kind=Decision.Kind.SUPPLEMENT, is_repeat=True).count() == 1


def test_the_code_survives_a_supplement_during_processing_R_CODE_3(submitted, receptionist, citizen):
    services.accept(dossier=submitted, official=receptionist)
    submitted.refresh_from_db()
    code = submitted.code
    services.request_supplement(
        dossier=submitted,
        official=receptionist,
        items=[SupplementItem("component.don", "Bản đơn bị mờ trang 2; hãy quét lại rõ nét.")],
    )
    services.resubmit(dossier=submitted, applicant=citizen)
    services.accept(dossier=submitted, official=receptionist)

    submitted.refresh_from_db()
    assert submitted.code == code
    assert submitted.status == Dossier.Status.PROCESSING
    # The steps before the supplement were closed, one new step is open.
    assert ProcessingStep.objects.filter(dossier=submitted, handed_over_at=None).count() == 1


def test_refusal_states_the_reasons_and_the_competent_agency_R_REF_1(submitted, receptionist, citizen):
    decision = services.refuse(
        dossier=submitted,
        official=receptionist,
        reason="Thủ tục thuộc thẩm quyền cấp tỉnh.",
        competent_agency="Sở Tư pháp thành phố Hà Nội",
    )

    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.REFUSED and submitted.ended_at is not None
    assert decision.number.endswith("/PTC")
    body = InboxMessage.objects.filter(user=citizen).latest("id").body
    assert "thẩm quyền cấp tỉnh" in body and "Sở Tư pháp" in body


def test_a_refusal_without_a_reason_is_refused(submitted, receptionist):
    with pytest.raises(WorkflowError) as error:
        services.refuse(dossier=submitted, official=receptionist, reason="  ")
    assert "lý do" in error.value.problems[0].message


def test_an_unanswered_supplement_request_closes_the_dossier_R_SUP_6(submitted, receptionist, citizen):
    decision = services.request_supplement(
        dossier=submitted,
        official=receptionist,
        items=[SupplementItem("form.dien_thoai", "Số điện thoại không đúng; hãy ghi số đang dùng.")],
    )
    assert services.close_unanswered_supplements(now=decision.closes_at - dt.timedelta(minutes=1)) == 0

    assert services.close_unanswered_supplements(now=decision.closes_at) == 1

    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.CLOSED
    assert services.close_unanswered_supplements(now=decision.closes_at + dt.timedelta(days=30)) == 0


def test_the_applicant_may_withdraw_until_a_decision_R_STOP_1(submitted, citizen, receptionist):
    services.accept(dossier=submitted, official=receptionist)

    services.withdraw(dossier=submitted, applicant=citizen, reason="Tôi đã nộp nhầm thủ tục.")

    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.WITHDRAWN
    assert not ProcessingStep.objects.filter(dossier=submitted, handed_over_at=None).exists()
    with pytest.raises(DossierError):
        services.withdraw(dossier=submitted, applicant=citizen)


def test_acceptance_notifies_by_mail_after_commit(
    submitted, receptionist, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.accept(dossier=submitted, official=receptionist)
    assert any("đã được tiếp nhận" in m.subject for m in mail.outbox)
