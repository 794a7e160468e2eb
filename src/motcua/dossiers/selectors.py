"""Reads of dossiers for the applicant's pages and the API."""

from __future__ import annotations

import uuid

from django.db.models import Count, QuerySet

from motcua.dossiers.models import Dossier, DossierEvent, DossierFile
from motcua.identity.models import User


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
