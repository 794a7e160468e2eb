"""The admin pages for calendar days (editable, audited) and snapshots (read-only)."""

from datetime import date

import pytest
from django.urls import reverse

from motcua.audit.models import AuditEvent
from motcua.worktime.calendar import vietnam_calendar
from motcua.worktime.models import CalendarDay
from motcua.worktime.services import snapshot_calendar

pytestmark = pytest.mark.django_db


def test_an_administrator_adds_a_day_off_and_it_is_audited(admin_client):
    """R-CAL-2: a government notice is entered in the admin."""
    response = admin_client.post(
        reverse("admin:worktime_calendarday_add"),
        {"date": "02/01/2026", "kind": "day_off", "agency": "", "note": "Thông báo 123/TB-BNV"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    day = CalendarDay.objects.get()
    assert day.date == date(2026, 1, 2)
    assert AuditEvent.objects.filter(action="calendar_day.create", object_id=str(day.pk)).exists()
    listing = admin_client.get(reverse("admin:worktime_calendarday_changelist"))
    assert "Thông báo 123/TB-BNV" in listing.content.decode()


def test_snapshots_can_be_viewed_but_not_changed(admin_client):
    snapshot = snapshot_calendar(vietnam_calendar([2026]))
    assert admin_client.get(reverse("admin:worktime_calendarsnapshot_changelist")).status_code == 200
    assert (
        admin_client.get(reverse("admin:worktime_calendarsnapshot_change", args=[snapshot.pk])).status_code
        == 200
    )
    assert admin_client.get(reverse("admin:worktime_calendarsnapshot_add")).status_code == 403
    assert (
        admin_client.post(reverse("admin:worktime_calendarsnapshot_delete", args=[snapshot.pk])).status_code
        == 403
    )
