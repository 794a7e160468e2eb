"""The officials' cross-check of a submitted e-form against state databases (R-CHK-2, R-ONCE-2).

Each field the form fills from a source is compared with what the source said: the snapshot kept at
prefill, or, when there is none (the source was down then), a lookup made now with the purpose "check
<procedure> dossier <id>", logged like any other (R-PRIV-2). Components a source replaces are listed with
whether the source had the applicant's record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from motcua.catalog.eform import fields_for_display
from motcua.catalog.text import fold
from motcua.connectors.models import SourceLookup
from motcua.connectors.prefill import connectors_of
from motcua.connectors.registry import Registry, registry, source_label
from motcua.connectors.selectors import error_reports_of, found_lookups
from motcua.connectors.services import lookup
from motcua.dossiers.models import Dossier
from motcua.identity.models import User


@dataclass
class Row:
    key: str
    label: str
    source: str  # the source's name for people
    submitted: str
    found: str  # what the source says, "" when it has nothing
    differs: bool
    prefilled: bool  # the value came from the source and could not be changed


@dataclass
class Unavailable:
    source: str
    outcome: str  # ConnectorExchange.Outcome value
    outcome_label: str


@dataclass
class Satisfied:
    component: str
    source: str
    found: bool


@dataclass
class Reported:
    """An applicant's report that a value from a source is wrong."""

    label: str
    note: str
    at: Any


@dataclass
class CrossCheck:
    rows: list[Row] = field(default_factory=list)
    unavailable: list[Unavailable] = field(default_factory=list)
    satisfied: list[Satisfied] = field(default_factory=list)
    reports: list[Reported] = field(default_factory=list)

    @property
    def differences(self) -> int:
        return sum(1 for row in self.rows if row.differs)

    @property
    def empty(self) -> bool:
        return not (self.rows or self.unavailable or self.satisfied)


def cross_check(*, dossier: Dossier, official: User, connectors: Registry | None = None) -> CrossCheck:
    """The cross-check of `dossier` for `official`; may look up a source now (outside any transaction)."""
    connectors = connectors or registry
    specs = {s.get("key"): s for s in dossier.procedure.eform_schema.get("fields", []) if isinstance(s, dict)}
    result = CrossCheck(
        reports=[
            Reported(
                label=str((specs.get(r.field_key) or {}).get("label") or r.field_key), note=r.note, at=r.at
            )
            for r in error_reports_of(dossier=dossier)
        ]
    )
    used = connectors_of(dossier.procedure, connectors)
    if not used:
        return result
    snapshots = found_lookups(dossier_public_id=dossier.public_id)
    for name, mapped in used.items():
        connector = connectors[name]
        label = source_label(name, connectors)
        found = snapshots.get(name)
        if found is None:
            key = connector.key_of(dossier.applicant) if connector.key_of else ""
            if key:
                found = lookup(
                    connector_name=name,
                    key=key,
                    fields=sorted(set(mapped.values())),
                    use=SourceLookup.Use.CHECK,
                    procedure_code=dossier.procedure.code,
                    dossier_public_id=dossier.public_id,
                    actor=official,
                    mapped=mapped,
                    connectors=connectors,
                )
        if found is None or not found.found:
            result.unavailable.append(
                Unavailable(
                    source=label,
                    outcome=found.outcome if found is not None else "",
                    outcome_label=found.get_outcome_display() if found is not None else "",
                )
            )
        for component in dossier.procedure.components.all():
            if component.satisfied_by == name:
                result.satisfied.append(
                    Satisfied(component=component.name, source=label, found=bool(found and found.found))
                )
        if found is None or not found.found:
            continue
        for key, attribute in mapped.items():
            spec = specs.get(key) or {"key": key, "label": key}
            submitted = dossier.form_data.get(key)
            source_value = found.data.get(attribute)
            result.rows.append(
                Row(
                    key=key,
                    label=str(spec.get("label") or key),
                    source=label,
                    submitted=_text(spec, submitted),
                    found=_text(spec, source_value),
                    differs=source_value not in (None, "") and _norm(submitted) != _norm(source_value),
                    prefilled=dossier.prefilled.get(key) == name,
                )
            )
    return result


def _text(spec: dict, value: Any) -> str:
    if value in (None, "", {}, []):
        return ""
    shown = fields_for_display({"fields": [spec]}, {str(spec.get("key")): value})
    return shown[0].value if shown else str(value)


def _norm(value: Any) -> Any:
    """A value as compared: case, accents kept, spacing and letter case ignored; an address by its codes."""
    if isinstance(value, dict):
        return (
            str(value.get("province", "")).lstrip("0"),
            str(value.get("commune", "")).lstrip("0"),
            fold(" ".join(str(value.get("street", "")).split())),
        )
    if value is None:
        return ""
    return " ".join(str(value).split()).casefold()
