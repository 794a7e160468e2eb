"""The calendar an agency works by: the holidays package, national rows and the agency's own rows."""

from datetime import date, datetime, time

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.catalog.models import Agency
from motcua.worktime.calendar import VIETNAM_TZ
from motcua.worktime.models import CalendarDay
from motcua.worktime.selectors import calendar_for, parse_work_sessions

pytestmark = pytest.mark.django_db

AROUND = date(2025, 12, 31)


def at(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM_TZ)


def make_agency(code):
    return Agency.objects.create(
        code=code, name="UBND " + code, level="commune", one_stop_name="Bộ phận Một cửa"
    )


def test_a_deadline_crossing_the_new_year_uses_next_years_holidays():
    """R-CAL-1, R-CAL-4: asked on 31/12/2025, the calendar already knows 1/1/2026 and Tết 2026."""
    cal = calendar_for(around=AROUND)
    assert cal.add_working_days(at(2025, 12, 31, 10), 1) == at(2026, 1, 2, 17)
    assert cal.add_working_days(at(2026, 2, 13, 10), 1) == at(2026, 2, 23, 17)


def test_a_national_day_off_row_moves_the_deadline():
    """R-CAL-2: a government notice giving Fri 2/1/2026 off moves day 1 to Mon 5/1/2026."""
    CalendarDay.objects.create(
        date=date(2026, 1, 2), kind=CalendarDay.Kind.DAY_OFF, note="Thông báo giả định"
    )
    cal = calendar_for(around=AROUND)
    assert cal.add_working_days(at(2025, 12, 31, 10), 1) == at(2026, 1, 5, 17)


def test_an_agency_override_applies_to_that_agency_only():
    """R-CAL-2: agency A works Saturday 3/1/2026; agency B and the national calendar do not."""
    a, b = make_agency("A01"), make_agency("B01")
    CalendarDay.objects.create(date=date(2026, 1, 3), kind=CalendarDay.Kind.WORKING_DAY, agency=a)
    friday = at(2026, 1, 2, 16)
    assert calendar_for(agency=a, around=AROUND).add_working_hours(friday, 2) == at(2026, 1, 3, 8, 30)
    assert calendar_for(agency=b, around=AROUND).add_working_hours(friday, 2) == at(2026, 1, 5, 8, 30)
    assert calendar_for(around=AROUND).add_working_hours(friday, 2) == at(2026, 1, 5, 8, 30)


def test_an_agency_row_wins_over_a_national_row_for_the_same_day():
    """R-CAL-2: the national calendar gives 2/1/2026 off, agency A keeps working that day."""
    a = make_agency("A01")
    CalendarDay.objects.create(date=date(2026, 1, 2), kind=CalendarDay.Kind.DAY_OFF)
    CalendarDay.objects.create(date=date(2026, 1, 2), kind=CalendarDay.Kind.WORKING_DAY, agency=a)
    assert calendar_for(agency=a, around=AROUND).is_working_day(date(2026, 1, 2))
    assert not calendar_for(around=AROUND).is_working_day(date(2026, 1, 2))


def test_a_row_can_cancel_a_holiday_of_the_package():
    """R-CAL-2: a WORKING_DAY row on a package day off (Mon 31/8/2026) makes it a working day."""
    CalendarDay.objects.create(date=date(2026, 8, 31), kind=CalendarDay.Kind.WORKING_DAY)
    assert calendar_for(around=AROUND).is_working_day(date(2026, 8, 31))


def test_the_calendar_is_reused_until_a_row_changes(django_assert_num_queries):
    first = calendar_for(around=AROUND)
    with django_assert_num_queries(1):
        assert calendar_for(around=AROUND) is first
    day = CalendarDay.objects.create(date=date(2026, 1, 2), kind=CalendarDay.Kind.DAY_OFF)
    second = calendar_for(around=AROUND)
    assert not second.is_working_day(date(2026, 1, 2))
    # An edit in place (same id, same count) is seen too.
    day.kind = CalendarDay.Kind.WORKING_DAY
    day.save()
    assert calendar_for(around=AROUND).is_working_day(date(2026, 1, 2))
    day.delete()
    assert calendar_for(around=AROUND) == first


def test_sessions_come_from_the_settings(settings):
    """R-CAL-3: MOTCUA_WORK_SESSIONS sets the working hours."""
    settings.MOTCUA_WORK_SESSIONS = "08:00-12:00, 13:30-17:30"
    cal = calendar_for(around=AROUND)
    assert cal.sessions == ((time(8), time(12)), (time(13, 30), time(17, 30)))
    assert cal.add_working_days(at(2026, 3, 4, 9), 1) == at(2026, 3, 5, 17, 30)


def test_bad_sessions_in_the_settings_are_reported_all_at_once():
    with pytest.raises(ImproperlyConfigured) as excinfo:
        parse_work_sessions("7h30-11h30,13:00-25:00")
    message = str(excinfo.value)
    assert "MOTCUA_WORK_SESSIONS" in message
    assert "'7h30-11h30' is not HH:MM-HH:MM" in message
    assert "'13:00-25:00' is not a time of day" in message


def test_overlapping_sessions_in_the_settings_are_refused():
    with pytest.raises(ImproperlyConfigured, match="must not overlap"):
        parse_work_sessions("07:30-12:00,11:00-17:00")
