"""The one-stop back office: the queue of dossiers awaiting check and the read-only check page.

Every page is for officials only (a citizen gets 403) and works without JS. Every dossier is loaded through
dossiers.selectors.dossier_for_official, which scopes it to the official's agencies and audits the read.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.backoffice.selectors import awaiting_check, awaiting_check_counts, queue_procedures
from motcua.catalog import eform
from motcua.dossiers.downloads import dossier_file_response
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_file_for_official, dossier_files, dossier_for_official
from motcua.identity.models import User

PAGE_SIZE = 50


def official_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log in first; then only officials may pass, anyone else gets a 403 page in Vietnamese."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.kind != User.Kind.OFFICIAL:
            return render(request, "backoffice/forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _param(request: HttpRequest, name: str, limit: int) -> str:
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


def _after(request: HttpRequest) -> tuple[datetime, int] | None:
    """The keyset of the "next page" link: sau_han (ISO moment with offset) and sau_id; ignored if malformed."""
    try:
        due = datetime.fromisoformat(_param(request, "sau_han", 40))
        last_id = int(_param(request, "sau_id", 20))
    except ValueError:
        return None
    if due.tzinfo is None:
        return None
    return due, last_id


@official_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    filters = {"thu_tuc": _param(request, "thu_tuc", 20), "q": _param(request, "q", 100)}
    page = awaiting_check(
        official=request.user,
        after=_after(request),
        limit=PAGE_SIZE,
        procedure_code=filters["thu_tuc"] or None,
        q=filters["q"],
    )
    kept = {k: v for k, v in filters.items() if v}
    next_url = ""
    if page.next_after is not None:
        due, last_id = page.next_after
        next_url = "?" + urlencode({**kept, "sau_han": due.isoformat(), "sau_id": last_id})
    return render(
        request,
        "backoffice/queue.html",
        {
            "page": page,
            "counts": awaiting_check_counts(official=request.user),
            "procedures": queue_procedures(official=request.user),
            "filters": filters,
            "filtered": bool(kept),
            "first_url": "?" + urlencode(kept) if kept else request.path,
            "next_url": next_url,
            "is_later_page": _after(request) is not None,
        },
    )


def _dossier(request: HttpRequest, public_id: uuid.UUID) -> Dossier:
    try:
        return dossier_for_official(official=request.user, public_id=public_id)
    except Dossier.DoesNotExist:
        raise Http404(_("Không tìm thấy hồ sơ này trong các cơ quan bạn làm việc.")) from None


@official_required
@require_GET
def dossier_check(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Read-only: what the applicant submitted, for the one-stop official to check (R-CHK-1)."""
    dossier = _dossier(request, public_id)
    return render(
        request,
        "backoffice/dossier_check.html",
        {
            "dossier": dossier,
            "rows": eform.fields_for_display(dossier.procedure.eform_schema, dossier.form_data),
            "files": dossier_files(dossier=dossier),
        },
    )


@official_required
@require_GET
def dossier_file_download(request: HttpRequest, public_id: uuid.UUID, file_id: int) -> FileResponse:
    """A submitted file, as uploaded; through the same access function as the check page (audited)."""
    return dossier_file_response(
        lambda: dossier_file_for_official(official=request.user, public_id=public_id, file_id=file_id)
    )
