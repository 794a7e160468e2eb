"""The one-stop forms for officials: each decision's form, the control sheet, the tracking book (R-FORM-1).

Dossiers are loaded through dossiers.selectors.dossier_for_official (scoped and audited), as on every page.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.backoffice.views import _dossier, official_required
from motcua.catalog.models import Agency
from motcua.documents.exports import tracking_book_csv, tracking_book_xlsx
from motcua.documents.pdf import render_pdf
from motcua.documents.responses import attachment
from motcua.dossiers.selectors import official_agency_ids
from motcua.signatures.register import issued_receipt, sealed_bytes
from motcua.workflow.documents import (
    control_sheet,
    decision_document,
    decision_with_form,
    form_filename,
    tracking_book,
)
from motcua.workflow.models import Decision

BOOK_FORMATS = {
    "pdf": ("application/pdf", render_pdf),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", tracking_book_xlsx),
    "csv": ("text/csv; charset=utf-8", tracking_book_csv),
}
MAX_BOOK_DAYS = 366


@official_required
@require_GET
def decision_pdf(request: HttpRequest, public_id: uuid.UUID, decision_id: int) -> HttpResponse:
    dossier = _dossier(request, public_id)
    try:
        decision = decision_with_form(dossier=dossier, decision_id=decision_id)
    except Decision.DoesNotExist:
        raise Http404(_("Không tìm thấy phiếu này.")) from None
    # A sealed form is served as stored, the same bytes every time (R-RES-1); others are rendered.
    sealed = issued_receipt(decision=decision)
    content = sealed_bytes(sealed) if sealed else render_pdf(decision_document(decision))
    return attachment(content, form_filename(decision))


@official_required
@require_GET
def control_sheet_pdf(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    dossier = _dossier(request, public_id)
    if not dossier.code:
        raise Http404(_("Hồ sơ chưa được tiếp nhận nên chưa có phiếu kiểm soát."))
    return attachment(render_pdf(control_sheet(dossier)), f"mau-06-{dossier.code}.pdf")


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


@official_required
@require_GET
def tracking_book_export(request: HttpRequest) -> HttpResponse:
    """Form 07 of one of the official's agencies for a period, as PDF, XLSX or CSV."""
    agencies = list(Agency.objects.filter(pk__in=official_agency_ids(official=request.user)).order_by("code"))
    today = timezone.localdate()
    values = {
        "co_quan": request.GET.get("co_quan", agencies[0].code if agencies else ""),
        "tu": request.GET.get("tu", today.replace(day=1).isoformat()),
        "den": request.GET.get("den", today.isoformat()),
        "dinh_dang": request.GET.get("dinh_dang", ""),
    }
    errors: dict[str, str] = {}
    agency = next((a for a in agencies if a.code == values["co_quan"]), None)
    if agency is None:
        errors["co_quan"] = _("Hãy chọn một cơ quan bạn làm việc.")
    start, end = _date(values["tu"]), _date(values["den"])
    if start is None:
        errors["tu"] = _("Ngày bắt đầu phải có dạng năm-tháng-ngày, ví dụ 2026-11-01.")
    if end is None:
        errors["den"] = _("Ngày kết thúc phải có dạng năm-tháng-ngày, ví dụ 2026-11-30.")
    if start and end and not (0 <= (end - start).days <= MAX_BOOK_DAYS):
        errors["den"] = _("Ngày kết thúc phải sau ngày bắt đầu và cách không quá một năm.")
    if values["dinh_dang"] and values["dinh_dang"] not in BOOK_FORMATS:
        errors["dinh_dang"] = _("Hãy chọn định dạng PDF, XLSX hoặc CSV.")
    if errors or not values["dinh_dang"]:
        return render(
            request,
            "backoffice/tracking_book.html",
            {"agencies": agencies, "values": values, "errors": errors, "formats": list(BOOK_FORMATS)},
            status=400 if errors else 200,
        )
    assert agency is not None and start is not None and end is not None
    content_type, render_book = BOOK_FORMATS[values["dinh_dang"]]
    book = tracking_book(agency=agency, start=start, end=end)
    filename = f"so-theo-doi-{agency.code}-{start:%Y%m%d}-{end:%Y%m%d}.{values['dinh_dang']}"
    return attachment(render_book(book), filename, content_type)
