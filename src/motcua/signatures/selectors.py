"""Reads of the trust store."""

from __future__ import annotations

from django.db import connection

from motcua.signatures.models import TrustedCertificate


def trust_store_version() -> tuple[int, str]:
    """Changes whenever a certificate is added, removed, (de)activated — by any path, admin or shell.

    One aggregate query: cheap enough to ask before every verification, so a cached validation context is
    rebuilt as soon as the trust store changes.
    """
    # Plain SQL: the ORM takes 0.4 ms to build this query, more than the database takes to answer it, and
    # it is asked before every verification (a few ms each). The value is only compared with itself.
    table = connection.ops.quote_name(TrustedCertificate._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), MAX(updated_at) FROM {table}")  # noqa: S608 - our own table name
        count, last = cursor.fetchone()
    return count, str(last or "")


def trust_store_active() -> list[tuple[str, bytes]]:
    """(kind, DER) of every active certificate."""
    return [
        (kind, bytes(der))
        for kind, der in TrustedCertificate.objects.filter(active=True).values_list("kind", "der")
    ]
