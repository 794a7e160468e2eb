"""The periodic deadline sweep, run by the task worker (R-CHK-3, R-LATE-1, R-SUP-6).

It tells the one-stop officials of each agency about new dossiers and about checks that are due soon or
overdue (leaders too, for overdue ones), prompts the leaders to apologise and set a new date before an
appointment is missed, and closes dossiers whose supplement request went unanswered. One message per agency
and kind per sweep, however many dossiers: an official with 200 dossiers gets a summary, not 200 mails.
Each dossier revision is alerted once per kind.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier
from motcua.identity.models import OfficialRole, User
from motcua.notifications.services import notify
from motcua.workflow.models import DeadlineAlert, Decision
from motcua.workflow.selectors import CHECK_DUE_SOON, DUE_SOON, DUE_SOON_STATE, OVERDUE, deadline_state
from motcua.workflow.services import close_unanswered_supplements
from motcua.worktime.selectors import calendar_for

APOLOGY_LEAD = DUE_SOON  # R-LATE-1: one working day before the due date, as the queues show it
# Only dossiers whose deadline is this close in calendar time can be within the working-time thresholds.
HORIZON = dt.timedelta(days=10)

Kind = DeadlineAlert.Kind
Role = OfficialRole.Role


def _not_alerted(kind: str):
    return ~Exists(
        DeadlineAlert.objects.filter(dossier=OuterRef("pk"), kind=kind, revision=OuterRef("revision"))
    )


def _record(dossier: Dossier, kind: str, now: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            DeadlineAlert.objects.create(dossier=dossier, kind=kind, revision=dossier.revision, at=now)
    except IntegrityError:  # another sweep got there first
        return False
    return True


def _officials(agency_id: int, roles: set[Role]) -> list[User]:
    return list(
        User.objects.filter(
            official_roles__agency_id=agency_id, official_roles__role__in=roles, is_active=True
        )
        .distinct()
        .order_by("pk")
    )


def _announce(agency: Agency, roles: set[Role], subject: str, dossiers: list[Dossier]) -> None:
    lines = "\n".join(f"- {d.code or d.reference}: {d.procedure.name}" for d in dossiers[:20]) + (
        _("\n… và %(n)s hồ sơ khác.") % {"n": len(dossiers) - 20} if len(dossiers) > 20 else ""
    )
    for official in _officials(agency.pk, roles):
        notify(user=official, subject=subject, body=lines, link=reverse("backoffice:queue"))


def sweep_deadlines(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Run one sweep; returns how many dossiers each kind of alert covered and how many dossiers closed."""
    now = now or timezone.now()
    found: dict[tuple[int, str], list[Dossier]] = defaultdict(list)
    calendars = {}

    def remaining(dossier: Dossier, deadline: dt.datetime) -> dt.timedelta:
        if dossier.agency_id not in calendars:
            calendars[dossier.agency_id] = calendar_for(agency=dossier.agency, around=timezone.localdate(now))
        return calendars[dossier.agency_id].working_time_between(now, deadline)

    awaiting = Dossier.objects.filter(status=Dossier.Status.SUBMITTED).select_related("agency", "procedure")
    for dossier in awaiting.filter(_not_alerted(Kind.NEW)).order_by("pk")[:5000]:
        if _record(dossier, Kind.NEW, now):
            found[(dossier.agency_id, Kind.NEW)].append(dossier)
    for dossier in awaiting.filter(check_due_at__lte=now + HORIZON).order_by("check_due_at")[:5000]:
        assert dossier.check_due_at is not None
        left = remaining(dossier, dossier.check_due_at)
        state = deadline_state(left, CHECK_DUE_SOON)
        kind = {OVERDUE: Kind.CHECK_OVERDUE, DUE_SOON_STATE: Kind.CHECK_DUE_SOON}.get(state)
        if kind and _record(dossier, kind, now):
            found[(dossier.agency_id, kind)].append(dossier)
    processing = (
        Dossier.objects.filter(status=Dossier.Status.PROCESSING, due_at__lte=now + HORIZON)
        .exclude(Exists(Decision.objects.filter(dossier=OuterRef("pk"), kind=Decision.Kind.APOLOGY)))
        .filter(_not_alerted(Kind.APOLOGY_NEEDED))
        .select_related("agency", "procedure")
        .order_by("due_at")[:5000]
    )
    for dossier in processing:
        assert dossier.due_at is not None
        if remaining(dossier, dossier.due_at) <= APOLOGY_LEAD and _record(dossier, Kind.APOLOGY_NEEDED, now):
            found[(dossier.agency_id, Kind.APOLOGY_NEEDED)].append(dossier)

    subjects = {
        Kind.NEW: (_("Có %(n)s hồ sơ mới chờ tiếp nhận"), {Role.RECEPTIONIST}),
        Kind.CHECK_DUE_SOON: (
            _("%(n)s hồ sơ sắp hết hạn kiểm tra (còn dưới 2 giờ làm việc)"),
            {Role.RECEPTIONIST},
        ),
        Kind.CHECK_OVERDUE: (
            _("%(n)s hồ sơ đã quá hạn kiểm tra 8 giờ làm việc"),
            {Role.RECEPTIONIST, Role.LEADER},
        ),
        Kind.APOLOGY_NEEDED: (
            _("%(n)s hồ sơ sắp quá hạn trả kết quả: cần xin lỗi và hẹn lại ngày trả"),
            {Role.LEADER},
        ),
    }
    counts = dict.fromkeys([str(k) for k in Kind], 0)
    for (_agency_id, alert), dossiers in found.items():
        subject, roles = subjects[Kind(alert)]
        with transaction.atomic():
            _announce(dossiers[0].agency, roles, subject % {"n": len(dossiers)}, dossiers)
        counts[alert] += len(dossiers)
    counts["closed"] = close_unanswered_supplements(now=now)
    return counts
