"""The citizen portal: find a procedure, fill and submit a dossier, follow it. Every page works without JS."""

from __future__ import annotations

import re
import secrets
import uuid

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
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalog import eform
from motcua.catalog.models import Procedure
from motcua.catalog.selectors import popular_procedures, procedure_get, procedure_search
from motcua.dossiers.checks import Problem
from motcua.dossiers.downloads import dossier_file_response
from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import (
    dossier_file_for_applicant,
    dossier_files,
    dossier_for_applicant,
    dossier_timeline,
    dossiers_of,
)
from motcua.dossiers.services import (
    DossierError,
    dossier_check,
    dossier_file_add,
    dossier_file_remove,
    dossier_submit,
    draft_create,
    draft_update,
)
from motcua.notifications.models import InboxMessage
from motcua.notifications.selectors import inbox_for
from motcua.notifications.services import inbox_mark_read
from motcua.portal import forms

PAGE_SIZE = 20
SUBMISSION_KEY = re.compile(r"[\x21-\x7e]{1,100}")  # what the review page generates: printable ASCII


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
def track(request: HttpRequest) -> HttpResponse:
    """Find a dossier by its reference. Public tracking is not there yet: the applicant's own dossiers only."""
    reference = _param(request, "ma", 40).upper()
    if reference and request.user.is_authenticated:
        found = dossiers_of(user=request.user).filter(reference=reference).first()
        if found is not None:
            return redirect("portal:dossier_detail", public_id=found.public_id)
    return render(request, "portal/track.html", {"reference": reference}, status=404 if reference else 200)


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


def _save_and_attach(request: HttpRequest, dossier: Dossier) -> tuple[Dossier, list[Problem]]:
    """Every button of the edit page keeps what was typed and uploads every file chosen."""
    problems: list[Problem] = []
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
    return dossier, problems


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
    files = list(dossier_files(dossier=dossier))
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
        {"dossier": dossier, "fields": fields, "components": components, "summary": summary},
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
            ack = dossier_submit(
                dossier=dossier,
                applicant=request.user,
                submission_key=key if SUBMISSION_KEY.fullmatch(key) else None,
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
    cleaned, found = dossier_check(dossier)
    if found:
        return _edit_page(request, dossier, found)
    return render(
        request,
        "portal/dossier_review.html",
        {
            "dossier": dossier,
            "rows": eform.fields_for_display(dossier.procedure.eform_schema, cleaned),
            "files": dossier_files(dossier=dossier),
            "submission_key": secrets.token_urlsafe(16),
            "summary": [{"message": p.message, "anchor": ""} for p in problems],
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
    return render(
        request,
        "portal/my_dossiers.html",
        {
            "drafts": [d for d in dossiers if d.is_draft],
            "submitted": [d for d in dossiers if not d.is_draft],
        },
    )


@login_required
@require_GET
def dossier_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    dossier = _own(request, public_id)
    schema = dossier.procedure.eform_schema
    # A draft may hold anything typed or sent through the API: show the answers that are valid so far.
    answers = (
        eform.validate_form(schema, dossier.form_data).cleaned if dossier.is_draft else dossier.form_data
    )
    return render(
        request,
        "portal/dossier_detail.html",
        {
            "dossier": dossier,
            "rows": eform.fields_for_display(schema, answers),
            "files": dossier_files(dossier=dossier),
            "timeline": dossier_timeline(dossier=dossier),
        },
    )


@login_required
@require_GET
def dossier_file_download(request: HttpRequest, public_id: uuid.UUID, file_id: int) -> FileResponse:
    """The file as uploaded, under its original name; only for the dossier's applicant."""
    return dossier_file_response(
        lambda: dossier_file_for_applicant(user=request.user, public_id=public_id, file_id=file_id)
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


class LogoutView(auth_views.LogoutView):
    """Logging out takes a POST (the header's button); a typed-in or bookmarked link explains that."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            messages.info(
                request, _("Bạn vẫn đang đăng nhập. Để đăng xuất, hãy bấm nút “Đăng xuất” ở đầu trang.")
            )
        return redirect("portal:home")
