"""Deadline arithmetic on the real Vietnamese calendars of 2025 and 2026 (sources.md section 6)."""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from motcua.worktime.calendar import VIETNAM_TZ, WorkCalendar, vietnam_calendar

CAL = vietnam_calendar(range(2024, 2028))


def at(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM_TZ)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # 2025 (sources.md 6.3): Tết off Mon 27/1 – Fri 31/1; work Sat 26/4 for Fri 2/5; 1/9 + 2/9.
        (date(2025, 1, 24), True),
        (date(2025, 1, 27), False),
        (date(2025, 1, 31), False),
        (date(2025, 2, 3), True),
        (date(2025, 4, 7), False),
        (date(2025, 4, 26), True),
        (date(2025, 5, 2), False),
        (date(2025, 9, 1), False),
        (date(2025, 9, 2), False),
        # 2026: Tết off Mon 16/2 – Fri 20/2; no bridge after 1/1; Hùng Kings Sun 26/4 → Mon 27/4 off;
        # work Sat 22/8, off Mon 31/8; 1/9 + 2/9; Vietnam Culture Day 24/11.
        (date(2026, 1, 2), True),
        (date(2026, 2, 13), True),
        (date(2026, 2, 16), False),
        (date(2026, 2, 20), False),
        (date(2026, 2, 23), True),
        (date(2026, 4, 27), False),
        (date(2026, 4, 28), True),
        (date(2026, 8, 22), True),
        (date(2026, 8, 23), False),
        (date(2026, 8, 31), False),
        (date(2026, 9, 1), False),
        (date(2026, 9, 2), False),
        (date(2026, 9, 3), True),
        (date(2026, 11, 24), False),
    ],
)
def test_working_days_match_the_published_schedules(day, working):
    """R-CAL-1, R-CAL-2: holidays, compensatory days and swaps of 2025 and 2026."""
    assert CAL.is_working_day(day) is working


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        # Fri 24/1/2025 16:00: 1 h on Friday, then Tết 2025 (25/1 – 2/2), 7 h on Mon 3/2: 4 h + 3 h.
        (at(2025, 1, 24, 16), 8, at(2025, 2, 3, 16)),
        # Fri 13/2/2026 15:00: 2 h on Friday, Tết 2026 off until Sun 22/2, 6 h on Mon 23/2.
        (at(2026, 2, 13, 15), 8, at(2026, 2, 23, 15)),
        # Fri 24/4/2026 16:50: 10 min, then Sat, Sun, Mon 27/4 (Hùng Kings observed); 7 h 50 on Tue 28/4.
        (at(2026, 4, 24, 16, 50), 8, at(2026, 4, 28, 16, 50)),
        # Fri 21/8/2026 16:00: Saturday 22/8 is a working day (swap).
        (at(2026, 8, 21, 16), 2, at(2026, 8, 22, 8, 30)),
        # Fri 28/8/2026 16:00: Sat, Sun, Mon 31/8 (swapped off), 1/9 and 2/9 off: Thu 3/9.
        (at(2026, 8, 28, 16), 2, at(2026, 9, 3, 8, 30)),
    ],
)
def test_working_hours_skip_holidays_weekends_and_swapped_days(start, hours, expected):
    """R-CAL-1, R-CAL-2, R-CAL-3: only time inside sessions of working days counts."""
    assert CAL.add_working_hours(start, hours) == expected


def test_a_result_on_a_session_end_is_that_end_not_the_next_start():
    """R-CAL-3: Friday 16:00 + 1 h is Friday 17:00, and 07:30 + 4 h is 11:30, not 13:00."""
    assert CAL.add_working_hours(at(2026, 3, 6, 16), 1) == at(2026, 3, 6, 17)
    assert CAL.add_working_hours(at(2026, 3, 4, 7, 30), 4) == at(2026, 3, 4, 11, 30)
    assert CAL.add_working_hours(at(2026, 3, 4, 7, 30), 8) == at(2026, 3, 4, 17)


def test_the_lunch_break_does_not_count():
    """R-CAL-3: 11:00 + 1 h = 13:30."""
    assert CAL.add_working_hours(at(2026, 3, 4, 11), 1) == at(2026, 3, 4, 13, 30)
    assert CAL.working_time_between(at(2026, 3, 4, 11), at(2026, 3, 4, 13, 30)) == timedelta(hours=1)


