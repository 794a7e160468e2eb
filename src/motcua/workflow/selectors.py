"""Reads of the one-stop process: the officials' work queues, and what the dossier page shows of a dossier's
processing (the control sheet, the decisions, the consultations, the results).

Every queue is scoped by the official's roles at each agency (R-PROH-4), ordered by its deadline (most urgent
first) and paged by keyset: `after` is the (deadline, id) of the last row already shown, so a page costs the
same few queries on the millionth row as on the first, and the same for 5 rows as for 200.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, DateTimeField, F, Q, QuerySet, When
from django.utils import timezone

from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_for_applicant, dossier_for_official, dossier_search
from motcua.identity.models import OfficialRole, User
from motcua.identity.selectors import roles_held
from motcua.workflow.models import Consultation, Decision, ProcessingStep, ResultDocument
from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.selectors import calendar_for

Role = OfficialRole.Role
Status = Dossier.Status
Kind = ProcessingStep.Kind

# A deadline with one working day or less left is "due soon": R-LATE-1 wants the apology at least that early.
DUE_SOON = dt.timedelta(hours=8)
# R-CHK-3: an officials' check with this much working time left, or less, is "due soon".
CHECK_DUE_SOON = dt.timedelta(hours=2)
MAX_LIMIT = 200

OVERDUE = "overdue"
DUE_SOON_STATE = "due_soon"
OK = "ok"

MY_WORK = "my_work"
APPROVAL = "approval"
TO_RETURN = "to_return"
LATE = "overdue"
CONSULTATIONS = "consultations"
AWAITING_CHECK = "awaiting_check"

# Which roles see which queue in the navigation; the existing awaiting-check queue is for the one-stop and
# the leaders who watch its deadlines (R-CHK-3).
QUEUE_ROLES: dict[str, frozenset[str]] = {
    AWAITING_CHECK: frozenset({Role.RECEPTIONIST, Role.LEADER}),
    MY_WORK: frozenset({Role.SPECIALIST, Role.LEADER}),
    APPROVAL: frozenset({Role.LEADER}),
    TO_RETURN: frozenset({Role.RECEPTIONIST}),
    LATE: frozenset({Role.RECEPTIONIST, Role.LEADER}),
    CONSULTATIONS: frozenset({Role.SPECIALIST, Role.LEADER}),
}


@dataclass(frozen=True)
class QueueFilters:
    """What an official narrows a queue by; empty values filter nothing."""

    procedure_code: str = ""
    # The dossier's status (overdue queue: submitted or processing) or, in "my work", the step's kind.
    status: str = ""
    due_by: dt.date | None = None  # deadline on or before this local day
    q: str = ""  # dossier code, reference, applicant name or citizen ID


@dataclass(frozen=True)
class WorkRow:
    dossier: Dossier
    deadline: dt.datetime
    remaining: dt.timedelta  # working time until the deadline; negative once it has passed
    state: str  # OVERDUE, DUE_SOON_STATE or OK
    step: ProcessingStep | None = None
    consultation: Consultation | None = None


@dataclass(frozen=True)
class WorkPage:
    rows: list[WorkRow]
    next_after: tuple[dt.datetime, int] | None  # pass back as `after` for the next page; None on the last


@dataclass(frozen=True)
class QueueCounts:
    counts: dict[str, int]
    roles: frozenset[str] = field(default_factory=frozenset)

    def visible(self) -> list[tuple[str, int]]:
        """The queues this official's roles call for, with their counts, in the navigation's order."""
        return [(name, self.counts.get(name, 0)) for name, roles in QUEUE_ROLES.items() if roles & self.roles]


def deadline_state(remaining: dt.timedelta, due_soon: dt.timedelta = DUE_SOON) -> str:
    """OVERDUE once the deadline has passed, DUE_SOON_STATE with `due_soon` working time left or less, else OK."""
    if remaining < dt.timedelta(0):
        return OVERDUE
    if remaining <= due_soon:
        return DUE_SOON_STATE
    return OK


def agencies_by_role(*, official: User) -> dict[str, set[int]]:
    """{role: agency ids} of the official's roles, own and delegated (empty for anyone not an official)."""
    found: dict[str, set[int]] = {}
    for agency_id, role in roles_held(official=official):
        found.setdefault(role, set()).add(agency_id)
    return found


