"""Reads the API needs that the contexts' selectors do not offer yet.

The record of a dossier's processing as an official sees it, the results an applicant may download, the
consultations addressed to an official's agency, and the look-ups that turn codes and usernames in a request
into rows. Every function scopes what it returns to the caller; a row the caller may not see raises
DoesNotExist exactly like a missing one (R-PROH-4). Candidates to move into workflow/selectors.py.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import QuerySet

from motcua.catalog.models import Agency
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.selectors import (
    dossier_files,
    dossier_for_applicant,
    dossier_for_official,
    official_agency_ids,
)
from motcua.identity.models import User
from motcua.workflow.models import Consultation, Decision, ProcessingStep, ResultDocument


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
        files=list(dossier_files(dossier=dossier)),
        revisions=dossier.revisions.count(),
        steps=list(
            ProcessingStep.objects.filter(dossier=dossier)
            .select_related("giver", "assignee", "handed_over_by")
            .order_by("order", "id")
        ),
        decisions=list(Decision.objects.filter(dossier=dossier).select_related("by").order_by("at", "id")),
        consultations=list(
            Consultation.objects.filter(dossier=dossier)
            .select_related("agency", "requested_by", "answered_by")
            .order_by("requested_at", "id")
        ),
        results=list(_results(dossier)),
    )


def _results(dossier: Dossier) -> QuerySet[ResultDocument]:
    return (
        ResultDocument.objects.filter(dossier=dossier).select_related("stored_file", "dossier").order_by("id")
    )


def decisions_for_applicant(*, dossier: Dossier) -> list[Decision]:
    """The decisions sent to the applicant (receipt, supplement request, refusal, apology, stop notice…)."""
    return list(Decision.objects.filter(dossier=dossier).order_by("at", "id"))


def results_for_applicant(*, dossier: Dossier) -> list[ResultDocument]:
    """The results the applicant may download: only once the one-stop has returned them (status done).

    Before that a result is a draft under review or awaiting return; a dossier that ended otherwise
    (rejected, withdrawn) has no result to hand over.
    """
    if dossier.status != Dossier.Status.DONE:
        return []
    return list(_results(dossier))


def result_for_applicant(*, user: User, public_id: uuid.UUID | str, result_id: int) -> ResultDocument:
    """One result of the applicant's own returned dossier, or ResultDocument.DoesNotExist."""
    try:
        dossier = dossier_for_applicant(user=user, public_id=public_id)
    except Dossier.DoesNotExist:
        raise ResultDocument.DoesNotExist from None
    for result in results_for_applicant(dossier=dossier):
        if result.pk == result_id:
            return result
    raise ResultDocument.DoesNotExist


def result_for_official(*, official: User, public_id: uuid.UUID | str, result_id: int) -> ResultDocument:
    """One result of a dossier the official may read (through dossier_for_official: scoped and audited)."""
    try:
        dossier = dossier_for_official(official=official, public_id=public_id, purpose="result")
    except Dossier.DoesNotExist:
        raise ResultDocument.DoesNotExist from None
    return _results(dossier).get(pk=result_id)


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