def test_hours_may_be_a_decimal_a_float_or_a_timedelta():
    start = at(2026, 3, 4, 8)
    expected = at(2026, 3, 4, 9, 30)
    assert CAL.add_working_hours(start, Decimal("1.5")) == expected
    assert CAL.add_working_hours(start, 1.5) == expected
    assert CAL.add_working_hours(start, timedelta(minutes=90)) == expected


def test_adding_zero_hours_returns_the_start_even_outside_working_time():
    saturday = at(2026, 3, 7, 10)
    assert CAL.add_working_hours(saturday, 0) == saturday


def test_working_hours_started_outside_working_time_begin_at_the_next_session():
    """R-CAL-3: Saturday 10:00 + 1 h = Monday 08:30."""
    assert CAL.add_working_hours(at(2026, 3, 7, 10), 1) == at(2026, 3, 9, 8, 30)


def test_results_are_in_vietnam_time_whatever_the_input_zone():
    start_utc = datetime(2026, 3, 4, 1, 0, tzinfo=UTC)  # 08:00 in Hà Nội
    result = CAL.add_working_hours(start_utc, 1)
    assert result == at(2026, 3, 4, 9)
    assert result.tzinfo == VIETNAM_TZ


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        # Fri 13/2/2026: day 1 is Mon 23/2, after Tết 2026; day 3 is Wed 25/2.
        (at(2026, 2, 13, 10), 3, at(2026, 2, 25, 17)),
        # Mon 9/2/2026: 10/2, 11/2, 12/2, 13/2, [Tết], 23/2 … 27/2, Mon 2/3 is day 10.
        (at(2026, 2, 9, 9), 10, at(2026, 3, 2, 17)),
        # Thu 23/1/2025: day 1 Fri 24/1, Tết 2025, day 2 Mon 3/2.
        (at(2025, 1, 23, 9), 2, at(2025, 2, 3, 17)),
        # Wed 31/12/2025: 1/1/2026 is a holiday, day 1 is Fri 2/1/2026.
        (at(2025, 12, 31, 10), 1, at(2026, 1, 2, 17)),
        # Fri 24/4/2026: Mon 27/4 is Hùng Kings observed, day 1 is Tue 28/4.
        (at(2026, 4, 24, 16, 50), 1, at(2026, 4, 28, 17)),
        # Fri 21/8/2026: Saturday 22/8 is worked, so it is day 1.
        (at(2026, 8, 21, 9), 1, at(2026, 8, 22, 17)),
        # Zero days: the end of the same working day; on a day off, the end of the next working day.
        (at(2026, 3, 4, 9), 0, at(2026, 3, 4, 17)),
        (at(2026, 3, 4, 18), 0, at(2026, 3, 4, 17)),
        (at(2026, 3, 7, 9), 0, at(2026, 3, 9, 17)),
        (at(2026, 2, 16, 9), 0, at(2026, 2, 23, 17)),
        # 15 working days from Mon 2/3/2026: 3 weeks, ending Mon 23/3.
        (at(2026, 3, 2, 9), 15, at(2026, 3, 23, 17)),
    ],
)
def test_working_days_start_counting_the_next_working_day_and_end_at_close(start, days, expected):
    """R-CAL-4: day 1 is the next working day after the start (CC Art. 147); the deadline is 17:00."""
    assert CAL.add_working_days(start, days) == expected


@pytest.mark.parametrize(
    ("moment", "working", "next_moment"),
    [
        (at(2026, 3, 4, 7, 30), True, at(2026, 3, 4, 7, 30)),  # start inclusive
        (at(2026, 3, 4, 11, 30), False, at(2026, 3, 4, 13)),  # end exclusive
        (at(2026, 3, 4, 7, 29), False, at(2026, 3, 4, 7, 30)),
        (at(2026, 3, 4, 16, 59), True, at(2026, 3, 4, 16, 59)),
        (at(2026, 3, 6, 17), False, at(2026, 3, 9, 7, 30)),  # Friday close → Monday
        (at(2026, 4, 24, 17, 5), False, at(2026, 4, 28, 7, 30)),  # Mon 27/4/2026 is Hùng Kings observed
        (at(2026, 2, 13, 20), False, at(2026, 2, 23, 7, 30)),  # Tết 2026
        (at(2026, 8, 22, 10), True, at(2026, 8, 22, 10)),  # swapped Saturday
    ],
)
def test_working_time_and_the_next_working_moment(moment, working, next_moment):
    """R-CAL-3, R-RCV-1: sessions are [start, end); outside them the next moment is a session start."""
    assert CAL.is_working_time(moment) is working
    assert CAL.next_working_moment(moment) == next_moment


