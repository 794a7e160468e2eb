"""The one-stop process, one function per transition (D45 Art. 11-12; D118 Chapter III).

Every transition: locks the dossier row, checks the actor's role at the dossier's agency and the dossier's
state (and, when the caller says which revision and status it showed, that nothing changed since), applies
the change, writes the timeline event and the audit record, and queues the applicant's notification after
commit, in one transaction. Two officials deciding one dossier at once: the second is told that the dossier
changed. The actions an official may take on a dossier are exactly `allowed_actions(dossier, official)`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.audit.services import audit_record
from motcua.catalog.models import Agency
from motcua.catalog.selectors import workflow_template
from motcua.dossiers import sniff, storage
from motcua.dossiers.checks import Problem, check_pdf
from motcua.dossiers.models import Dossier, DossierEvent, StoredFile
from motcua.dossiers.services import DossierError, revision_submit, stored_file_from_bytes
from motcua.identity.models import OfficialRole, User
from motcua.identity.selectors import roles_held
from motcua.notifications.services import notify
from motcua.signatures.issuing import document_issue
from motcua.signatures.models import AgencySigningKey, IssuedDocument
from motcua.signatures.sealing import SealingError, sign_as_leader
from motcua.signatures.selectors import validly_signed_components
from motcua.warehouse import services as warehouse
from motcua.workflow.models import (
    Consultation,
    Decision,
    DossierCodeSequence,
    FormNumberSequence,
    ProcessingStep,
    ResultDocument,
)
from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.selectors import calendar_for

Role = OfficialRole.Role
Status = Dossier.Status
Kind = ProcessingStep.Kind

# Who does each processing step (issue_result is also open to the one-stop receptionists).
STAGE_ROLES: dict[str, str] = {
    Kind.SPECIALIST: Role.SPECIALIST,
    Kind.APPROVAL: Role.LEADER,
    Kind.RESULT: Role.SPECIALIST,
    Kind.RETURN: Role.RECEPTIONIST,
}
DEFAULT_CODE_FORMAT = "{agency}-{yymmdd}-{seq:04d}"
DEFAULT_CUTOFF = dt.time(15, 0)
MAX_RESULT_BYTES = 50 * 1024 * 1024


class WorkflowError(Exception):
    """A transition that cannot happen, with every reason in Vietnamese; nothing was changed."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class DossierChanged(WorkflowError):
    """The dossier is no longer in the state the official saw: someone else acted first."""


# action -> (statuses it applies to, roles that may take it). Stage conditions are checked in _allowed.
ACTIONS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "accept": (frozenset({Status.SUBMITTED}), frozenset({Role.RECEPTIONIST})),
    "request_supplement": (frozenset({Status.SUBMITTED, Status.PROCESSING}), frozenset({Role.RECEPTIONIST})),
    "refuse": (frozenset({Status.SUBMITTED}), frozenset({Role.RECEPTIONIST})),
    "assign": (frozenset({Status.PROCESSING}), frozenset({Role.LEADER, Role.SPECIALIST})),
    "consult": (frozenset({Status.PROCESSING}), frozenset({Role.SPECIALIST})),
    "attach_result": (frozenset({Status.PROCESSING}), frozenset({Role.SPECIALIST})),
    "submit_for_approval": (frozenset({Status.PROCESSING}), frozenset({Role.SPECIALIST})),
    "approve": (frozenset({Status.PROCESSING}), frozenset({Role.LEADER})),
    "send_back": (frozenset({Status.PROCESSING}), frozenset({Role.LEADER})),
    "issue_result": (frozenset({Status.PROCESSING}), frozenset({Role.SPECIALIST, Role.RECEPTIONIST})),
    "return_result": (frozenset({Status.RESULT_READY}), frozenset({Role.RECEPTIONIST})),
    "reject": (frozenset({Status.PROCESSING}), frozenset({Role.SPECIALIST, Role.LEADER})),
    "apologise": (frozenset({Status.PROCESSING}), frozenset({Role.LEADER})),
    "suspend": (frozenset({Status.PROCESSING}), frozenset({Role.SPECIALIST, Role.LEADER})),
    "resume": (frozenset({Status.PROCESSING}), frozenset({Role.SPECIALIST, Role.LEADER})),
}
# The stage each processing action needs (the kind of the open step); None: any stage.
ACTION_STAGE: dict[str, str | None] = {
    "assign": Kind.SPECIALIST,
    "consult": Kind.SPECIALIST,
    "attach_result": Kind.SPECIALIST,
    "submit_for_approval": Kind.SPECIALIST,
    "approve": Kind.APPROVAL,
    "send_back": Kind.APPROVAL,
    "issue_result": Kind.RESULT,
    "reject": None,
    "apologise": None,
    "request_supplement": None,
    "suspend": None,
    "resume": None,
}
# The statuses in which the applicant may stop a dossier (R-STOP-1); withdraw() also refuses once a result
# has gone for approval.
WITHDRAWABLE = frozenset({Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED, Status.PROCESSING})
# What may still happen while the clock is paused (R-PROC-6): the work itself waits for the applicant.
WHILE_SUSPENDED = frozenset({"resume", "reject", "request_supplement"})
# Lazy: built at import, read in the language of each request (they name buttons and radio choices).
ACTION_LABELS = {
    "accept": gettext_lazy("Tiếp nhận hồ sơ"),
    "request_supplement": gettext_lazy("Yêu cầu bổ sung"),
    "refuse": gettext_lazy("Từ chối tiếp nhận"),
    "assign": gettext_lazy("Phân công xử lý"),
    "consult": gettext_lazy("Lấy ý kiến cơ quan khác"),
    "attach_result": gettext_lazy("Đính kèm kết quả"),
    "submit_for_approval": gettext_lazy("Trình phê duyệt"),
    "approve": gettext_lazy("Phê duyệt"),
    "send_back": gettext_lazy("Trả lại để xử lý lại"),
    "issue_result": gettext_lazy("Ban hành kết quả"),
    "return_result": gettext_lazy("Trả kết quả"),
    "reject": gettext_lazy("Không đủ điều kiện giải quyết"),
    "apologise": gettext_lazy("Xin lỗi, hẹn lại ngày trả"),
    "suspend": gettext_lazy("Tạm dừng tính thời hạn"),
    "resume": gettext_lazy("Tiếp tục tính thời hạn"),
}


# -- reads every transition needs ----------------------------------------------------------------------


def roles_at(official: User, agency_id: int) -> set[str]:
    """The roles `official` holds at the agency today, their own and those delegated to them."""
    return {role for agency, role in roles_held(official=official) if agency == agency_id}


def open_step(dossier: Dossier) -> ProcessingStep | None:
    return (
        ProcessingStep.objects.filter(dossier=dossier, handed_over_at__isnull=True)
        .order_by("-order", "-id")
        .first()
    )


