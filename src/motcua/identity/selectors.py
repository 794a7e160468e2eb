"""Reads of accounts: which roles an official holds where, their own and those delegated to them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from motcua.identity.models import Delegation, OfficialRole, User


def roles_held(*, official: User, on: dt.date | None = None) -> set[tuple[int, str]]:
    """(agency id, role) pairs `official` holds on the day `on` (today): their own roles and the roles
    delegated to them for a period that includes that day. Empty for citizens and organisations."""
    if official.kind != User.Kind.OFFICIAL or not official.is_active:
        return set()
    day = on or timezone.localdate()
    own = OfficialRole.objects.filter(user=official).values_list("agency_id", "role")
    delegated = Delegation.objects.filter(
        delegate=official, starts_on__lte=day, ends_on__gte=day
    ).values_list("agency_id", "role")
    return set(own.union(delegated))  # one query


def citizen_by_id_number(*, citizen_id: str) -> User | None:
    """The citizen account of this personal identification number, if there is one."""
    return User.objects.filter(kind=User.Kind.CITIZEN, citizen_id=citizen_id).first()