def test_working_time_between_is_signed():
    a, b = at(2026, 3, 6, 16), at(2026, 3, 9, 8, 30)
    assert CAL.working_time_between(a, b) == timedelta(hours=2)
    assert CAL.working_time_between(b, a) == timedelta(hours=-2)
    assert CAL.working_time_between(a, a) == timedelta(0)


def test_working_time_between_spans_tet_2025():
    """R-CAL-1: from Fri 24/1/2025 08:00 to Mon 3/2/2025 08:00 is one working day."""
    assert CAL.working_time_between(at(2025, 1, 24, 8), at(2025, 2, 3, 8)) == timedelta(hours=8)


@pytest.mark.parametrize(
    "call",
    [
        lambda dt: CAL.is_working_time(dt),
        lambda dt: CAL.next_working_moment(dt),
        lambda dt: CAL.add_working_hours(dt, 8),
        lambda dt: CAL.add_working_days(dt, 1),
        lambda dt: CAL.working_time_between(dt, at(2026, 3, 4)),
        lambda dt: CAL.working_time_between(at(2026, 3, 4), dt),
    ],
)
def test_naive_datetimes_are_refused(call):
    with pytest.raises(ValueError, match="naive"):
        call(datetime(2026, 3, 4, 9, 0))  # noqa: DTZ001 - the point of the test


def test_negative_durations_are_refused():
    with pytest.raises(ValueError):
        CAL.add_working_hours(at(2026, 3, 4, 9), -1)
    with pytest.raises(ValueError):
        CAL.add_working_days(at(2026, 3, 4, 9), -1)


def test_a_deadline_beyond_the_loaded_years_is_refused_rather_than_guessed():
    cal = vietnam_calendar([2026])
    assert cal.covers == (date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(ValueError, match="outside the working calendar"):
        cal.add_working_days(at(2026, 12, 30, 9), 5)
    with pytest.raises(ValueError, match="outside the working calendar"):
        cal.is_working_day(date(2025, 12, 31))


def test_explicit_days_win_over_the_holidays_package():
    """R-CAL-2: a notice can cancel a day off or a swapped working Saturday."""
    cal = vietnam_calendar([2026], days_off=[date(2026, 8, 22)], extra_working_days=[date(2026, 4, 27)])
    assert cal.is_working_day(date(2026, 4, 27))
    assert not cal.is_working_day(date(2026, 8, 22))


def test_a_snapshot_round_trip_gives_an_equal_calendar_and_the_same_deadlines():
    """R-CAL-5: a deadline can be recomputed later from the stored calendar data."""
    rebuilt = WorkCalendar.from_data(CAL.to_data())
    assert rebuilt == CAL
    assert rebuilt.fingerprint() == CAL.fingerprint()
    start = at(2026, 2, 13, 15)
    assert rebuilt.add_working_hours(start, 8) == CAL.add_working_hours(start, 8)
    assert rebuilt.add_working_days(start, 15) == CAL.add_working_days(start, 15)


def test_the_fingerprint_changes_with_any_day_or_session():
    base = vietnam_calendar([2026])
    assert len(base.fingerprint()) == 64
    assert vietnam_calendar([2026]).fingerprint() == base.fingerprint()
    assert vietnam_calendar([2026], days_off=[date(2026, 1, 2)]).fingerprint() != base.fingerprint()
    other_hours = vietnam_calendar([2026], sessions=((time(8), time(12)), (time(13, 30), time(17, 30))))
    assert other_hours.fingerprint() != base.fingerprint()


def test_from_data_refuses_unknown_data():
    with pytest.raises(ValueError):
        WorkCalendar.from_data({"version": 99})
    with pytest.raises(ValueError):
        WorkCalendar.from_data({"version": 1, "sessions": []})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sessions": ()},
        {"sessions": ((time(13), time(17)), (time(7, 30), time(11, 30)))},
        {"sessions": ((time(8), time(12)), (time(11), time(17)))},
        {"sessions": ((time(12), time(8)),)},
        {"weekend": frozenset(range(7))},
        {"days_off": frozenset({date(2026, 3, 4)}), "extra_working_days": frozenset({date(2026, 3, 4)})},
    ],
)
def test_an_inconsistent_calendar_is_refused(kwargs):
    with pytest.raises(ValueError, match="invalid working calendar"):
        WorkCalendar(**kwargs)
