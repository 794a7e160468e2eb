"""Display helpers for the portal's templates: money, moments, file sizes, statuses, the unread count."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
def iso_moment(value) -> str:
    """An ISO datetime string (as timeline events and decisions keep them) as local "14:30 20/11/2026"."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return ""
    if isinstance(value, datetime) and timezone.is_naive(value):
        return ""
    return moment(value)


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


# The applicant's words for a status where the model's label speaks for the officials: they wait for the
# supplement ("Chờ bổ sung"), the applicant has to act (UX.md: "Cần bổ sung").
APPLICANT_STATUS_LABELS = {"supplement_requested": _("Cần bổ sung")}
# The tag's colour: blue while the agency works, orange when the applicant must act, green with a result,
# red when refused, grey when stopped or not yet sent.
STATUS_TAGS = {
    "draft": "tag-grey",
    "supplement_requested": "tag-orange",
    "result_ready": "tag-green",
    "done": "tag-green",
    "refused": "tag-red",
    "rejected": "tag-red",
    "withdrawn": "tag-grey",
    "closed": "tag-grey",
}


@register.filter
def status_label(dossier) -> str:
    """The dossier's status in the applicant's plain words."""
    return str(APPLICANT_STATUS_LABELS.get(dossier.status, "")) or dossier.get_status_display()


@register.filter
def status_tag(dossier) -> str:
    return STATUS_TAGS.get(dossier.status, "tag-blue")


@register.simple_tag
def unread_count(user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    from motcua.notifications.selectors import unread_count as count

    return count(user)


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, or None (e.g. the warehouse documents offered for one component)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
