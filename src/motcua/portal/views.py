"""The citizen portal: find a procedure, fill and submit a dossier, follow it, supplement it, stop it, get its
result. Every page works without JS."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalog import eform
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import popular_procedures, procedure_get, procedure_search
from motcua.certification.models import CertifiedCopy
from motcua.certification.selectors import certified_copies_of, certified_copy_for_applicant
from motcua.connectors.selectors import exchanges_of, looked_up_components, source_notices
from motcua.dossiers.checks import Problem
from motcua.dossiers.downloads import dossier_file_response
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import (
    dossier_file_for_applicant,
    dossier_files,
    dossier_for_applicant,
    dossier_of_applicant_by_code,
    dossier_timeline,
    dossiers_of,
)
from motcua.dossiers.services import (
    DossierError,
    dossier_check,
    dossier_file_add,
    dossier_file_remove,
    dossier_file_reuse,
    draft_create,
    draft_update,
)
from motcua.dossiers.tracking import MISMATCH, PHONE_LAST4, TrackingLimited, dossier_track
from motcua.identity.models import User
from motcua.notifications.models import InboxMessage
from motcua.notifications.selectors import inbox_for
from motcua.notifications.services import inbox_mark_read
from motcua.portal import forms, views_warehouse
from motcua.ratelimit import client_address
from motcua.signatures.selectors import annotated_verifications, revoked_documents_of, with_signatures
from motcua.warehouse.selectors import reusable_for
from motcua.warehouse.services import consent_wording, consentable_components, dossier_submit_with_consent
from motcua.workflow.models import Decision, ResultDocument
from motcua.workflow.selectors import (
    decisions_for_applicant,
    open_supplement_request,
    receipt_for_applicant,
    result_for_applicant,
    results_for_applicant,
)
from motcua.workflow.services import WITHDRAWABLE, resubmit, withdraw

PAGE_SIZE = 20
SUBMISSION_KEY = re.compile(r"[\x21-\x7e]{1,100}")  # what the review page generates: printable ASCII
FILE_ID = re.compile(r"[0-9]{1,18}")
REASON_MAX = 2000
APPOINTMENT_STATUSES = frozenset(
    {Dossier.Status.PROCESSING, Dossier.Status.RESULT_READY, Dossier.Status.DONE}
)
# "Hồ sơ của tôi" tabs: ?loc=<key> -> the statuses shown.
DOSSIER_FILTERS = {
    "can-bo-sung": frozenset({Dossier.Status.SUPPLEMENT_REQUESTED}),
    "co-ket-qua": frozenset({Dossier.Status.RESULT_READY, Dossier.Status.DONE}),
}


def _param(request: HttpRequest, name: str, limit: int) -> str:
    """A text query parameter, without NUL characters (no database can compare them)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:limit]


# -- public pages ------------------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"popular": popular_procedures(limit=6)})


@require_GET
def procedure_list(request: HttpRequest) -> HttpResponse:
    query = _param(request, "q", 200)
    page = Paginator(procedure_search(query=query), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "portal/procedure_list.html", {"q": query, "page": page})


def _procedure(code: str) -> Procedure:
    try:
        if "\x00" in code:
            raise Procedure.DoesNotExist
        return procedure_get(code=code)
    except Procedure.DoesNotExist:
        raise Http404(_("Không tìm thấy thủ tục này.")) from None


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure(code)
    return render(
        request,
        "portal/procedure_detail.html",
        {
            "procedure": procedure,
            "agencies": list(procedure.agencies.all()),
            "components": list(procedure.components.all()),
            "fees": list(procedure.fee_items.all()),
        },
    )


@require_http_methods(["GET", "POST"])
def dossier_start(request: HttpRequest, code: str) -> HttpResponse:
    """Start a draft (POST); asks to log in first and, when several agencies handle it, which one."""
    procedure = _procedure(code)
    if not request.user.is_authenticated:
        start = reverse("portal:dossier_start", kwargs={"code": procedure.code})
        agency = request.POST.get("agency", "")[:40]
        return redirect_to_login(start + ("?" + urlencode({"agency": agency}) if agency else ""))
    agencies = list(procedure.agencies.all())
    chosen = request.POST.get("agency") or request.GET.get("agency", "")
    problems: list[Problem] = []
    if request.method == "POST":
        agency = next((a for a in agencies if a.code == chosen), None)
        if chosen and agency is None and len(agencies) > 1:  # a stale page, or a tampered one
            problems = [
                Problem(
                    "agency",
                    "invalid",
                    _("Cơ quan đã chọn không tiếp nhận thủ tục này. Hãy chọn một cơ quan trong danh sách."),
                )
            ]
        else:
            try:
                dossier = draft_create(applicant=request.user, procedure=procedure, agency=agency)
            except DossierError as error:
                problems = error.problems
            else:
                return redirect("portal:dossier_edit", public_id=dossier.public_id)
    return render(
        request,
        "portal/dossier_start.html",
        {"procedure": procedure, "agencies": agencies, "chosen": chosen, "problems": problems},
        status=400 if problems else 200,
    )


