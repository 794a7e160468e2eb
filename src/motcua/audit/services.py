"""Writes to the audit log (R-AUD-1): every append goes through `audit_record`."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from motcua.audit.models import AuditEvent, AuditHead

# prev_hash of the very first event.
GENESIS_HASH = "0" * 64
HEAD_PK = 1


def canonical_content(
    *,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    data: dict[str, Any],
) -> str:
    """Return the canonical JSON of an event's content, the text that its hash covers.

    The id is left out: it is only known after the insert. Order is still protected, because each
    event's hash covers the previous event's hash.
    """
    content = {
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "data": data,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, content: str) -> str:
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: str | int,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event to the hash chain and return it.

    Call it inside the transaction that makes the change, so that the change and its record commit
    together; call it late in that transaction, because the chain's head stays locked until commit.
    `actor` is a User, or None for the system. `data` must be JSON (dates, decimals and UUIDs become
    strings; write amounts as integers or strings, not floats).
    """
    # Store exactly what JSON gives back, so the hash recomputed from the stored row matches.
    if at is not None and timezone.is_naive(at):
        # Stored as if in TIME_ZONE, it would no longer match the hash taken here.
        raise ValueError("audit_record needs an aware datetime for `at`")
    clean_data = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    actor_id = actor.pk if actor is not None else None
    actor_label = _actor_label(actor)
    with transaction.atomic(savepoint=False):  # no savepoint: a failure here fails the caller anyway
        head = _locked_head()
        # Taken after the lock, so times never go backwards along the chain.
        at = at if at is not None else timezone.now()
        content = canonical_content(
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            data=clean_data,
        )
        event = AuditEvent.objects.create(
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            data=clean_data,
            prev_hash=head.last_hash,
            hash=chain_hash(head.last_hash, content),
        )
        head.last_event_id = event.pk
        head.last_hash = event.hash
        head.save(update_fields=["last_event_id", "last_hash"])
    return event


def _actor_label(actor: Any) -> str:
    if actor is None:
        return ""
    label = getattr(actor, "display_name", "") or actor.get_username()
    return str(label)[:255]


def _locked_head() -> AuditHead:
    """Lock and return the chain's head row, which serialises appends (PostgreSQL row lock).

    Migration 0003 creates the row. It is recreated here only when the table was emptied (tests that
    flush the database); the insert of a fixed primary key is safe if two transactions race.
    """
    head = AuditHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is not None:
        return head
    last = AuditEvent.objects.order_by("-id").only("id", "hash").first()
    AuditHead.objects.get_or_create(
        pk=HEAD_PK,
        defaults={
            "last_event_id": last.pk if last else 0,
            "last_hash": last.hash if last else GENESIS_HASH,
        },
    )
    return AuditHead.objects.select_for_update().get(pk=HEAD_PK)
