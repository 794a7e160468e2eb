"""Display helpers for the portal's templates: money, moments, file sizes, the unread count."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


def _group(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@register.filter
def vnd(amount) -> str:
    """200000 -> "200.000 đ"."""
    try:
        return _group(int(amount)) + "\u00a0đ"
    except (TypeError, ValueError):
        return ""


@register.filter
def moment(value) -> str:
    """An aware datetime as local "14:30 20/11/2026"."""
    if not isinstance(value, datetime):
        return ""
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


@register.filter
def day(value) -> str:
    """A date (or ISO date string) as "20/11/2026"."""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return ""


@register.filter
def filesize(size) -> str:
    """Bytes in a size people read: "820 KB", "1,4 MB"."""
    try:
        size = int(size)
    except (TypeError, ValueError):
        return ""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


@register.filter
def filetype(content_type: str) -> str:
    return {
        "application/pdf": "PDF",
        "image/jpeg": "JPG",
        "image/png": "PNG",
    }.get(content_type, content_type)


@register.simple_tag
def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    from motcua.notifications.selectors import unread_count as count

    return count(user)
