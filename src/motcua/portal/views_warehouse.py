"""The citizen's personal electronic data warehouse (Kho dữ liệu điện tử): browse, download, add and delete their
documents, see who used them, give and withdraw consent, and reuse a document in a draft with one click.
Every page works without JS; the writes go through motcua.warehouse.services."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalog.models import DocumentType
from motcua.dossiers.checks import Problem
from motcua.dossiers.downloads import dossier_file_response
from motcua.dossiers.services import DossierError
from motcua.warehouse import selectors, services
from motcua.warehouse.models import Consent, Document

PAGE_SIZE = 20
TEXT_LIMITS = {"title": 255, "number": 100, "issuer": 255}


def _document(request: HttpRequest, public_id: uuid.UUID) -> Document:
    try:
        return selectors.document_for_owner(owner=request.user, public_id=public_id)
    except Document.DoesNotExist:
        raise Http404(_("Không tìm thấy giấy tờ này trong Kho dữ liệu của bạn.")) from None


@login_required
@require_GET
def warehouse(request: HttpRequest) -> HttpResponse:
    """The owner's documents with their provenance and validity (R-WH-1)."""
    page = Paginator(selectors.documents_of(owner=request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    names = selectors.document_type_names()
    for document in page:
        document.type_name = names.get(document.document_type, "")
    return render(request, "portal/warehouse/list.html", {"page": page, "today": timezone.localdate()})


@login_required
@require_http_methods(["GET", "POST"])
def document_add(request: HttpRequest) -> HttpResponse:
    """The owner adds a document of their own (unverified): type, title, number, issuer, dates and the file."""
    problems: list[Problem] = []
    if request.method == "POST":
        issued_on, problems = services.read_day(request.POST.get("issued_on", ""), "issued_on")
        expires_on, unreadable = services.read_day(request.POST.get("expires_on", ""), "expires_on")
        problems += unreadable
        upload = request.FILES.get("file")
        try:
            document = services.document_upload(
                owner=request.user,
                document_type=request.POST.get("document_type", "")[:60],
                title=request.POST.get("title", "")[: TEXT_LIMITS["title"] + 1],
                number=request.POST.get("number", "")[: TEXT_LIMITS["number"] + 1],
                issuer=request.POST.get("issuer", "")[: TEXT_LIMITS["issuer"] + 1],
                issued_on=issued_on,
                expires_on=expires_on,
                original_name=upload.name if upload else "",
                chunks=upload.chunks() if upload else None,
                earlier_problems=problems,
            )
        except services.WarehouseError as error:
            problems = error.problems
        else:
            messages.success(request, _("Đã thêm “%(title)s” vào Kho dữ liệu.") % {"title": document.title})
            return redirect("portal:warehouse")
    errors: dict[str, list[str]] = {}
    for problem in problems:
        errors.setdefault(problem.field, []).append(problem.message)
    return render(
        request,
        "portal/warehouse/add.html",
        {
            "types": DocumentType.objects.order_by("name"),
            "posted": request.POST,
            "errors": errors,
            "summary": [{"message": p.message, "anchor": f"id_{p.field}"} for p in problems],
        },
        status=400 if problems else 200,
    )


@login_required
@require_GET
def document_download(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    return dossier_file_response(
        lambda: selectors.document_for_owner(owner=request.user, public_id=public_id)
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_delete(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Ask to confirm (GET), then delete (POST); never deletes on a GET."""
    document = _document(request, public_id)
    if request.method == "POST":
        services.document_remove(owner=request.user, document=document)
        messages.success(request, _("Đã xoá “%(title)s” khỏi Kho dữ liệu.") % {"title": document.title})
        return redirect("portal:warehouse")
    return render(request, "portal/warehouse/delete.html", {"document": document})


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    """Which official of which agency used which document, when, for which dossier (R-PRIV-2)."""
    page = Paginator(selectors.access_log_of(owner=request.user), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    return render(request, "portal/warehouse/access_log.html", {"page": page})


@login_required
@require_GET
def consents(request: HttpRequest) -> HttpResponse:
    """The consents the owner gave, with their wording and time, and a way to withdraw each (R-PRIV-1)."""
    page = Paginator(selectors.consents_of(owner=request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "portal/warehouse/consents.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def consent_withdraw(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    try:
        consent = selectors.consent_for_owner(owner=request.user, public_id=public_id)
    except Consent.DoesNotExist:
        raise Http404(_("Không tìm thấy sự đồng ý này trong tài khoản của bạn.")) from None
    if request.method == "POST":
        services.consent_withdraw(owner=request.user, consent=consent)
        messages.success(
            request,
            _(
                "Đã rút lại sự đồng ý. Từ nay không có gì được lưu thêm theo sự đồng ý này; giấy tờ đã lưu theo nó đã được xoá khỏi Kho."
            ),
        )
        return redirect("portal:warehouse_consents")
    return render(
        request,
        "portal/warehouse/withdraw.html",
        {"consent": consent, "documents": consent.documents.filter(removed_at__isnull=True)},
    )


def use_document(request: HttpRequest, dossier, problems: list[Problem]) -> list[Problem]:
    """Attach the warehouse document named by the pressed "Dùng giấy tờ này" button (`use_document` =
    "<component code>:<document id>") to the draft; the problems if it does not fit."""
    code, _sep, document_id = request.POST.get("use_document", "").partition(":")
    try:
        document = selectors.document_for_owner(owner=request.user, public_id=document_id)
        services.document_reuse(
            dossier=dossier, applicant=request.user, component_code=code, document=document
        )
    except Document.DoesNotExist:
        return [
            *problems,
            Problem("component", "unknown", _("Không tìm thấy giấy tờ này trong Kho dữ liệu của bạn.")),
        ]
    except DossierError as error:
        return [*problems, *error.problems]
    if not problems:
        messages.success(request, _("Đã dùng “%(title)s” từ Kho dữ liệu.") % {"title": document.title})
    return problems


def after_use_url(dossier, request: HttpRequest) -> str:
    code = request.POST.get("use_document", "").partition(":")[0]
    known = {c.code for c in dossier.procedure.components.all()}
    anchor = "#component-" + code if code in known else "#components"
    return reverse("portal:dossier_edit", kwargs={"public_id": dossier.public_id}) + anchor
