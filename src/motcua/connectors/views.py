"""The applicant's page to say a value a state database filled in is wrong (R-ONCE-1). Works without JS."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.connectors.registry import IDENTITY, source_label
from motcua.connectors.services import ReportError, source_error_report
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_for_applicant
from motcua.portal import forms


@login_required
@require_http_methods(["GET", "POST"])
def report_error(request: HttpRequest, public_id: uuid.UUID, key: str) -> HttpResponse:
    try:
        dossier = dossier_for_applicant(user=request.user, public_id=public_id)
    except Dossier.DoesNotExist:
        raise Http404(_("Không tìm thấy hồ sơ này trong tài khoản của bạn.")) from None
    source = dossier.prefilled.get(key, "")
    if not source or source == IDENTITY:
        raise Http404(_("Trường này không lấy từ cơ sở dữ liệu."))
    field = next(
        (
            f
            for f in forms.bind(
                dossier.procedure.eform_schema, dossier.form_data, prefilled=dossier.prefilled
            )
            if f.key == key
        ),
        None,
    )
    if field is None:
        raise Http404(_("Không tìm thấy trường này trong tờ khai."))
    error = ""
    note = request.POST.get("note", "") if request.method == "POST" else ""
    if request.method == "POST":
        try:
            source_error_report(dossier=dossier, applicant=request.user, field_key=key, note=note)
        except ReportError as problem:
            error = str(problem)
        else:
            messages.success(
                request,
                _(
                    "Đã ghi nhận phản ánh của bạn về “%(label)s”. Thông tin vẫn giữ như %(source)s cung cấp; "
                    "cán bộ tiếp nhận sẽ thấy phản ánh khi kiểm tra hồ sơ. Bạn nên đề nghị cơ quan quản lý "
                    "cơ sở dữ liệu điều chỉnh thông tin."
                )
                % {"label": field.label, "source": source_label(source)},
            )
            return redirect("portal:dossier_edit", public_id=dossier.public_id)
    return render(
        request,
        "connectors/report_error.html",
        {
            "dossier": dossier,
            "field": field,
            "source": source_label(source),
            "note": note,
            "error": error,
            "summary": [{"message": error, "anchor": "note"}] if error else [],
            "summary_messages": [error] if error else [],
        },
        status=400 if error else 200,
    )
