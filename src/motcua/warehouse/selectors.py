"""Reads of the personal electronic data warehouse: the owner's own documents, consents and access log, what a
draft may reuse, and the provenance officials see of what a dossier reused (each such read logged, R-PRIV-2)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from motcua.audit.services import audit_record
from motcua.catalog.models import DocumentType
from motcua.dossiers import sniff
from motcua.dossiers.models import Dossier, DossierFile
from motcua.identity.models import User
from motcua.warehouse.models import Consent, Document, DocumentAccess, DocumentUse


def documents_of(*, owner: User) -> QuerySet[Document]:
    """The owner's documents still in the warehouse, newest first."""
    return (
        Document.objects.filter(owner=owner, removed_at__isnull=True)
        .select_related("stored_file", "agency", "dossier", "signature")
        .order_by("-created_at", "-id")
    )


def document_for_owner(*, owner: User, public_id: uuid.UUID | str) -> Document:
    """One of the owner's documents still in the warehouse; Document.DoesNotExist whether missing or not theirs."""
    return documents_of(owner=owner).get(public_id=_uuid(public_id, Document))


def document_type_names() -> dict[str, str]:
    return dict(DocumentType.objects.values_list("code", "name"))


def reusable_for(*, dossier: Dossier, owner: User) -> dict[str, list[Document]]:
    """{component code: the owner's documents that satisfy it} for one-click reuse in the draft (R-WH-2).

    A document satisfies a component of the same document type, in a format the component accepts, when it has
    not expired; of the same bytes, the verified document is offered rather than the owner's own upload. Verified
    documents come first.
    """
    components = [c for c in dossier.procedure.components.all() if c.document_type]
    if not components:
        return {}
    today = timezone.localdate()
    documents = [
        d
        for d in documents_of(owner=owner).filter(document_type__in={c.document_type for c in components})
        if not d.is_expired(today)
    ]
    best: dict[tuple[str, int], Document] = {}
    for document in documents:
        key = (document.document_type, document.stored_file_id)
        if key not in best or (document.is_verified and not best[key].is_verified):
            best[key] = document
    offered = sorted(best.values(), key=lambda d: (not d.is_verified, -d.created_at.timestamp()))
    result: dict[str, list[Document]] = {}
    for component in components:
        accepted = sniff.accepted_types(component.accepted_formats)
        matching = [
            d
            for d in offered
            if d.document_type == component.document_type and d.stored_file.content_type in accepted
        ]
        if matching:
            result[component.code] = matching
    return result


def consents_of(*, owner: User) -> QuerySet[Consent]:
    return Consent.objects.filter(owner=owner).select_related(
        "dossier__procedure", "component", "certified_copy", "recorded_by"
    )


def consent_for_owner(*, owner: User, public_id: uuid.UUID | str) -> Consent:
    return consents_of(owner=owner).get(public_id=_uuid(public_id, Consent))


def access_log_of(*, owner: User) -> QuerySet[DocumentAccess]:
    """Which official of which agency used which of the owner's documents, when, for which dossier (R-PRIV-2)."""
    return DocumentAccess.objects.filter(document__owner=owner).select_related(
        "document", "official", "agency", "dossier__procedure"
    )


def provenance_for_official(
    *,
    official: User,
    dossier: Dossier,
    files: Iterable[DossierFile],
    purpose: str = DocumentAccess.Purpose.VIEW,
) -> dict[int, Document]:
    """{dossier file id: the warehouse document it reused} for the official's page or download, with the read of
    each such document logged for its owner to see (R-PRIV-2).

    The caller has loaded `dossier` through dossiers.selectors.dossier_for_official (agency scope, audited), so an
    official reaches a warehouse document only through a dossier of their agency that uses it.
    """
    ids = [f.pk for f in files]
    if not ids:
        return {}
    uses = list(
        DocumentUse.objects.filter(dossier_file_id__in=ids, dossier_file__dossier=dossier).select_related(
            "document__agency", "document__dossier", "document__verified_by", "document__signature"
        )
    )
    if not uses:
        return {}
    now = timezone.now()
    agency_id = official.agency_id or dossier.agency_id  # a consulted agency's official names their own
    with transaction.atomic():
        DocumentAccess.objects.bulk_create(
            DocumentAccess(
                document=use.document,
                official=official,
                agency_id=agency_id,
                dossier=dossier,
                purpose=purpose,
                at=now,
            )
            for use in {use.document_id: use for use in uses}.values()
        )
        audit_record(
            actor=official,
            action="warehouse.documents_read",
            object_type="dossier",
            object_id=str(dossier.public_id),
            data={"purpose": purpose, "documents": sorted(str(use.document.public_id) for use in uses)},
            at=now,
        )
    return {use.dossier_file_id: use.document for use in uses}


def _uuid(value: uuid.UUID | str, model) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise model.DoesNotExist from None
