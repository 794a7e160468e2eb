"""Reads of the catalog: search, one procedure with what its page needs, its steps, the rule set in force."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from motcua.catalog.models import Procedure, RuleSet
from motcua.catalog.steps import StepTemplate, default_workflow, steps_from_json
from motcua.catalog.text import fold


def procedure_search(
    *, query: str = "", field_code: str | None = None, agency_code: str | None = None
) -> QuerySet[Procedure]:
    """Active procedures whose code, name, field or agencies contain every word of `query`, accents ignored.

    "khai sinh" finds "Đăng ký khai sinh"; the most used come first.
    """
    procedures = Procedure.objects.filter(is_active=True).select_related("field")
    for word in fold(query).split():
        procedures = procedures.filter(search_text__icontains=word)
    if field_code:
        procedures = procedures.filter(field__code=field_code)
    if agency_code:
        procedures = procedures.filter(agencies__code=agency_code)
    return procedures.order_by("-popularity", "name")


def procedure_get(*, code: str) -> Procedure:
    """The active procedure `code` with its field, agencies, components and fees loaded.

    Raises Procedure.DoesNotExist (a view turns it into 404).
    """
    return (
        Procedure.objects.filter(is_active=True)
        .select_related("field")
        .prefetch_related("agencies", "components", "fee_items")
        .get(code=code)
    )


def procedure_for_dossier(*, code: str) -> Procedure:
    """The active procedure `code` with what starting or submitting a dossier needs: agencies, components.

    Leaner than procedure_get (no field, no fees): it is on the path of every one-shot submission.
    Raises Procedure.DoesNotExist.
    """
    return Procedure.objects.filter(is_active=True).prefetch_related("agencies", "components").get(code=code)


def popular_procedures(limit: int = 6) -> QuerySet[Procedure]:
    """The most used active procedures, for the home page."""
    return (
        Procedure.objects.filter(is_active=True)
        .select_related("field")
        .order_by("-popularity", "name")[:limit]
    )


def workflow_template(procedure: Procedure) -> list[StepTemplate]:
    """The steps of the procedure's internal process in order, each with a role and a budget (R-PROC-2).

    The stored steps, or when there are none a default from the processing time: specialist 60 %, approval
    (leader) 20 %, result 20 % of processing_days × 8 working hours (4 hours for a same-day procedure), in
    quarter hours that sum exactly. Returning the result is not a step: it is not counted.
    """
    if procedure.workflow:
        return steps_from_json(procedure.workflow)
    return default_workflow(procedure.processing_days)


def rule_set_in_force(*, on: datetime.date) -> RuleSet:
    """The rule set with the latest effective_from on or before `on`; raises RuleSet.DoesNotExist if none."""
    rule_set = RuleSet.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if rule_set is None:
        raise RuleSet.DoesNotExist(f"No rule set in force on {on.isoformat()}")
    return rule_set