def _allowed(
    action: str, dossier: Dossier, roles: set[str], step: ProcessingStep | None, official: User
) -> bool:
    statuses, action_roles = ACTIONS[action]
    if dossier.status not in statuses or not roles & action_roles:
        return False
    if dossier.status == Status.PROCESSING:
        if step is None:
            return False
        needed = ACTION_STAGE.get(action)
        if needed is not None and step.kind != needed:
            return False
        suspended = step.suspended_at is not None
        if (action == "resume" and not suspended) or (suspended and action not in WHILE_SUSPENDED):
            return False
        if action in {"suspend", "resume"} and Role.LEADER not in roles:
            return step.assignee_id == official.pk
        if action == "assign" and Role.LEADER not in roles:
            return step.assignee_id is None  # a specialist takes an unassigned step; leaders (re)assign
        if action == "reject" and Role.LEADER not in roles:
            return step.assignee_id == official.pk
        if action in {"consult", "attach_result", "submit_for_approval"}:
            # The assigned specialist does the work; an unassigned step must be taken first.
            return step.assignee_id == official.pk
        if action == "issue_result" and Role.SPECIALIST in roles and Role.RECEPTIONIST not in roles:
            return step.assignee_id in (None, official.pk)
        if action == "apologise":
            return not Decision.objects.filter(dossier=dossier, kind=Decision.Kind.APOLOGY).exists()
        if action == "request_supplement":
            return Role.RECEPTIONIST in roles
    return True


def allowed_actions(dossier: Dossier, official: User) -> list[str]:
    """The transitions `official` may take on `dossier` now: exactly the buttons to show (R-PROH-6)."""
    roles = roles_at(official, dossier.agency_id)
    if not roles:
        return []
    step = open_step(dossier) if dossier.status == Status.PROCESSING else None
    return [action for action in ACTIONS if _allowed(action, dossier, roles, step, official)]


# -- shared machinery ----------------------------------------------------------------------------------


def _problem(field: str, code: str, message: str) -> WorkflowError:
    return WorkflowError([Problem(field, code, message)])


def _lock(
    dossier: Dossier,
    official: User,
    action: str,
    *,
    expected_revision: int | None = None,
    expected_status: str | None = None,
) -> tuple[Dossier, ProcessingStep | None]:
    """Lock the dossier row and check that `official` may take `action` on it now."""
    # OF self: PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins (rule set, calendar),
    # and the agency's and procedure's rows must not be locked by every transition of every dossier.
    locked = (
        # OF self: PostgreSQL refuses FOR UPDATE on the nullable side of the outer joins (rule_set, calendar).
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure", "agency", "applicant", "rule_set", "calendar")
        .get(pk=dossier.pk)
    )
    if (expected_revision is not None and locked.revision != expected_revision) or (
        expected_status is not None and locked.status != expected_status
    ):
        raise DossierChanged(
            [
                Problem(
                    "dossier",
                    "changed",
                    _(
                        "Hồ sơ đã thay đổi từ lúc bạn mở (hiện: %(status)s, lần nộp %(revision)s), có thể do "
                        "cán bộ khác vừa xử lý. Hãy tải lại trang để xem trạng thái mới rồi quyết định lại."
                    )
                    % {"status": locked.get_status_display(), "revision": locked.revision},
                )
            ]
        )
    roles = roles_at(official, locked.agency_id)
    if not roles & ACTIONS[action][1]:
        raise _problem(
            "dossier",
            "forbidden",
            _("Bạn không có vai trò được làm việc này với hồ sơ của cơ quan %(agency)s.")
            % {"agency": locked.agency.name},
        )
    step = open_step(locked) if locked.status == Status.PROCESSING else None
    if not _allowed(action, locked, roles, step, official):
        if expected_status is None and locked.status not in ACTIONS[action][0]:
            raise DossierChanged(
                [
                    Problem(
                        "dossier",
                        "wrong_state",
                        _(
                            "Không thể “%(action)s” vì hồ sơ đang ở trạng thái “%(status)s”. "
                            "Hãy tải lại trang để xem trạng thái mới."
                        )
                        % {"action": ACTION_LABELS[action], "status": locked.get_status_display()},
                    )
                ]
            )
        raise _problem(
            "dossier",
            "not_allowed",
            _(
                "Không thể “%(action)s” ở bước xử lý hiện tại của hồ sơ (trạng thái “%(status)s”). "
                "Hãy tải lại trang: các nút hiện ra là những việc bạn được làm lúc này."
            )
            % {"action": ACTION_LABELS[action], "status": locked.get_status_display()},
        )
    return locked, step


def _calendar(dossier: Dossier) -> WorkCalendar:
    """The calendar the dossier's deadlines were promised under (R-CAL-5), or today's if it has none."""
    if dossier.calendar_id:
        calendar = WorkCalendar.from_data(dossier.calendar.data)  # type: ignore[union-attr]
        try:
            calendar.is_working_day(timezone.localdate() + dt.timedelta(days=400))
            return calendar
        except ValueError:
            pass
    return calendar_for(agency=dossier.agency, around=timezone.localdate())


def _param(dossier: Dossier, name: str, default: Any) -> Any:
    return (dossier.rule_set.params if dossier.rule_set else {}).get(name, default)


def _cutoff(dossier: Dossier) -> dt.time:
    text = _param(dossier, "same_day_cutoff", "")
    try:
        return dt.time.fromisoformat(text) if text else DEFAULT_CUTOFF
    except ValueError:
        return DEFAULT_CUTOFF


def _event(dossier: Dossier, kind: str, at: dt.datetime, actor: User | None, **data: Any) -> None:
    DossierEvent.objects.create(dossier=dossier, kind=kind, at=at, actor=actor, data=data)


def _audit(actor: User | None, action: str, dossier: Dossier, at: dt.datetime, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=f"dossier.{action}",
        object_type="dossier",
        object_id=str(dossier.public_id),
        data={"code": dossier.code, "reference": dossier.reference, "revision": dossier.revision, **data},
        at=at,
    )


