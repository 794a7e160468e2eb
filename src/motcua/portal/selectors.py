"""Reads of the one-stop process for the applicant's pages: the decisions and results they may see.

Every function takes a dossier already loaded through dossiers.selectors.dossier_for_applicant (ownership
checked there), or loads through it.
"""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_for_applicant
from motcua.identity.models import User
from motcua.workflow.models import Decision, ResultDocument

# What the applicant is told of (forms 02-05 and the closing); an acceptance's per-component check marks
# are the officials' working notes, and what the applicant needs of it (code, appointment) is on the dossier.
APPLICANT_DECISIONS = (
    Decision.Kind.SUPPLEMENT,
    Decision.Kind.REFUSE,
    Decision.Kind.REJECT,
    Decision.Kind.APOLOGY,
    Decision.Kind.WITHDRAW,
    Decision.Kind.CLOSE,
)
# A result is the applicant's only once issued: before that it is a draft awaiting the leader's approval.
RESULT_STATUSES = frozenset({Dossier.Status.RESULT_READY, Dossier.Status.DONE})


def decisions_for_applicant(*, dossier: Dossier) -> list[Decision]:
    """The decisions on `dossier` the applicant sees, oldest first."""
    return list(Decision.objects.filter(dossier=dossier, kind__in=APPLICANT_DECISIONS).order_by("at", "id"))


def receipt_for_applicant(*, dossier: Dossier) -> Decision | None:
    """The latest acceptance, whose form 01 (receipt and appointment slip) the applicant may download."""
    return Decision.objects.filter(dossier=dossier, kind=Decision.Kind.ACCEPT).order_by("-at", "-id").first()


def open_supplement_request(*, dossier: Dossier) -> Decision | None:
    """The supplement request the applicant has still to answer, if the dossier waits for one."""
    if dossier.status != Dossier.Status.SUPPLEMENT_REQUESTED:
        return None
    return (
        Decision.objects.filter(dossier=dossier, kind=Decision.Kind.SUPPLEMENT, answered_at__isnull=True)
        .order_by("-at", "-id")
        .first()
    )


def results_for_applicant(*, dossier: Dossier) -> QuerySet[ResultDocument]:
    """The issued results of `dossier` (none before it is result ready), in the order they were attached."""
    if dossier.status not in RESULT_STATUSES:
        return ResultDocument.objects.none()
    return ResultDocument.objects.filter(dossier=dossier).select_related("stored_file").order_by("id")


def result_for_applicant(*, user: User, public_id: uuid.UUID | str, result_id: int) -> ResultDocument:
    """One issued result of the user's own dossier; ResultDocument.DoesNotExist (or Dossier.DoesNotExist)
    alike whether it is missing, not issued yet, or someone else's."""
    dossier = dossier_for_applicant(user=user, public_id=public_id)
    return results_for_applicant(dossier=dossier).get(pk=result_id)
