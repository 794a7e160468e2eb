"""The one-stop counter: certified electronic copies from originals (R-CERT-1) and paper dossiers taken in
person (R-CERT-2). Server-rendered, no JS needed; each POST is one certification service call."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.backoffice.views import official_required
from motcua.catalog.models import Agency, Procedure
from motcua.certification import selectors, services
from motcua.certification.models import CertifiedCopy
from motcua.certification.services import CertificationError, Original, Person
from motcua.dossiers.checks import Problem
from motcua.dossiers.downloads import dossier_file_response
from motcua.dossiers.services import draft_prefill
from motcua.identity.models import User
from motcua.identity.selectors import citizen_by_id_number
from motcua.portal import forms
from motcua.workflow.services import roles_at

PAGE_SIZE = 50
KEY = re.compile(r"[A-Za-z0-9_-]{16,100}")


def _agencies(official: User, roles: frozenset[str]) -> list[Agency]:
    ids = {a for a in selectors.official_agency_ids(official) if roles_at(official, a) & roles}
    return list(Agency.objects.filter(pk__in=ids).order_by("name"))


def _agency(request: HttpRequest, agencies: list[Agency]) -> Agency | None:
    chosen = request.POST.get("agency", "")
    return next((a for a in agencies if str(a.pk) == chosen), agencies[0] if len(agencies) == 1 else None)


def _summary(problems: list[Problem]) -> tuple[dict[str, list[str]], list[dict[str, str]]]:
    errors: dict[str, list[str]] = {}
    summary = []
    for problem in problems:
        errors.setdefault(problem.field, []).append(problem.message)
        anchor = problem.field if problem.field not in {"agency", "signature"} else ""
        if problem.field.startswith("form."):
            anchor = ""
        summary.append({"message": problem.message, "anchor": anchor})
    return errors, summary


def _natural(name: str) -> list[Any]:
    """ "trang-2.jpg" before "trang-10.jpg": files are put in page order by their names."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", name)]


def _scans(files: list[UploadedFile]) -> list[tuple[str, Any]]:
    return [(f.name or "", f.chunks()) for f in sorted(files, key=lambda f: _natural(f.name or ""))]


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(request, "backoffice/forbidden.html", status=403)


# -- the certification register ----------------------------------------------------------------------------


