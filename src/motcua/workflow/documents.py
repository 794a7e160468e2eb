"""The one-stop forms of a dossier, filled from the workflow's records (R-FORM-1, R-FORM-2, R-FORM-3).

Forms are rendered on demand from the decisions, steps and dossier as recorded, which never change, so the
same form comes out the same every time. (Signing them with the agency's key is issue 4.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone, translation
from vietnam_provinces import Province

from motcua.catalog.models import Agency
from motcua.documents.forms import (
    ApologyDoc,
    ControlSheet,
    HandOver,
    Header,
    Party,
    ReceiptSlip,
    RefusalDoc,
    StopNoticeDoc,
    SupplementRequestDoc,
    Timeliness,
    TrackingBook,
    TrackingRow,
    Unit,
)
from motcua.dossiers.models import Dossier
from motcua.dossiers.tracking import tracking_url
from motcua.identity.models import User
from motcua.signatures.sealing import verification_url
from motcua.workflow.models import Decision, ProcessingStep

ONLINE_DELIVERY = "Trực tuyến, trong tài khoản trên Cổng dịch vụ công"
FORM_OF = {kind: form for kind, (form, _symbol) in Decision.FORMS.items()}


def _place(agency: Agency) -> str:
    if agency.province_code:
        try:
            name = Province.from_code(agency.province_code).name  # type: ignore[arg-type]
        except (ValueError, KeyError, AttributeError):
            return ""
        return name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
    return ""


def _header(
    dossier: Dossier,
    at: dt.datetime,
    number: str = "",
    signer: User | None = None,
    verification_token: str = "",
) -> Header:
    agency = dossier.agency
    return Header(
        unit=Unit(name=agency.one_stop_name or agency.name, parent_name=agency.name),
        place=_place(agency),
        date=timezone.localdate(at),
        number=number.partition("/")[0],
        signer_name=signer.display_name if signer else "",
        tracking_url=tracking_url(code=dossier.code or dossier.reference or ""),
        converted_by="motcua",
        verification_url=verification_url(verification_token) if verification_token else "",
    )


def _party(user: User) -> Party:
    identifier = user.citizen_id or ""
    if user.kind == User.Kind.ORGANISATION and user.organisation_id:
        identifier = user.organisation.enterprise_code  # type: ignore[union-attr]
    return Party(
        name=user.display_name,
        identifier=identifier,
        address=user.address,
        phone=user.phone,
        email=user.email,
    )


def _processing_time(dossier: Dossier) -> str:
    days = dossier.procedure.processing_days
    return f"{days} ngày làm việc" if days else "Trong ngày làm việc"


def _components(dossier: Dossier, revision: int) -> list[str]:
    manifest = dossier.manifest
    for kept in dossier.revisions.all():
        if kept.number == revision:
            manifest = kept.manifest
    names = {c.code: c.name for c in dossier.procedure.components.all()}
    return [f"{names.get(f['component'], f['component'])} ({f['name']})" for f in manifest.get("files", [])]


def decision_document(decision: Decision, *, verification_token: str = ""):
    """The form a decision produced: 01 receipt, 02 supplement, 03 refusal, 04 apology, 05 stop notice.

    `verification_token`: the form is being sealed, and its QR code opens its public verification page.
    """
    dossier = decision.dossier
    header = _header(
        dossier,
        decision.at,
        decision.number,
        decision.by if decision.kind != "withdraw" else None,
        verification_token=verification_token,
    )
    applicant = _party(dossier.applicant)
    procedure = dossier.procedure.name
    code = dossier.code or ""
    if decision.kind == Decision.Kind.ACCEPT:
        assert dossier.official_receipt_at is not None
        return ReceiptSlip(
            header=header,
            dossier_code=code,
            receiving_unit=dossier.agency.one_stop_name or dossier.agency.name,
            applicant=applicant,
            procedure_name=procedure,
            components=_components(dossier, decision.revision),
            processing_time=_processing_time(dossier),
            received_at=decision.at,
            due_at=dt.datetime.fromisoformat(decision.data["due_at"]),
            result_delivery=ONLINE_DELIVERY,
            book_volume=str(decision.data.get("book_volume", "")),
            book_entry=str(decision.data.get("book_entry", "")),
        )
    if decision.kind == Decision.Kind.SUPPLEMENT:
        return SupplementRequestDoc(
            header=header,
            dossier_code=code or dossier.reference or "",
            applicant=applicant,
            procedure_name=procedure,
            items=[f"{item['label']}: {item['note']}" for item in decision.data.get("items", [])],
            reason=decision.reason or "Hồ sơ chưa đầy đủ, hợp lệ theo quy định.",
            contact_name=decision.by.display_name if decision.by else "",
            contact_phone=dossier.agency.phone,
        )
    if decision.kind in (Decision.Kind.REFUSE, Decision.Kind.REJECT):
        reason = decision.reason
        if decision.data.get("competent_agency"):
            reason += f" Cơ quan có thẩm quyền: {decision.data['competent_agency']}."
        return RefusalDoc(
            header=header,
            receiving_unit=dossier.agency.one_stop_name or dossier.agency.name,
            applicant=applicant,
            procedure_name=procedure,
            reason=reason,
            dossier_code=code,
        )
    if decision.kind == Decision.Kind.APOLOGY:
        assert dossier.accepted_at is not None
        return ApologyDoc(
            header=header,
            dossier_code=code,
            applicant=applicant,
            procedure_name=procedure,
            received_at=dossier.accepted_at,
            due_at=dt.datetime.fromisoformat(decision.data["previous_due_at"]),
            reason=decision.reason,
            new_due_at=dt.datetime.fromisoformat(decision.data["new_due_at"]),
        )
    if decision.kind == Decision.Kind.WITHDRAW:
        return StopNoticeDoc(
            header=header,
            dossier_code=code or dossier.reference or "",
            applicant=applicant,
            procedure_name=procedure,
            requested_at=decision.at,
            status_at_request=str(decision.data.get("status_label", "")),
            reason=decision.reason,
        )
    raise ValueError(f"decision {decision.kind} has no form")


def _name(user: User | None) -> str:
    return user.display_name if user else ""


# The forms' wording is Vietnamese by law: labels taken from the models must not follow the page's language.
@translation.override("vi")
def control_sheet(dossier: Dossier) -> ControlSheet:
    """Form 06: every hand-over with its times and early / on time / late (R-PROC-3)."""
    steps: Sequence[ProcessingStep] = list(
        ProcessingStep.objects.filter(dossier=dossier)
        .select_related("giver", "assignee", "handed_over_by")
        .order_by("order", "id")
    )
    accepted = (
        Decision.objects.filter(dossier=dossier, kind=Decision.Kind.ACCEPT).select_related("by").first()
    )
    rows = []
    if accepted is not None:
        rows.append(
            HandOver(
                step="Tiếp nhận hồ sơ",
                giver=dossier.applicant.display_name,
                receiver=_name(accepted.by),
                received_at=dossier.official_receipt_at or accepted.at,
                handed_over_at=accepted.at,
                due_at=dossier.check_due_at,
                timeliness=Timeliness.LATE
                if dossier.check_due_at and accepted.at > dossier.check_due_at
                else Timeliness.ON_TIME,
            )
        )
    for step in steps:
        rows.append(
            HandOver(
                step=step.note.split("\n")[0] or step.get_kind_display(),
                giver=_name(step.giver),
                receiver=_name(step.assignee) or step.department or step.role,
                received_at=step.received_at,
                handed_over_at=step.handed_over_at,
                due_at=step.due_at,
                timeliness=Timeliness[step.outcome.upper()] if step.outcome else None,
            )
        )
    at = steps[-1].handed_over_at if steps and steps[-1].handed_over_at else timezone.now()
    return ControlSheet(
        header=_header(dossier, at),
        dossier_code=dossier.code or "",
        handling_unit=dossier.agency.name,
        received_at=dossier.accepted_at or at,
        due_at=dossier.due_at or at,
        rows=rows,
        coordinating_units=", ".join(
            sorted({c.agency.name for c in dossier.consultations.select_related("agency")})
        ),
    )


# The forms' wording is Vietnamese by law: labels taken from the models must not follow the page's language.
@translation.override("vi")
def tracking_book(*, agency: Agency, start: dt.date, end: dt.date) -> TrackingBook:
    """Form 07: the dossiers the agency accepted in start..end, by their entry number (R-FORM-1)."""
    tz = timezone.get_current_timezone()
    low = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    high = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    acceptances = (
        Decision.objects.filter(kind=Decision.Kind.ACCEPT, dossier__agency=agency, at__gte=low, at__lt=high)
        .select_related("dossier__procedure", "dossier__applicant")
        .order_by("at", "id")
    )
    rows = []
    for decision in acceptances:
        d = decision.dossier
        returned_at = d.ended_at if d.status == Dossier.Status.DONE else None
        rows.append(
            TrackingRow(
                entry_number=int(decision.data.get("book_entry") or 0),
                dossier_code=d.code or "",
                procedure_name=d.procedure.name,
                applicant_name=d.applicant.display_name,
                applicant_contact=", ".join(p for p in (d.applicant.address, d.applicant.phone) if p),
                lead_agency=agency.name,
                received_at=decision.at,
                due_at=d.original_due_at or dt.datetime.fromisoformat(decision.data["due_at"]),
                result_delivery=ONLINE_DELIVERY,
                returned_at=returned_at,
                note=d.get_status_display() if d.is_final and d.status != Dossier.Status.DONE else "",
            )
        )
    today = timezone.localdate()
    return TrackingBook(
        header=Header(
            unit=Unit(name=agency.one_stop_name or agency.name, parent_name=agency.name),
            place=_place(agency),
            date=today,
        ),
        period_start=start,
        period_end=end,
        rows=rows,
        volume=str(start.year),
    )


def decision_with_form(*, dossier: Dossier, decision_id: int) -> Decision:
    """A decision of `dossier` that produced a form (Decision.DoesNotExist otherwise)."""
    return Decision.objects.select_related(
        "dossier__agency", "dossier__applicant", "dossier__procedure", "by"
    ).get(dossier=dossier, pk=decision_id, kind__in=list(FORM_OF))


def form_filename(decision: Decision) -> str:
    return f"mau-{FORM_OF[decision.kind]}-{decision.dossier.code or decision.dossier.reference}.pdf"
