"""Reads of dossiers for the applicant's pages and the API."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from motcua.audit.services import audit_record
from motcua.catalog import eform
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile, DossierRevision
from motcua.identity.models import User
from motcua.identity.selectors import roles_held
from motcua.workflow.models import Consultation


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


def dossier_of_applicant_by_code(*, user: User, code: str) -> Dossier | None:
    """The user's own submitted dossier with this code or reference, if any."""
    found = (
        Dossier.objects.filter(Q(code=code) | Q(reference=code), applicant=user)
        .exclude(status=Dossier.Status.DRAFT)
        .order_by()[:1]
    )
    return next(iter(found), None)


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


# What a dossier code (R-CODE-1: agency identifier, date, sequence) or a reference can look like, once
# spaces are removed and letters upper-cased: ASCII letters, digits, dots and dashes, at most 40.
TRACKING_CODE = re.compile(r"[A-Z0-9][A-Z0-9.\-]{0,39}")


def dossier_for_tracking(*, code: str) -> Dossier | None:
    """The submitted dossier whose code, or reference (the only code before acceptance), is `code` (R-TRK-1).

    None when there is none, and the same None without a query for anything no code can look like, so
    that a malformed code and an unknown one cannot be told apart. Drafts have neither and are never
    found. Codes are matched exactly, upper-cased, on their unique indexes. Loads the applicant's phone
    and the form data for the second factor: the caller shows none of it.
    """
    normalised = "".join(code.split()).upper()
    if not TRACKING_CODE.fullmatch(normalised):
        return None
    found = (
        Dossier.objects.filter(Q(code=normalised) | Q(reference=normalised))
        .exclude(status=Dossier.Status.DRAFT)
        .select_related("procedure", "agency", "applicant")
        .only(
            "code",
            "reference",
            "status",
            "stage",
            "form_data",
            "submitted_at",
            "accepted_at",
            "due_at",
            "original_due_at",
            "result_ready_at",
            "ended_at",
            "procedure__code",
            "procedure__name",
            "agency__code",
            "agency__name",
            "applicant__phone",
        )
        .order_by()[:1]  # one row at most; no sort that could steer the plan off the two unique indexes
    )
    return next(iter(found), None)


def dossier_public_events(*, dossier: Dossier) -> QuerySet[DossierEvent]:
    """The timeline as anyone with the second factor may see it: kinds and times, never the events' data."""
    return (
        dossier.events.exclude(kind=DossierEvent.Kind.CREATED)
        .order_by("at", "id")
        .only("kind", "at", "dossier")
    )


def official_agency_ids(*, official: User) -> list[int]:
    """The agencies where `official` holds a role, own or delegated (none for a citizen or an organisation)."""
    return sorted({agency_id for agency_id, _role in roles_held(official=official)})


def dossier_for_official(*, official: User, public_id: uuid.UUID | str, purpose: str = "view") -> Dossier:
    """The one way an official loads a dossier (R-PROH-4); every successful read is audited (R-PRIV-2).

    Only a submitted dossier (never a draft) of an agency where the official holds a role, or one that was
    sent for consultation to such an agency (R-PROC-4); otherwise Dossier.DoesNotExist, the same whether it
    is missing or out of reach. The read appends the audit event `dossier.read` (with `purpose`, e.g. "view"
    or "file", and `via`: "agency" or "consultation") before the dossier is returned.
    """
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        raise Dossier.DoesNotExist from None
    agency_ids = official_agency_ids(official=official)
    if not agency_ids:
        raise Dossier.DoesNotExist
    consulted = Consultation.objects.filter(dossier=OuterRef("pk"), agency_id__in=agency_ids)
    dossier = (
        Dossier.objects.select_related("procedure", "agency", "applicant", "rule_set")
        .exclude(status=Dossier.Status.DRAFT)
        .filter(Q(agency_id__in=agency_ids) | Exists(consulted))
        .get(public_id=key)
    )
    with transaction.atomic():
        audit_record(
            actor=official,
            action="dossier.read",
            object_type="dossier",
            object_id=str(dossier.public_id),
            data={
                "purpose": purpose,
                "agency": dossier.agency.code,
                "via": "agency" if dossier.agency_id in agency_ids else "consultation",
            },
        )
    return dossier