@official_required
@require_GET
def certification_register(request: HttpRequest) -> HttpResponse:
    """The register of the agencies the official works at, newest first."""
    paginator = Paginator(selectors.register_for_official(official=request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("trang"))
    return render(request, "backoffice/counter/register.html", {"page": page})


@official_required
@require_http_methods(["GET", "POST"])
def certification_new(request: HttpRequest) -> HttpResponse:
    """Certify an electronic copy against the original the applicant presents (R-CERT-1)."""
    agencies = _agencies(request.user, services.CERTIFY_ROLES)
    if not agencies:
        return _forbidden(request)
    if request.method == "GET":
        return _certify_page(request, agencies, [], QueryDict())
    agency = _agency(request, agencies)
    post = request.POST
    pages_text = post.get("original_pages", "").strip()
    id_number = post.get("applicant_id_number", "")
    if agency is None:
        return _certify_page(
            request, agencies, [Problem("agency", "required", _("Hãy chọn cơ quan chứng thực."))], post
        )
    try:
        copy = services.certified_copy_issue(
            official=request.user,
            agency=agency,
            applicant=citizen_by_id_number(citizen_id=re.sub(r"[\s.\-]", "", id_number)),
            applicant_name=post.get("applicant_name", ""),
            applicant_id_number=id_number,
            original=Original(
                title=post.get("document_title", ""),
                issuer=post.get("document_issuer", ""),
                number=post.get("document_number", ""),
                pages=int(pages_text) if pages_text.isdigit() and len(pages_text) < 5 else None,
            ),
            scans=_scans(request.FILES.getlist("scans")),
            keep_in_warehouse=post.get("keep_in_warehouse") == "1",
        )
    except CertificationError as error:
        return _certify_page(request, agencies, error.problems, post, status=400)
    messages.success(
        request,
        _("Đã chứng thực và ký số bản sao, số chứng thực %(number)s.") % {"number": copy.register_number},
    )
    return redirect("backoffice:certification_detail", public_id=copy.public_id)


def _certify_page(
    request: HttpRequest,
    agencies: list[Agency],
    problems: list[Problem],
    posted: QueryDict,
    status: int = 200,
) -> HttpResponse:
    errors, summary = _summary(problems)
    return render(
        request,
        "backoffice/counter/certify.html",
        {"agencies": agencies, "errors": errors, "summary": summary, "posted": posted},
        status=status,
    )


def _copy(request: HttpRequest, public_id: uuid.UUID, purpose: str) -> CertifiedCopy:
    try:
        return selectors.certified_copy_for_official(
            official=request.user, public_id=public_id, purpose=purpose
        )
    except CertifiedCopy.DoesNotExist:
        raise Http404(_("Không tìm thấy bản sao này trong sổ của cơ quan bạn.")) from None


@official_required
@require_GET
def certification_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return render(request, "backoffice/counter/copy_detail.html", {"copy": _copy(request, public_id, "view")})


@dataclass(frozen=True)
class _Named:
    original_name: str
    stored_file: Any


@official_required
@require_GET
def certification_download(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    def load() -> _Named:
        copy = _copy(request, public_id, "download")
        return _Named(copy.file_name, copy.copy_file)

    return dossier_file_response(load)


# -- counter intake (R-CERT-2) -----------------------------------------------------------------------------


def _date(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text.strip(), "%d/%m/%Y").date()  # noqa: DTZ007 - a date, not a moment
    except ValueError:
        return None


@official_required
@require_http_methods(["GET", "POST"])
def counter_intake(request: HttpRequest) -> HttpResponse:
    """Step 1: whose dossier and which procedure; step 2: the e-form and the scans, then submit."""
    agencies = _agencies(request.user, services.INTAKE_ROLES)
    if not agencies:
        return _forbidden(request)
    post = request.POST if request.method == "POST" else QueryDict()
    agency = _agency(request, agencies) if request.method == "POST" else None
    procedures = list(
        Procedure.objects.filter(agencies__in=agencies, is_active=True)
        .distinct()
        .order_by("-popularity", "code")
    )
    problems: list[Problem] = []
    procedure = next((p for p in procedures if p.code == post.get("procedure", "")), None)
    if request.method == "POST":
        if agency is None:
            problems.append(Problem("agency", "required", _("Hãy chọn cơ quan tiếp nhận.")))
        if procedure is None or (agency is not None and agency not in procedure.agencies.all()):
            problems.append(Problem("procedure", "required", _("Hãy chọn thủ tục của cơ quan tiếp nhận.")))
        citizen_id = re.sub(r"[\s.\-]", "", post.get("citizen_id", ""))
        if not re.fullmatch(r"[0-9]{12}", citizen_id):
            problems.append(
                Problem("citizen_id", "invalid", _("Hãy nhập số định danh cá nhân gồm đúng 12 chữ số."))
            )
    if request.method == "GET" or problems:
        errors, summary = _summary(problems)
        return render(
            request,
            "backoffice/counter/intake_start.html",
            {
                "agencies": agencies,
                "procedures": procedures,
                "posted": post,
                "errors": errors,
                "summary": summary,
            },
            status=400 if problems else 200,
        )
    assert agency is not None and procedure is not None
    applicant = citizen_by_id_number(citizen_id=citizen_id)
    if post.get("step") != "2":
        return _intake_page(request, agency, procedure, Person(citizen_id), applicant, [], QueryDict())
    key = post.get("submission_key", "")
    person = _person(citizen_id, post)
    try:
        intake = services.counter_intake(
            official=request.user,
            agency=agency,
            person=person,
            procedure=procedure,
            form_data=forms.data_from_post(
                procedure.eform_schema, post, prefilled=_prefilled(procedure, applicant, person)[1]
            ),
            scans={
                c.code: _scans(request.FILES.getlist(f"component.{c.code}"))
                for c in procedure.components.all()
                if request.FILES.getlist(f"component.{c.code}")
            },
            submission_key=key if KEY.fullmatch(key) else secrets.token_urlsafe(24),
            accept_now=post.get("accept_now") == "1",
        )
    except CertificationError as error:
        return _intake_page(request, agency, procedure, person, applicant, error.problems, post, status=400)
    dossier = intake.acknowledgement.dossier
    if intake.accepted:
        text = _("Đã tiếp nhận hồ sơ, mã hồ sơ %(code)s.") % {"code": dossier.code}
    else:
        text = _("Đã nộp hồ sơ thay người nộp, mã tra cứu %(reference)s. Hồ sơ đang chờ tiếp nhận.") % {
            "reference": dossier.reference
        }
    if intake.account_created:
        text += " " + _("Đã tạo tài khoản tại quầy cho người nộp.")
    messages.success(request, text)
    return redirect("backoffice:dossier_check", public_id=dossier.public_id)


def _person(citizen_id: str, post: QueryDict) -> Person:
    typed_date = post.get("person.date_of_birth", "")
    date_of_birth = _date(typed_date)
    return Person(
        citizen_id=citizen_id,
        full_name=post.get("person.full_name", ""),
        date_of_birth=date_of_birth,
        phone=post.get("person.phone", ""),
        email=post.get("person.email", ""),
        date_of_birth_typed="" if date_of_birth else typed_date,
    )


def _prefilled(
    procedure: Procedure, applicant: User | None, person: Person
) -> tuple[dict[str, Any], dict[str, str]]:
    """The e-form values not typed in the e-form, and their fields (key -> source): an account's details
    (R-ONCE-1), or for a new person every field the person's details above fill, even while blank."""
    if applicant is not None:
        values = draft_prefill(procedure=procedure, applicant=applicant)
        return values, dict.fromkeys(values, "identity")
    return services.person_prefill(procedure, person), dict.fromkeys(
        services.person_fields(procedure), "person"
    )


def _intake_page(
    request: HttpRequest,
    agency: Agency,
    procedure: Procedure,
    person: Person,
    applicant: User | None,
    problems: list[Problem],
    posted: QueryDict,
    status: int = 200,
) -> HttpResponse:
    form_errors: dict[str, list[str]] = {}
    for problem in problems:
        if problem.field.startswith("form."):
            form_errors.setdefault(problem.field.removeprefix("form."), []).append(problem.message)
    values, prefilled = _prefilled(procedure, applicant, person)
    data = forms.data_from_post(procedure.eform_schema, posted, prefilled=prefilled) if posted else {}
    fields = forms.bind(procedure.eform_schema, {**data, **values}, errors=form_errors, prefilled=prefilled)
    errors, summary = _summary(problems)
    known = forms.anchors(fields)
    for item, problem in zip(summary, problems, strict=True):
        if problem.field.startswith("form."):
            item["anchor"] = forms.anchor_for(problem.field.removeprefix("form."), known)
    return render(
        request,
        "backoffice/counter/intake_form.html",
        {
            "agency": agency,
            "procedure": procedure,
            "citizen_id": person.citizen_id,
            "applicant": applicant,
            "fields": fields,
            "components": list(procedure.components.all()),
            "submission_key": posted.get("submission_key") or secrets.token_urlsafe(24),
            "posted": posted,
            "errors": errors,
            "summary": summary,
        },
        status=status,
    )
