"""The one-stop back office: the officials' queues, the dossier page with its check and decisions, and the
processing forms.

Every page is for officials only (a citizen gets 403) and works without JS. Every dossier is loaded through
dossiers.selectors.dossier_for_official, which scopes it to the official's agencies (and those it was sent
to for consultation) and audits the read. Every decision is a POST handled by backoffice.actions: one
workflow service call, then a redirect to the dossier with a message.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.backoffice import actions
from motcua.backoffice.selectors import awaiting_check, awaiting_check_counts, queue_procedures
from motcua.catalog import eform
from motcua.certification.selectors import captures_of
from motcua.connectors.crosscheck import cross_check
from motcua.documents.responses import attachment
from motcua.dossiers.checks import Problem
from motcua.dossiers.downloads import dossier_file_response
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.selectors import (
    dossier_file_for_official,
    dossier_files,
    dossier_for_official,
    revision_diff,
)
from motcua.dossiers.services import dossier_check as automatic_check
from motcua.identity.models import OfficialRole, User
from motcua.signatures import selectors as signature_selectors
from motcua.signatures import services as signature_services
from motcua.signatures.models import RevocationGround
from motcua.warehouse.selectors import provenance_for_official
from motcua.warehouse.services import DETAIL_FIELDS, consented_components
from motcua.workflow import selectors, services
from motcua.workflow.models import Decision, ProcessingStep
from motcua.workflow.services import DossierChanged, WorkflowError

Role = OfficialRole.Role

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


def _dossier(request: HttpRequest, public_id: uuid.UUID, purpose: str = "view") -> Dossier:
    try:
        return dossier_for_official(official=request.user, public_id=public_id, purpose=purpose)
    except Dossier.DoesNotExist:
        raise Http404(_("Không tìm thấy hồ sơ này trong các cơ quan bạn làm việc.")) from None


# Problems that name no input of their own: the section of the page they are about.
SECTION_OF = {"results": "results", "consultations": "consultations", "consultation": "consultations"}
# What the official typed, named for the "not saved" panel shown when the dossier changed meanwhile.
INPUT_LABELS: dict[str, Any] = {
    "request_supplement_reason": gettext_lazy("Lý do yêu cầu bổ sung"),
    "request_supplement_legal_basis": gettext_lazy("Căn cứ pháp lý"),
    "refuse_reason": gettext_lazy("Lý do từ chối"),
    "refuse_competent_agency": gettext_lazy("Cơ quan có thẩm quyền"),
    "consult_question": gettext_lazy("Nội dung cần lấy ý kiến"),
    "answer_consultation_answer": gettext_lazy("Ý kiến trả lời"),
    "submit_for_approval_note": gettext_lazy("Ghi chú khi trình"),
    "approve_note": gettext_lazy("Ghi chú phê duyệt"),
    "send_back_note": gettext_lazy("Nội dung cần xử lý lại"),
    "reject_reason": gettext_lazy("Lý do không đủ điều kiện"),
    "apologise_reason": gettext_lazy("Lý do chậm trả kết quả"),
    "apologise_new_due_at": gettext_lazy("Ngày hẹn mới"),
}
NOT_TYPED = {"csrfmiddlewaretoken", "action", "revision", "consultation", "consult_agency", "assign_assignee"}


def _input_name(action: str, problem_field: str) -> str:
    """The input a problem belongs next to: the part's note for a check mark, else "<action>_<field>"."""
    if problem_field.startswith(("component.", "form.")):
        return problem_field
    if problem_field == "items":
        return "marks"
    if problem_field == "dossier" or problem_field in SECTION_OF:
        return ""
    return f"{action}_{problem_field}"


def _anchor(name: str, problem_field: str, consultation: str) -> str:
    if problem_field in SECTION_OF:
        return SECTION_OF[problem_field]
    if name.startswith(("component.", "form.")):
        return "note-" + name.replace(".", "-")
    if name == "answer_consultation_answer":
        return f"{name}-{consultation}"
    return name


def _typed(posted: QueryDict, labels: dict[str, str]) -> list[tuple[str, str]]:
    """Every text the official typed into the posted form, with the label of its input."""
    typed = []
    for name, value in posted.items():
        if name in NOT_TYPED or name.startswith(("mark-", "doc_")) or not value.strip():
            continue
        label = labels.get(name.removeprefix("note-")) if name.startswith("note-") else INPUT_LABELS.get(name)
        typed.append((str(label or name), value))
    return typed


