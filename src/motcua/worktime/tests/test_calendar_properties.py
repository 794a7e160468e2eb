"""Properties of the deadline arithmetic, checked against a slow day-by-day reference (R-CAL-3, R-CAL-4)."""

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.worktime.calendar import VIETNAM_TZ, WorkCalendar, vietnam_calendar

EXAMPLES = settings(max_examples=200, deadline=None)
FIRST = date(2026, 1, 1)
VN_CAL = vietnam_calendar(range(2024, 2029))


def _is_working_day(cal, d):
    """Reference: the definition, day by day."""
    return d in cal.extra_working_days or (d.weekday() not in cal.weekend and d not in cal.days_off)


def _between(cal, a, b):
    """Reference working time from a to b (a <= b): sum the overlaps with every session, day by day."""
    a, b = a.astimezone(cal.tz), b.astimezone(cal.tz)
    total = timedelta(0)
    d = a.date()
    while d <= b.date():
        if _is_working_day(cal, d):
            for start, end in cal.sessions:
                lo = max(a, datetime.combine(d, start, tzinfo=cal.tz))
                hi = min(b, datetime.combine(d, end, tzinfo=cal.tz))
                if hi > lo:
                    total += hi - lo
        d += timedelta(days=1)
    return total


@st.composite
def calendars(draw):
    """Vietnam's real calendar, or an arbitrary one: 1-3 sessions, any weekend, random days off and on."""
    if draw(st.booleans()):
        return VN_CAL
    points = sorted(draw(st.sets(st.integers(0, 24 * 60 - 1), min_size=2, max_size=6)))
    points = points[: len(points) // 2 * 2]
    sessions = tuple(
        (time(divmod(s, 60)[0], s % 60), time(divmod(e, 60)[0], e % 60))
        for s, e in zip(points[::2], points[1::2], strict=True)
    )
    weekend = draw(st.sampled_from([frozenset({5, 6}), frozenset({6}), frozenset(), frozenset({3, 4, 5, 6})]))
    some_days = st.frozensets(st.dates(FIRST, FIRST + timedelta(days=150)), max_size=25)
    days_off = draw(some_days)
    extra = draw(some_days) - days_off
    return WorkCalendar(sessions=sessions, days_off=days_off, extra_working_days=extra, weekend=weekend)


@st.composite
def moments(draw, cal):
    """Aware moments in early 2026, often exactly on or next to one of `cal`'s session boundaries."""
    zone = draw(st.sampled_from([VIETNAM_TZ, UTC]))
    if draw(st.booleans()):
        naive = draw(st.datetimes(datetime(2026, 1, 1), datetime(2026, 4, 30)))  # noqa: DTZ001
        return naive.replace(tzinfo=VIETNAM_TZ).astimezone(zone)
    d = draw(st.dates(FIRST, date(2026, 4, 30)))
    t = draw(st.sampled_from([t for session in cal.sessions for t in session] + [time(0)]))
    nudge = timedelta(microseconds=draw(st.sampled_from([-1, 0, 0, 1])))
    return (datetime.combine(d, t, tzinfo=VIETNAM_TZ) + nudge).astimezone(zone)


@st.composite
def cases(draw, n_moments):
    cal = draw(calendars())
    return (cal, *(draw(moments(cal)) for _ in range(n_moments)))


durations = st.one_of(
    st.integers(0, 120 * 3600 * 10**6).map(lambda us: timedelta(microseconds=us)),
    st.integers(0, 60).map(lambda h: timedelta(hours=h)),
    st.integers(0, 240).map(lambda q: timedelta(minutes=15 * q)),
)


@EXAMPLES
@given(cases(1), durations)
def test_add_then_measure_returns_the_same_duration(case, h):
    """R-CAL-3: working_time_between(a, add_working_hours(a, h)) == h, also by the slow reference."""
    cal, a = case
    result = cal.add_working_hours(a, h)
    assert result >= a
    assert cal.working_time_between(a, result) == h
    assert _between(cal, a, result) == h


@EXAMPLES
@given(cases(1), durations)
def test_add_working_hours_returns_the_earliest_such_moment(case, h):
    """R-CAL-3: one microsecond earlier, less than h has passed (so 17:00, not next morning 07:30)."""
    cal, a = case
    result = cal.add_working_hours(a, h)
    if h > timedelta(0):
        assert _between(cal, a, result - timedelta(microseconds=1)) < h
    else:
        assert result == a


@EXAMPLES
@given(cases(2))
def test_working_time_between_matches_the_reference_and_is_antisymmetric(case):
    cal, a, b = case
    a, b = min(a, b), max(a, b)
    assert cal.working_time_between(a, b) == _between(cal, a, b)
    assert cal.working_time_between(b, a) == -cal.working_time_between(a, b)


@EXAMPLES
@given(cases(1), durations, durations)
def test_add_working_hours_is_monotonic_in_the_duration(case, h1, h2):
    cal, a = case
    h1, h2 = min(h1, h2), max(h1, h2)
    assert cal.add_working_hours(a, h1) <= cal.add_working_hours(a, h2)


@EXAMPLES
@given(cases(2), durations)
def test_add_working_hours_is_monotonic_in_the_start(case, h):
    cal, a1, a2 = case
    a1, a2 = min(a1, a2), max(a1, a2)
    assert cal.add_working_hours(a1, h) <= cal.add_working_hours(a2, h)


@EXAMPLES
@given(cases(1))
def test_next_working_moment_is_working_time_and_nothing_is_skipped(case):
    """R-RCV-1: the official receipt is working time, not before the submission, none skipped."""
    cal, dt = case
    result = cal.next_working_moment(dt)
    assert result >= dt
    assert cal.is_working_time(result)
    assert _between(cal, dt, result) == timedelta(0)
    assert (result == dt) is cal.is_working_time(dt)


@EXAMPLES
@given(cases(1), st.integers(0, 40))
def test_add_working_days_matches_counting_day_by_day(case, days):
    """R-CAL-4: day 1 is the next working day after the start; 0 days is the same or next working day."""
    cal, dt = case
    d = dt.astimezone(cal.tz).date()
    if days == 0:
        while not _is_working_day(cal, d):
            d += timedelta(days=1)
    for _ in range(days):
        d += timedelta(days=1)
        while not _is_working_day(cal, d):
            d += timedelta(days=1)
    assert cal.add_working_days(dt, days) == datetime.combine(d, cal.sessions[-1][1], tzinfo=cal.tz)