def _agencies(roles: dict[str, set[int]], *wanted: str) -> set[int]:
    return set().union(*(roles.get(role, set()) for role in wanted))


# -- the queues -----------------------------------------------------------------------------------------


def _filtered(queryset: QuerySet, filters: QueueFilters, prefix: str, deadline: str) -> QuerySet:
    if filters.procedure_code:
        queryset = queryset.filter(**{f"{prefix}procedure__code": filters.procedure_code})
    if filters.due_by is not None:
        next_day = dt.datetime.combine(
            filters.due_by + dt.timedelta(days=1), dt.time(0), tzinfo=timezone.get_current_timezone()
        )
        queryset = queryset.filter(**{f"{deadline}__lt": next_day})
    if filters.q.strip():
        queryset = dossier_search(queryset, filters.q, prefix)
    return queryset


def _keyset(
    queryset: QuerySet, deadline: str, after: tuple[dt.datetime, int] | None, limit: int
) -> tuple[list, tuple[dt.datetime, int] | None]:
    """One page ordered by (deadline, id), and the keyset of the next page (None on the last)."""
    limit = max(1, min(limit, MAX_LIMIT))
    if after is not None:
        due, last_id = after
        queryset = queryset.filter(Q(**{f"{deadline}__gt": due}) | Q(**{deadline: due, "id__gt": last_id}))
    found = list(queryset.order_by(deadline, "id")[: limit + 1])
    if len(found) <= limit:
        return found, None
    found = found[:limit]
    last = found[-1]
    value = getattr(last, deadline)
    return found, (value, last.pk)


class _Clock:
    """Working time left until a deadline, on the calendar of the dossier's agency (one query per agency)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.calendars: dict[int, WorkCalendar] = {}

    def row(self, dossier: Dossier, deadline: dt.datetime, **extra) -> WorkRow:
        calendar = self.calendars.get(dossier.agency_id)
        if calendar is None:
            calendar = self.calendars[dossier.agency_id] = calendar_for(agency=dossier.agency)
        remaining = calendar.working_time_between(self.now, deadline)
        if remaining == dt.timedelta(0) and deadline < self.now:
            # Past due outside working hours: no working time left, but late all the same.
            remaining = -dt.timedelta(microseconds=1)
        return WorkRow(
            dossier=dossier, deadline=deadline, remaining=remaining, state=deadline_state(remaining), **extra
        )


_DOSSIER_RELATED = ("dossier__procedure", "dossier__agency", "dossier__applicant")


def _page(
    queryset: QuerySet,
    filters: QueueFilters,
    prefix: str,
    deadline: str,
    after: tuple[dt.datetime, int] | None,
    limit: int,
    now: dt.datetime | None,
    make_row: Callable[[_Clock, Any], WorkRow],
) -> WorkPage:
    """Filter a queue, take one keyset page by `deadline`, and turn each row into a WorkRow."""
    found, next_after = _keyset(_filtered(queryset, filters, prefix, deadline), deadline, after, limit)
    clock = _Clock(now or timezone.now())
    return WorkPage([make_row(clock, item) for item in found], next_after)


def _my_work_filter(official: User, roles: dict[str, set[int]]) -> Q:
    """Open steps assigned to the official, and the unassigned ones the official may take (a specialist
    step: its agency's specialists and leaders; a result step: its agency's specialists)."""
    return Q(handed_over_at__isnull=True, dossier__status=Status.PROCESSING) & (
        Q(assignee=official)
        | Q(
            assignee__isnull=True,
            kind=Kind.SPECIALIST,
            dossier__agency_id__in=_agencies(roles, Role.SPECIALIST, Role.LEADER),
        )
        | Q(assignee__isnull=True, kind=Kind.RESULT, dossier__agency_id__in=_agencies(roles, Role.SPECIALIST))
    )


def _approval_filter(roles: dict[str, set[int]]) -> Q:
    return Q(
        handed_over_at__isnull=True,
        kind=Kind.APPROVAL,
        dossier__status=Status.PROCESSING,
        dossier__agency_id__in=_agencies(roles, Role.LEADER),
    )


def _to_return_filter(roles: dict[str, set[int]]) -> Q:
    return Q(status=Status.RESULT_READY, agency_id__in=_agencies(roles, Role.RECEPTIONIST))


def _overdue_filter(roles: dict[str, set[int]], now: dt.datetime) -> Q:
    """Dossiers in processing past their appointment, and checks past their 8 working hours (R-CHK-3)."""
    return Q(agency_id__in=_agencies(roles, Role.LEADER, Role.RECEPTIONIST)) & (
        Q(status=Status.PROCESSING, due_at__lt=now) | Q(status=Status.SUBMITTED, check_due_at__lt=now)
    )


def _consultation_filter(roles: dict[str, set[int]]) -> Q:
    return Q(answered_at__isnull=True, agency_id__in=_agencies(roles, Role.SPECIALIST, Role.LEADER))


def my_work(
    *,
    official: User,
    filters: QueueFilters | None = None,
    after: tuple[dt.datetime, int] | None = None,
    limit: int = 50,
    now: dt.datetime | None = None,
) -> WorkPage:
    """ "Việc của tôi": open steps assigned to me, and the unassigned steps of my agencies I may take, by the
    step's deadline. `filters.status` is the step's kind (specialist or result). Queries: roles, the page,
    one calendar per agency on the page."""
    filters = filters or QueueFilters()
    roles = agencies_by_role(official=official)
    queryset = ProcessingStep.objects.filter(_my_work_filter(official, roles)).select_related(
        *_DOSSIER_RELATED, "assignee"
    )
    if filters.status in {Kind.SPECIALIST, Kind.RESULT}:
        queryset = queryset.filter(kind=filters.status)
    return _page(
        queryset,
        filters,
        "dossier__",
        "due_at",
        after,
        limit,
        now,
        lambda c, s: c.row(s.dossier, s.due_at, step=s),
    )


def awaiting_approval(
    *,
    official: User,
    filters: QueueFilters | None = None,
    after: tuple[dt.datetime, int] | None = None,
    limit: int = 50,
    now: dt.datetime | None = None,
) -> WorkPage:
    """ "Chờ phê duyệt": open approval steps of the agencies where I lead, by the step's deadline."""
    filters = filters or QueueFilters()
    queryset = ProcessingStep.objects.filter(
        _approval_filter(agencies_by_role(official=official))
    ).select_related(*_DOSSIER_RELATED, "giver")
    return _page(
        queryset,
        filters,
        "dossier__",
        "due_at",
        after,
        limit,
        now,
        lambda c, s: c.row(s.dossier, s.due_at, step=s),
    )


