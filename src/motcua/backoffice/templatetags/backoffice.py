"""Display helpers for the back office: working time left before a deadline."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

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
