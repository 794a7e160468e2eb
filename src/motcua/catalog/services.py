"""Writes to the catalog. Each upsert is idempotent: it changes and audits only what differs."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, TypedDict

from django.db import transaction
from django.db.models import ProtectedError

from motcua.audit.services import audit_record
from motcua.catalog.models import Agency, Component, DocumentType, FeeItem, Field, Procedure, RuleSet
from motcua.catalog.text import fold

Outcome = Literal["created", "updated", "unchanged"]


class FeeSpec(TypedDict, total=False):
    name: str
    amount: int
    note: str


class ComponentSpec(TypedDict, total=False):
    code: str
    name: str
    required: bool
    copies: int
    accepted_formats: list[str]
    max_size_mb: int
    signature_requirement: str
    document_type: str
    note: str
    satisfied_by: str


class ComponentInUse(Exception):
    """A component the new definition drops is still referenced by submitted dossier files."""

    def __init__(self, procedure_code: str, component_codes: Sequence[str]) -> None:
        super().__init__(procedure_code, component_codes)
        self.procedure_code = procedure_code
        self.component_codes = list(component_codes)


def rule_set_upsert(
    *,
    code: str,
    name: str,
    effective_from: datetime.date,
    params: Mapping[str, Any],
    actor: Any = None,
) -> tuple[RuleSet, Outcome]:
    """Create or update the rule set `code`."""
    with transaction.atomic():
        values = {"name": name, "effective_from": effective_from, "params": dict(params)}
        rule_set, outcome = _upsert(RuleSet, code=code, values=values)
        _audit(actor, outcome, "rule_set", code, values)
    return rule_set, outcome


def field_upsert(*, code: str, name: str, actor: Any = None) -> tuple[Field, Outcome]:
    """Create or update the procedure field (lĩnh vực) `code`."""
    with transaction.atomic():
        field, outcome = _upsert(Field, code=code, values={"name": name})
        _audit(actor, outcome, "field", code, {"name": name})
        if outcome == "updated":
            procedures_reindex(procedures=field.procedures.all())
    return field, outcome


def document_type_upsert(
    *, code: str, name: str, validity_months: int | None = None, actor: Any = None
) -> tuple[DocumentType, Outcome]:
    """Create or update the document type `code` that components and warehouse documents share."""
    with transaction.atomic():
        values = {"name": name, "validity_months": validity_months}
        document_type, outcome = _upsert(DocumentType, code=code, values=values)
        _audit(actor, outcome, "document_type", code, values)
    return document_type, outcome


def agency_upsert(
    *,
    code: str,
    name: str,
    level: str,
    one_stop_name: str,
    parent: Agency | None = None,
    province_code: int | None = None,
    one_stop_address: str = "",
    phone: str = "",
    email: str = "",
    actor: Any = None,
) -> tuple[Agency, Outcome]:
    """Create or update the agency `code` (its code in the national list of agency codes)."""
    values = {
        "name": name,
        "level": level,
        "parent": parent,
        "province_code": province_code,
        "one_stop_name": one_stop_name,
        "one_stop_address": one_stop_address,
        "phone": phone,
        "email": email,
    }
    with transaction.atomic():
        agency, outcome = _upsert(Agency, code=code, values=values)
        _audit(actor, outcome, "agency", code, {**values, "parent": parent.code if parent else None})
        if outcome == "updated":
            procedures_reindex(procedures=agency.procedures.all())
    return agency, outcome


def procedure_upsert(
    *,
    code: str,
    name: str,
    field: Field,
    agencies: Sequence[Agency],
    online_level: str,
    processing_days: int,
    result_type: str,
    legal_basis: str,
    same_day_cutoff: datetime.time | None = None,
    description: str = "",
    applicants: str = "",
    eform_schema: Mapping[str, Any] | None = None,
    workflow: Sequence[Mapping[str, Any]] = (),
    popularity: int = 0,
    is_active: bool = True,
    fees: Sequence[FeeSpec] = (),
    components: Sequence[ComponentSpec] = (),
    source_hash: str = "",
    actor: Any = None,
) -> tuple[Procedure, Outcome]:
    """Create or update a procedure with its agencies, fees, components (matched by code) and workflow.

    A procedure whose `source_hash` equals the stored one is left untouched. Components missing from
    `components` are deleted, unless dossiers already use them: then ComponentInUse is raised.
    Procedures themselves are never deleted here; set `is_active=False` to withdraw one.
    `workflow` is stored as given: check it with steps.clean_workflow first.
    """
    with transaction.atomic():
        existing = Procedure.objects.filter(code=code).first()
        if existing is not None and source_hash and existing.source_hash == source_hash:
            return existing, "unchanged"
        procedure = existing or Procedure(code=code)
        procedure.name = name
        procedure.field = field
        procedure.online_level = online_level
        procedure.processing_days = processing_days
        procedure.same_day_cutoff = same_day_cutoff
        procedure.description = description
        procedure.applicants = applicants
        procedure.result_type = result_type
        procedure.legal_basis = legal_basis
        procedure.eform_schema = dict(eform_schema or {})
        procedure.workflow = [dict(step) for step in workflow]
        procedure.popularity = popularity
        procedure.is_active = is_active
        procedure.source_hash = source_hash
        procedure.search_text = procedure_search_text(
            code=code, name=name, field_name=field.name, agency_names=[a.name for a in agencies]
        )
        procedure.save()
        procedure.agencies.set(agencies)
        _sync_fees(procedure, fees)
        _sync_components(procedure, components)
        outcome: Outcome = "updated" if existing is not None else "created"
        _audit(
            actor,
            outcome,
            "procedure",
            code,
            {"name": name, "agencies": [a.code for a in agencies], "source_hash": source_hash},
        )
    return procedure, outcome


def procedures_reindex(*, procedures: Iterable[Procedure]) -> int:
    """Recompute search_text of the procedures (after an agency, field or admin edit); return how many."""
    count = 0
    for procedure in procedures:
        text = procedure_search_text(
            code=procedure.code,
            name=procedure.name,
            field_name=procedure.field.name,
            agency_names=[a.name for a in procedure.agencies.all()],
        )
        if text != procedure.search_text:
            procedure.search_text = text
            procedure.save(update_fields=["search_text"])
            count += 1
    return count


def procedure_search_text(*, code: str, name: str, field_name: str, agency_names: Iterable[str]) -> str:
    """The accent-free text that procedure_search matches words against."""
    return fold(" ".join([code, name, field_name, *agency_names]))


def _upsert(model: Any, *, code: str, values: Mapping[str, Any]) -> tuple[Any, Outcome]:
    obj = model.objects.filter(code=code).first()
    if obj is None:
        return model.objects.create(code=code, **values), "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    return obj, "updated"


def _sync_fees(procedure: Procedure, fees: Sequence[FeeSpec]) -> None:
    """Fee items have no code: the n-th item of the definition updates the n-th stored row."""
    existing = list(procedure.fee_items.order_by("order", "id"))
    for order, spec in enumerate(fees):
        values = {
            "name": spec["name"],
            "amount": spec["amount"],
            "note": spec.get("note", ""),
            "order": order,
        }
        if order < len(existing):
            item = existing[order]
            changed = [k for k, v in values.items() if getattr(item, k) != v]
            if changed:
                for k in changed:
                    setattr(item, k, values[k])
                item.save(update_fields=changed)
        else:
            FeeItem.objects.create(procedure=procedure, **values)
    for item in existing[len(fees) :]:
        item.delete()


def _sync_components(procedure: Procedure, components: Sequence[ComponentSpec]) -> None:
    existing = {c.code: c for c in procedure.components.all()}
    wanted = {spec["code"] for spec in components}
    in_use = []
    for code, component in existing.items():
        if code in wanted:
            continue
        try:
            with transaction.atomic():
                component.delete()
        except ProtectedError:
            in_use.append(code)
    if in_use:
        raise ComponentInUse(procedure.code, in_use)
    for order, spec in enumerate(components):
        values = {
            "name": spec["name"],
            "required": spec.get("required", True),
            "copies": spec.get("copies", 1),
            "accepted_formats": list(spec.get("accepted_formats", ["pdf"])),
            "max_size_mb": spec.get("max_size_mb", 10),
            "signature_requirement": spec.get("signature_requirement", Component.Signature.NONE),
            "document_type": spec.get("document_type", ""),
            "note": spec.get("note", ""),
            "satisfied_by": spec.get("satisfied_by", ""),
            "order": order,
        }
        stored = existing.get(spec["code"])
        if stored is None:
            Component.objects.create(procedure=procedure, code=spec["code"], **values)
            continue
        changed = [k for k, v in values.items() if getattr(stored, k) != v]
        if changed:
            for k in changed:
                setattr(stored, k, values[k])
            stored.save(update_fields=changed)


def _audit(actor: Any, outcome: Outcome, object_type: str, code: str, data: Mapping[str, Any]) -> None:
    if outcome == "unchanged":
        return
    audit_record(
        actor=actor,
        action=f"catalog.{object_type}_{outcome}",
        object_type=object_type,
        object_id=code,
        data=dict(data),
    )
