"""Serving a dossier's stored file over HTTP, for whichever access function loaded it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from motcua.dossiers.models import StoredFile
from motcua.dossiers.storage import open_blob


class Downloadable(Protocol):
    """A row naming stored bytes: a submitted file, or a result document."""

    original_name: str
    stored_file: StoredFile


# Shown inline (the check screen's preview) only for the kinds a browser displays without running them.
PREVIEWABLE = frozenset({"application/pdf", "image/jpeg", "image/png"})


def dossier_file_response(load: Callable[[], Downloadable], *, inline: bool = False) -> FileResponse:
    """The file as uploaded, under its original name; 404 when `load` finds nothing the caller may see.

    `inline` asks for a preview in the page; granted only for PDF and images (content-sniffed at upload),
    anything else is still sent as an attachment.
    """
    try:
        dossier_file = load()
        blob = open_blob(dossier_file.stored_file.sha256)
    except (ObjectDoesNotExist, FileNotFoundError):
        raise Http404(_("Không tìm thấy tệp này.")) from None
    content_type = dossier_file.stored_file.content_type
    response = FileResponse(
        blob,
        as_attachment=not (inline and content_type in PREVIEWABLE),
        filename=dossier_file.original_name,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
