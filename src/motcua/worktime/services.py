"""Writes of the working calendar: snapshots that deadlines cite, and audited edits of calendar days."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from motcua.audit.services import audit_record
from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.models import CalendarDay, CalendarSnapshot


def official_receipt_time(submitted_at: datetime, cal: WorkCalendar) -> datetime:
    """Return when a dossier submitted at `submitted_at` is officially received (R-RCV-1).

    In working time: the moment itself; outside working hours or on a day off: the start of the next session.
    """
    return cal.next_working_moment(submitted_at)


def snapshot_calendar(cal: WorkCalendar) -> CalendarSnapshot:
    """Return the stored snapshot of `cal`, creating it once per distinct content (R-CAL-5).

    A deadline keeps a reference to it, so `WorkCalendar.from_data(snapshot.data)` recomputes the deadline
    exactly as it was promised, whatever the calendar says later.
    """
    snapshot, _created = CalendarSnapshot.objects.get_or_create(
        fingerprint=cal.fingerprint(), defaults={"data": cal.to_data()}
    )
    return snapshot


def calendar_day_save(*, actor: Any, day: CalendarDay) -> CalendarDay:
    """Create or change one calendar day and audit it (R-CAL-2); open deadlines are not moved (R-CAL-5)."""
    with transaction.atomic():
        action = "calendar_day.change" if day.pk else "calendar_day.create"
        day.full_clean()
        day.save()
        audit_record(
            actor=actor, action=action, object_type="calendar_day", object_id=day.pk, data=_data(day)
        )
    return day


def calendar_day_delete(*, actor: Any, day: CalendarDay) -> None:
    """Delete one calendar day and audit it (R-CAL-2)."""
    with transaction.atomic():
        object_id, data = day.pk, _data(day)
        day.delete()
        audit_record(
            actor=actor,
            action="calendar_day.delete",
            object_type="calendar_day",
            object_id=object_id,
            data=data,
        )


def _data(day: CalendarDay) -> dict[str, Any]:
    return {"date": day.date.isoformat(), "kind": day.kind, "agency_id": day.agency_id, "note": day.note}
