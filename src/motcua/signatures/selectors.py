"""Signatures: reads of the trust store, the verifications kept, the agencies' keys and what they issued."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, OuterRef
from django.utils import timezone

from motcua.catalog.models import Agency
from motcua.dossiers.selectors import dossier_file_for_official
from motcua.identity.models import OfficialRole, User
from motcua.identity.selectors import roles_held
from motcua.signatures.models import (
    AgencySigningKey,
    IssuedDocument,
    SignatureVerification,
    TrustedCertificate,
)
from motcua.signatures.report import Report, Verdict


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


def annotated_verifications(files) -> dict[int, SignatureVerification]:
    """{dossier file id: verification} of files that went through `with_signatures`, for the automatic
    check, so a page that shows the verdicts and runs the check reads them once."""
    return {f.pk: f.signature for f in files if f.signature is not None}


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
    by_component: dict[str, list[bool]] = {}
    for f in files:
        if f.stored_file.content_type == "application/pkcs7-signature":
            continue
        report = covering_report(f, files, verifications)
        by_component.setdefault(f.component.code, []).append(
            report is not None and report.verdict == Verdict.VALID
        )
    return {code for code, marks in by_component.items() if marks and all(marks)}


def covering_report(dossier_file, files, verifications: dict[int, SignatureVerification]) -> Report | None:
    """The report that vouches for one (non-.p7s) file: its own signature, else a valid .p7s over it."""
    own = verifications.get(dossier_file.pk)
    if own is not None and own.verdict != Verdict.NONE:
        return own.parsed
    for other in files:
        verification = verifications.get(other.pk)
        if (
            verification is not None
            and other.component_id == dossier_file.component_id
            and verification.detached_content_id == dossier_file.stored_file_id
        ):
            return verification.parsed
    return own.parsed if own is not None else None


# -- signing keys and the register of issued documents (R-RES-1, R-RES-2) ---------------------------------

EXPIRY_WARNING = dt.timedelta(days=30)


def agencies_administered(*, official: User) -> list[Agency]:
    """The agencies where `official` is an administrator (own role or delegated), by name."""
    ids = {a for a, role in roles_held(official=official) if role == OfficialRole.Role.AGENCY_ADMIN}
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


def agency_for_key_admin(*, official: User, agency_id: int) -> Agency:
    """The agency whose keys `official` administers; Agency.DoesNotExist otherwise, missing or not."""
    if (agency_id, OfficialRole.Role.AGENCY_ADMIN) not in roles_held(official=official):
        raise Agency.DoesNotExist
    return Agency.objects.get(pk=agency_id)


def key_for_admin(*, official: User, key_id: int) -> AgencySigningKey:
    """A key of an agency `official` administers; AgencySigningKey.DoesNotExist otherwise."""
    key = AgencySigningKey.objects.select_related("agency", "holder").get(pk=key_id)
    if (key.agency_id, OfficialRole.Role.AGENCY_ADMIN) not in roles_held(official=official):
        raise AgencySigningKey.DoesNotExist
    return key


@dataclass(frozen=True)
class KeyRow:
    key: AgencySigningKey
    days_left: int | None  # whole days until the certificate expires; negative once it has
    expires_soon: bool  # less than 30 days left (or expired): time to install the next key


def signing_keys_of(*, agency: Agency) -> list[KeyRow]:
    """Every key of the agency, active ones first, with how long each certificate still has."""
    now = timezone.now()
    rows = []
    for key in AgencySigningKey.objects.filter(agency=agency).select_related("holder", "created_by"):
        left = key.not_after - now if key.not_after else None
        rows.append(
            KeyRow(
                key=key,
                days_left=left.days if left is not None else None,
                expires_soon=left is not None and left < EXPIRY_WARNING,
            )
        )
    return rows


def key_holders(*, agency: Agency) -> list[User]:
    """The officials of the agency, who may hold a personal key there."""
    return list(
        User.objects.filter(kind=User.Kind.OFFICIAL, is_active=True, official_roles__agency=agency)
        .distinct()
        .order_by("full_name", "username")
    )


def unsealed_receipts(*, agency: Agency):
    """Acceptances of the agency whose receipt (form 01) was handed out without a seal."""
    from motcua.workflow.models import Decision

    sealed = IssuedDocument.objects.filter(decision=OuterRef("pk"), kind=IssuedDocument.Kind.RECEIPT)
    return (
        Decision.objects.filter(kind=Decision.Kind.ACCEPT, dossier__agency=agency)
        .exclude(Exists(sealed))
        .order_by("at", "id")
    )


def issued_documents_of(*, dossier) -> list[IssuedDocument]:
    """What the agency issued for a dossier (receipts, results), revoked ones too (R-RES-2), oldest first."""
    return list(
        IssuedDocument.objects.filter(dossier=dossier)
        .select_related("revoked_by", "result", "decision")
        .order_by("issued_at", "id")
    )


def revoked_documents_of(*, dossier) -> list[IssuedDocument]:
    """The documents issued for a dossier and since revoked (R-RES-2), newest revocation first."""
    return list(
        IssuedDocument.objects.filter(dossier=dossier, revoked_at__isnull=False).order_by(
            "-revoked_at", "-id"
        )
    )
