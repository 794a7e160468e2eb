"""Reads of dossiers for the applicant's pages and the API."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.db.models import Count, QuerySet

from motcua.audit.services import audit_record
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
from motcua.identity.models import OfficialRole, User


def dossier_for_applicant(*, user: User, public_id: uuid.UUID | str) -> Dossier:
    """The applicant's own dossier, or Dossier.DoesNotExist, whether it is missing or someone else's."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Dossier.DoesNotExist from None
    return Dossier.objects.select_related("procedure", "agency", "procedure__field").get(
        public_id=key, applicant=user
    )


def dossiers_of(*, user: User, status: str | None = None) -> QuerySet[Dossier]:
    queryset = (
        Dossier.objects.filter(applicant=user)
        .select_related("procedure", "agency")
        .annotate(file_count=Count("files"))
        .order_by("-created_at", "-id")
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def dossier_files(*, dossier: Dossier) -> QuerySet[DossierFile]:
    return dossier.files.select_related("component", "stored_file").order_by("component__order", "id")


def dossier_timeline(*, dossier: Dossier) -> QuerySet[DossierEvent]:
    return dossier.events.order_by("at", "id")


def dossier_file_for_applicant(*, user: User, public_id: uuid.UUID | str, file_id: int) -> DossierFile:
    dossier = dossier_for_applicant(user=user, public_id=public_id)
    return DossierFile.objects.select_related("stored_file", "component").get(dossier=dossier, pk=file_id)


def submitted_dossier_with_key(*, applicant: User, submission_key: str) -> Dossier | None:
    """The applicant's dossier already submitted with this idempotency key, if any."""
    return (
        Dossier.objects.select_related("procedure", "agency")
        .filter(applicant=applicant, submission_key=submission_key)
        .exclude(status=Dossier.Status.DRAFT)
        .first()
    )


def official_agency_ids(*, official: User) -> list[int]:
    """The agencies where `official` holds a role (none for a citizen or an organisation)."""
    if official.kind != User.Kind.OFFICIAL:
        return []
    return sorted(set(OfficialRole.objects.filter(user=official).values_list("agency_id", flat=True)))


def dossier_for_official(*, official: User, public_id: uuid.UUID | str, purpose: str = "view") -> Dossier:
    """The one way an official loads a dossier (R-PROH-4); every successful read is audited (R-PRIV-2).

    Only a submitted dossier (never a draft) of an agency where the official holds a role; otherwise
    Dossier.DoesNotExist, the same whether it is missing or another agency's. The read appends the audit
    event `dossier.read` (with `purpose`, e.g. "view" or "file") before the dossier is returned.
    """
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Dossier.DoesNotExist from None
    if official.kind != User.Kind.OFFICIAL:
        raise Dossier.DoesNotExist
    dossier = (
        Dossier.objects.select_related("procedure", "agency", "applicant", "rule_set")
        .exclude(status=Dossier.Status.DRAFT)
        .filter(agency_id__in=OfficialRole.objects.filter(user=official).values("agency_id"))
        .get(public_id=key)
    )
    with transaction.atomic():
        audit_record(
            actor=official,
            action="dossier.read",
            object_type="dossier",
            object_id=str(dossier.public_id),
            data={"purpose": purpose, "agency": dossier.agency.code},
        )
    return dossier


def dossier_file_for_official(*, official: User, public_id: uuid.UUID | str, file_id: int) -> DossierFile:
    """A file of a dossier the official may read (through dossier_for_official, so the read is audited)."""
    dossier = dossier_for_official(official=official, public_id=public_id, purpose="file")
    return DossierFile.objects.select_related("stored_file", "component").get(dossier=dossier, pk=file_id)
