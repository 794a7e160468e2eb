"""Reads of the account inbox."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.notifications.models import InboxMessage


def inbox_for(user) -> QuerySet[InboxMessage]:
    """Return the user's inbox, newest first."""
    return InboxMessage.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    return InboxMessage.objects.filter(user=user, read_at__isnull=True).count()