def awaiting_return(
    *,
    official: User,
    filters: QueueFilters | None = None,
    after: tuple[dt.datetime, int] | None = None,
    limit: int = 50,
    now: dt.datetime | None = None,
) -> WorkPage:
    """ "Chờ trả kết quả": result-ready dossiers of the agencies where I receive, by their appointment."""
    filters = filters or QueueFilters()
    queryset = Dossier.objects.filter(_to_return_filter(agencies_by_role(official=official))).select_related(
        "procedure", "agency", "applicant"
    )
    return _page(queryset, filters, "", "due_at", after, limit, now, lambda c, d: c.row(d, d.due_at))


def overdue(
    *,
    official: User,
    filters: QueueFilters | None = None,
    after: tuple[dt.datetime, int] | None = None,
    limit: int = 50,
    now: dt.datetime | None = None,
) -> WorkPage:
    """ "Quá hạn": dossiers in processing past their appointment and checks past their deadline, of the
    agencies where I lead or receive, the longest overdue first. `filters.status`: submitted or processing."""
    filters = filters or QueueFilters()
    now = now or timezone.now()
    queryset = (
        Dossier.objects.filter(_overdue_filter(agencies_by_role(official=official), now))
        .annotate(
            deadline=Case(
                When(status=Status.SUBMITTED, then=F("check_due_at")),
                default=F("due_at"),
                output_field=DateTimeField(),
            )
        )
        .select_related("procedure", "agency", "applicant")
    )
    if filters.status in {Status.SUBMITTED, Status.PROCESSING}:
        queryset = queryset.filter(status=filters.status)
    return _page(queryset, filters, "", "deadline", after, limit, now, lambda c, d: c.row(d, d.deadline))


