"""Reads of the trust store."""

from __future__ import annotations

from django.db.models import Count, Max

from motcua.signatures.models import TrustedCertificate


def trust_store_version() -> tuple[int, str]:
    """Changes whenever a certificate is added, removed, (de)activated — by any path, admin or shell.

    One aggregate query: cheap enough to ask before every verification, so a cached validation context is
    rebuilt as soon as the trust store changes.
    """
    row = TrustedCertificate.objects.aggregate(count=Count("id"), last=Max("updated_at"))
    return row["count"], row["last"].isoformat() if row["last"] else ""


def trust_store_active() -> list[tuple[str, bytes]]:
    """(kind, DER) of every active certificate."""
    return [
        (kind, bytes(der))
        for kind, der in TrustedCertificate.objects.filter(active=True).values_list("kind", "der")
    ]