def dossier_file_for_official(*, official: User, public_id: uuid.UUID | str, file_id: int) -> DossierFile:
    """A file of a dossier the official may read (through dossier_for_official, so the read is audited); a file
    reused from the applicant's warehouse also lands in the access log its owner reads (R-PRIV-2)."""
    from motcua.warehouse.selectors import provenance_for_official  # the warehouse builds on dossiers

    dossier = dossier_for_official(official=official, public_id=public_id, purpose="file")
    dossier_file = DossierFile.objects.select_related("stored_file", "component").get(
        dossier=dossier, pk=file_id
    )
    provenance_for_official(official=official, dossier=dossier, files=[dossier_file], purpose="file")
    return dossier_file


# -- what a supplement changed (R-SUP-4) ---------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    target: str  # "form.<key>", as a supplement request names it
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class FileChange:
    target: str  # "component.<code>"
    component: str  # the component's name
    kind: str  # "added", "removed" or "replaced"
    old_name: str = ""
    old_sha256: str = ""
    new_name: str = ""
    new_sha256: str = ""


@dataclass(frozen=True)
class RevisionDiff:
    """Part by part, what revision `new` of a dossier changed from revision `old`."""

    old: int
    new: int
    old_submitted_at: datetime | None
    new_submitted_at: datetime | None
    fields: list[FieldChange]
    files: list[FileChange]
    unchanged_files: int

    @property
    def changed_targets(self) -> set[str]:
        return {c.target for c in self.fields} | {c.target for c in self.files}

    @property
    def is_empty(self) -> bool:
        return not self.fields and not self.files


def _display_text(shown: eform.DisplayField) -> str:
    if not shown.items:
        return shown.value
    return "; ".join(
        _("Mục %(n)s: %(values)s")
        % {"n": n, "values": ", ".join(f"{sub.label}: {_display_text(sub)}" for sub in item)}
        for n, item in enumerate(shown.items, start=1)
    )


