"""Reads of the catalog: search, one procedure with everything its page needs, the rule set in force."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from motcua.catalog.models import Procedure, RuleSet
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


def rule_set_in_force(*, on: datetime.date) -> RuleSet:
    """The rule set with the latest effective_from on or before `on`; raises RuleSet.DoesNotExist if none."""
    rule_set = RuleSet.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if rule_set is None:
        raise RuleSet.DoesNotExist(f"No rule set in force on {on.isoformat()}")
    return rule_set


@dataclass(frozen=True)
class StepTemplate:
    kind: str
    role: str
    hours: Decimal
    department: str = ""
    name: str = ""


def workflow_template(procedure: Procedure) -> list[StepTemplate]:
    """TEMPORARY default until the catalog's workflow templates land."""
    total = Decimal(procedure.processing_days * 8 or 4)
    approval = (total * Decimal("0.2") * 4).quantize(Decimal(1)) / 4
    result = approval
    return [
        StepTemplate("specialist", "specialist", total - approval - result),
        StepTemplate("approval", "leader", approval),
        StepTemplate("result", "specialist", result),
    ]
