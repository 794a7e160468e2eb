"""Serving a dossier's stored file over HTTP, for whichever access function loaded it."""

from __future__ import annotations

from collections.abc import Callable

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.storage import open_blob


def dossier_file_response(load: Callable[[], DossierFile]) -> FileResponse:
    """The file as uploaded, under its original name; 404 when `load` finds nothing the caller may see."""
    try:
        dossier_file = load()
        blob = open_blob(dossier_file.stored_file.sha256)
    except (Dossier.DoesNotExist, DossierFile.DoesNotExist, FileNotFoundError):
        raise Http404(_("Không tìm thấy tệp này.")) from None
    return FileResponse(
        blob,
        as_attachment=True,
        filename=dossier_file.original_name,
        content_type=dossier_file.stored_file.content_type,
    )
