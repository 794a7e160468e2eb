"""Reads for the one-stop back office: the queue of dossiers awaiting check (R-CHK-1, R-CHK-3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from motcua.catalog.models import Agency, Procedure
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_search, official_agency_ids
from motcua.identity.models import User
from motcua.workflow.selectors import CHECK_DUE_SOON, deadline_state
from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.selectors import calendar_for

DUE_SOON = CHECK_DUE_SOON  # R-CHK-3
MAX_LIMIT = 200


@dataclass(frozen=True)
class QueueRow:
    dossier: Dossier
    remaining: timedelta  # working time until check_due_at; negative once it has passed
    state: str  # OVERDUE, DUE_SOON_STATE or OK


@dataclass(frozen=True)
class QueuePage:
    rows: list[QueueRow]
    next_after: tuple[datetime, int] | None  # pass back as `after` for the next page; None on the last


@dataclass(frozen=True)
class QueueCounts:
    total: int
    due_soon: int
    overdue: int


def check_state(remaining: timedelta) -> str:
    return deadline_state(remaining, CHECK_DUE_SOON)


def _awaiting(agency_ids: list[int]) -> QuerySet[Dossier]:
    return Dossier.objects.filter(agency_id__in=agency_ids, status=Dossier.Status.SUBMITTED)


def awaiting_check(
    *,
    official: User,
    after: tuple[datetime, int] | None = None,
    limit: int = 50,
    procedure_code: str | None = None,
    q: str = "",
    now: datetime | None = None,
) -> QueuePage:
    """Submitted dossiers of the official's agencies, most urgent first (check_due_at, then id).

    Keyset pagination: `after` is the (check_due_at, id) of the last row already shown. The number of
    queries does not depend on `limit`: the official's agencies, the page, one calendar per agency on it.
    Each row carries the working time left until its check deadline on its agency's calendar (R-CHK-1)
    and its state: overdue, due soon (<= 2 working hours, R-CHK-3) or ok.
    """
    now = now or timezone.now()
    limit = max(1, min(limit, MAX_LIMIT))
    queryset = _awaiting(official_agency_ids(official=official))
    if procedure_code:
        queryset = queryset.filter(procedure__code=procedure_code)
    queryset = dossier_search(queryset, q)
    if after is not None:
        due, last_id = after
        queryset = queryset.filter(Q(check_due_at__gt=due) | Q(check_due_at=due, id__gt=last_id))
    dossiers = list(
        queryset.select_related("procedure", "agency", "applicant").order_by("check_due_at", "id")[
            : limit + 1
        ]
    )
    has_more = len(dossiers) > limit
    dossiers = dossiers[:limit]
    calendars: dict[int, WorkCalendar] = {}
    rows = []
    for dossier in dossiers:
        calendar = calendars.get(dossier.agency_id)
        if calendar is None:
            calendar = calendars[dossier.agency_id] = calendar_for(agency=dossier.agency)
        due_at = dossier.check_due_at
        assert due_at is not None  # set at submission, and only submitted dossiers are queued
        remaining = calendar.working_time_between(now, due_at)
        if remaining == timedelta(0) and due_at < now:
            # Past due outside working hours (evening, weekend): no working time left, but late all the same.
            remaining = -timedelta(microseconds=1)
        rows.append(QueueRow(dossier=dossier, remaining=remaining, state=check_state(remaining)))
    last = dossiers[-1] if has_more else None
    next_after = (last.check_due_at, last.pk) if last is not None and last.check_due_at else None
    return QueuePage(rows=rows, next_after=next_after)


def awaiting_check_counts(*, official: User, now: datetime | None = None) -> QueueCounts:
    """How many dossiers await check, how many are due soon and how many overdue, across the official's agencies.

    Due soon means due within 2 working hours on the agency's calendar (R-CHK-3): for each agency the
    moment 2 working hours from now is computed once, and the database counts the rows before it.
    """
    now = now or timezone.now()
    agency_ids = official_agency_ids(official=official)
    if not agency_ids:
        return QueueCounts(total=0, due_soon=0, overdue=0)
    due_soon = Q()
    for agency in Agency.objects.filter(pk__in=agency_ids):
        limit = calendar_for(agency=agency).add_working_hours(now, DUE_SOON)
        due_soon |= Q(agency_id=agency.pk, check_due_at__lte=limit)
    counts = _awaiting(agency_ids).aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(check_due_at__lt=now)),
        due_soon=Count("id", filter=due_soon & Q(check_due_at__gte=now)),
    )
    return QueueCounts(**counts)


def queue_procedures(*, official: User) -> QuerySet[Procedure]:
    """The procedures of the official's agencies, for the queue's filter."""
    return (
        Procedure.objects.filter(agencies__in=official_agency_ids(official=official))
        .distinct()
        .order_by("name")
        .only("code", "name")
    )
