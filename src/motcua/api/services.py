"""State changes that only the API makes: issuing access tokens."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from motcua.audit.services import audit_record
from motcua.identity.models import User


@transaction.atomic
def token_issue(*, user: User) -> Token:
    """Return the user's API token, creating it on first use."""
    token, created = Token.objects.get_or_create(user=user)
    if created:
        audit_record(actor=user, action="api.token_issued", object_type="user", object_id=user.pk)
    return token
