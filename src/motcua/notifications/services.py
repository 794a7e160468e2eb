"""Notify account holders: a message in their inbox, and an e-mail delivered from the outbox with retries.

Delivery is at least once: a row is claimed by a conditional UPDATE (several workers may run side by side),
sent, then marked sent; a failure is retried with exponential backoff, up to MAX_ATTEMPTS.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.notifications.models import InboxMessage, OutboxMessage

MAX_ATTEMPTS = 8
FIRST_RETRY_DELAY = timedelta(minutes=2)
LONGEST_RETRY_DELAY = timedelta(hours=6)
# A claimed row whose worker died is claimed again once this has passed (the send is then repeated).
SENDING_LEASE = timedelta(minutes=15)
BATCH_SIZE = 10_000


def notify(*, user, subject: str, body: str, link: str = "") -> InboxMessage:
    """Put a message in the user's inbox and, if they have an e-mail address, send it there too.

    The e-mail is queued in the caller's transaction and handed to the task backend only after commit,
    so nothing is sent for a change that rolls back.
    """
    from motcua.notifications.tasks import deliver_outbox_message

    with transaction.atomic(savepoint=False):  # part of the caller's change; no savepoint needed
        message = InboxMessage.objects.create(user=user, subject=subject, body=body, link=link)
        if user.email:
            email_body = body
            if link:
                url = settings.SITE_URL.rstrip("/") + link if link.startswith("/") else link
                email_body = f"{body}\n\n{url}"
            outbox = OutboxMessage.objects.create(
                channel=OutboxMessage.Channel.EMAIL,
                recipient=user.email,
                subject=subject,
                body=email_body,
                next_attempt_at=timezone.now(),
            )
            transaction.on_commit(lambda: deliver_outbox_message.enqueue(outbox.pk))
    return message


def outbox_deliver(*, message_id: int) -> str:
    """Claim one due outbox message, send it and record the outcome; return its status afterwards.

    Returns "skipped" when the row is not due or another worker holds it.
    """
    now = timezone.now()
    claimed = (
        _due(now)
        .filter(pk=message_id)
        .update(
            status=OutboxMessage.Status.SENDING,
            attempts=F("attempts") + 1,
            next_attempt_at=now + SENDING_LEASE,
        )
    )
    if claimed != 1:
        return "skipped"
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        _send(message)
    except Exception as error:  # any failure of the channel: record it and retry later
        failed = message.attempts >= MAX_ATTEMPTS
        OutboxMessage.objects.filter(pk=message_id, status=OutboxMessage.Status.SENDING).update(
            status=OutboxMessage.Status.FAILED if failed else OutboxMessage.Status.PENDING,
            next_attempt_at=timezone.now() + retry_delay(message.attempts),
            last_error=(f"{type(error).__name__}: {error}")[:2000],
        )
        return OutboxMessage.Status.FAILED if failed else OutboxMessage.Status.PENDING
    OutboxMessage.objects.filter(pk=message_id).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return OutboxMessage.Status.SENT


def outbox_deliver_due() -> dict[str, int]:
    """Deliver the messages due now, oldest first, at most BATCH_SIZE (run it periodically).

    Return how many were sent, will be retried ("pending") and gave up ("failed").
    """
    counts = {"sent": 0, "pending": 0, "failed": 0}
    due_ids = list(_due(timezone.now()).order_by("next_attempt_at").values_list("pk", flat=True)[:BATCH_SIZE])
    for message_id in due_ids:
        outcome = outbox_deliver(message_id=message_id)
        if outcome in counts:
            counts[outcome] += 1
    return counts


def retry_delay(attempts: int) -> timedelta:
    """Wait 2, 4, 8, … minutes after each failed attempt, at most 6 hours."""
    return min(FIRST_RETRY_DELAY * 2 ** max(attempts - 1, 0), LONGEST_RETRY_DELAY)


def inbox_mark_read(*, user, message_id: int) -> InboxMessage:
    """Mark one of the user's inbox messages as read (again is harmless)."""
    message = InboxMessage.objects.filter(pk=message_id, user=user).first()
    if message is None:  # the same answer whether it does not exist or belongs to someone else
        raise InboxMessage.DoesNotExist(_("Không tìm thấy thông báo này trong hộp thư của bạn."))
    if message.read_at is None:
        message.read_at = timezone.now()
        message.save(update_fields=["read_at"])
    return message


def _due(now: datetime):
    pending = Q(status=OutboxMessage.Status.PENDING)
    abandoned = Q(status=OutboxMessage.Status.SENDING)  # claimed, but its lease ran out
    return OutboxMessage.objects.filter(pending | abandoned, next_attempt_at__lte=now)


def _send(message: OutboxMessage) -> None:
    if message.channel != OutboxMessage.Channel.EMAIL:
        raise ValueError(f"no sender for channel {message.channel!r} yet")
    EmailMessage(subject=message.subject, body=message.body, to=[message.recipient]).send()
