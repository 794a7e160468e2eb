"""Reads the API needs beyond the contexts' selectors (the applicant's decisions and results, and results
for officials, are workflow.selectors').

The record of a dossier's processing as an official sees it, the consultations addressed to an official's
agency, and the look-ups that turn codes and usernames in a request into rows. Every function scopes what it returns to the caller; a row the caller may not see raises
DoesNotExist exactly like a missing one (R-PROH-4). Candidates to move into workflow/selectors.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.selectors import (
    dossier_files,
    official_agency_ids,
)
from motcua.identity.models import User
from motcua.signatures.selectors import with_signatures
from motcua.workflow.models import Consultation, Decision, ProcessingStep, ResultDocument
from motcua.workflow.selectors import consultations_of, control_sheet, decisions_of, results_of


@dataclass(frozen=True)
class ProcessingRecord:
    """Everything about an accepted (or submitted) dossier beyond its own row, for the official's view."""

    files: list[DossierFile]
    revisions: int
    steps: list[ProcessingStep]
    decisions: list[Decision]
    consultations: list[Consultation]
    results: list[ResultDocument]


def processing_record(*, dossier: Dossier) -> ProcessingRecord:
    """The dossier's files, revision count, control sheet (form 06), decisions, consultations and results."""
    return ProcessingRecord(
        files=with_signatures(dossier_files(dossier=dossier)),
        revisions=dossier.revisions.count(),
        steps=list(control_sheet(dossier=dossier).order_by("order", "id")),
        decisions=list(decisions_of(dossier=dossier).order_by("at", "id")),
        consultations=list(consultations_of(dossier=dossier).order_by("requested_at", "id")),
        results=list(results_of(dossier=dossier).order_by("id")),
    )


def consultations_for_official(*, official: User) -> QuerySet[Consultation]:
    """Unanswered consultations addressed to the official's agencies, the most urgent first (R-PROC-4)."""
    return (
        Consultation.objects.filter(
            agency_id__in=official_agency_ids(official=official), answered_at__isnull=True
        )
        .select_related("agency", "dossier", "dossier__agency", "dossier__procedure", "requested_by")
        .order_by("due_at", "id")
    )


def consultation_for_official(*, official: User, consultation_id: int) -> Consultation:
    """A consultation addressed to one of the official's agencies, or Consultation.DoesNotExist."""
    return (
        Consultation.objects.select_related(
            "agency", "dossier", "dossier__agency", "dossier__procedure", "requested_by", "answered_by"
        )
        .filter(agency_id__in=official_agency_ids(official=official))
        .get(pk=consultation_id)
    )


def official_of_agency(*, username: str, agency_id: int) -> User:
    """The official `username` holding a role at the agency, or User.DoesNotExist.

    Only officials of the dossier's agency are found, so a request cannot learn who else has an account.
    """
    return (
        User.objects.filter(kind=User.Kind.OFFICIAL, official_roles__agency_id=agency_id)
        .distinct()
        .get(username=username)
    )


def agency_by_code(*, code: str) -> Agency:
    """The agency with this code (the national agency code list), or Agency.DoesNotExist."""
    return Agency.objects.get(code=code)