def _marks(
    dossier: Dossier, posted: QueryDict, errors: dict[str, list[str]], files: list[DossierFile]
) -> list[dict[str, Any]]:
    """One row per part the official may mark (every component, every e-form field the applicant typed):
    what was submitted, the mark and note as posted, and the problems next to it."""
    shown = {
        f.key: f.value for f in eform.fields_for_display(dossier.procedure.eform_schema, dossier.form_data)
    }
    components = {c.code: c for c in dossier.procedure.components.all()}
    kept = consented_components(dossier)  # the applicant agreed to keep these in their warehouse
    rows = []
    for target, label in services.supplement_targets(dossier):
        kind, _dot, key = target.partition(".")
        keep = kind == "component" and components[key].pk in kept
        rows.append(
            {
                "target": target,
                "id": target.replace(".", "-"),
                "label": label,
                "kind": kind,
                "required": kind == "component" and components[key].required,
                "files": [f for f in files if f.component.code == key] if kind == "component" else [],
                "value": shown.get(key, "—") if kind == "form" else "",
                "mark": posted.get(f"mark-{target}", ""),
                "note": posted.get(f"note-{target}", ""),
                "errors": errors.get(target, []),
                "keep": keep,
                "document": {name: posted.get(f"doc_{name}-{target}", "") for name in DETAIL_FIELDS}
                if keep
                else {},
            }
        )
    return rows


def _issued_rows(dossier: Dossier, errors: dict[str, list[str]], posted: QueryDict) -> list[dict[str, Any]]:
    """Each sealed receipt and result of the dossier, with its revocation form's problems and input as posted."""
    rows = []
    for document in signature_selectors.issued_documents_of(dossier=dossier):
        mine = posted.get("document") == str(document.pk)
        rows.append(
            {
                "document": document,
                "reason_id": f"revoke_reason-{document.pk}",
                "ground_id": f"revoke_ground-{document.pk}",
                "reason_errors": errors.get(f"revoke_reason-{document.pk}", []),
                "ground_errors": errors.get(f"revoke_ground-{document.pk}", []),
                "reason": posted.get("reason", "") if mine else "",
                "ground": posted.get("ground", "") if mine else "",
            }
        )
    return rows


def _dossier_page(
    request: HttpRequest,
    dossier: Dossier,
    *,
    action: str = "",
    problems: list[Problem] | None = None,
    posted: QueryDict | None = None,
    changed: bool = False,
    status: int = 200,
) -> HttpResponse:
    """The one page of a dossier: what was submitted and, at reception, the check and its decisions; after
    it, the processing (control sheet, decisions, consultations, results) and the forms of the actions the
    official may take now, exactly `allowed_actions` (R-PROH-6)."""
    official = request.user
    posted = posted if posted is not None else QueryDict()
    problems = problems or []
    consultation_posted = posted.get("consultation", "")
    errors: dict[str, list[str]] = {}
    summary = []
    for problem in problems:
        name = _input_name(action, problem.field)
        if name:
            errors.setdefault(name, []).append(problem.message)
        summary.append(
            {"message": problem.message, "anchor": _anchor(name, problem.field, consultation_posted)}
        )
    allowed = set(services.allowed_actions(dossier, official))
    files = signature_selectors.with_signatures(dossier_files(dossier=dossier))
    # Files reused from the applicant's warehouse carry their provenance; each such read is logged (R-PRIV-2).
    reused = provenance_for_official(official=official, dossier=dossier, files=files)
    for f in files:
        f.warehouse_document = reused.get(f.pk)
    marks = _marks(dossier, posted, errors, files) if allowed & {"accept", "request_supplement"} else []
    decisions = list(selectors.decisions_of(dossier=dossier))
    roles = services.roles_at(official, dossier.agency_id)
    diff = revision_diff(dossier=dossier)
    supplements = [d for d in decisions if d.kind == Decision.Kind.SUPPLEMENT]
    # What the request answered by the current revision asked for, and what of it the applicant changed.
    asked = [i for d in supplements if diff and d.revision == diff.old for i in d.data.get("items", [])]
    touched = diff.changed_targets if diff else set()
    context = {
        "dossier": dossier,
        "rows": eform.fields_for_display(dossier.procedure.eform_schema, dossier.form_data),
        "files": files,
        "signed_files": [f for f in files if f.signature is not None],
        "can_recheck": bool(allowed),
        "allowed": allowed,
        # R-ACK-1 again, now: the e-form, the required components, every file's type, size and presence.
        # The e-form against the state databases it was filled from (R-CHK-2); may look a source up now.
        "source_check": cross_check(dossier=dossier, official=official)
        if dossier.status == Dossier.Status.SUBMITTED
        else None,
        "auto_problems": automatic_check(
            dossier, files=files, verifications=signature_selectors.annotated_verifications(files)
        )[1]
        if dossier.status == Dossier.Status.SUBMITTED
        else None,
        "suspend_grounds": list(services.SUSPEND_REASONS.items()),
        "at_reception": dossier.status == Dossier.Status.SUBMITTED,
        "marks": marks,
        "errors": errors,
        "summary": summary,
        "posted": posted,
        "action": action,
        "changed": changed,
        "typed": _typed(posted, dict(services.supplement_targets(dossier))) if changed else [],
        "decisions": decisions,
        # The latest acceptance: its form 01 (receipt and appointment slip) is linked next to the code.
        "receipt": next((d for d in reversed(decisions) if d.kind == Decision.Kind.ACCEPT), None),
        "earlier_supplement": supplements[-1] if supplements else None,
        "steps": list(selectors.control_sheet(dossier=dossier)),
        "consultations": list(selectors.consultations_of(dossier=dossier)),
        "answerable": selectors.answerable_consultations(dossier=dossier, official=official),
        "consultation_posted": consultation_posted,
        "results": list(selectors.results_of(dossier=dossier)),
        # What the agency sealed for the dossier, revoked ones too; leaders may revoke (R-RES-2).
        "issued": _issued_rows(dossier, errors, posted),
        "can_revoke": Role.LEADER in roles,
        "revocation_grounds": RevocationGround.choices,
        # Paper components digitised at the counter, and by whom (R-CERT-2).
        "captures": list(captures_of(dossier=dossier)),
        "diff": diff,
        "requested": {item.get("target") for item in asked},
        "unchanged_requested": [item.get("label") for item in asked if item.get("target") not in touched],
        "is_leader": Role.LEADER in roles,
        "specialists": list(selectors.specialists_of(agency_id=dossier.agency_id))
        if "assign" in allowed
        else [],
        "agencies": list(selectors.consultable_agencies(dossier=dossier)) if "consult" in allowed else [],
        "appointment": selectors.appointment_state(dossier=dossier) if "apologise" in allowed else None,
        "consult_hours": posted.get("consult_hours", "16"),
    }
    return render(request, "backoffice/dossier_check.html", context, status=status)


