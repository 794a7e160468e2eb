"""Reads of the audit log: the events about one object, and verification of the whole chain (R-AUD-1)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.audit.models import AuditEvent, AuditHead
from motcua.audit.services import GENESIS_HASH, HEAD_PK, canonical_content, chain_hash

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_broken_id: int | None
    reason: str


def events_for(*, object_type: str, object_id: str | int) -> QuerySet[AuditEvent]:
    """Return the events about one object, oldest first."""
    return AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id)).order_by("id")


def verify_chain() -> VerifyResult:
    """Recompute every hash in id order and check each link; stop at the first broken event.

    Rows are streamed in chunks, so memory stays flat however long the log is. The head row, read first,
    names the newest event: events appended while we read are left for the next run, and deleting events
    at the end of the chain is detected too.
    """
    head = AuditHead.objects.filter(pk=HEAD_PK).first()
    fields = ("id", "at", "actor_id", "actor_label", "action", "object_type", "object_id", "data")
    rows = AuditEvent.objects.order_by("id").values_list(*fields, "prev_hash", "hash")
    if head is not None:
        rows = rows.filter(id__lte=head.last_event_id)
    expected_prev = GENESIS_HASH
    previous_id: int | None = None
    checked = 0
    for row in rows.iterator(chunk_size=CHUNK_SIZE):
        event_id, at, actor_id, actor_label, action, object_type, object_id, data, prev_hash, stored = row
        if prev_hash != expected_prev:
            if previous_id is None:
                reason = _(
                    "sự kiện #%(id)s lẽ ra là sự kiện đầu tiên của chuỗi "
                    "nhưng lại trỏ tới một sự kiện trước nó"
                ) % {"id": event_id}
            else:
                reason = _(
                    "sự kiện #%(id)s không trỏ tới sự kiện #%(prev)s ngay trước nó: "
                    "một sự kiện ở giữa đã bị xóa, hoặc liên kết đã bị sửa"
                ) % {"id": event_id, "prev": previous_id}
            return VerifyResult(ok=False, checked=checked, first_broken_id=event_id, reason=reason)
        content = canonical_content(
            at=at,
            actor_id=actor_id,
            actor_label=actor_label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            data=data,
        )
        if chain_hash(prev_hash, content) != stored:
            reason = _("sự kiện #%(id)s đã bị sửa sau khi ghi: nội dung không còn khớp với mã băm của nó") % {
                "id": event_id
            }
            return VerifyResult(ok=False, checked=checked, first_broken_id=event_id, reason=reason)
        checked += 1
        expected_prev = stored
        previous_id = event_id

    if head is not None and head.last_hash != expected_prev:
        reason = _(
            "sự kiện mới nhất #%(id)s bị thiếu hoặc đã bị sửa: các sự kiện ở cuối nhật ký đã bị xóa"
        ) % {"id": head.last_event_id}
        return VerifyResult(
            ok=False, checked=checked, first_broken_id=head.last_event_id or None, reason=reason
        )
    return VerifyResult(ok=True, checked=checked, first_broken_id=None, reason="")
