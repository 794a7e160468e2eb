"""Display helpers for the back office: working time left before a deadline, the queues' navigation."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()


def _hours_minutes(amount: timedelta) -> str:
    minutes = int(abs(amount).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return _("%(hours)s giờ %(minutes)s phút") % {"hours": hours, "minutes": minutes}
    if hours:
        return _("%(hours)s giờ") % {"hours": hours}
    return _("%(minutes)s phút") % {"minutes": minutes}


@register.filter
def working_time_left(remaining: timedelta) -> str:
    """timedelta(hours=3, minutes=20) -> "còn 3 giờ 20 phút làm việc"; negative -> "quá hạn … làm việc"."""
    if not isinstance(remaining, timedelta):
        return ""
    if remaining < timedelta(0):
        if abs(remaining) < timedelta(minutes=1):
            return _("quá hạn")
        return _("quá hạn %(duration)s làm việc") % {"duration": _hours_minutes(remaining)}
    return _("còn %(duration)s làm việc") % {"duration": _hours_minutes(remaining)}


# The navigation's label and URL name of each queue (workflow.selectors names them).
QUEUE_NAV = {
    "awaiting_check": (gettext_lazy("Chờ tiếp nhận"), "queue"),
    "my_work": (gettext_lazy("Việc của tôi"), "my_work"),
    "approval": (gettext_lazy("Chờ phê duyệt"), "approval"),
    "to_return": (gettext_lazy("Chờ trả kết quả"), "to_return"),
    "overdue": (gettext_lazy("Quá hạn"), "overdue"),
    "consultations": (gettext_lazy("Chờ cho ý kiến"), "consultations"),
}


@register.inclusion_tag("backoffice/queue_nav.html", takes_context=True)
def queue_nav(context) -> dict:
    """The queues this official works from, each with its count; the current one marked for screen readers."""
    from motcua.workflow.selectors import queue_counts

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"items": []}
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match is not None else ""
    items = []
    counts = queue_counts(official=user)
    for name, count in counts.visible():
        label, url_name = QUEUE_NAV[name]
        items.append(
            {
                "label": label,
                "url": reverse(f"backoffice:{url_name}"),
                "count": count,
                "current": current == url_name,
                "alert": name == "overdue" and count > 0,
            }
        )
    # The counter's own pages (R-CERT-*), after the queues; the views check the roles.
    counter = [
        {"label": label, "url": reverse(f"backoffice:{name}"), "current": current == name}
        for label, name in (
            (_("Tiếp nhận tại quầy"), "counter_intake"),
            (_("Chứng thực bản sao"), "certification_register"),
        )
    ]
    # The agency administrator's own page: the signing keys (issue 4); known from the roles, no query more.
    if "agency_admin" in counts.roles:
        counter.append(
            {
                "label": _("Khóa ký số"),
                "url": reverse("backoffice:keys"),
                "current": current.startswith("key"),
            }
        )
    return {"items": items, "counter": counter, "admin": "agency_admin" in counts.roles}


@register.filter
def item(mapping, key):
    """mapping[key] for a key only known at render time ("" if missing): posted values, errors by input."""
    try:
        return mapping.get(key, "")
    except AttributeError:
        return ""


@register.filter
def clock(value) -> str:
    """An aware datetime's local time of day, "16:00" (for a time input)."""
    if not isinstance(value, datetime):
        return ""
    return timezone.localtime(value).strftime("%H:%M")


@register.filter
def iso_moment(value) -> str:
    """An ISO moment kept in a decision's data ("2026-12-01T16:00:00+07:00") as local "16:00 01/12/2026"."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value or "")
    if moment.tzinfo is None:
        return str(value)
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


@register.filter
def role_label(value: str) -> str:
    """An official's role code as people say it: "leader" -> "Lãnh đạo"."""
    from motcua.identity.models import OfficialRole

    try:
        return str(OfficialRole.Role(value).label)
    except ValueError:
        return value
