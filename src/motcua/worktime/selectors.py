"""Reads of the working calendar: the calendar an agency works by, built once per process and reused."""

from __future__ import annotations

import re
import threading
from datetime import date, time
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone

from motcua.worktime.calendar import WorkCalendar, vietnam_calendar
from motcua.worktime.models import CalendarDay

if TYPE_CHECKING:
    from motcua.catalog.models import Agency

# Years around the date asked about: one back (elapsed-time reports across the new year) and two ahead
# (the longest deadlines), so a deadline that crosses a year end is counted with both years' holidays.
YEARS_BEFORE = 1
YEARS_AFTER = 2

_CACHE_SIZE = 64
_cache: dict[tuple[int | None, int, str], tuple[tuple[tuple[date, str, int | None], ...], WorkCalendar]] = {}
_cache_lock = threading.Lock()

_SESSION = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


@lru_cache(maxsize=8)
def parse_work_sessions(text: str) -> tuple[tuple[time, time], ...]:
    """Parse "07:30-11:30,13:00-17:00" into sessions; ImproperlyConfigured lists every problem (R-CAL-3)."""
    sessions = []
    problems = []
    for part in (p.strip() for p in text.split(",")):
        match = _SESSION.match(part)
        if not match:
            problems.append(f"{part!r} is not HH:MM-HH:MM")
            continue
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            problems.append(f"{part!r} is not a time of day")
            continue
        sessions.append((time(h1, m1), time(h2, m2)))
    if not problems:
        try:
            WorkCalendar(sessions=tuple(sessions))
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        raise ImproperlyConfigured(
            f"MOTCUA_WORK_SESSIONS={text!r}: {'; '.join(problems)}. "
            "Expected sessions in order, e.g. 07:30-11:30,13:00-17:00"
        )
    return tuple(sessions)


def calendar_for(*, agency: Agency | None = None, around: date | None = None) -> WorkCalendar:
    """Return the working calendar of `agency` (national when None) for the years around `around` (R-CAL-2).

    Layers, last wins: the `holidays` package, national CalendarDay rows, the agency's own CalendarDay rows.
    Sessions come from settings.MOTCUA_WORK_SESSIONS (R-CAL-3). `around` defaults to today; the calendar
    covers its year minus YEARS_BEFORE to plus YEARS_AFTER. One small query per call fetches the rows that
    apply; the calendar is rebuilt only when they differ from the cached ones, so an admin edit takes effect
    at once in every process.
    """
    year = (around or timezone.localdate()).year
    first, last = year - YEARS_BEFORE, year + YEARS_AFTER
    sessions_text: str = settings.MOTCUA_WORK_SESSIONS
    sessions = parse_work_sessions(sessions_text)
    agency_id = agency.pk if agency is not None else None
    scope = Q(agency__isnull=True) if agency_id is None else Q(agency__isnull=True) | Q(agency_id=agency_id)
    rows = tuple(
        CalendarDay.objects.filter(scope, date__range=(date(first, 1, 1), date(last, 12, 31)))
        .order_by("date", "agency_id")
        .values_list("date", "kind", "agency_id")
    )
    key = (agency_id, year, sessions_text)
    cached = _cache.get(key)
    if cached is not None and cached[0] == rows:
        return cached[1]

    off: set[date] = set()
    worked: set[date] = set()
    # National rows first, then the agency's: sort on "has an agency" so the agency's row wins.
    for day, kind, _agency in sorted(rows, key=lambda r: r[2] is not None):
        off.discard(day)
        worked.discard(day)
        (off if kind == CalendarDay.Kind.DAY_OFF else worked).add(day)
    calendar = vietnam_calendar(
        range(first, last + 1), sessions=sessions, days_off=off, extra_working_days=worked
    )
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.clear()
        _cache[key] = (rows, calendar)
    return calendar