def consultations_to_answer(
    *,
    official: User,
    filters: QueueFilters | None = None,
    after: tuple[dt.datetime, int] | None = None,
    limit: int = 50,
    now: dt.datetime | None = None,
) -> WorkPage:
    """ "Chờ cho ý kiến": unanswered consultations sent to the agencies where I process or lead (R-PROC-4)."""
    filters = filters or QueueFilters()
    queryset = Consultation.objects.filter(
        _consultation_filter(agencies_by_role(official=official))
    ).select_related(*_DOSSIER_RELATED, "agency", "requested_by")
    return _page(
        queryset,
        filters,
        "dossier__",
        "due_at",
        after,
        limit,
        now,
        lambda clock, c: clock.row(c.dossier, c.due_at, consultation=c),
    )


def queue_counts(*, official: User, now: dt.datetime | None = None) -> QueueCounts:
    """How many rows each queue holds for this official, for the navigation: four queries whatever the size
    (roles; dossiers; steps; consultations)."""
    now = now or timezone.now()
    roles = agencies_by_role(official=official)
    if not roles:
        return QueueCounts(counts={})
    all_agencies = _agencies(roles, *roles)
    dossiers = (
        Dossier.objects.filter(agency_id__in=all_agencies)
        # Only the rows some count takes: read through the (agency, status, …) indexes, not every dossier the
        # agencies ever had (a large agency's 220,000 took 140 ms on the bench's million, bench/queues.py).
        .filter(
            Q(status__in=[Status.SUBMITTED, Status.RESULT_READY])
            | Q(status=Status.PROCESSING, due_at__lt=now)
        )
        .aggregate(
            awaiting_check=Count("id", filter=Q(status=Status.SUBMITTED)),
            to_return=Count("id", filter=_to_return_filter(roles)),
            overdue=Count("id", filter=_overdue_filter(roles, now)),
        )
    )
    steps = (
        ProcessingStep.objects.filter(handed_over_at__isnull=True)
        # Likewise only the steps that can count: mine, and those of the agencies where I process or lead,
        # not every open step of every agency (33,000 took 130 ms for a receptionist on the bench's million).
        .filter(
            Q(assignee=official) | Q(dossier__agency_id__in=_agencies(roles, Role.SPECIALIST, Role.LEADER))
        )
        .aggregate(
            my_work=Count("id", filter=_my_work_filter(official, roles)),
            approval=Count("id", filter=_approval_filter(roles)),
        )
    )
    consultations = Consultation.objects.filter(_consultation_filter(roles)).count()
    return QueueCounts(
        counts={
            AWAITING_CHECK: dossiers["awaiting_check"],
            MY_WORK: steps["my_work"],
            APPROVAL: steps["approval"],
            TO_RETURN: dossiers["to_return"],
            LATE: dossiers["overdue"],
            CONSULTATIONS: consultations,
        },
        roles=frozenset(roles),
    )


# -- one dossier's processing, for its page ----------------------------------------------------------------


def control_sheet(*, dossier: Dossier) -> QuerySet[ProcessingStep]:
    """The rows of form 06: every step with who gave, who held and who handed it over (R-PROC-3)."""
    return ProcessingStep.objects.filter(dossier=dossier).select_related(
        "giver", "assignee", "handed_over_by"
    )


def decisions_of(*, dossier: Dossier) -> QuerySet[Decision]:
    return Decision.objects.filter(dossier=dossier).select_related("by")


def consultations_of(*, dossier: Dossier) -> QuerySet[Consultation]:
    return Consultation.objects.filter(dossier=dossier).select_related(
        "agency", "requested_by", "answered_by"
    )


def results_of(*, dossier: Dossier) -> QuerySet[ResultDocument]:
    return ResultDocument.objects.filter(dossier=dossier).select_related("stored_file", "attached_by")


def answerable_consultations(*, dossier: Dossier, official: User) -> list[Consultation]:
    """The dossier's unanswered consultations sent to an agency where the official processes or leads."""
    agencies = _agencies(agencies_by_role(official=official), Role.SPECIALIST, Role.LEADER)
    return [c for c in consultations_of(dossier=dossier) if c.answered_at is None and c.agency_id in agencies]


def consultation_of(*, dossier: Dossier, consultation_id: int) -> Consultation:
    """A consultation of a dossier already loaded through dossier_for_official; DoesNotExist otherwise."""
    return Consultation.objects.get(dossier=dossier, pk=consultation_id)


