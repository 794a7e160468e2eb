"""Lookups in state databases, each logged with its purpose (R-PRIV-2), and what they change in motcua.

- `lookup` asks one connector for one record and writes the `ConnectorExchange` and its audit event,
  whatever the answer; it never raises for a source that is down, slow or refusing.
- `source_error_report` records that an applicant says a value a source filled in is wrong.
The prefill of a new dossier is in `motcua.connectors.prefill`, the officials' cross-check in
`motcua.connectors.crosscheck`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import audit_record
from motcua.connectors import client
from motcua.connectors.models import ConnectorExchange, SourceErrorReport, SourceLookup
from motcua.connectors.registry import Registry, registry
from motcua.dossiers.models import Dossier
from motcua.identity.models import User

NOTE_MAX = 1000


class ReportError(Exception):
    """An error report that cannot be recorded; the message says why, in Vietnamese."""


def purpose_of(*, use: str, procedure_code: str, dossier_public_id: uuid.UUID | str) -> str:
    """The purpose every request states (ASCII, it travels in a header): "prefill 2.000488 dossier <id>"."""
    return f"{use} {procedure_code} dossier {dossier_public_id}"


def lookup(
    *,
    connector_name: str,
    key: str,
    fields: list[str],
    use: str,
    procedure_code: str,
    dossier_public_id: uuid.UUID,
    actor: User | None,
    mapped: dict[str, str] | None = None,
    connectors: Registry | None = None,
) -> SourceLookup:
    """Ask `connector_name` for the record `key`, only `fields` (R-PRIV-3), and keep the exchange as
    evidence with its purpose (R-PRIV-2) and what it said about the dossier (its snapshot, or the failure).

    Call it outside any transaction: it waits on the network up to the connector's timeout.
    """
    connector = (connectors or registry)[connector_name]
    purpose = purpose_of(use=use, procedure_code=procedure_code, dossier_public_id=dossier_public_id)
    config = client.config_for(connector_name)
    if config is None:
        answer = client.Answer(
            outcome=client.Outcome.UNAVAILABLE, request_id=str(uuid.uuid4()), detail="not configured"
        )
    else:
        answer = client.fetch(connector=connector, config=config, key=key, fields=fields, purpose=purpose)
    now = timezone.now()
    with transaction.atomic():
        exchange = ConnectorExchange.objects.create(
            connector=connector_name,
            request_id=answer.request_id,
            purpose=purpose,
            procedure_code=procedure_code,
            dossier_public_id=dossier_public_id,
            actor=actor,
            key=key[:64],
            fields=list(fields),
            http_status=answer.status,
            outcome=answer.outcome,
            response_sha256=answer.body_sha256,
            duration_ms=answer.duration_ms,
            detail=answer.detail,
            at=now,
        )
        found = SourceLookup.objects.create(
            dossier_public_id=dossier_public_id,
            connector=connector_name,
            use=use,
            outcome=answer.outcome,
            data=answer.data,
            mapped=dict(mapped or {}),
            exchange=exchange,
            at=now,
        )
        audit_record(
            actor=actor,
            action="connector.lookup",
            object_type="dossier",
            object_id=str(dossier_public_id),
            data={
                "connector": connector_name,
                "request_id": answer.request_id,
                "purpose": purpose,
                "fields": list(fields),
                "outcome": answer.outcome,
                "response_sha256": answer.body_sha256,
            },
            at=now,
        )
    return found


def source_error_report(*, dossier: Dossier, applicant: User, field_key: str, note: str) -> SourceErrorReport:
    """Record that the applicant says the value `field_key` got from its source is wrong (R-ONCE-1).

    The field stays as the source gave it (the applicant has the source corrected); the report is kept
    and audited, and the officials see it beside the cross-check.
    """
    connector = dossier.prefilled.get(field_key, "")
    if dossier.applicant_id != applicant.pk or not connector or connector == "identity":
        raise ReportError(_("Trường này không lấy từ cơ sở dữ liệu nên bạn có thể tự sửa."))
    note = note.replace("\x00", "").strip()
    if len(note) > NOTE_MAX:
        raise ReportError(
            _("Nội dung phản ánh chỉ được tối đa %(max)s ký tự. Bạn đã nhập %(count)s ký tự.")
            % {"max": NOTE_MAX, "count": len(note)}
        )
    now = timezone.now()
    value: Any = dossier.form_data.get(field_key)
    with transaction.atomic():
        report = SourceErrorReport.objects.create(
            dossier=dossier,
            field_key=field_key,
            connector=connector,
            source_value=value,
            note=note,
            reported_by=applicant,
            at=now,
        )
        audit_record(
            actor=applicant,
            action="connector.error_reported",
            object_type="dossier",
            object_id=str(dossier.public_id),
            data={"connector": connector, "field": field_key, "report": report.pk},
            at=now,
        )
    return report