def _field_changes(schema: dict[str, Any], old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    old_shown = {f.key: f for f in eform.fields_for_display(schema, old)}
    new_shown = {f.key: f for f in eform.fields_for_display(schema, new)}
    keys = [
        f["key"] for f in schema.get("fields", []) if isinstance(f, dict) and isinstance(f.get("key"), str)
    ]
    keys += sorted((set(old) | set(new)) - set(keys))  # answers the current form no longer names
    labels = {
        f["key"]: str(f.get("label") or f["key"]) for f in schema.get("fields", []) if isinstance(f, dict)
    }
    changes = []
    for key in keys:
        if old.get(key) == new.get(key):
            continue
        texts = []
        for shown, data in ((old_shown, old), (new_shown, new)):
            if key in shown:
                texts.append(_display_text(shown[key]))
            else:
                value = data.get(key)
                texts.append("—" if value in (None, "", [], {}) else str(value))
        changes.append(FieldChange(f"form.{key}", labels.get(key, key), texts[0], texts[1]))
    return changes


def _file_changes(
    components: list[tuple[str, str]], old: list[dict[str, Any]], new: list[dict[str, Any]]
) -> tuple[list[FileChange], int]:
    names = dict(components)
    codes = [code for code, _name in components]
    codes += sorted({f.get("component", "") for f in old + new} - set(codes))
    changes: list[FileChange] = []
    unchanged = 0
    for code in codes:
        before = [f for f in old if f.get("component") == code]
        after = [f for f in new if f.get("component") == code]
        before_hashes = {f.get("sha256") for f in before}
        after_hashes = {f.get("sha256") for f in after}
        removed = [f for f in before if f.get("sha256") not in after_hashes]
        added = [f for f in after if f.get("sha256") not in before_hashes]
        unchanged += len(after) - len(added)
        target, label = f"component.{code}", names.get(code, code)
        for gone, came in zip(removed, added, strict=False):
            changes.append(
                FileChange(
                    target,
                    label,
                    "replaced",
                    old_name=gone.get("name", ""),
                    old_sha256=gone.get("sha256", ""),
                    new_name=came.get("name", ""),
                    new_sha256=came.get("sha256", ""),
                )
            )
        pairs = min(len(removed), len(added))
        for gone in removed[pairs:]:
            changes.append(
                FileChange(
                    target, label, "removed", old_name=gone.get("name", ""), old_sha256=gone.get("sha256", "")
                )
            )
        for came in added[pairs:]:
            changes.append(
                FileChange(
                    target, label, "added", new_name=came.get("name", ""), new_sha256=came.get("sha256", "")
                )
            )
    return changes, unchanged


def revision_diff(*, dossier: Dossier, number: int | None = None) -> RevisionDiff | None:
    """What revision `number` (default: the dossier's current one) changed from the revision before it:
    e-form fields old → new, and per component the files added, removed or replaced, compared by SHA-256
    (R-SUP-4). None for a first revision. Two queries: the two revisions, the procedure's components."""
    number = dossier.revision if number is None else number
    if number < 2:
        return None
    revisions = {
        r.number: r for r in DossierRevision.objects.filter(dossier=dossier, number__in=[number - 1, number])
    }
    if len(revisions) < 2:
        return None
    old, new = revisions[number - 1].manifest, revisions[number].manifest
    components = [(c.code, c.name) for c in dossier.procedure.components.all()]
    files, unchanged = _file_changes(components, list(old.get("files", [])), list(new.get("files", [])))
    return RevisionDiff(
        old=number - 1,
        new=number,
        old_submitted_at=revisions[number - 1].submitted_at,
        new_submitted_at=revisions[number].submitted_at,
        fields=_field_changes(
            dossier.procedure.eform_schema or {},
            dict(old.get("form_data", {})),
            dict(new.get("form_data", {})),
        ),
        files=files,
        unchanged_files=unchanged,
    )


# -- search in the officials' queues ---------------------------------------------------------------------

# A reference (261123-K7QX2M) or a dossier code (000.00.31.H26-261123-0001): ASCII, with a dash and a digit.
# A name has no digit and a citizen ID has only digits, so each search goes down one indexed path.
_CODE_LIKE = re.compile(r"(?=.*-)(?=.*[0-9])[A-Z0-9.\-]+")
TRIGRAM = 3  # names shorter than this cannot use the trigram index (pg_trgm's trigrams)


def dossier_search(queryset: QuerySet, q: str, prefix: str = "") -> QuerySet:
    """Keep the rows whose dossier's citizen ID, reference or code is `q`, or whose applicant's name has it.

    `prefix` reaches the dossier from the queryset's model (e.g. "dossier__" for processing steps). Which
    one `q` is follows from its shape, so the database goes straight to the matching rows through an index
    (the citizen ID's and the codes' unique indexes, the trigram index on the name on PostgreSQL) instead
    of reading the whole queue of a large agency.
    """
    q = q.strip()
    if not q:
        return queryset
    if q.isdigit():
        return queryset.filter(**{f"{prefix}applicant__citizen_id": q})
    code = "".join(q.split()).upper()
    if _CODE_LIKE.fullmatch(code):
        return queryset.filter(Q(**{f"{prefix}reference": code}) | Q(**{f"{prefix}code": code}))
    if len(q) < TRIGRAM:
        # Too short for the trigram index, and in a large share of names: read the queue in due order and
        # look each applicant up. As a subquery per row, so the database cannot instead scan every account.
        name = Subquery(User.objects.filter(pk=OuterRef(f"{prefix}applicant_id")).values("full_name")[:1])
        return queryset.alias(applicant_name=name).filter(applicant_name__icontains=q)
    return queryset.filter(**{f"{prefix}applicant__full_name__icontains": q})
