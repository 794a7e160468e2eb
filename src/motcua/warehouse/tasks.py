"""Background work of the warehouse; each task calls one service."""

from __future__ import annotations

from django_tasks import task

from motcua.warehouse import services


@task()
def verify_document(document_id: int) -> str:
    return services.document_signature_verify(document_id=document_id)