def specialists_of(*, agency_id: int) -> QuerySet[User]:
    """The agency's specialists, whom a leader may assign a dossier to."""
    return (
        User.objects.filter(
            kind=User.Kind.OFFICIAL,
            is_active=True,
            official_roles__agency_id=agency_id,
            official_roles__role=Role.SPECIALIST,
        )
        .distinct()
        .order_by("full_name", "username")
    )


def consultable_agencies(*, dossier: Dossier) -> QuerySet[Agency]:
    """Agencies a dossier may be sent to for an opinion: any other agency with someone able to answer."""
    return (
        Agency.objects.filter(official_roles__role__in=[Role.SPECIALIST, Role.LEADER])
        .exclude(pk=dossier.agency_id)
        .distinct()
        .order_by("name")
    )


def result_for_official(*, official: User, public_id: uuid.UUID | str, result_id: int) -> ResultDocument:
    """A result document of a dossier the official may read, through dossier_for_official (audited)."""
    dossier = dossier_for_official(official=official, public_id=public_id, purpose="result")
    return ResultDocument.objects.select_related("stored_file").get(dossier=dossier, pk=result_id)


@dataclass(frozen=True)
class AppointmentState:
    remaining: dt.timedelta  # working time until the appointment; negative once it has passed
    state: str  # OVERDUE, DUE_SOON_STATE (one working day or less: time to apologise, R-LATE-1) or OK


def appointment_state(*, dossier: Dossier, now: dt.datetime | None = None) -> AppointmentState | None:
    """How close the dossier is to its appointment for the result, in working time; None if it has none."""
    if dossier.due_at is None:
        return None
    row = _Clock(now or timezone.now()).row(dossier, dossier.due_at)
    return AppointmentState(remaining=row.remaining, state=row.state)


# -- the applicant's side: what they are told and may download ------------------------------------------

# What the applicant is told of (forms 02-05 and the closing); an acceptance's per-component check marks
# are the officials' working notes, and what the applicant needs of it (code, appointment) is on the dossier.
APPLICANT_DECISIONS = (
    Decision.Kind.SUPPLEMENT,
    Decision.Kind.REFUSE,
    Decision.Kind.REJECT,
    Decision.Kind.APOLOGY,
    Decision.Kind.WITHDRAW,
    Decision.Kind.CLOSE,
    Decision.Kind.SUSPEND,
    Decision.Kind.RESUME,
)
# A result is the applicant's only once issued: before that it is a draft awaiting the leader's approval.
RESULT_STATUSES = frozenset({Dossier.Status.RESULT_READY, Dossier.Status.DONE})


def decisions_for_applicant(*, dossier: Dossier) -> list[Decision]:
    """The decisions on `dossier` the applicant sees, oldest first."""
    return list(Decision.objects.filter(dossier=dossier, kind__in=APPLICANT_DECISIONS).order_by("at", "id"))


def receipt_for_applicant(*, dossier: Dossier) -> Decision | None:
    """The latest acceptance, whose form 01 (receipt and appointment slip) the applicant may download."""
    return Decision.objects.filter(dossier=dossier, kind=Decision.Kind.ACCEPT).order_by("-at", "-id").first()


def open_supplement_request(*, dossier: Dossier) -> Decision | None:
    """The supplement request the applicant has still to answer, if the dossier waits for one."""
    if dossier.status != Dossier.Status.SUPPLEMENT_REQUESTED:
        return None
    return (
        Decision.objects.filter(dossier=dossier, kind=Decision.Kind.SUPPLEMENT, answered_at__isnull=True)
        .order_by("-at", "-id")
        .first()
    )


def results_for_applicant(*, dossier: Dossier) -> QuerySet[ResultDocument]:
    """The issued results of `dossier` (none before it is result ready), in the order they were attached."""
    if dossier.status not in RESULT_STATUSES:
        return ResultDocument.objects.none()
    return ResultDocument.objects.filter(dossier=dossier).select_related("stored_file").order_by("id")


def result_for_applicant(*, user: User, public_id: uuid.UUID | str, result_id: int) -> ResultDocument:
    """One issued result of the user's own dossier; ResultDocument.DoesNotExist (or Dossier.DoesNotExist)
    alike whether it is missing, not issued yet, or someone else's."""
    dossier = dossier_for_applicant(user=user, public_id=public_id)
    return results_for_applicant(dossier=dossier).get(pk=result_id)
