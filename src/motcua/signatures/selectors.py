"""Signatures: reads of the trust store and of the verifications kept."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from motcua.dossiers.selectors import dossier_file_for_official
from motcua.signatures.models import SignatureVerification, TrustedCertificate


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


def latest_verifications(
    *, stored_file_ids: Iterable[int]
) -> dict[tuple[int, int | None], SignatureVerification]:
    """The latest verification of each stored file (and, for a .p7s, of each file it was checked against)."""
    ids = set(stored_file_ids)
    latest: dict[tuple[int, int | None], SignatureVerification] = {}
    if not ids:
        return latest
    for verification in SignatureVerification.objects.filter(stored_file_id__in=ids).order_by(
        "verified_at", "id"
    ):
        latest[(verification.stored_file_id, verification.detached_content_id)] = verification
    return latest


def verifications_of(*, files) -> dict[int, SignatureVerification]:
    """{dossier file id: its latest verification} for display, without verifying anything (no network)."""
    files = list(files)
    known = latest_verifications(stored_file_ids={f.stored_file_id for f in files})
    by_file: dict[int, SignatureVerification] = {}
    for f in files:
        own = known.get((f.stored_file_id, None))
        if own is not None:
            by_file[f.pk] = own
            continue
        pairs = [
            v
            for (sf, detached), v in known.items()
            if sf == f.stored_file_id
            and detached is not None
            and any(g.stored_file_id == detached and g.component_id == f.component_id for g in files)
        ]
        if pairs:
            by_file[f.pk] = next((v for v in pairs if v.is_valid), pairs[-1])
    return by_file


def with_signatures(files) -> list:
    """The files, each with `.signature`: its latest verification or None (for templates and the API)."""
    files = list(files)
    verifications = verifications_of(files=files)
    for f in files:
        f.signature = verifications.get(f.pk)
    return files


def file_verification_for_official(*, official, public_id, file_id: int):
    """A submitted file's latest verification, through the same audited access as the file itself."""
    dossier_file = dossier_file_for_official(official=official, public_id=public_id, file_id=file_id)
    return dossier_file, verifications_of(files=dossier_file.dossier.files.select_related("stored_file")).get(
        dossier_file.pk
    )


def validly_signed_components(*, dossier) -> set[str]:
    """Codes of the components whose every file carries a valid signature (its own or a valid .p7s over it).

    These are "components already digitally signed and legally recorded": no official may ask for their
    paper version (R-PROH-2, R-SUP-7).
    """
    files = list(dossier.files.select_related("component", "stored_file"))
    verifications = verifications_of(files=files)
    valid_content: set[int] = {
        v.detached_content_id for v in verifications.values() if v.is_valid and v.detached_content_id
    }
    by_component: dict[str, list[bool]] = {}
    for f in files:
        if f.stored_file.content_type == "application/pkcs7-signature":
            continue
        own = verifications.get(f.pk)
        signed = (
            bool(own and own.is_valid and own.detached_content_id is None)
            or f.stored_file_id in valid_content
        )
        by_component.setdefault(f.component.code, []).append(signed)
    return {code for code, marks in by_component.items() if marks and all(marks)}
