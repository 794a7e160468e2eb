"""The Vietnamese working calendar and deadline arithmetic, as pure code (no ORM).

Everything here works on timezone-aware datetimes and returns aware datetimes in the calendar's time
zone (R-CAL-3: Asia/Ho_Chi_Minh by default); a naive datetime raises ValueError.

Counting is done in closed form: the number of working days between two dates is weeks × working
days per week, corrected with a binary search over the sorted exception lists (weekdays off, Saturdays
worked). No method loops over the days of a period, so adding 8 hours or 15 days costs microseconds.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import holidays

VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_SESSIONS: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
DATA_VERSION = 1

_US_PER_SECOND = 1_000_000
_US_PER_DAY = 86_400 * _US_PER_SECOND
_ORDINAL_OF_MONDAY = 1  # date(1, 1, 1) is a Monday; ordinal % 7 == 1 for every Monday


def _time_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US_PER_SECOND + t.microsecond


def _us_time(us: int) -> time:
    seconds, micro = divmod(us, _US_PER_SECOND)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, second, micro)


def _duration_us(amount: float | Decimal | timedelta) -> int:
    """Turn hours (int, float, Decimal) or a timedelta into whole microseconds."""
    if isinstance(amount, timedelta):
        return (amount.days * 86_400 + amount.seconds) * _US_PER_SECOND + amount.microseconds
    if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal):
        raise TypeError(f"hours must be a number or a timedelta, not {type(amount).__name__}")
    if isinstance(amount, Decimal):
        return int((amount * 3600 * _US_PER_SECOND).to_integral_value())
    return _duration_us(timedelta(hours=amount))


@dataclass(frozen=True)
class WorkCalendar:
    """Working days and hours of an agency (R-CAL-1, R-CAL-2, R-CAL-3).

    A day is a working day when it is in `extra_working_days`, or when it is not a weekend day and not in
    `days_off`. The two sets must not overlap. Sessions are wall-clock times, the same on every working day.
    `covers`, when set, is the first and last date the day lists are known to be complete for; any question
    about a day outside it raises ValueError rather than silently ignoring holidays nobody loaded.
    """

    sessions: tuple[tuple[time, time], ...] = DEFAULT_SESSIONS
    days_off: frozenset[date] = frozenset()
    extra_working_days: frozenset[date] = frozenset()
    weekend: frozenset[int] = frozenset({5, 6})
    tz: ZoneInfo = VIETNAM_TZ
    covers: tuple[date, date] | None = None

    # Precomputed in __post_init__; not part of the calendar's identity.
    _spans: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)
    _day_us: int = field(init=False, repr=False, compare=False)
    _week_days: int = field(init=False, repr=False, compare=False)
    _off_ordinals: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _extra_ordinals: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _week_prefix: tuple[tuple[int, ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = []
        if not self.sessions:
            problems.append("at least one session is needed")
        spans = []
        for start, end in self.sessions:
            if not isinstance(start, time) or not isinstance(end, time) or start.tzinfo or end.tzinfo:
                problems.append(f"session {start!r}-{end!r}: both ends must be naive datetime.time values")
                continue
            if start >= end:
                problems.append(f"session {start:%H:%M}-{end:%H:%M}: the start must be before the end")
            spans.append((_time_us(start), _time_us(end)))
        if any(a[1] > b[0] for a, b in itertools.pairwise(spans)):
            problems.append("sessions must be in order and must not overlap")
        if not self.weekend <= frozenset(range(7)) or len(self.weekend) == 7:
            problems.append(f"weekend {sorted(self.weekend)}: weekday numbers 0-6, at most six of them")
        if both := self.days_off & self.extra_working_days:
            problems.append(f"days both off and working: {', '.join(map(str, sorted(both)))}")
        if not isinstance(self.tz, ZoneInfo):
            problems.append("tz must be a zoneinfo.ZoneInfo")
        if self.covers is not None and self.covers[0] > self.covers[1]:
            problems.append(f"covers {self.covers}: the first date is after the last")
        if problems:
            raise ValueError("invalid working calendar: " + "; ".join(problems))

        weekdays = [d for d in range(7) if d not in self.weekend]
        # _week_prefix[w][k]: working weekdays among the k days starting on weekday w (k = 0..7).
        prefix = []
        for w in range(7):
            counts = [0]
            for k in range(7):
                counts.append(counts[-1] + ((w + k) % 7 not in self.weekend))
            prefix.append(tuple(counts))
        set_ = object.__setattr__
        set_(self, "_spans", tuple(spans))
        set_(self, "_day_us", sum(end - start for start, end in spans))
        set_(self, "_week_days", len(weekdays))
        set_(self, "_week_prefix", tuple(prefix))
        # Only the exceptions that change something: weekdays off and weekend days worked.
        set_(
            self,
            "_off_ordinals",
            tuple(sorted(d.toordinal() for d in self.days_off if d.weekday() not in self.weekend)),
        )
        set_(
            self,
            "_extra_ordinals",
            tuple(sorted(d.toordinal() for d in self.extra_working_days if d.weekday() in self.weekend)),
        )

    # -- days ---------------------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """Tell whether `d` is a working day (R-CAL-1, R-CAL-2)."""
        self._check_covered(d.toordinal())
        return self._is_working_ordinal(d.toordinal())

    def _is_working_ordinal(self, o: int) -> bool:
        if (o - _ORDINAL_OF_MONDAY) % 7 in self.weekend:
            return _contains(self._extra_ordinals, o)
        return not _contains(self._off_ordinals, o)

    def _check_covered(self, o: int) -> None:
        if self.covers is not None and not (self.covers[0].toordinal() <= o <= self.covers[1].toordinal()):
            raise ValueError(
                f"{date.fromordinal(o)} is outside the working calendar, which covers "
                f"{self.covers[0]} to {self.covers[1]}; build a calendar for more years"
            )

    def _count_working(self, first: int, stop: int) -> int:
        """Count working days with ordinals in [first, stop); negative when stop < first."""
        if stop < first:
            return -self._count_working(stop, first)
        weeks, rest = divmod(stop - first, 7)
        count = weeks * self._week_days + self._week_prefix[(first - _ORDINAL_OF_MONDAY) % 7][rest]
        off = self._off_ordinals
        extra = self._extra_ordinals
        if off:
            count -= bisect_left(off, stop) - bisect_left(off, first)
        if extra:
            count += bisect_left(extra, stop) - bisect_left(extra, first)
        return count

    def _nth_working_after(self, o: int, n: int) -> int:
        """Return the ordinal of the n-th working day after day `o` (n >= 1); day `o` is not counted."""
        # Exponential then binary search for the first day e with count(o+1 .. e) >= n.
        span = (n // self._week_days + 1) * 7
        hi = o + span
        while self._count_working(o + 1, hi + 1) < n:
            span *= 2
            hi = o + span
        lo = o + 1
        while lo < hi:
            mid = (lo + hi) // 2
            if self._count_working(o + 1, mid + 1) >= n:
                hi = mid
            else:
                lo = mid + 1
        self._check_covered(lo)
        return lo

    # -- moments ------------------------------------------------------------------------------------

    def _local(self, dt: datetime) -> datetime:
        if not isinstance(dt, datetime):
            raise TypeError(f"expected a datetime, not {type(dt).__name__}")
        if dt.tzinfo is None or dt.utcoffset() is None:
            raise ValueError(f"naive datetime {dt.isoformat()}: pass a timezone-aware datetime")
        local = dt.astimezone(self.tz)
        self._check_covered(local.toordinal())
        return local

    def _at(self, o: int, us: int) -> datetime:
        return datetime.combine(date.fromordinal(o), _us_time(us), tzinfo=self.tz)

    def _elapsed(self, us: int) -> int:
        """Return the working microseconds of one working day that lie before time-of-day `us`."""
        total = 0
        for start, end in self._spans:
            if us <= start:
                break
            total += min(us, end) - start
        return total

    def _time_at_elapsed(self, elapsed: int) -> int:
        """Return the earliest time of day at which `elapsed` working microseconds have passed (> 0)."""
        for start, end in self._spans:
            if elapsed <= end - start:
                return start + elapsed
            elapsed -= end - start
        raise AssertionError("elapsed time beyond the working day")  # pragma: no cover

    def _position(self, local: datetime) -> tuple[int, int]:
        o = local.toordinal()
        elapsed = self._elapsed(_time_us(local.time())) if self._is_working_ordinal(o) else 0
        return o, elapsed

    def is_working_time(self, dt: datetime) -> bool:
        """Tell whether `dt` is in a session of a working day; start inclusive, end exclusive (R-CAL-3)."""
        local = self._local(dt)
        if not self._is_working_ordinal(local.toordinal()):
            return False
        us = _time_us(local.time())
        return any(start <= us < end for start, end in self._spans)

    def next_working_moment(self, dt: datetime) -> datetime:
        """Return `dt` if it is working time, else the start of the next session (R-CAL-3, R-RCV-1)."""
        local = self._local(dt)
        o = local.toordinal()
        if self._is_working_ordinal(o):
            us = _time_us(local.time())
            for start, end in self._spans:
                if us < end:
                    return local if us >= start else self._at(o, start)
        return self._at(self._nth_working_after(o, 1), self._spans[0][0])

    def add_working_hours(self, dt: datetime, hours: float | Decimal | timedelta) -> datetime:
        """Return the earliest moment at or after `dt` when `hours` of working time have passed (R-CAL-3).

        Only time inside sessions of working days counts. A result that falls exactly on the end of a session
        is that end (17:00), not the start of the next one. Adding zero returns `dt` itself; negative
        durations raise ValueError. Floats are rounded to the microsecond.
        """
        local = self._local(dt)
        amount = _duration_us(hours)
        if amount < 0:
            raise ValueError(f"cannot add a negative duration ({hours!r}); working time only moves forward")
        if amount == 0:
            return local
        o, elapsed = self._position(local)
        room = self._day_us - elapsed if self._is_working_ordinal(o) else 0
        if amount <= room:
            return self._at(o, self._time_at_elapsed(elapsed + amount))
        days, rest = divmod(amount - room, self._day_us)
        if rest == 0:  # ends exactly at the close of a working day
            return self._at(self._nth_working_after(o, days), self._spans[-1][1])
        return self._at(self._nth_working_after(o, days + 1), self._time_at_elapsed(rest))

    def add_working_days(self, dt: datetime, days: int) -> datetime:
        """Return the deadline `days` working days after `dt` (R-CAL-4).

        Day 1 is the next working day after the day of `dt` (Civil Code Art. 147); the deadline is the end
        of the last working day's last session (17:00). Zero days is the end of the day of `dt` if it is a
        working day, else the end of the next working day (Civil Code Art. 148(5)). Callers pass the
        official receipt time (R-RCV-1), which is always in working time.
        """
        local = self._local(dt)
        if isinstance(days, bool) or not isinstance(days, int):
            raise TypeError(f"days must be a whole number, not {type(days).__name__}")
        if days < 0:
            raise ValueError(f"cannot add a negative number of days ({days})")
        o = local.toordinal()
        if days == 0:
            last = o if self._is_working_ordinal(o) else self._nth_working_after(o, 1)
        else:
            last = self._nth_working_after(o, days)
        return self._at(last, self._spans[-1][1])

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Return the working time from `a` to `b` (R-CAL-3); signed: negative when `b` is before `a`.

        For every aware `a` and duration h >= 0: working_time_between(a, add_working_hours(a, h)) == h.
        """
        oa, ea = self._position(self._local(a))
        ob, eb = self._position(self._local(b))
        return timedelta(microseconds=self._count_working(oa, ob) * self._day_us + eb - ea)

    # -- persistence --------------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """Return a JSON-ready description from which `from_data` rebuilds an equal calendar."""
        return {
            "version": DATA_VERSION,
            "sessions": [[start.isoformat(), end.isoformat()] for start, end in self.sessions],
            "days_off": sorted(d.isoformat() for d in self.days_off),
            "extra_working_days": sorted(d.isoformat() for d in self.extra_working_days),
            "weekend": sorted(self.weekend),
            "tz": self.tz.key,
            "covers": None if self.covers is None else [d.isoformat() for d in self.covers],
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> WorkCalendar:
        """Rebuild a calendar from `to_data()` output; ValueError on anything else."""
        if data.get("version") != DATA_VERSION:
            raise ValueError(f"unknown working calendar data version {data.get('version')!r}")
        try:
            covers = data["covers"]
            first_last = None
            if covers is not None:
                first_last = (date.fromisoformat(covers[0]), date.fromisoformat(covers[1]))
            return cls(
                sessions=tuple((time.fromisoformat(s), time.fromisoformat(e)) for s, e in data["sessions"]),
                days_off=frozenset(date.fromisoformat(d) for d in data["days_off"]),
                extra_working_days=frozenset(date.fromisoformat(d) for d in data["extra_working_days"]),
                weekend=frozenset(int(d) for d in data["weekend"]),
                tz=ZoneInfo(data["tz"]),
                covers=first_last,
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"malformed working calendar data: {exc!r}") from exc

    def fingerprint(self) -> str:
        """Return the SHA-256 (hex) of the canonical JSON of `to_data()`."""
        canonical = json.dumps(self.to_data(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
        return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def _contains(ordinals: tuple[int, ...], o: int) -> bool:
    i = bisect_left(ordinals, o)
    return i < len(ordinals) and ordinals[i] == o


@lru_cache(maxsize=32)
def _vietnam_days(first_year: int, last_year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Return (days off, Saturdays worked) from the `holidays` package for the years first..last."""
    years = range(first_year, last_year + 1)
    vn = holidays.Vietnam(years=list(years))
    days_off = frozenset(vn.keys())
    # weekend_workdays also lists a few dates of other years, whatever `years` says: keep ours only.
    worked = frozenset(d for d in getattr(vn, "weekend_workdays", ()) if first_year <= d.year <= last_year)
    return days_off, worked


def vietnam_calendar(
    years: Iterable[int],
    *,
    sessions: tuple[tuple[time, time], ...] = DEFAULT_SESSIONS,
    days_off: Iterable[date] = (),
    extra_working_days: Iterable[date] = (),
) -> WorkCalendar:
    """Build the Vietnamese working calendar for every year from min(years) to max(years) (R-CAL-1, R-CAL-2).

    The public holidays (Tết, Hùng Kings, compensatory days, government swaps as known to the `holidays`
    package) are days off; its `weekend_workdays` are Saturdays worked. `days_off` and
    `extra_working_days` come last and win over the package for the same date, so a government notice or
    an agency override can both add and cancel a day off. The calendar `covers` 1/1 of the first year to
    31/12 of the last: include the years a deadline may reach (a deadline can cross the new year).
    """
    wanted = sorted(set(years))
    if not wanted:
        raise ValueError("vietnam_calendar needs at least one year")
    first, last = wanted[0], wanted[-1]
    package_off, package_worked = _vietnam_days(first, last)
    extra_off, extra_worked = frozenset(days_off), frozenset(extra_working_days)
    if both := extra_off & extra_worked:
        raise ValueError(f"days both off and working: {', '.join(map(str, sorted(both)))}")
    return WorkCalendar(
        sessions=sessions,
        days_off=(package_off - extra_worked) | extra_off,
        extra_working_days=(package_worked - extra_off) | extra_worked,
        covers=(date(first, 1, 1), date(last, 12, 31)),
    )
