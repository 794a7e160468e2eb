"""The append-only, hash-chained audit log (R-AUD-1)."""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    """One recorded action. `hash` = SHA-256 over `prev_hash` and this event's canonical content.

    No foreign keys: nothing elsewhere may ever cascade into this table. On PostgreSQL a trigger
    refuses UPDATE and DELETE (migration 0002).
    """

    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=255, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"


class AuditHead(models.Model):
    """A single row that writers lock, so that appends to the chain are serialised."""

    last_event_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"head → #{self.last_event_id}"