def _when(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else ""


def _notify_applicant(dossier: Dossier, subject: str, body: str) -> None:
    notify(
        user=dossier.applicant,
        subject=subject,
        body=body,
        link=reverse("portal:dossier_detail", kwargs={"public_id": dossier.public_id}),
    )


def _next_number(model: type[DossierCodeSequence] | type[FormNumberSequence], **key: Any) -> int:
    """Take the next number of a sequence row under a row lock, in the caller's transaction.

    The row lock serialises concurrent takers on PostgreSQL (SQLite serialises all writers), and a
    rolled-back transaction gives its number back: the sequence has neither gaps nor duplicates (R-CODE-2).
    """
    model.objects.get_or_create(**key)  # concurrent creators: Django retries the get on IntegrityError
    row = model.objects.select_for_update().get(**key)
    row.last += 1
    row.save(update_fields=["last"])
    return row.last


def _form_number(dossier: Dossier, kind: str, at: dt.datetime) -> str:
    symbol = Decision.FORMS.get(kind, ("", ""))[1]
    if not symbol:
        return ""
    number = _next_number(
        FormNumberSequence, agency=dossier.agency, year=timezone.localtime(at).year, symbol=symbol
    )
    return f"{number}/{symbol}"


def _decide(
    dossier: Dossier, kind: str, official: User | None, at: dt.datetime, *, reason: str = "", **fields: Any
) -> Decision:
    return Decision.objects.create(
        dossier=dossier,
        kind=kind,
        by=official,
        at=at,
        number=_form_number(dossier, kind, at),
        revision=dossier.revision,
        reason=reason,
        **fields,
    )


def _end(dossier: Dossier, status: str, at: dt.datetime, actor: User | None, note: str) -> None:
    """Move the dossier to a final status and close its open step (the control sheet shows why)."""
    dossier.status = status
    dossier.ended_at = at
    dossier.stage = ""
    dossier.save()
    for step in ProcessingStep.objects.filter(dossier=dossier, handed_over_at__isnull=True):
        _close_step(step, at, actor, note)


def _close_step(step: ProcessingStep, at: dt.datetime, actor: User | None, note: str = "") -> None:
    step.handed_over_at = at
    step.handed_over_by = actor
    step.outcome = step_outcome(step.due_at, at)
    if note:
        step.note = f"{step.note}\n{note}".strip()
    step.save()


def step_outcome(due_at: dt.datetime, handed_over_at: dt.datetime) -> str:
    """Early / on time / late for the control sheet (R-PROC-3): late after the deadline; early when handed
    over on an earlier day than the deadline's; on time otherwise."""
    if handed_over_at > due_at:
        return ProcessingStep.Outcome.LATE
    if timezone.localdate(handed_over_at) < timezone.localdate(due_at):
        return ProcessingStep.Outcome.EARLY
    return ProcessingStep.Outcome.ON_TIME


def stage_budgets(dossier: Dossier) -> dict[str, dict[str, str]]:
    """The procedure's workflow template folded into one budget per stage (R-PROC-2): the template's steps of
    one kind (e.g. assign, appraise, draft: all "specialist") are one processing step whose budget is their
    sum, named after them. Kept on the acceptance, so a later template edit never moves a running deadline."""
    stages: dict[str, dict[str, str]] = {}
    for step in workflow_template(dossier.procedure):
        stage = stages.setdefault(step.kind, {"hours": "0", "department": "", "name": ""})
        stage["hours"] = str(Decimal(stage["hours"]) + step.hours)
        if step.department and (not stage["department"] or step.role != Role.LEADER):
            stage["department"] = step.department
        if step.name:
            stage["name"] = f"{stage['name']}; {step.name}" if stage["name"] else step.name
    return stages


def _budgets_of(dossier: Dossier) -> dict[str, dict[str, str]]:
    accepted = (
        Decision.objects.filter(dossier=dossier, kind=Decision.Kind.ACCEPT).order_by("-at", "-id").first()
    )
    if accepted is not None and accepted.data.get("stages"):
        return accepted.data["stages"]
    return stage_budgets(dossier)


def _open_step(
    dossier: Dossier,
    kind: str,
    *,
    received_at: dt.datetime,
    giver: User | None,
    calendar: WorkCalendar,
    assignee: User | None = None,
    budgets: dict[str, dict[str, str]] | None = None,
) -> ProcessingStep:
    """Open the next step of this kind with its budget from the template kept at acceptance (R-PROC-2);
    the return step is not budgeted."""
    last = ProcessingStep.objects.filter(dossier=dossier).order_by("-order").first()
    role: str = STAGE_ROLES.get(kind, Role.SPECIALIST)
    if kind == Kind.RETURN:
        role, hours, department, name = Role.RECEPTIONIST, Decimal(0), "", ""
        due_at = max(dossier.due_at or received_at, received_at)
    else:
        budgets = budgets if budgets is not None else _budgets_of(dossier)
        spec = budgets.get(kind) or {"hours": "0", "department": "", "name": ""}
        hours, department, name = Decimal(spec["hours"]), spec["department"], spec["name"]
        due_at = calendar.add_working_hours(calendar.next_working_moment(received_at), hours)
    step = ProcessingStep.objects.create(
        dossier=dossier,
        order=(last.order + 1) if last else 1,
        kind=kind,
        role=role,
        department=department,
        budget_hours=hours,
        note=name,
        giver=giver,
        assignee=assignee,
        received_at=received_at,
        due_at=due_at,
    )
    dossier.stage = kind
    return step


# -- reception (R-CHK-1) -------------------------------------------------------------------------------


def appointment(dossier: Dossier, start: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
    """The appointment for the result: the procedure's processing time in working days from the official
    receipt of the complete dossier (R-SUP-5); same-day procedures received after the cut-off are due at the
    end of the next working day (R-RCV-2)."""
    procedure = dossier.procedure
    days = procedure.processing_days
    if days == 0:
        cutoff = procedure.same_day_cutoff or _cutoff(dossier)
        return calendar.add_working_days(start, 1 if timezone.localtime(start).time() > cutoff else 0)
    return calendar.add_working_days(start, days)


def transfer_moment(dossier: Dossier, accepted_at: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
    """When an accepted dossier reaches the deciding unit (R-PROC-1): at once, or at the start of the next
    working day when accepted after the cut-off (15:00) or outside working hours."""
    local = timezone.localtime(accepted_at)
    if local.time() > _cutoff(dossier):
        next_day = dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(0), tzinfo=local.tzinfo)
        return calendar.next_working_moment(next_day)
    return calendar.next_working_moment(accepted_at)


def _dossier_code(dossier: Dossier, at: dt.datetime) -> str:
    """`<agency identifier>-YYMMDD-XXXX` (R-CODE-1), in the format of the dossier's rule set (R-CODE-4)."""
    day = timezone.localdate(at)
    seq = _next_number(DossierCodeSequence, agency=dossier.agency, day=day)
    fmt = _param(dossier, "dossier_code_format", DEFAULT_CODE_FORMAT)
    return fmt.format(
        agency=dossier.agency.code,
        yymmdd=f"{day:%y%m%d}",
        seq=seq,
        platform=_param(dossier, "platform_code", ""),
    )


def accept(
    *,
    dossier: Dossier,
    official: User,
    marks: dict[str, dict[str, Any]] | None = None,
    expected_revision: int | None = None,
) -> Decision:
    """Accept a submitted dossier (R-CHK-1): issue its code (R-CODE-1, -2; kept from an earlier acceptance,
    R-CODE-3), compute the appointment, transfer it to the deciding unit (R-PROC-1), notify the applicant.

    `marks` are the per-component check marks ({"component.don": {"ok": True, "note": ""}}), kept on the
    decision as the record of the check; a component the applicant consented to keep may carry the details the
    official read on it ({"document": {"number", "issuer", "issued_on", "expires_on"}}, R-WH-2).
    """
    _details, problems = warehouse.document_details(marks)
    if problems:
        raise WorkflowError(problems)
    with transaction.atomic():
        d, _step = _lock(dossier, official, "accept", expected_revision=expected_revision)
        now = timezone.now()
        calendar = _calendar(d)
        first_time = not d.code
        if first_time:
            d.code = _dossier_code(d, now)
        assert d.official_receipt_at is not None
        d.accepted_at = now
        d.due_at = appointment(d, d.official_receipt_at, calendar)
        if first_time or d.original_due_at is None:
            d.original_due_at = d.due_at
        d.status = Status.PROCESSING
        for step in ProcessingStep.objects.filter(dossier=d, handed_over_at__isnull=True):
            _close_step(step, now, official, _("Đóng khi tiếp nhận lại hồ sơ đã bổ sung."))
        transfer_at = transfer_moment(d, now, calendar)
        budgets = stage_budgets(d)
        _open_step(
            d, Kind.SPECIALIST, received_at=transfer_at, giver=official, calendar=calendar, budgets=budgets
        )
        d.save()
        decision = _decide(
            d,
            Decision.Kind.ACCEPT,
            official,
            now,
            data={
                "marks": marks or {},
                "due_at": d.due_at.isoformat(),
                "transfer_at": transfer_at.isoformat(),
                "stages": budgets,
                # The entry in the agency's tracking book (form 07) printed on the receipt slip (R-FORM-2).
                "book_volume": str(timezone.localtime(now).year),
                "book_entry": _next_number(
                    FormNumberSequence, agency=d.agency, year=timezone.localtime(now).year, symbol="STD"
                ),
            },
        )
        _event(d, DossierEvent.Kind.ACCEPTED, now, official, code=d.code, due_at=d.due_at.isoformat())
        _audit(official, "accepted", d, now, due_at=d.due_at.isoformat(), transfer_at=transfer_at.isoformat())
        # What the official has just verified enters the applicant's warehouse, where they consented (R-WH-2).
        warehouse.verified_components_store(dossier=d, official=official, marks=marks, at=now)
        _seal_receipt(d, decision, official)
        _notify_applicant(
            d,
            _("Hồ sơ %(code)s đã được tiếp nhận") % {"code": d.code},
            _(
                "Hồ sơ %(reference)s (%(procedure)s) đã được %(agency)s tiếp nhận lúc %(at)s.\n"
                "Mã hồ sơ: %(code)s\nHẹn trả kết quả: %(due)s.\n"
                "Giấy tiếp nhận hồ sơ và hẹn trả kết quả có trong trang hồ sơ của bạn."
            )
            % {
                "reference": d.reference,
                "procedure": d.procedure.name,
                "agency": d.agency.name,
                "at": _when(now),
                "code": d.code,
                "due": _when(d.due_at),
            },
        )
    dossier.refresh_from_db()
    return decision


def _seal_receipt(d: Dossier, decision: Decision, official: User) -> None:
    """Seal the receipt (form 01) and keep the sealed bytes (R-RES-1, R-FORM-3).

    Acceptance never waits for a key: the applicant's receipt time is what counts, so without a usable key
    the acceptance stands, the receipt is rendered unsealed as before, and the reason is kept on the
    decision for the official to see.
    """
    from motcua.documents.pdf import render_pdf
    from motcua.workflow.documents import decision_document

    try:
        with transaction.atomic():
            document_issue(
                kind=IssuedDocument.Kind.RECEIPT,
                agency=d.agency,
                render=lambda token: render_pdf(decision_document(decision, verification_token=token)),
                official=official,
                dossier=d,
                decision=decision,
            )
    except SealingError as error:
        decision.data["seal_error"] = str(error)
        decision.save(update_fields=["data"])
        _audit(official, "receipt_unsealed", d, decision.at, reason=str(error))


@dataclass(frozen=True)
class SupplementItem:
    target: str  # "component.<code>" or "form.<key>"
    note: str  # what is wrong and exactly what to provide (R-SUP-1)


# What asking for paper sounds like in a supplement note (lower case, Vietnamese as officials write it).
PAPER_WORDS = (
    "bản giấy",
    "bản gốc",
    "bản chính",
    "bản cứng",
    "bản in",
    "xuất trình",
    "bản photo",
    "bản phô tô",
)


def _asks_for_paper(note: str) -> bool:
    text = " ".join(unicodedata.normalize("NFC", note).lower().split())
    return any(word in text for word in PAPER_WORDS)


def supplement_targets(dossier: Dossier) -> list[tuple[str, str]]:
    """What a supplement request may name: every component and every e-form field the applicant typed.

    Fields prefilled from a state source are not offered: the applicant cannot change them and the state
    already holds them (R-SUP-7, R-ONCE).
    """
    targets = [(f"component.{c.code}", c.name) for c in dossier.procedure.components.all()]
    for field in dossier.procedure.eform_schema.get("fields", []):
        if field.get("key") and field["key"] not in dossier.prefilled:
            targets.append((f"form.{field['key']}", str(field.get("label") or field["key"])))
    return targets


def request_supplement(
    *,
    dossier: Dossier,
    official: User,
    items: Iterable[SupplementItem],
    reason: str = "",
    legal_basis: str = "",
    expected_revision: int | None = None,
) -> Decision:
    """Ask the applicant, once, for everything missing, with specific guidance per part (R-SUP-1, form 02).

    A second request on the same dossier needs a legal basis and is counted (R-SUP-2). Only the one-stop
    unit sends it (R-SUP-3). An unanswered request closes the dossier after 15 working days (R-SUP-6).
    """
    items = list(items)
    with transaction.atomic():
        d, _step = _lock(dossier, official, "request_supplement", expected_revision=expected_revision)
        labels = dict(supplement_targets(d))
        problems: list[Problem] = []
        if not items:
            problems.append(
                Problem(
                    "items",
                    "required",
                    _("Hãy chọn ít nhất một thành phần hoặc thông tin cần bổ sung và ghi rõ hướng dẫn."),
                )
            )
        seen: set[str] = set()
        signed = validly_signed_components(dossier=d)
        for item in items:
            if item.target.removeprefix("component.") in signed and _asks_for_paper(item.note):
                problems.append(
                    Problem(
                        item.target,
                        "paper_of_signed",
                        _(
                            "“%(label)s” đã được ký số hợp lệ: không được yêu cầu người nộp xuất trình hay nộp bản "
                            "giấy để đối chiếu (Nghị định 45/2020/NĐ-CP, Điều 6). Nếu nội dung chưa đúng, hãy hướng "
                            "dẫn nộp lại tệp điện tử."
                        )
                        % {"label": labels.get(item.target, item.target)},
                    )
                )
            if item.target not in labels:
                problems.append(
                    Problem(
                        item.target,
                        "unknown",
                        _(
                            "“%(target)s” không phải thành phần hoặc thông tin có thể yêu cầu bổ sung (thông tin "
                            "lấy từ cơ sở dữ liệu nhà nước không được yêu cầu lại)."
                        )
                        % {"target": item.target},
                    )
                )
            elif item.target in seen:
                problems.append(
                    Problem(
                        item.target,
                        "duplicate",
                        _("“%(label)s” được nêu hai lần.") % {"label": labels[item.target]},
                    )
                )
            elif len(item.note.strip()) < 10:
                problems.append(
                    Problem(
                        item.target,
                        "guidance_required",
                        _(
                            "Hãy ghi rõ cho “%(label)s”: thiếu hoặc sai gì và cần nộp lại thế nào (ít nhất 10 ký tự)."
                        )
                        % {"label": labels[item.target]},
                    )
                )
            seen.add(item.target)
        earlier = Decision.objects.filter(dossier=d, kind=Decision.Kind.SUPPLEMENT).order_by("at").first()
        if earlier is not None and len(legal_basis.strip()) < 10:
            problems.append(
                Problem(
                    "legal_basis",
                    "repeat_needs_basis",
                    _(
                        "Hồ sơ này đã được yêu cầu bổ sung một lần (phiếu %(number)s ngày %(at)s). Chỉ được yêu cầu "
                        "lại khi pháp luật chuyên ngành cho phép: hãy ghi rõ căn cứ pháp lý."
                    )
                    % {"number": earlier.number, "at": timezone.localtime(earlier.at).strftime("%d/%m/%Y")},
                )
            )
        if problems:
            raise WorkflowError(problems)
        now = timezone.now()
        calendar = _calendar(d)
        wait_days = int(_param(d, "supplement_days", 15))
        if d.status == Status.PROCESSING:
            # The processing clock stops; it restarts from zero when the complete dossier arrives (R-SUP-5).
            for step in ProcessingStep.objects.filter(dossier=d, handed_over_at__isnull=True):
                _close_step(step, now, official, _("Dừng để chờ công dân bổ sung hồ sơ."))
        d.status = Status.SUPPLEMENT_REQUESTED
        d.stage = Dossier.Stage.RECEPTION
        d.open_targets = [item.target for item in items]
        d.save()
        item_data = [{"target": i.target, "label": labels[i.target], "note": i.note.strip()} for i in items]
        decision = _decide(
            d,
            Decision.Kind.SUPPLEMENT,
            official,
            now,
            reason=reason.strip(),
            data={"items": item_data},
            is_repeat=earlier is not None,
            legal_basis=legal_basis.strip(),
            closes_at=calendar.add_working_days(now, wait_days),
        )
        _event(
            d, DossierEvent.Kind.SUPPLEMENT_REQUESTED, now, official, number=decision.number, items=item_data
        )
        _audit(official, "supplement_requested", d, now, items=item_data, is_repeat=decision.is_repeat)
        lines = "\n".join(f"{n}. {i['label']}: {i['note']}" for n, i in enumerate(item_data, start=1))
        _notify_applicant(
            d,
            _("Hồ sơ %(reference)s cần bổ sung") % {"reference": d.code or d.reference},
            _(
                "%(agency)s đề nghị bổ sung, hoàn thiện hồ sơ (phiếu %(number)s):\n%(lines)s\n"
                "Hãy bổ sung trên Cổng dịch vụ công trước %(closes)s; quá hạn này hồ sơ sẽ bị đóng."
            )
            % {
                "agency": d.agency.name,
                "number": decision.number,
                "lines": lines,
                "closes": _when(decision.closes_at),
            },
        )
    dossier.refresh_from_db()
    return decision


def refuse(
    *,
    dossier: Dossier,
    official: User,
    reason: str,
    competent_agency: str = "",
    expected_revision: int | None = None,
) -> Decision:
    """Refuse a submitted dossier with specific reasons and, where known, the competent agency (R-REF-1, form 03)."""
    if len(reason.strip()) < 10:
        raise _problem(
            "reason",
            "required",
            _("Hãy ghi rõ lý do từ chối (ít nhất 10 ký tự) để công dân biết cần làm gì."),
        )
    with transaction.atomic():
        d, _step = _lock(dossier, official, "refuse", expected_revision=expected_revision)
        now = timezone.now()
        _end(d, Status.REFUSED, now, official, "")
        decision = _decide(
            d,
            Decision.Kind.REFUSE,
            official,
            now,
            reason=reason.strip(),
            data={"competent_agency": competent_agency.strip()},
        )
        _event(d, DossierEvent.Kind.REFUSED, now, official, number=decision.number, reason=decision.reason)
        _audit(official, "refused", d, now, reason=decision.reason)
        body = _("%(agency)s từ chối tiếp nhận hồ sơ (phiếu %(number)s).\nLý do: %(reason)s") % {
            "agency": d.agency.name,
            "number": decision.number,
            "reason": decision.reason,
        }
        if competent_agency.strip():
            body += "\n" + _("Cơ quan có thẩm quyền: %(agency)s") % {"agency": competent_agency.strip()}
        _notify_applicant(d, _("Hồ sơ %(reference)s bị từ chối tiếp nhận") % {"reference": d.reference}, body)
    dossier.refresh_from_db()
    return decision


def resubmit(*, dossier: Dossier, applicant: User) -> Dossier:
    """The applicant sends what the supplement request asked for: a new revision (R-SUP-4); the officials'
    8-working-hour check restarts from it (R-SUP-5). On any problem DossierError lists them all."""
    with transaction.atomic():
        d = (
            Dossier.objects.select_for_update(of=("self",))  # rule_set is an outer join: see _lock
            .select_related("procedure", "agency", "applicant", "rule_set")
            .get(pk=dossier.pk, applicant=applicant)
        )
        if d.status != Status.SUPPLEMENT_REQUESTED:
            raise DossierError(
                [
                    Problem(
                        "dossier",
                        "not_requested",
                        _("Hồ sơ này không có yêu cầu bổ sung nào đang chờ. Hãy tải lại trang."),
                    )
                ]
            )
        d = revision_submit(dossier=d, applicant=applicant)
        now = d.submitted_at
        assert now is not None
        request = (
            Decision.objects.filter(dossier=d, kind=Decision.Kind.SUPPLEMENT, answered_at__isnull=True)
            .order_by("-at")
            .first()
        )
        if request is not None:
            request.answered_at = now
            request.save(update_fields=["answered_at"])
        _event(
            d,
            DossierEvent.Kind.RESUBMITTED,
            now,
            applicant,
            revision=d.revision,
            official_receipt_at=d.official_receipt_at.isoformat() if d.official_receipt_at else "",
        )
        _audit(applicant, "resubmitted", d, now, manifest_sha256=d.manifest_sha256)
        _notify_applicant(
            d,
            _("Đã nhận hồ sơ bổ sung %(reference)s") % {"reference": d.code or d.reference},
            _(
                "Hồ sơ bổ sung (lần nộp %(revision)s) đã được gửi lúc %(at)s. Cán bộ Một cửa sẽ kiểm tra và trả lời "
                "chậm nhất lúc %(due)s."
            )
            % {"revision": d.revision, "at": _when(now), "due": _when(d.check_due_at)},
        )
    dossier.refresh_from_db()
    return dossier


def withdraw(*, dossier: Dossier, applicant: User, reason: str = "") -> Decision:
    """The applicant stops a dossier on which no decision or result has been issued (R-STOP-1, form 05)."""
    with transaction.atomic():
        d = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure", "agency", "applicant")
            .get(pk=dossier.pk, applicant=applicant)
        )
        if d.status not in WITHDRAWABLE:
            raise DossierError(
                [
                    Problem(
                        "dossier",
                        "not_withdrawable",
                        _("Hồ sơ đang ở trạng thái “%(status)s” nên không thể dừng giải quyết.")
                        % {"status": d.get_status_display()},
                    )
                ]
            )
        if d.status == Status.PROCESSING and ResultDocument.objects.filter(dossier=d).exists():
            step = open_step(d)
            if step is not None and step.kind != Kind.SPECIALIST:
                raise DossierError(
                    [
                        Problem(
                            "dossier",
                            "result_issued",
                            _("Kết quả giải quyết đã được trình ký nên không thể dừng giải quyết hồ sơ."),
                        )
                    ]
                )
        now = timezone.now()
        # Printed on the stop notice (Form 05), a Vietnamese legal text whatever language the applicant uses.
        with translation.override("vi"):
            status_label = str(d.get_status_display())
        _end(d, Status.WITHDRAWN, now, applicant, _("Dừng theo yêu cầu của người nộp."))
        decision = _decide(
            d,
            Decision.Kind.WITHDRAW,
            applicant,
            now,
            reason=reason.strip()[:2000],
            data={"status_label": status_label},
        )
        _event(d, DossierEvent.Kind.WITHDRAWN, now, applicant)
        _audit(applicant, "withdrawn", d, now, reason=decision.reason)
        _notify_applicant(
            d,
            _("Đã dừng giải quyết hồ sơ %(reference)s") % {"reference": d.code or d.reference},
            _("Theo yêu cầu của bạn, hồ sơ đã được dừng giải quyết lúc %(at)s.") % {"at": _when(now)},
        )
    dossier.refresh_from_db()
    return decision


def close_unanswered_supplements(*, now: dt.datetime | None = None) -> int:
    """Close the dossiers whose supplement request went unanswered past its deadline (R-SUP-6); run by the
    task worker. Returns how many were closed."""
    now = now or timezone.now()
    closed = 0
    due = Decision.objects.filter(
        kind=Decision.Kind.SUPPLEMENT, answered_at__isnull=True, closes_at__lte=now
    ).values_list("dossier_id", flat=True)
    for dossier_id in list(due):
        with transaction.atomic():
            d = (
                Dossier.objects.select_for_update(of=("self",))
                .select_related("applicant", "agency")
                .get(pk=dossier_id)
            )
            if d.status != Status.SUPPLEMENT_REQUESTED:
                continue
            _end(d, Status.CLOSED, now, None, "")
            Decision.objects.filter(
                dossier=d, kind=Decision.Kind.SUPPLEMENT, answered_at__isnull=True
            ).update(closes_at=None)
            _decide(d, Decision.Kind.CLOSE, None, now, reason=_("Quá hạn bổ sung hồ sơ."))
            _event(d, DossierEvent.Kind.CLOSED, now, None)
            _audit(None, "closed", d, now)
            _notify_applicant(
                d,
                _("Hồ sơ %(reference)s đã đóng") % {"reference": d.code or d.reference},
                _("Hồ sơ không được bổ sung trong thời hạn nên đã đóng lúc %(at)s. Bạn có thể nộp hồ sơ mới.")
                % {"at": _when(now)},
            )
            closed += 1
    return closed


# -- processing (R-PROC-*) -----------------------------------------------------------------------------


def assign(*, dossier: Dossier, official: User, assignee: User) -> ProcessingStep:
    """Assign (or reassign) the specialist step to `assignee`; a specialist may take an unassigned step."""
    with transaction.atomic():
        d, step = _lock(dossier, official, "assign")
        assert step is not None
        roles = roles_at(official, d.agency_id)
        if Role.LEADER not in roles and (
            assignee.pk != official.pk or step.assignee_id not in (None, official.pk)
        ):
            raise _problem(
                "assignee", "forbidden", _("Chỉ lãnh đạo mới phân công hồ sơ cho chuyên viên khác.")
            )
        if Role.SPECIALIST not in roles_at(assignee, d.agency_id):
            raise _problem(
                "assignee",
                "not_specialist",
                _("%(name)s không phải chuyên viên xử lý của %(agency)s.")
                % {"name": assignee.display_name, "agency": d.agency.name},
            )
        now = timezone.now()
        previous = step.assignee_id
        step.assignee = assignee
        if step.giver_id is None:
            step.giver = official
        step.save(update_fields=["assignee", "giver"])
        _audit(official, "assigned", d, now, step=step.order, assignee=assignee.username, previous=previous)
    return step


def consult(
    *, dossier: Dossier, official: User, agency: Agency, question: str, hours: Decimal | int = 16
) -> Consultation:
    """Ask another agency's opinion, with its own deadline in working hours (R-PROC-4)."""
    if len(question.strip()) < 10:
        raise _problem("question", "required", _("Hãy ghi rõ nội dung cần lấy ý kiến (ít nhất 10 ký tự)."))
    with transaction.atomic():
        d, _step = _lock(dossier, official, "consult")
        if agency.pk == d.agency_id:
            raise _problem(
                "agency", "same_agency", _("Hãy chọn một cơ quan khác cơ quan đang giải quyết hồ sơ.")
            )
        now = timezone.now()
        calendar = _calendar(d)
        consultation = Consultation.objects.create(
            dossier=d,
            agency=agency,
            requested_by=official,
            requested_at=now,
            due_at=calendar.add_working_hours(calendar.next_working_moment(now), Decimal(hours)),
            question=question.strip(),
        )
        _audit(official, "consulted", d, now, agency=agency.code, due_at=consultation.due_at.isoformat())
    return consultation


def answer_consultation(*, consultation: Consultation, official: User, answer: str) -> Consultation:
    """The consulted agency answers; the answer returns to the lead agency's specialist (R-PROC-4)."""
    if len(answer.strip()) < 2:
        raise _problem("answer", "required", _("Hãy nhập nội dung trả lời."))
    with transaction.atomic():
        c = Consultation.objects.select_for_update().select_related("dossier").get(pk=consultation.pk)
        if not roles_at(official, c.agency_id) & {Role.SPECIALIST, Role.LEADER}:
            raise _problem(
                "consultation", "forbidden", _("Chỉ cán bộ của cơ quan được hỏi ý kiến mới trả lời được.")
            )
        if c.answered_at is not None:
            raise DossierChanged([Problem("consultation", "answered", _("Yêu cầu này đã được trả lời."))])
        now = timezone.now()
        c.answered_by, c.answered_at, c.answer = official, now, answer.strip()
        c.save(update_fields=["answered_by", "answered_at", "answer"])
        _audit(official, "consultation_answered", c.dossier, now, agency=c.agency_id)
    return c


def attach_result(
    *, dossier: Dossier, official: User, original_name: str, chunks: Iterable[bytes]
) -> ResultDocument:
    """Attach an electronic result (PDF), coded `<dossier code>-KQ<n>` (R-CODE-5)."""
    d0 = Dossier.objects.get(pk=dossier.pk)
    if not _allowed("attach_result", d0, roles_at(official, d0.agency_id), open_step(d0), official):
        _lock_check_only(d0, official, "attach_result")
    try:
        blob = storage.store_chunks(chunks, max_bytes=MAX_RESULT_BYTES)
    except storage.TooLarge:
        raise _problem("file", "too_large", _("Tệp kết quả vượt quá 50 MB.")) from None
    content_type = sniff.sniff(blob.head)
    reason = _("Kết quả phải là tệp PDF.") if content_type != "application/pdf" else check_pdf(blob.path)
    if reason:
        raise _problem("file", "file_rejected", reason)
    with transaction.atomic():
        d, _step = _lock(dossier, official, "attach_result")
        stored, _created = StoredFile.objects.get_or_create(
            sha256=blob.sha256, defaults={"size": blob.size, "content_type": content_type}
        )
        n = ResultDocument.objects.filter(dossier=d).count() + 1
        now = timezone.now()
        name = (original_name or "ket-qua.pdf").replace("\\", "/").rsplit("/", 1)[-1][:200]
        result = ResultDocument.objects.create(
            dossier=d,
            code=f"{d.code}-KQ{n}",
            stored_file=stored,
            original_name=name,
            attached_by=official,
            attached_at=now,
        )
        _audit(official, "result_attached", d, now, result=result.code, sha256=blob.sha256)
    return result


def _lock_check_only(dossier: Dossier, official: User, action: str) -> None:
    with transaction.atomic():
        _lock(dossier, official, action)


def _hand_over(
    d: Dossier, step: ProcessingStep, official: User, next_kind: str, now: dt.datetime, note: str = ""
) -> ProcessingStep:
    calendar = _calendar(d)
    _close_step(step, now, official, note)
    assignee: User | None = None
    if next_kind == Kind.SPECIALIST:
        # Sent back: the specialist who did the work takes it again.
        earlier = (
            ProcessingStep.objects.filter(dossier=d, kind=Kind.SPECIALIST)
            .exclude(assignee=None)
            .order_by("-order")
            .first()
        )
        assignee = earlier.assignee if earlier else None
    return _open_step(d, next_kind, received_at=now, giver=official, calendar=calendar, assignee=assignee)


def submit_for_approval(*, dossier: Dossier, official: User, note: str = "") -> ProcessingStep:
    """The specialist hands the draft result to the leader (R-PROC-3 records the hand-over)."""
    with transaction.atomic():
        d, step = _lock(dossier, official, "submit_for_approval")
        assert step is not None
        problems = []
        if not ResultDocument.objects.filter(dossier=d).exists():
            problems.append(
                Problem("results", "required", _("Hãy đính kèm dự thảo kết quả trước khi trình."))
            )
        if Consultation.objects.filter(dossier=d, answered_at__isnull=True).exists():
            problems.append(
                Problem(
                    "consultations", "open", _("Còn ý kiến của cơ quan khác chưa trả lời; hãy chờ trả lời.")
                )
            )
        if problems:
            raise WorkflowError(problems)
        now = timezone.now()
        new = _hand_over(d, step, official, Kind.APPROVAL, now, note)
        d.save()
        _audit(official, "handed_over", d, now, step=step.order, to=new.kind)
    return new


def _replace_result_file(result: ResultDocument, data: bytes) -> None:
    stored = stored_file_from_bytes(data)
    result.draft_file = result.draft_file or result.stored_file
    result.stored_file = stored


def approve(*, dossier: Dossier, official: User, note: str = "", sign: bool = False) -> ProcessingStep:
    """The leader approves the draft result; with `sign`, each result also gets the leader's personal
    signature (their key at the agency), under the agency seal added when it is issued."""
    with transaction.atomic():
        d, step = _lock(dossier, official, "approve")
        assert step is not None
        now = timezone.now()
        signed = []
        if sign:
            for result in ResultDocument.objects.filter(dossier=d).select_related("stored_file"):
                try:
                    with storage.open_blob(result.stored_file.sha256) as f:
                        data = sign_as_leader(f.read(), agency=d.agency, leader=official)
                except SealingError as error:
                    raise _problem("sign", "sealing", str(error)) from None
                _replace_result_file(result, data)
                result.leader_signed_by = official
                result.save(update_fields=["stored_file", "draft_file", "leader_signed_by"])
                signed.append(result.code)
        new = _hand_over(d, step, official, Kind.RESULT, now, note)
        d.save()
        _audit(official, "approved", d, now, step=step.order, signed=signed)
    return new


def send_back(*, dossier: Dossier, official: User, note: str) -> ProcessingStep:
    if len(note.strip()) < 5:
        raise _problem("note", "required", _("Hãy ghi rõ cần xử lý lại điều gì."))
    with transaction.atomic():
        d, step = _lock(dossier, official, "send_back")
        assert step is not None
        now = timezone.now()
        new = _hand_over(d, step, official, Kind.SPECIALIST, now, note.strip())
        d.save()
        _audit(official, "sent_back", d, now, step=step.order, note=note.strip())
    return new


def _seal_results(d: Dossier, official: User) -> None:
    """Seal every result with the agency's key and serve the sealed bytes from then on (R-RES-1).

    Without a key no result is issued (the official is told why and nothing changes), unless the
    deployment allows unsealed results (MOTCUA_SEAL_REQUIRED=0, tests of other features only).
    """
    has_key = AgencySigningKey.objects.filter(agency=d.agency, holder=None, active=True).exists()
    if not has_key and not settings.MOTCUA_SEAL_REQUIRED:
        return
    for result in ResultDocument.objects.filter(dossier=d).select_related("stored_file", "leader_signed_by"):
        with storage.open_blob(result.stored_file.sha256) as f:
            data: bytes = f.read()

        def as_attached(_token: str, data: bytes = data) -> bytes:
            return data  # the result is the specialist's PDF: its QR code is in the seal's visible block

        try:
            issued = document_issue(
                kind=IssuedDocument.Kind.RESULT,
                agency=d.agency,
                render=as_attached,
                official=official,
                dossier=d,
                result=result,
                document_code=result.code,
                leader_name=result.leader_signed_by.display_name if result.leader_signed_by else "",
            )
        except SealingError as error:
            raise _problem("dossier", "sealing", str(error)) from None
        result.draft_file = result.draft_file or result.stored_file
        result.stored_file = issued.stored_file
        result.save(update_fields=["stored_file", "draft_file"])


def issue_result(*, dossier: Dossier, official: User) -> ProcessingStep:
    """The approved result is issued: the dossier is *result ready* and waits at the one-stop for return."""
    with transaction.atomic():
        d, step = _lock(dossier, official, "issue_result")
        assert step is not None
        _seal_results(d, official)
        now = timezone.now()
        new = _hand_over(d, step, official, Kind.RETURN, now)
        d.status = Status.RESULT_READY
        d.result_ready_at = now
        d.save()
        _event(d, DossierEvent.Kind.RESULT_READY, now, official)
        warehouse.results_store(dossier=d, official=official, at=now)  # with consent (R-WH-1)
        _audit(
            official,
            "result_ready",
            d,
            now,
            results=list(ResultDocument.objects.filter(dossier=d).values_list("code", flat=True)),
        )
        _notify_applicant(
            d,
            _("Hồ sơ %(code)s đã có kết quả") % {"code": d.code},
            _("Kết quả giải quyết hồ sơ %(code)s đã được ban hành lúc %(at)s.")
            % {"code": d.code, "at": _when(now)},
        )
    return new


def return_result(*, dossier: Dossier, official: User) -> Dossier:
    """The one-stop returns the result (online: the applicant downloads it from the account); *done*."""
    with transaction.atomic():
        d, _step = _lock(dossier, official, "return_result")
        now = timezone.now()
        _end(d, Status.DONE, now, official, "")
        _event(d, DossierEvent.Kind.DONE, now, official)
        _audit(official, "done", d, now)
        _notify_applicant(
            d,
            _("Đã trả kết quả hồ sơ %(code)s") % {"code": d.code},
            _("Kết quả giải quyết hồ sơ %(code)s đã được trả lúc %(at)s. Bạn tải kết quả trong trang hồ sơ.")
            % {"code": d.code, "at": _when(now)},
        )
    dossier.refresh_from_db()
    return dossier


def reject(*, dossier: Dossier, official: User, reason: str) -> Decision:
    """The dossier is found ineligible during appraisal: it ends with a written refusal (R-PROC-5, form 03)."""
    if len(reason.strip()) < 10:
        raise _problem("reason", "required", _("Hãy ghi rõ lý do không đủ điều kiện (ít nhất 10 ký tự)."))
    with transaction.atomic():
        d, _step = _lock(dossier, official, "reject")
        now = timezone.now()
        _end(d, Status.REJECTED, now, official, _("Không đủ điều kiện giải quyết."))
        decision = _decide(d, Decision.Kind.REJECT, official, now, reason=reason.strip())
        _event(d, DossierEvent.Kind.REJECTED, now, official, number=decision.number, reason=decision.reason)
        _audit(official, "rejected", d, now, reason=decision.reason)
        _notify_applicant(
            d,
            _("Hồ sơ %(code)s không đủ điều kiện giải quyết") % {"code": d.code},
            _("Lý do: %(reason)s (phiếu %(number)s).")
            % {"reason": decision.reason, "number": decision.number},
        )
    dossier.refresh_from_db()
    return decision


def apologise(*, dossier: Dossier, official: User, reason: str, new_due_at: dt.datetime) -> Decision:
    """Apologise and set a new appointment, once (R-LATE-1, R-LATE-2, form 04); the original date stays for
    statistics, where the dossier counts as late (R-LATE-3)."""
    problems = []
    if len(reason.strip()) < 10:
        problems.append(Problem("reason", "required", _("Hãy ghi rõ lý do chậm trễ (ít nhất 10 ký tự).")))
    with transaction.atomic():
        d, _step = _lock(dossier, official, "apologise")
        assert d.due_at is not None
        if new_due_at <= d.due_at:
            problems.append(
                Problem(
                    "new_due_at",
                    "not_later",
                    _("Ngày hẹn mới phải sau ngày hẹn hiện tại (%(due)s).") % {"due": _when(d.due_at)},
                )
            )
        if problems:
            raise WorkflowError(problems)
        now = timezone.now()
        calendar = _calendar(d)
        # R-LATE-1: at least one working day before the due date; a later apology is still recorded, flagged.
        late_notice = calendar.working_time_between(now, d.due_at) < dt.timedelta(hours=8)
        previous = d.due_at
        d.due_at = new_due_at
        d.save()
        decision = _decide(
            d,
            Decision.Kind.APOLOGY,
            official,
            now,
            reason=reason.strip(),
            data={
                "previous_due_at": previous.isoformat(),
                "new_due_at": new_due_at.isoformat(),
                "late_notice": late_notice,
            },
        )
        _event(
            d,
            DossierEvent.Kind.APOLOGY,
            now,
            official,
            number=decision.number,
            new_due_at=new_due_at.isoformat(),
        )
        _audit(
            official,
            "apologised",
            d,
            now,
            previous_due_at=previous.isoformat(),
            new_due_at=new_due_at.isoformat(),
        )
        _notify_applicant(
            d,
            _("Xin lỗi về việc chậm trả kết quả hồ sơ %(code)s") % {"code": d.code},
            _(
                "%(agency)s xin lỗi vì chưa thể trả kết quả đúng hẹn (%(old)s).\nLý do: %(reason)s\n"
                "Ngày hẹn trả kết quả mới: %(new)s (phiếu %(number)s)."
            )
            % {
                "agency": d.agency.name,
                "old": _when(previous),
                "reason": decision.reason,
                "new": _when(new_due_at),
                "number": decision.number,
            },
        )
    dossier.refresh_from_db()
    return decision


# -- pausing the clock (R-PROC-6) ------------------------------------------------------------------------

SUSPEND_REASONS = {
    "fee": gettext_lazy("Chờ người nộp thực hiện nghĩa vụ tài chính"),
    "applicant": gettext_lazy("Chờ người nộp cung cấp thông tin, giấy tờ theo quy định chuyên ngành"),
    "verification": gettext_lazy("Chờ kết quả xác minh, giám định theo quy định"),
}


def suspend(*, dossier: Dossier, official: User, ground: str, reason: str) -> Decision:
    """Pause the processing clock while the dossier waits for the applicant as the rules allow (R-PROC-6),
    e.g. until a fee is paid. The appointment moves by the working time paused when the clock resumes."""
    problems = []
    if ground not in SUSPEND_REASONS:
        problems.append(
            Problem(
                "ground",
                "required",
                _("Hãy chọn căn cứ tạm dừng: %(grounds)s.")
                % {"grounds": "; ".join(map(str, SUSPEND_REASONS.values()))},
            )
        )
    if len(reason.strip()) < 10:
        problems.append(Problem("reason", "required", _("Hãy ghi rõ đang chờ điều gì (ít nhất 10 ký tự).")))
    if problems:
        raise WorkflowError(problems)
    with transaction.atomic():
        d, step = _lock(dossier, official, "suspend")
        assert step is not None
        now = timezone.now()
        step.suspended_at = now
        step.save(update_fields=["suspended_at"])
        decision = _decide(
            d, Decision.Kind.SUSPEND, official, now, reason=reason.strip(), data={"ground": ground}
        )
        _event(d, DossierEvent.Kind.SUSPENDED, now, official, reason=decision.reason)
        _audit(official, "suspended", d, now, ground=ground, reason=decision.reason)
        _notify_applicant(
            d,
            _("Hồ sơ %(code)s tạm dừng tính thời hạn") % {"code": d.code},
            _(
                "%(ground)s: %(reason)s\nThời hạn giải quyết được tính tiếp khi việc này xong; ngày hẹn sẽ lùi tương ứng."
            )
            % {"ground": SUSPEND_REASONS[ground], "reason": decision.reason},
        )
    dossier.refresh_from_db()
    return decision


def resume(*, dossier: Dossier, official: User, note: str = "") -> Decision:
    """Restart the clock: the open step's deadline and the appointment move by the working time paused.
    The original appointment moves too: a lawful pause does not make the dossier late (unlike an apology)."""
    with transaction.atomic():
        d, step = _lock(dossier, official, "resume")
        assert step is not None and step.suspended_at is not None
        now = timezone.now()
        calendar = _calendar(d)
        paused = max(calendar.working_time_between(step.suspended_at, now), dt.timedelta(0))
        step.due_at = calendar.add_working_hours(step.due_at, paused)
        step.suspended_at = None
        step.save(update_fields=["due_at", "suspended_at"])
        previous = d.due_at
        assert previous is not None
        d.due_at = calendar.add_working_hours(previous, paused)
        if d.original_due_at is not None:
            d.original_due_at = calendar.add_working_hours(d.original_due_at, paused)
        d.save()
        decision = _decide(
            d,
            Decision.Kind.RESUME,
            official,
            now,
            reason=note.strip()[:2000],
            data={
                "paused_hours": str(round(paused.total_seconds() / 3600, 2)),
                "previous_due_at": previous.isoformat(),
                "new_due_at": d.due_at.isoformat(),
            },
        )
        _event(d, DossierEvent.Kind.RESUMED, now, official, new_due_at=d.due_at.isoformat())
        _audit(
            official,
            "resumed",
            d,
            now,
            paused_seconds=int(paused.total_seconds()),
            new_due_at=d.due_at.isoformat(),
        )
        _notify_applicant(
            d,
            _("Hồ sơ %(code)s tiếp tục được giải quyết") % {"code": d.code},
            _("Thời hạn giải quyết được tính tiếp. Hẹn trả kết quả mới: %(due)s.") % {"due": _when(d.due_at)},
        )
    dossier.refresh_from_db()
    return decision
