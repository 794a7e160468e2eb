"""Handing a rendered form to the browser."""

from __future__ import annotations

from django.http import HttpResponse


def attachment(content: bytes, filename: str, content_type: str = "application/pdf") -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"  # personal data: never kept by a shared cache
    return response
