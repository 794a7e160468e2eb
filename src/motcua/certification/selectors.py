"""Reads of the certification register: the agency's register for its officials, an applicant's own copies."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from motcua.audit.services import audit_record
from motcua.certification.models import Capture, CertifiedCopy
from motcua.dossiers.models import Dossier
from motcua.identity.models import User
from motcua.identity.selectors import roles_held


def official_agency_ids(official: User) -> set[int]:
    return {agency for agency, _role in roles_held(official=official)}


def register_for_official(*, official: User, agency_id: int | None = None) -> QuerySet[CertifiedCopy]:
    """The register entries of the agencies the official works at (or of one of them), newest first."""
    agencies = official_agency_ids(official)
    if agency_id is not None:
        agencies &= {agency_id}
    return (
        CertifiedCopy.objects.filter(agency_id__in=agencies)
        .select_related("agency", "certified_by", "copy_file")
        .order_by("-issued_at", "-id")
    )


def certified_copy_for_official(
    *, official: User, public_id: uuid.UUID | str, purpose: str = "view"
) -> CertifiedCopy:
    """One entry of a register the official works with (CertifiedCopy.DoesNotExist otherwise); the read of its
    personal data is audited with its purpose (R-PRIV-2)."""
    copy = (
        CertifiedCopy.objects.select_related(
            "agency", "certified_by", "applicant", "copy_file", "captured_file"
        )
        .filter(agency_id__in=official_agency_ids(official))
        .get(public_id=_uuid(public_id))
    )
    audit_record(
        actor=official,
        action="certified_copy.read",
        object_type="certified_copy",
        object_id=str(copy.public_id),
        data={"purpose": purpose},
    )
    return copy


def certified_copies_of(*, user: User) -> QuerySet[CertifiedCopy]:
    """The certified copies issued to the applicant's account, newest first."""
    return (
        CertifiedCopy.objects.filter(applicant=user)
        .select_related("agency", "copy_file")
        .order_by("-issued_at", "-id")
    )


def certified_copy_for_applicant(*, user: User, public_id: uuid.UUID | str) -> CertifiedCopy:
    """The applicant's own copy, or CertifiedCopy.DoesNotExist whether it is missing or someone else's."""
    return CertifiedCopy.objects.select_related("agency", "copy_file").get(
        public_id=_uuid(public_id), applicant=user
    )


def captures_of(*, dossier: Dossier) -> QuerySet[Capture]:
    """Who digitised which paper component of the dossier at the counter (R-CERT-2)."""
    return Capture.objects.filter(dossier=dossier).select_related("component", "captured_by", "stored_file")


def _uuid(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise CertifiedCopy.DoesNotExist from None
