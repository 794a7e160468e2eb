"""Reads of the connectors: what the sources said about a dossier, for the applicant's and officials' pages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.db.models import QuerySet

from motcua.connectors.models import ConnectorExchange, SourceErrorReport, SourceLookup
from motcua.connectors.prefill import connectors_of
from motcua.connectors.registry import source_label
from motcua.dossiers.models import Dossier


def latest_lookups(*, dossier_public_id: uuid.UUID) -> dict[str, SourceLookup]:
    """Connector -> the latest lookup of the dossier in it (prefill or check)."""
    found: dict[str, SourceLookup] = {}
    for item in SourceLookup.objects.filter(dossier_public_id=dossier_public_id).order_by("at", "id"):
        found[item.connector] = item
    return found


def found_lookups(*, dossier_public_id: uuid.UUID) -> dict[str, SourceLookup]:
    """Connector -> the latest lookup that found the dossier's record: the snapshot officials compare with."""
    found: dict[str, SourceLookup] = {}
    for item in SourceLookup.objects.filter(
        dossier_public_id=dossier_public_id, outcome=ConnectorExchange.Outcome.FOUND
    ).order_by("at", "id"):
        found[item.connector] = item
    return found


@dataclass
class Notice:
    """A source that did not answer for this dossier: its fields and components fall to manual entry."""

    connector: str
    label: str
    outcome: str
    fields: list[str] = field(default_factory=list)  # labels of the fields left to the applicant
    components: list[str] = field(default_factory=list)  # names of components the agency will look up


def source_notices(*, dossier: Dossier) -> list[Notice]:
    """The sources a dossier's prefill could not use (down, slow, refused, no record), R-ONCE-1/R-ONCE-2."""
    lookups = latest_lookups(dossier_public_id=dossier.public_id)
    labels = {
        spec.get("key"): spec.get("label") or spec.get("key")
        for spec in dossier.procedure.eform_schema.get("fields", [])
    }
    notices = []
    for name, mapped in connectors_of(dossier.procedure).items():
        found = lookups.get(name)
        if found is None or found.found:
            continue
        notices.append(
            Notice(
                connector=name,
                label=source_label(name),
                outcome=found.outcome,
                fields=[str(labels.get(key, key)) for key in mapped],
                components=[c.name for c in dossier.procedure.components.all() if c.satisfied_by == name],
            )
        )
    return notices


@dataclass
class LookedUp:
    """A component a state database replaces (R-ONCE-2), and whether the dossier's lookup found the record."""

    name: str
    source: str
    found: bool | None  # None: not looked up (yet)


def looked_up_components(*, dossier: Dossier) -> list[LookedUp]:
    """The dossier's components that the agency looks up itself, for the applicant's dossier page."""
    components = [c for c in dossier.procedure.components.all() if c.satisfied_by]
    if not components:
        return []
    lookups = latest_lookups(dossier_public_id=dossier.public_id)
    found = found_lookups(dossier_public_id=dossier.public_id)
    return [
        LookedUp(
            name=c.name,
            source=source_label(c.satisfied_by),
            found=True if c.satisfied_by in found else (False if c.satisfied_by in lookups else None),
        )
        for c in components
    ]


def exchanges_of(*, dossier_public_id: uuid.UUID) -> QuerySet[ConnectorExchange]:
    """Every request made to a state database for this dossier, newest first (R-PRIV-2)."""
    return ConnectorExchange.objects.filter(dossier_public_id=dossier_public_id).select_related("actor")


def error_reports_of(*, dossier: Dossier) -> list[SourceErrorReport]:
    return list(SourceErrorReport.objects.filter(dossier=dossier).order_by("at", "id"))
