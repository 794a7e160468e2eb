"""Indicators of the one-stop work per agency and period (R-TRK-2, R-LATE-3, R-SUP-2).

Reads only: counts computed from the dossiers and the workflow's decisions, never stored, so they cannot
drift from what happened.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.workflow.models import Decision

RESOLVED = (Dossier.Status.RESULT_READY, Dossier.Status.DONE, Dossier.Status.REJECTED)


@dataclass(frozen=True)
class Indicators:
    received: int  # submitted in the period (first revision)
    accepted: int
    refused: int
    supplement_requests: int
    repeated_supplement_requests: int  # beyond the first, with a legal basis (R-SUP-2)
    resolved: int
    early: int
    on_time: int
    late: int  # a rescheduled dossier is late (R-LATE-3)
    rescheduled: int

    @property
    def on_time_rate(self) -> float | None:
        """(early + on time) / resolved (R-TRK-2); None when nothing was resolved."""
        return (self.early + self.on_time) / self.resolved if self.resolved else None


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def resolution_timing(*, resolved_at: dt.datetime, original_due_at: dt.datetime, rescheduled: bool) -> str:
    """early / on_time / late of a resolved dossier against its ORIGINAL appointment (R-LATE-3)."""
    if rescheduled or resolved_at > original_due_at:
        return "late"
    if timezone.localdate(resolved_at) < timezone.localdate(original_due_at):
        return "early"
    return "on_time"


def indicators(*, agency_ids: list[int], start: dt.date, end: dt.date) -> Indicators:
    """The one-stop indicators of `agency_ids` for the days start..end (inclusive, local time)."""
    low, high = _bounds(start, end)
    of_agencies = Dossier.objects.filter(agency_id__in=agency_ids)
    decisions = Decision.objects.filter(dossier__agency_id__in=agency_ids, at__gte=low, at__lt=high)
    apology = Decision.objects.filter(dossier=OuterRef("pk"), kind=Decision.Kind.APOLOGY)
    resolved_rows = (
        of_agencies.filter(status__in=RESOLVED)
        .filter(
            Q(result_ready_at__gte=low, result_ready_at__lt=high)
            | Q(result_ready_at=None, ended_at__gte=low, ended_at__lt=high)
        )
        .annotate(rescheduled=Exists(apology))
        .values_list("result_ready_at", "ended_at", "original_due_at", "rescheduled")
    )
    timing = {"early": 0, "on_time": 0, "late": 0}
    rescheduled = 0
    for result_ready_at, ended_at, original_due_at, was_rescheduled in resolved_rows:
        resolved_at = result_ready_at or ended_at
        if resolved_at is None or original_due_at is None:
            continue
        rescheduled += was_rescheduled
        timing[
            resolution_timing(
                resolved_at=resolved_at, original_due_at=original_due_at, rescheduled=was_rescheduled
            )
        ] += 1
    supplements = decisions.filter(kind=Decision.Kind.SUPPLEMENT)
    return Indicators(
        received=of_agencies.filter(
            revisions__number=1, revisions__submitted_at__gte=low, revisions__submitted_at__lt=high
        ).count(),
        accepted=decisions.filter(kind=Decision.Kind.ACCEPT).values("dossier").distinct().count(),
        refused=decisions.filter(kind=Decision.Kind.REFUSE).count(),
        supplement_requests=supplements.count(),
        repeated_supplement_requests=supplements.filter(is_repeat=True).count(),
        resolved=sum(timing.values()),
        early=timing["early"],
        on_time=timing["on_time"],
        late=timing["late"],
        rescheduled=rescheduled,
    )
