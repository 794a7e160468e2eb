"""The agency administrator's signing keys (issue 4, R-RES-1) and the leaders' revocation of what the agency
issued (R-RES-2). Server-rendered, no JS needed; each POST is one signatures.issuing service call.

Keys are reached through the agencies the official administers (signatures.selectors.agency_for_key_admin,
key_for_admin): another agency's key or agency is "not found", whether it exists or not.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.backoffice.views import _dossier, _dossier_page, official_required
from motcua.catalog.models import Agency
from motcua.dossiers.checks import Problem
from motcua.identity.models import User
from motcua.signatures import issuing, selectors
from motcua.signatures.models import AgencySigningKey, IssuedDocument


def _agency(request: HttpRequest, agency_id: int) -> Agency:
    try:
        return selectors.agency_for_key_admin(official=request.user, agency_id=agency_id)
    except Agency.DoesNotExist:
        raise Http404(_("Không tìm thấy cơ quan này trong các cơ quan bạn quản trị.")) from None


def _key(request: HttpRequest, key_id: int) -> AgencySigningKey:
    try:
        return selectors.key_for_admin(official=request.user, key_id=key_id)
    except AgencySigningKey.DoesNotExist:
        raise Http404(_("Không tìm thấy khóa này trong các cơ quan bạn quản trị.")) from None


def _summary(problems: list[Problem], anchors: set[str]) -> tuple[dict[str, list[str]], list[dict[str, str]]]:
    errors: dict[str, list[str]] = {}
    summary = []
    for problem in problems:
        errors.setdefault(problem.field, []).append(problem.message)
        summary.append(
            {"message": problem.message, "anchor": problem.field if problem.field in anchors else ""}
        )
    return errors, summary


@official_required
@require_GET
def keys(request: HttpRequest) -> HttpResponse:
    """Every key of each agency the official administers, and the receipts still waiting for a seal."""
    agencies = selectors.agencies_administered(official=request.user)
    if not agencies:
        return render(request, "backoffice/keys/forbidden.html", status=403)
    sections = []
    for agency in agencies:
        rows = selectors.signing_keys_of(agency=agency)
        sections.append(
            {
                "agency": agency,
                "rows": rows,
                "has_seal": any(r.key.active and r.key.holder_id is None for r in rows),
                "unsealed": selectors.unsealed_receipts(agency=agency).count(),
            }
        )
    return render(request, "backoffice/keys/list.html", {"sections": sections})


INSTALL_FIELDS = {"p12", "password_env", "holder", "label"}


@official_required
@require_http_methods(["GET", "POST"])
def key_install(request: HttpRequest, agency_id: int) -> HttpResponse:
    """Upload a PKCS#12 file and name the variable holding its password; nothing is kept on any problem."""
    agency = _agency(request, agency_id)
    if request.method == "GET":
        return _install_page(request, agency, [], QueryDict())
    post = request.POST
    holder = None
    if post.get("holder"):
        # The list offers only the agency's officials: an unknown one is a stale form, said alone (installing
        # without it would make the agency's seal of what was meant as someone's personal key).
        holder = User.objects.filter(pk=post["holder"] if post["holder"].isdigit() else 0).first()
        if holder is None:
            problem = Problem("holder", "unknown", _("Không tìm thấy cán bộ đã chọn; hãy chọn lại."))
            return _install_page(request, agency, [problem], post, status=400)
    upload = request.FILES.get("p12")
    p12 = upload.read(issuing.MAX_P12_BYTES + 1) if upload is not None else b""
    try:
        key = issuing.signing_key_install(
            agency=agency,
            p12=p12,
            password_env=post.get("password_env", "").strip(),
            holder=holder,
            label=post.get("label", ""),
            actor=request.user,
        )
    except issuing.IssuingError as error:
        return _install_page(request, agency, error.problems, post, status=400)
    messages.success(
        request,
        _("Đã cài khóa ký số “%(key)s”; từ nay %(who)s ký bằng khóa này.")
        % {"key": key, "who": holder.display_name if holder else agency.name},
    )
    return redirect(reverse("backoffice:keys") + f"#agency-{agency.pk}")


def _install_page(
    request: HttpRequest, agency: Agency, problems: list[Problem], posted: QueryDict, status: int = 200
) -> HttpResponse:
    errors, summary = _summary(problems, INSTALL_FIELDS)
    return render(
        request,
        "backoffice/keys/install.html",
        {
            "agency": agency,
            "holders": selectors.key_holders(agency=agency),
            "errors": errors,
            "summary": summary,
            "posted": posted,
        },
        status=status,
    )


@official_required
@require_http_methods(["GET", "POST"])
def key_deactivate(request: HttpRequest, key_id: int) -> HttpResponse:
    """Ask to confirm, then stop signing with the key; it stays on record."""
    key = _key(request, key_id)
    if request.method == "GET" or not key.active:
        return render(request, "backoffice/keys/deactivate.html", {"key": key})
    try:
        issuing.signing_key_deactivate(key=key, actor=request.user)
    except issuing.IssuingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã ngừng dùng khóa “%(key)s”.") % {"key": key})
    return redirect(reverse("backoffice:keys") + f"#agency-{key.agency_id}")


@official_required
@require_POST
def receipts_seal(request: HttpRequest, agency_id: int) -> HttpResponse:
    """Seal the receipts the agency handed out while it had no key, and enter them in the register."""
    agency = _agency(request, agency_id)
    try:
        sealed, left = issuing.receipts_seal_unsealed(agency=agency, actor=request.user)
    except issuing.IssuingError as error:
        messages.error(request, str(error))
    else:
        text = _("Đã đóng dấu số %(n)s giấy tiếp nhận hồ sơ.") % {"n": sealed}
        if left:
            text += " " + _("Còn %(n)s giấy; hãy bấm đóng dấu lần nữa.") % {"n": left}
        messages.success(request, text)
    return redirect(reverse("backoffice:keys") + f"#agency-{agency.pk}")


# -- revoking what the agency issued (R-RES-2) --------------------------------------------------------------


@official_required
@require_POST
def document_revoke(request: HttpRequest, public_id: uuid.UUID, document_id: int) -> HttpResponse:
    """A leader revokes a sealed receipt or result of the dossier; it stays stored and verifiable."""
    dossier = _dossier(request, public_id, purpose="decide")
    document = IssuedDocument.objects.filter(dossier=dossier, pk=document_id).first()
    if document is None:
        raise Http404(_("Không tìm thấy văn bản này trong hồ sơ."))
    try:
        issuing.document_revoke(
            document=document,
            official=request.user,
            reason=request.POST.get("reason", "").replace("\x00", "")[:4000],
            ground=request.POST.get("ground", ""),
        )
    except issuing.IssuingError as error:
        # Next to the inputs of this document's form: "revoke_<field>-<document id>" on the dossier page.
        problems = [
            Problem(
                f"{p.field}-{document.pk}" if p.field in {"reason", "ground"} else "dossier",
                p.code,
                p.message,
            )
            for p in error.problems
        ]
        return _dossier_page(
            request, dossier, action="revoke", problems=problems, posted=request.POST, status=400
        )
    messages.success(
        request,
        _("Đã thu hồi %(document)s. Văn bản vẫn được lưu và khi xác thực sẽ hiện là đã thu hồi.")
        % {"document": issuing.document_label(document)},
    )
    return redirect(reverse("backoffice:dossier_check", kwargs={"public_id": dossier.public_id}) + "#issued")