@official_required
@require_GET
def dossier_check(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """What the applicant submitted and, for the official's roles, the decisions to take on it now."""
    return _dossier_page(request, _dossier(request, public_id))


@official_required
@require_POST
def dossier_act(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Take one decision (the posted `action`) through its workflow service, then show the dossier again
    (post/redirect/get). On a problem the page comes back with every problem next to its field, everything
    typed kept; if someone else acted first, the page says that the dossier changed (409)."""
    dossier = _dossier(request, public_id, purpose="decide")
    action = request.POST.get("action", "")
    handler = actions.HANDLERS.get(action)
    if handler is None:
        # Enter pressed in a box of the check form (its first, invisible button) or a stale form: decide
        # nothing, keep everything typed, and say which buttons decide.
        messages.info(
            request, _("Chưa có quyết định nào được thực hiện. Hãy bấm nút của quyết định bạn chọn.")
        )
        return _dossier_page(request, dossier, posted=request.POST)
    try:
        message = handler(request, dossier)
    except WorkflowError as error:
        changed = isinstance(error, DossierChanged)
        dossier.refresh_from_db()
        return _dossier_page(
            request,
            dossier,
            action=action,
            problems=error.problems,
            posted=request.POST,
            changed=changed,
            status=409 if changed else 400,
        )
    messages.success(request, message)
    return redirect("backoffice:dossier_check", public_id=dossier.public_id)


@official_required
@require_GET
def dossier_file_download(request: HttpRequest, public_id: uuid.UUID, file_id: int) -> FileResponse:
    """A submitted file, as uploaded; through the same access function as the check page (audited).
    `?xem=1` asks for the inline preview the check page frames (PDF and images only)."""
    return dossier_file_response(
        lambda: dossier_file_for_official(official=request.user, public_id=public_id, file_id=file_id),
        inline=request.GET.get("xem") == "1",
    )


@official_required
@require_GET
def signature_report_download(request: HttpRequest, public_id: uuid.UUID, file_id: int) -> HttpResponse:
    """The kept verification of one file with its evidence (certificates, CRLs, OCSP answers), as JSON, so
    the verdict can be re-proved elsewhere (R-SIG-4)."""
    try:
        dossier_file, verification = signature_selectors.file_verification_for_official(
            official=request.user, public_id=public_id, file_id=file_id
        )
    except (Dossier.DoesNotExist, DossierFile.DoesNotExist):
        raise Http404(_("Không tìm thấy tệp này trong các hồ sơ bạn được xem.")) from None
    if verification is None:
        raise Http404(_("Tệp này chưa được kiểm tra chữ ký số."))
    body = json.dumps(
        {
            "file": dossier_file.original_name,
            "sha256": dossier_file.stored_file.sha256,
            **verification.report,
        },
        ensure_ascii=False,
        indent=2,
    )
    return attachment(body.encode(), f"chu-ky-so-{file_id}.json", content_type="application/json")


@official_required
@require_POST
def signature_recheck(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Verify the dossier's signed components again now (e.g. the revocation server was down before)."""
    dossier = _dossier(request, public_id, purpose="decide")
    count = signature_services.dossier_signatures_recheck(dossier=dossier, official=request.user)
    messages.success(request, _("Đã kiểm tra lại chữ ký số của %(n)s tệp.") % {"n": count})
    return redirect(
        reverse("backoffice:dossier_check", kwargs={"public_id": dossier.public_id}) + "#chu-ky-so"
    )


@official_required
@require_GET
def dossier_result_download(request: HttpRequest, public_id: uuid.UUID, result_id: int) -> FileResponse:
    """A result document, through dossier_for_official like every other read of the dossier (audited)."""
    return dossier_file_response(
        lambda: selectors.result_for_official(official=request.user, public_id=public_id, result_id=result_id)
    )


# -- the work queues --------------------------------------------------------------------------------------

QUEUES: dict[str, tuple[Callable[..., selectors.WorkPage], Any]] = {
    selectors.MY_WORK: (selectors.my_work, gettext_lazy("Việc của tôi")),
    selectors.APPROVAL: (selectors.awaiting_approval, gettext_lazy("Chờ phê duyệt")),
    selectors.TO_RETURN: (selectors.awaiting_return, gettext_lazy("Chờ trả kết quả")),
    selectors.LATE: (selectors.overdue, gettext_lazy("Quá hạn")),
    selectors.CONSULTATIONS: (selectors.consultations_to_answer, gettext_lazy("Chờ cho ý kiến")),
}
# The status filter of each queue: (value, label) pairs; none where every row has the same status.
STATUS_CHOICES: dict[str, list[tuple[str, Any]]] = {
    selectors.MY_WORK: [
        (ProcessingStep.Kind.SPECIALIST, gettext_lazy("Thẩm định, xử lý")),
        (ProcessingStep.Kind.RESULT, gettext_lazy("Ban hành kết quả")),
    ],
    selectors.LATE: [
        (Dossier.Status.SUBMITTED, gettext_lazy("Quá hạn kiểm tra, tiếp nhận")),
        (Dossier.Status.PROCESSING, gettext_lazy("Quá hạn trả kết quả")),
    ],
}


@official_required
@require_GET
def work_queue(request: HttpRequest, queue: str) -> HttpResponse:
    """One of the officials' queues, most urgent first, keyset pages; filters kept in the links."""
    list_page, title = QUEUES[queue]
    raw = {
        "thu_tuc": _param(request, "thu_tuc", 20),
        "trang_thai": _param(request, "trang_thai", 32),
        "han_den": _param(request, "han_den", 10),
        "q": _param(request, "q", 100),
    }
    choices = STATUS_CHOICES.get(queue, [])
    due_by = actions.parse_day(raw["han_den"]) if raw["han_den"] else None
    filters = selectors.QueueFilters(
        procedure_code=raw["thu_tuc"],
        status=raw["trang_thai"] if raw["trang_thai"] in dict(choices) else "",
        due_by=due_by,
        q=raw["q"],
    )
    page = list_page(official=request.user, filters=filters, after=_after(request), limit=PAGE_SIZE)
    kept = {k: v for k, v in raw.items() if v}
    next_url = ""
    if page.next_after is not None:
        due, last_id = page.next_after
        next_url = "?" + urlencode({**kept, "sau_han": due.isoformat(), "sau_id": last_id})
    return render(
        request,
        "backoffice/work_queue.html",
        {
            "queue": queue,
            "title": title,
            "page": page,
            "procedures": queue_procedures(official=request.user),
            "status_choices": choices,
            "filters": raw,
            "bad_date": bool(raw["han_den"]) and due_by is None,
            "filtered": bool(kept),
            "first_url": "?" + urlencode(kept) if kept else request.path,
            "next_url": next_url,
            "is_later_page": _after(request) is not None,
        },
    )
