"""Prefill from state databases (R-ONCE-1, R-ONCE-2, R-PRIV-3).

An e-form field says where its value comes from with `prefill: "population.full_name"`. When a dossier is
started, `source_prefill` looks up, once per connector the procedure uses, the applicant's record with
only the attributes its form maps (and, for a component `satisfied_by` that connector, the record itself),
before the dossier's transaction opens. Each value that fits its field goes into the draft and the field
is marked as coming from that source (`dossier.prefilled[key] = "population"`), which keeps it read-only;
a source that has no value, or is down or slow, leaves the field to the applicant.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from motcua.catalog.eform import validate_form
from motcua.catalog.models import Procedure
from motcua.connectors.models import SourceLookup
from motcua.connectors.registry import IDENTITY, Registry, registry
from motcua.connectors.services import lookup

logger = logging.getLogger(__name__)


def connector_mappings(schema: dict, connectors: Registry | None = None) -> dict[str, dict[str, str]]:
    """Connector name -> {top-level e-form key: attribute} of the fields the schema fills from it."""
    connectors = connectors or registry
    found: dict[str, dict[str, str]] = {}
    for spec in schema.get("fields", []) if isinstance(schema, dict) else []:
        source = spec.get("prefill") if isinstance(spec, dict) else None
        if not isinstance(source, str) or not spec.get("key"):
            continue
        name, _dot, attribute = source.partition(".")
        connector = connectors.get(name)
        if name != IDENTITY and connector is not None and attribute in connector.attributes:
            found.setdefault(name, {})[spec["key"]] = attribute
    return found


def connectors_of(procedure: Procedure, connectors: Registry | None = None) -> dict[str, dict[str, str]]:
    """Every connector a procedure's dossier is looked up in: those its form maps and those that satisfy
    one of its components (R-ONCE-2), each with the form keys it fills ({} when it fills none)."""
    connectors = connectors or registry
    used = connector_mappings(procedure.eform_schema, connectors)
    for component in procedure.components.all():
        if component.satisfied_by in connectors:
            used.setdefault(component.satisfied_by, {})
    return used


@dataclass
class Sourced:
    """What the sources gave a dossier not saved yet: its public id (named in every request) and values."""

    public_id: uuid.UUID
    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # e-form key -> connector
    lookups: list[SourceLookup] = field(default_factory=list)

    def apply(self, dossier: Any) -> None:
        """Put the values into a new dossier and mark their fields as coming from their source."""
        dossier.public_id = self.public_id
        dossier.form_data = {**dossier.form_data, **self.values}
        dossier.prefilled = {**dossier.prefilled, **self.sources}


def source_prefill(
    *, procedure: Procedure, applicant: Any, actor: Any = None, connectors: Registry | None = None
) -> Sourced:
    """Look up what state databases hold for `applicant` that the procedure needs, outside any transaction.

    `actor` is who asks, when not the applicant (the one-stop official at the counter, R-PRIV-2). Never
    raises for a source that is down, slow or refuses: the lookup is logged with its outcome and the fields
    stay editable. Fields the source lacks, or whose value does not fit the field, stay editable too.
    """
    connectors = connectors or registry
    sourced = Sourced(public_id=uuid.uuid4())
    if not procedure.is_active:
        return sourced  # no dossier will be made: read nobody's record for it
    specs = {
        spec.get("key"): spec for spec in procedure.eform_schema.get("fields", []) if isinstance(spec, dict)
    }
    for name, mapped in connectors_of(procedure, connectors).items():
        connector = connectors[name]
        key = connector.key_of(applicant) if connector.key_of else ""
        if not key:
            continue  # the account holds no key for this source (a citizen before a business form)
        found = lookup(
            connector_name=name,
            key=key,
            fields=sorted(set(mapped.values())),
            use=SourceLookup.Use.PREFILL,
            procedure_code=procedure.code,
            dossier_public_id=sourced.public_id,
            actor=actor or applicant,
            mapped=mapped,
            connectors=connectors,
        )
        sourced.lookups.append(found)
        if not found.found:
            continue
        for form_key, attribute in mapped.items():
            value = found.data.get(attribute)
            if value in (None, "", {}, []):
                continue
            if not fits(specs.get(form_key) or {}, value):
                logger.warning("source %s: %s does not fit e-form field %s", name, attribute, form_key)
                continue
            sourced.values[form_key] = value
            sourced.sources[form_key] = name
    return sourced


def fits(spec: dict, value: Any) -> bool:
    """Whether a source's value is a valid answer to the field (a choice among its choices, an address
    of the current list…); one that is not is left for the applicant to enter."""
    if not spec.get("key"):
        return False
    alone = {k: v for k, v in spec.items() if k not in ("visible_when", "birth_date_field")}
    return not validate_form({"fields": [alone]}, {spec["key"]: value}).errors