@require_GET
@never_cache
def track(request: HttpRequest) -> HttpResponse:
    """Public tracking by dossier code or reference, e.g. from a QR code (R-TRK-1); no personal data.

    The last four digits of the applicant's phone number, if given, also show the timeline. The
    applicant, logged in, is taken to their own dossier's page instead.
    """
    code = _param(request, "ma", 100)
    phone = _param(request, "dien_thoai", 20)
    context: dict[str, object] = {"code": code, "phone": phone, "phone_error": ""}
    if not code:
        return render(request, "portal/track.html", context)
    if phone and not PHONE_LAST4.fullmatch(phone):
        context["phone_error"] = _("Hãy nhập đúng 4 chữ số cuối của số điện thoại, ví dụ 5678.")
    try:
        found = dossier_track(
            code=code,
            client=client_address(request),
            phone_last4="" if context["phone_error"] else phone,
        )
    except TrackingLimited as limited:
        response = render(
            request,
            "portal/track_limited.html",
            {"wrong_phone": limited.wrong_phone, "minutes": -(-limited.retry_after // 60)},
            status=429,
        )
        response["Retry-After"] = str(limited.retry_after)
        return response
    if found is not None and request.user.is_authenticated:
        own = dossier_of_applicant_by_code(user=request.user, code=found.code)
        if own is not None:
            return redirect("portal:dossier_detail", public_id=own.public_id)
    if found is not None and found.second_factor == MISMATCH:
        context["phone_error"] = _(
            "4 số cuối điện thoại không khớp với số của người nộp hồ sơ này. Hãy kiểm tra lại số đã đăng ký "
            "khi nộp hồ sơ."
        )
    context["tracking"] = found
    return render(request, "portal/track.html", context, status=200 if found is not None else 404)


@require_GET
def track_code(request: HttpRequest, code: str) -> HttpResponse:
    """/tra-cuu/<code>/, a form of link some printed codes may carry: the tracking page for that code."""
    return redirect(reverse("portal:track") + "?" + urlencode({"ma": code[:100]}))


@require_GET
def communes(request: HttpRequest) -> JsonResponse:
    """The communes of one province, for the address field's small script."""
    items = [{"code": code, "name": name} for code, name in forms.communes_of(request.GET.get("tinh"))]
    response = JsonResponse({"communes": items})
    response["Cache-Control"] = "public, max-age=86400"
    return response


# -- the applicant's dossiers ------------------------------------------------------------------------


def _own(request: HttpRequest, public_id: uuid.UUID) -> Dossier:
    try:
        return dossier_for_applicant(user=request.user, public_id=public_id)
    except Dossier.DoesNotExist:
        raise Http404(_("Không tìm thấy hồ sơ này trong tài khoản của bạn.")) from None


def _attach_uploads(request: HttpRequest, dossier: Dossier) -> list[Problem]:
    """Attach every file chosen on the page, one per component; the problems of those refused."""
    problems: list[Problem] = []
    for component in dossier.procedure.components.all():
        upload = request.FILES.get(f"file-{component.code}")
        if upload is None:
            continue
        try:
            dossier_file_add(
                dossier=dossier,
                applicant=request.user,
                component_code=component.code,
                original_name=upload.name,
                chunks=upload.chunks(),
            )
        except DossierError as error:
            problems.extend(error.problems)
        else:
            messages.success(request, _("Đã tải lên tệp “%(name)s”.") % {"name": upload.name})
    return problems


def _save_and_attach(request: HttpRequest, dossier: Dossier) -> tuple[Dossier, list[Problem]]:
    """Every button of the edit page keeps what was typed and uploads every file chosen."""
    try:
        dossier = draft_update(
            dossier=dossier,
            applicant=request.user,
            form_data=forms.data_from_post(
                dossier.procedure.eform_schema, request.POST, prefilled=dossier.prefilled
            ),
        )
    except DossierError as error:
        return dossier, error.problems
    return dossier, _attach_uploads(request, dossier)


def _edit_page(request: HttpRequest, dossier: Dossier, problems: list[Problem]) -> HttpResponse:
    form_errors: dict[str, list[str]] = {}
    component_errors: dict[str, list[str]] = {}
    for problem in problems:
        if problem.field.startswith("form."):
            form_errors.setdefault(problem.field.removeprefix("form."), []).append(problem.message)
        elif problem.field.startswith("component."):
            component_errors.setdefault(problem.field.removeprefix("component."), []).append(problem.message)
    fields = forms.bind(
        dossier.procedure.eform_schema, dossier.form_data, errors=form_errors, prefilled=dossier.prefilled
    )
    known = forms.anchors(fields)
    summary = []
    for problem in problems:
        if problem.field.startswith("form."):
            anchor = forms.anchor_for(problem.field.removeprefix("form."), known)
        elif problem.field.startswith("component."):
            anchor = "file-" + problem.field.removeprefix("component.")
        else:
            anchor = ""
        summary.append({"message": problem.message, "anchor": anchor})
    files = with_signatures(dossier_files(dossier=dossier))
    components = [
        {
            "component": component,
            "files": [f for f in files if f.component_id == component.pk],
            "errors": component_errors.get(component.code, []),
        }
        for component in dossier.procedure.components.all()
    ]
    return render(
        request,
        "portal/dossier_edit.html",
        {
            "dossier": dossier,
            "fields": fields,
            "components": components,
            "summary": summary,
            # The applicant's certified electronic copies, each attachable to a component with one button.
            "copies": list(certified_copies_of(user=request.user)[:20]),
            # {component code: the applicant's warehouse documents that satisfy it}, one click each (R-WH-2).
            "reusable": reusable_for(dossier=dossier, owner=request.user),
            # State databases that could not fill their fields: typed by hand instead (R-ONCE-1, R-ONCE-2).
            "source_notices": source_notices(dossier=dossier),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_edit(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    dossier = _own(request, public_id)
    if not dossier.is_draft:
        return redirect("portal:dossier_detail", public_id=dossier.public_id)
    if request.method == "GET":
        return _edit_page(request, dossier, [])
    dossier, problems = _save_and_attach(request, dossier)
    action = request.POST.get("action", "save")
    if action == "continue":  # every problem at once: the files just rejected and the automatic check
        problems += dossier_check(dossier)[1]
        if not problems:
            return redirect("portal:dossier_review", public_id=dossier.public_id)
    if problems:
        return _edit_page(request, dossier, problems)
    edit_url = reverse("portal:dossier_edit", kwargs={"public_id": dossier.public_id})
    if action.startswith("add:"):  # to the blank item that is now at the end of the group
        key = action.removeprefix("add:")
        items = dossier.form_data.get(key)
        return redirect(
            edit_url + "#" + forms.input_id(f"{key}.{len(items) if isinstance(items, list) else 0}")
        )
    if action.startswith(("remove:", "pick:")):
        return redirect(edit_url + "#" + forms.input_id(action.partition(":")[2].rpartition(".")[0]))
    messages.success(
        request, _("Đã lưu nháp lúc %(time)s.") % {"time": timezone.localtime().strftime("%H:%M")}
    )
    return redirect(edit_url)


def _no_file(code: str, known: set[str]) -> Problem:
    """The "Tải lên" button was pressed but no file arrived (none chosen, or a name the browser mangled)."""
    if code not in known:
        return Problem(
            "component",
            "unknown",
            _("Thành phần hồ sơ này không thuộc thủ tục. Hãy tải lại trang rồi chọn tệp ở đúng mục."),
        )
    return Problem(
        f"component.{code}",
        "no_file",
        _(
            "Chưa nhận được tệp nào. Hãy bấm “Chọn tệp”, chọn tệp rồi bấm “Tải lên”. Nếu đã chọn mà vẫn gặp "
            "thông báo này, hãy đổi tên tệp cho ngắn gọn rồi thử lại."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_upload(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Attach the chosen files (the "Tải lên" buttons); what was typed in the form is saved too.

    A GET (a bookmarked link, or the way back from the login page) shows the edit page.
    """
    dossier = _own(request, public_id)
    if not dossier.is_draft:
        return redirect("portal:dossier_detail", public_id=dossier.public_id)
    if request.method == "GET":
        return redirect("portal:dossier_edit", public_id=dossier.public_id)
    known = set(dossier.procedure.components.values_list("code", flat=True))
    code = request.POST.get("component", "")
    dossier, problems = _save_and_attach(request, dossier)
    if not problems and not any(f"file-{c}" in request.FILES for c in known):
        problems = [_no_file(code, known)]
    if problems:
        return _edit_page(request, dossier, problems)
    anchor = "#component-" + code if code in known else "#components"
    return redirect(reverse("portal:dossier_edit", kwargs={"public_id": dossier.public_id}) + anchor)


@login_required
@require_http_methods(["GET", "POST"])
def dossier_use_copy(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Attach one of the applicant's certified copies to a component (the "Dùng bản sao này" buttons), without
    uploading it again; what was typed is saved too. A GET shows the edit page."""
    dossier = _own(request, public_id)
    if not dossier.is_draft:
        return redirect("portal:dossier_detail", public_id=dossier.public_id)
    if request.method == "GET":
        return redirect("portal:dossier_edit", public_id=dossier.public_id)
    code, _sep, copy_id = request.POST.get("use_copy", "").partition(":")
    dossier, problems = _save_and_attach(request, dossier)
    try:
        copy = certified_copy_for_applicant(user=request.user, public_id=copy_id)
        dossier_file_reuse(
            dossier=dossier,
            applicant=request.user,
            component_code=code,
            stored_file=copy.copy_file,
            original_name=copy.file_name,
        )
    except CertifiedCopy.DoesNotExist:
        problems.append(
            Problem(
                "component", "unknown", _("Không tìm thấy bản sao chứng thực này trong tài khoản của bạn.")
            )
        )
    except DossierError as error:
        problems.extend(error.problems)
    if problems:
        return _edit_page(request, dossier, problems)
    messages.success(
        request, _("Đã dùng bản sao chứng thực số %(number)s.") % {"number": copy.register_number}
    )
    return redirect(
        reverse("portal:dossier_edit", kwargs={"public_id": dossier.public_id}) + "#component-" + code
    )


@login_required
@require_http_methods(["GET", "POST"])
def dossier_use_document(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Attach a document of the applicant's warehouse to a component (the "Dùng giấy tờ này" buttons), without
    uploading it again (R-WH-2); what was typed is saved too. A GET shows the edit page."""
    dossier = _own(request, public_id)
    if not dossier.is_draft:
        return redirect("portal:dossier_detail", public_id=dossier.public_id)
    if request.method == "GET":
        return redirect("portal:dossier_edit", public_id=dossier.public_id)
    dossier, problems = _save_and_attach(request, dossier)
    problems = views_warehouse.use_document(request, dossier, problems)
    if problems:
        return _edit_page(request, dossier, problems)
    return redirect(views_warehouse.after_use_url(dossier, request))


@login_required
@require_GET
def certified_copies(request: HttpRequest) -> HttpResponse:
    """The certified electronic copies issued to the applicant (R-CERT-1), to download or reuse."""
    return render(request, "portal/certified_copies.html", {"copies": certified_copies_of(user=request.user)})


@login_required
@require_GET
def certified_copy_download(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    """The signed copy; only for the applicant it was issued to."""

    def load():
        copy = certified_copy_for_applicant(user=request.user, public_id=public_id)
        return _Named(copy.file_name, copy.copy_file)

    return dossier_file_response(load)


@dataclass(frozen=True)
class _Named:
    original_name: str
    stored_file: Any


@login_required
@require_http_methods(["GET", "POST"])
def dossier_file_delete(request: HttpRequest, public_id: uuid.UUID, file_id: int) -> HttpResponse:
    """Remove one file (POST); a GET only shows the edit page, it never deletes."""
    dossier = _own(request, public_id)
    if not dossier.is_draft:
        return redirect("portal:dossier_detail", public_id=dossier.public_id)
    if request.method == "GET":
        return redirect("portal:dossier_edit", public_id=dossier.public_id)
    dossier, problems = _save_and_attach(request, dossier)
    component = (
        dossier_files(dossier=dossier).filter(pk=file_id).values_list("component__code", flat=True).first()
    )
    try:
        dossier_file_remove(dossier=dossier, applicant=request.user, file_id=file_id)
    except DossierError as error:
        problems.extend(error.problems)
    if problems:
        return _edit_page(request, dossier, problems)
    messages.success(request, _("Đã xoá tệp."))
    anchor = "#component-" + component if component else "#components"
    return redirect(reverse("portal:dossier_edit", kwargs={"public_id": dossier.public_id}) + anchor)


@login_required
@require_http_methods(["GET", "POST"])
def dossier_review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Check your answers, then submit (POST, with the key generated when the page was shown).

    A draft that does not pass the automatic check shows the edit page with every problem instead.
    """
    dossier = _own(request, public_id)
    problems: list[Problem] = []
    if request.method == "POST":
        key = request.POST.get("submission_key", "").strip()[:100]
        try:
            ack = dossier_submit_with_consent(
                dossier=dossier,
                applicant=request.user,
                submission_key=key if SUBMISSION_KEY.fullmatch(key) else None,
                # Each box ticked on the page: keep the verified copy of that component, and the result (R-PRIV-1).
                component_codes=request.POST.getlist("consent_component")[:100],
                result=request.POST.get("consent_result") == "1",
            )
        except DossierError as error:
            return _edit_page(request, dossier, error.problems)
        if ack.dossier.pk == dossier.pk:
            return redirect("portal:dossier_ack", public_id=dossier.public_id)
        # The key already names another dossier (a page copied or kept from before): nothing was submitted.
        problems = [
            Problem(
                "submission_key",
                "reused",
                _(
                    "Hồ sơ chưa được nộp vì trang này đã cũ. Hãy kiểm tra lại rồi bấm “Nộp hồ sơ” một lần nữa."
                ),
            )
        ]
    if not dossier.is_draft:
        return redirect("portal:dossier_detail", public_id=dossier.public_id)
    files = with_signatures(dossier_files(dossier=dossier))
    cleaned, found = dossier_check(dossier, files=files, verifications=annotated_verifications(files))
    if found:
        return _edit_page(request, dossier, found)
    return render(
        request,
        "portal/dossier_review.html",
        {
            "dossier": dossier,
            "rows": eform.fields_for_display(dossier.procedure.eform_schema, cleaned),
            "files": files,
            "submission_key": secrets.token_urlsafe(16),
            "summary": [{"message": p.message, "anchor": ""} for p in problems],
            # What may be kept in the applicant's warehouse, each with the exact words they agree to.
            "consent_components": [
                {"component": c, "wording": consent_wording(scope="component", name=c.name)}
                for c in consentable_components(dossier)
            ],
            "consent_result_wording": consent_wording(scope="result", name=""),
        },
        status=409 if problems else 200,
    )


@login_required
@require_GET
def dossier_ack(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    dossier = _own(request, public_id)
    if dossier.is_draft:
        return redirect("portal:dossier_edit", public_id=dossier.public_id)
    return render(request, "portal/dossier_ack.html", {"dossier": dossier})


@login_required
@require_GET
def my_dossiers(request: HttpRequest) -> HttpResponse:
    dossiers = list(dossiers_of(user=request.user))
    chosen = request.GET.get("loc", "")
    tabs = [{"key": "", "label": _("Tất cả"), "count": len(dossiers)}] + [
        {"key": key, "label": label, "count": sum(1 for d in dossiers if d.status in DOSSIER_FILTERS[key])}
        for key, label in (("can-bo-sung", _("Cần bổ sung")), ("co-ket-qua", _("Đã có kết quả")))
    ]
    if chosen in DOSSIER_FILTERS:
        dossiers = [d for d in dossiers if d.status in DOSSIER_FILTERS[chosen]]
    else:
        chosen = ""
    return render(
        request,
        "portal/my_dossiers.html",
        {
            "tabs": tabs,
            "chosen": chosen,
            "drafts": [d for d in dossiers if d.is_draft],
            "submitted": [d for d in dossiers if not d.is_draft],
        },
    )


@login_required
@require_GET
def dossier_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    dossier = _own(request, public_id)
    schema = dossier.procedure.eform_schema
    # A draft (or a supplement being prepared) may hold anything typed or sent through the API: show the
    # answers that are valid so far.
    editing = dossier.is_draft or dossier.status == Dossier.Status.SUPPLEMENT_REQUESTED
    answers = eform.validate_form(schema, dossier.form_data).cleaned if editing else dossier.form_data
    decisions = decisions_for_applicant(dossier=dossier)
    apology = next((d for d in reversed(decisions) if d.kind == Decision.Kind.APOLOGY), None)
    receipt = receipt_for_applicant(dossier=dossier)
    # A revoked result or receipt stays downloadable, marked as revoked beside its link (R-RES-2).
    revoked = revoked_documents_of(dossier=dossier) if not dossier.is_draft else []
    results = [
        (result, next((d for d in revoked if d.result_id == result.pk), None))
        for result in results_for_applicant(dossier=dossier)
    ]
    return render(
        request,
        "portal/dossier_detail.html",
        {
            "dossier": dossier,
            "rows": eform.fields_for_display(schema, answers),
            "files": with_signatures(dossier_files(dossier=dossier)),
            "timeline": dossier_timeline(dossier=dossier),
            "decisions": decisions[::-1],  # the newest first: what matters now is on top
            "supplement": open_supplement_request(dossier=dossier),
            "receipt": receipt,
            "receipt_revoked": next((d for d in revoked if receipt and d.decision_id == receipt.pk), None),
            "apology": apology,
            "results": results,  # (result, its revocation or None)
            "can_withdraw": dossier.status in WITHDRAWABLE,
            # Waiting for a (re)check the appointment is not known yet: acceptance computes it afresh (R-SUP-5).
            "shows_appointment": dossier.status in APPOINTMENT_STATUSES,
            # Components the agency reads from a state database instead, and whether it could (R-ONCE-2).
            "looked_up": looked_up_components(dossier=dossier),
            # Every look-up of the applicant's data in a state database for this dossier, and by whom (R-PRIV-2).
            "exchanges": list(exchanges_of(dossier_public_id=dossier.public_id)[:50]),
        },
    )


@login_required
@require_GET
def dossier_file_download(request: HttpRequest, public_id: uuid.UUID, file_id: int) -> FileResponse:
    """The file as uploaded, under its original name; only for the dossier's applicant."""
    return dossier_file_response(
        lambda: dossier_file_for_applicant(user=request.user, public_id=public_id, file_id=file_id)
    )


@login_required
@require_GET
def dossier_result_download(request: HttpRequest, public_id: uuid.UUID, result_id: int) -> FileResponse:
    """An issued result (R-WH-3): only for the dossier's applicant, only once the dossier is result ready."""

    def load() -> ResultDocument:
        try:
            return result_for_applicant(user=request.user, public_id=public_id, result_id=result_id)
        except ResultDocument.DoesNotExist:
            raise Http404(_("Không tìm thấy tệp này.")) from None

    return dossier_file_response(load)  # a ResultDocument has what it serves: stored_file, original_name


# -- supplementing a dossier (R-SUP-1, R-SUP-4) -------------------------------------------------------


def _open_parts(dossier: Dossier) -> tuple[set[str], set[str]]:
    """The e-form keys and component codes the open supplement request lets the applicant change."""
    targets = [t for t in dossier.open_targets if isinstance(t, str)]
    return (
        {t.removeprefix("form.") for t in targets if t.startswith("form.")},
        {t.removeprefix("component.") for t in targets if t.startswith("component.")},
    )


def _requested_items(dossier: Dossier, request_: Decision | None) -> list[dict[str, str]]:
    """The request's numbered items (label and guidance); from the open parts if the request row is missing."""
    items = request_.data.get("items") if request_ is not None and isinstance(request_.data, dict) else None
    if isinstance(items, list):
        return [
            {
                "target": str(i.get("target", "")),
                "label": str(i.get("label", "")),
                "note": str(i.get("note", "")),
            }
            for i in items
            if isinstance(i, dict)
        ]
    return [{"target": t, "label": t.partition(".")[2], "note": ""} for t in dossier.open_targets]


def _save_supplement(request: HttpRequest, dossier: Dossier) -> tuple[Dossier, list[Problem]]:
    """Keep what was typed in the open fields and attach every file chosen; a file for a part the request did
    not name is refused by the service with its reason (R-SUP-4), like any other problem."""
    open_keys, _open_codes = _open_parts(dossier)
    schema = dossier.procedure.eform_schema
    if open_keys:
        try:
            dossier = draft_update(
                dossier=dossier,
                applicant=request.user,
                form_data=forms.data_from_post(forms.open_schema(schema, open_keys), request.POST),
            )
        except DossierError as error:
            return dossier, error.problems
    return dossier, _attach_uploads(request, dossier)


def _supplement_page(request: HttpRequest, dossier: Dossier, problems: list[Problem]) -> HttpResponse:
    """The supplement form: the request's items, its open fields and components editable, the rest read-only."""
    open_keys, open_codes = _open_parts(dossier)
    schema = dossier.procedure.eform_schema
    form_errors: dict[str, list[str]] = {}
    component_errors: dict[str, list[str]] = {}
    for problem in problems:
        if problem.field.startswith("form."):
            form_errors.setdefault(problem.field.removeprefix("form."), []).append(problem.message)
        elif problem.field.startswith("component."):
            component_errors.setdefault(problem.field.removeprefix("component."), []).append(problem.message)
    request_ = open_supplement_request(dossier=dossier)
    items = _requested_items(dossier, request_)
    notes = dict.fromkeys(open_keys, "")
    for item in items:
        kind, _dot, name = item["target"].partition(".")
        if kind == "form" and name in notes:
            notes[name] = item["note"]
    fields = forms.bind_open(schema, dossier.form_data, notes, errors=form_errors)
    known = forms.anchors(fields)
    summary = []
    for problem in problems:
        path = problem.field.removeprefix("form.")
        if problem.field.startswith("form.") and path.split(".")[0] in open_keys:
            anchor = forms.anchor_for(path, known)
        elif (
            problem.field.startswith("component.") and problem.field.removeprefix("component.") in open_codes
        ):
            anchor = "file-" + problem.field.removeprefix("component.")
        else:
            anchor = ""
        summary.append({"message": problem.message, "anchor": anchor})
    for item in items:
        kind, _dot, name = item["target"].partition(".")
        item["anchor"] = (
            known.get(name, "") if kind == "form" else ("component-" + name if kind == "component" else "")
        )
    files = with_signatures(dossier_files(dossier=dossier))
    components = [
        {
            "component": component,
            "files": [f for f in files if f.component_id == component.pk],
            "errors": component_errors.get(component.code, []),
            "open": component.code in open_codes,
            "note": next((i["note"] for i in items if i["target"] == f"component.{component.code}"), ""),
        }
        for component in dossier.procedure.components.all()
    ]
    # The answers that stay as submitted; the form holds what was cleaned at submission for them.
    locked = [row for row in eform.fields_for_display(schema, dossier.form_data) if row.key not in open_keys]
    return render(
        request,
        "portal/dossier_supplement.html",
        {
            "dossier": dossier,
            "request_": request_,
            "items": items,
            "fields": fields,
            "locked": locked,
            "components": components,
            "summary": summary,
        },
    )


def _to_detail_with(request: HttpRequest, dossier: Dossier, problems: list[Problem]) -> HttpResponse:
    for problem in problems:
        messages.info(request, problem.message)
    return redirect("portal:dossier_detail", public_id=dossier.public_id)


@login_required
@require_http_methods(["GET", "POST"])
def dossier_supplement(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Change what the supplement request asked for, and only that (R-SUP-1, R-SUP-4); every button saves."""
    dossier = _own(request, public_id)
    if dossier.status != Dossier.Status.SUPPLEMENT_REQUESTED:
        return redirect("portal:dossier_detail", public_id=dossier.public_id)
    if request.method == "GET":
        return _supplement_page(request, dossier, [])
    dossier, problems = _save_supplement(request, dossier)
    action = request.POST.get("action", "save")
    page_url = reverse("portal:dossier_supplement", kwargs={"public_id": dossier.public_id})
    anchor = ""
    if action.startswith("upload:"):
        code = action.removeprefix("upload:")
        open_codes = _open_parts(dossier)[1]
        if not problems and f"file-{code}" not in request.FILES:
            known = {c.code for c in dossier.procedure.components.all()}
            problems = [
                _no_file(code, known) if code in open_codes or code not in known else _not_asked(code)
            ]
        anchor = "component-" + code if code in open_codes else "components"
    elif action.startswith("delete-file:"):
        problems += _remove_file(request, dossier, action.removeprefix("delete-file:"))
        anchor = "components"
    elif action == "continue":  # every problem at once: the files just rejected and the automatic check
        problems += dossier_check(dossier)[1]
        if not problems:
            return redirect("portal:dossier_supplement_review", public_id=dossier.public_id)
    elif action.startswith("add:"):  # to the blank item that is now at the end of the group
        key = action.removeprefix("add:")
        items = dossier.form_data.get(key)
        anchor = forms.input_id(f"{key}.{len(items) if isinstance(items, list) else 0}")
    elif action.startswith(("remove:", "pick:")):
        anchor = forms.input_id(action.partition(":")[2].rpartition(".")[0])
    if problems:
        return _supplement_page(request, dossier, problems)
    if not anchor:
        messages.success(
            request,
            _("Đã lưu lúc %(time)s. Những thay đổi chỉ được gửi đi khi bạn bấm “Gửi hồ sơ bổ sung”.")
            % {"time": timezone.localtime().strftime("%H:%M")},
        )
    return redirect(page_url + ("#" + anchor if anchor else ""))


def _not_asked(code: str) -> Problem:
    return Problem(
        f"component.{code}",
        "not_requested",
        _(
            "Cơ quan tiếp nhận không yêu cầu bổ sung phần này, nên phần này giữ nguyên như đã nộp. "
            "Hãy chỉ sửa các phần được nêu trong yêu cầu bổ sung."
        ),
    )


def _remove_file(request: HttpRequest, dossier: Dossier, file_id: str) -> list[Problem]:
    """Detach a file of a component the request named; the service refuses any other (R-SUP-4)."""
    try:
        if not FILE_ID.fullmatch(file_id):
            raise DossierError(
                [Problem("file", "unknown", _("Không tìm thấy tệp này trong hồ sơ. Hãy tải lại trang."))]
            )
        dossier_file_remove(dossier=dossier, applicant=request.user, file_id=int(file_id))
    except DossierError as error:
        return error.problems
    messages.success(request, _("Đã xoá tệp."))
    return []


def _changed(dossier: Dossier, target: str, cleaned: dict, files: list) -> bool:
    """Whether the part `target` now differs from the revision last submitted (the manifest)."""
    manifest = dossier.manifest if isinstance(dossier.manifest, dict) else {}
    kind, _dot, name = target.partition(".")
    if kind == "form":
        return cleaned.get(name) != (manifest.get("form_data") or {}).get(name)
    before = sorted(f.get("sha256", "") for f in manifest.get("files", []) if f.get("component") == name)
    return before != sorted(f.stored_file.sha256 for f in files if f.component.code == name)


@login_required
@require_http_methods(["GET", "POST"])
def dossier_supplement_review(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Check what will be sent, then send it (POST): the new revision goes back to the officials (R-SUP-4).

    A dossier that does not pass the automatic check shows the supplement page with every problem instead.
    """
    dossier = _own(request, public_id)
    if request.method == "POST":
        shown = request.POST.get("revision", "")
        if dossier.status != Dossier.Status.SUPPLEMENT_REQUESTED and shown == str(dossier.revision - 1):
            return redirect("portal:dossier_supplement_ack", public_id=dossier.public_id)  # sent already
        try:
            resubmit(dossier=dossier, applicant=request.user)
        except DossierError as error:
            dossier.refresh_from_db()
            if dossier.status != Dossier.Status.SUPPLEMENT_REQUESTED:
                return _to_detail_with(request, dossier, error.problems)
            return _supplement_page(request, dossier, error.problems)
        return redirect("portal:dossier_supplement_ack", public_id=dossier.public_id)
    if dossier.status != Dossier.Status.SUPPLEMENT_REQUESTED:
        return redirect("portal:dossier_detail", public_id=dossier.public_id)
    files = with_signatures(dossier_files(dossier=dossier))
    cleaned, found = dossier_check(dossier, files=files, verifications=annotated_verifications(files))
    if found:
        return _supplement_page(request, dossier, found)
    open_keys, open_codes = _open_parts(dossier)
    schema = dossier.procedure.eform_schema
    items = _requested_items(dossier, open_supplement_request(dossier=dossier))
    for item in items:
        item["changed"] = _changed(dossier, item["target"], cleaned, files)
    return render(
        request,
        "portal/dossier_supplement_review.html",
        {
            "dossier": dossier,
            "items": items,
            "unchanged": [item for item in items if not item["changed"]],
            "rows": [row for row in eform.fields_for_display(schema, cleaned) if row.key in open_keys],
            "files": [f for f in files if f.component.code in open_codes],
        },
    )


@login_required
@require_GET
def dossier_supplement_ack(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """ "Đã gửi hồ sơ bổ sung": when it was received and when the officials answer at the latest (R-SUP-5)."""
    dossier = _own(request, public_id)
    if dossier.revision < 2 or dossier.status == Dossier.Status.SUPPLEMENT_REQUESTED:
        return redirect("portal:dossier_detail", public_id=dossier.public_id)
    return render(request, "portal/dossier_supplement_ack.html", {"dossier": dossier})


# -- stopping a dossier (R-STOP-1) ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def dossier_withdraw(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """ "Dừng giải quyết hồ sơ": a confirmation page, then the stop (POST) with an optional reason."""
    dossier = _own(request, public_id)
    if dossier.is_draft:
        return redirect("portal:dossier_edit", public_id=dossier.public_id)
    reason = ""
    problems: list[Problem] = []
    status = 200
    if request.method == "POST":
        reason = request.POST.get("reason", "").replace("\x00", "").strip()
        if len(reason) > REASON_MAX:
            problems = [
                Problem(
                    "reason",
                    "too_long",
                    _("Lý do chỉ được tối đa %(max)s ký tự. Bạn đã nhập %(count)s ký tự: hãy viết ngắn lại.")
                    % {"max": REASON_MAX, "count": len(reason)},
                )
            ]
        else:
            try:
                withdraw(dossier=dossier, applicant=request.user, reason=reason)
            except DossierError as error:
                problems, status = error.problems, 409
                dossier.refresh_from_db()
            else:
                messages.success(
                    request,
                    _("Đã dừng giải quyết hồ sơ theo yêu cầu của bạn. Thông báo đã được gửi vào Hộp thư."),
                )
                return redirect("portal:dossier_detail", public_id=dossier.public_id)
    return render(
        request,
        "portal/dossier_withdraw.html",
        {
            "dossier": dossier,
            "reason": reason,
            "reason_max": REASON_MAX,
            "can_withdraw": dossier.status in WITHDRAWABLE and status != 409,
            "summary": [
                {"message": p.message, "anchor": "f-reason" if p.field == "reason" else ""} for p in problems
            ],
            "reason_errors": [p.message for p in problems if p.field == "reason"],
        },
        status=status,
    )


# -- inbox -------------------------------------------------------------------------------------------


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(inbox_for(request.user), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "portal/inbox.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def inbox_read(request: HttpRequest, message_id: int) -> HttpResponse:
    """Mark one message read (POST); a GET only shows the inbox."""
    if request.method == "GET":
        return redirect("portal:inbox")
    try:
        inbox_mark_read(user=request.user, message_id=message_id)
    except InboxMessage.DoesNotExist:
        raise Http404(_("Không tìm thấy thông báo này trong hộp thư của bạn.")) from None
    return redirect(reverse("portal:inbox") + f"#message-{message_id}")


class LoginView(auth_views.LoginView):
    """Citizens land on their dossiers; officials on the one-stop back office (unless `next` says otherwise)."""

    template_name = "portal/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        user = self.request.user
        if getattr(user, "kind", None) == User.Kind.OFFICIAL:
            return reverse("backoffice:queue")
        return super().get_default_redirect_url()


class LogoutView(auth_views.LogoutView):
    """Logging out takes a POST (the header's button); a typed-in or bookmarked link explains that."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            messages.info(
                request, _("Bạn vẫn đang đăng nhập. Để đăng xuất, hãy bấm nút “Đăng xuất” ở đầu trang.")
            )
        return redirect("portal:home")
