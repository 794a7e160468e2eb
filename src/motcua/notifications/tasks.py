"""Background delivery of the outbox; each task calls one service."""

from __future__ import annotations

from django_tasks import task

from motcua.notifications import services


@task()
def deliver_outbox_message(message_id: int) -> str:
    return services.outbox_deliver(message_id=message_id)


@task()
def deliver_due_outbox() -> dict[str, int]:
    return services.outbox_deliver_due()
