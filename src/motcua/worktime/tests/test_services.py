"""Official receipt time, calendar snapshots and audited calendar edits."""

from datetime import date, datetime

import pytest

from motcua.audit.models import AuditEvent
from motcua.worktime.calendar import VIETNAM_TZ, WorkCalendar, vietnam_calendar
from motcua.worktime.models import CalendarDay, CalendarSnapshot
from motcua.worktime.selectors import calendar_for
from motcua.worktime.services import (
    calendar_day_delete,
    calendar_day_save,
    official_receipt_time,
    snapshot_calendar,
)

CAL = vietnam_calendar(range(2025, 2028))


def at(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=VIETNAM_TZ)


@pytest.mark.parametrize(
    ("submitted", "received"),
    [
        (at(2026, 3, 4, 9, 15), at(2026, 3, 4, 9, 15)),  # in a session: at once
        (at(2026, 3, 4, 12), at(2026, 3, 4, 13)),  # lunch break: the afternoon session
        (at(2026, 3, 4, 22), at(2026, 3, 5, 7, 30)),  # evening: next morning
        # Fri 24/4/2026 16:50 is working time, so it is received at once ...
        (at(2026, 4, 24, 16, 50), at(2026, 4, 24, 16, 50)),
        # ... but at 17:05 it waits for Tue 28/4, Mon 27/4 being Hùng Kings observed.
        (at(2026, 4, 24, 17, 5), at(2026, 4, 28, 7, 30)),
        (at(2026, 2, 14, 10), at(2026, 2, 23, 7, 30)),  # during Tết 2026
        (at(2026, 8, 22, 9), at(2026, 8, 22, 9)),  # swapped working Saturday
        (at(2026, 8, 29, 9), at(2026, 9, 3, 7, 30)),  # Sat 29/8 – Wed 2/9/2026 off
    ],
)
def test_official_receipt_time(submitted, received):
    """R-RCV-1: in working time the moment itself; otherwise the start of the next working session."""
    assert official_receipt_time(submitted, CAL) == received


@pytest.mark.django_db
def test_a_calendar_is_stored_once_and_rebuilds_the_same_deadlines():
    """R-CAL-5: the snapshot gives back the calendar a deadline was computed with."""
    first = snapshot_calendar(CAL)
    again = snapshot_calendar(vietnam_calendar(range(2025, 2028)))
    assert again.pk == first.pk
    assert CalendarSnapshot.objects.count() == 1
    stored = CalendarSnapshot.objects.get(pk=first.pk)
    rebuilt = WorkCalendar.from_data(stored.data)
    assert rebuilt == CAL
    start = at(2026, 2, 13, 15)
    assert rebuilt.add_working_hours(start, 8) == CAL.add_working_hours(start, 8) == at(2026, 2, 23, 15)
    assert rebuilt.add_working_days(start, 15) == CAL.add_working_days(start, 15)


@pytest.mark.django_db
def test_a_later_calendar_change_does_not_change_a_snapshot():
    """R-CAL-5: the promised deadline stays computable after a day off is added."""
    around = date(2025, 12, 31)
    promised_with = snapshot_calendar(calendar_for(around=around))
    received = at(2025, 12, 31, 10)
    promised = WorkCalendar.from_data(promised_with.data).add_working_days(received, 1)
    CalendarDay.objects.create(date=date(2026, 1, 2), kind=CalendarDay.Kind.DAY_OFF)
    forecast = calendar_for(around=around).add_working_days(received, 1)
    assert promised == at(2026, 1, 2, 17)
    assert forecast == at(2026, 1, 5, 17)
    assert snapshot_calendar(calendar_for(around=around)).pk != promised_with.pk


@pytest.mark.django_db
def test_calendar_day_edits_are_audited(django_user_model):
    admin = django_user_model.objects.create_user(username="lan", password="x")
    day = calendar_day_save(
        actor=admin, day=CalendarDay(date=date(2026, 1, 2), kind=CalendarDay.Kind.DAY_OFF, note="TB 1")
    )
    day.kind = CalendarDay.Kind.WORKING_DAY
    calendar_day_save(actor=admin, day=day)
    calendar_day_delete(actor=admin, day=day)
    events = list(AuditEvent.objects.filter(object_type="calendar_day").order_by("id"))
    assert [e.action for e in events] == [
        "calendar_day.create",
        "calendar_day.change",
        "calendar_day.delete",
    ]
    assert events[0].actor_id == admin.pk
    assert events[1].data == {"date": "2026-01-02", "kind": "working_day", "agency_id": None, "note": "TB 1"}
    assert not CalendarDay.objects.exists()
