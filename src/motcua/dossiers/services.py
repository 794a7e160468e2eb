"""State changes of dossiers: drafts, their files, and submission with the automatic check (R-ACK-*)."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import audit_record
from motcua.catalog.eform import validate_form
from motcua.catalog.models import Agency, Component, Procedure
from motcua.catalog.selectors import rule_set_in_force
from motcua.connectors.prefill import Sourced, source_prefill
from motcua.dossiers import sniff, storage
from motcua.dossiers.checks import Problem, check_file
from motcua.dossiers.models import Dossier, DossierEvent, DossierFile, DossierRevision, StoredFile
from motcua.dossiers.selectors import submitted_dossier_with_key
from motcua.identity.models import User
from motcua.notifications.services import notify
from motcua.signatures import selectors as signature_selectors
from motcua.signatures import services as signatures
from motcua.signatures.models import SignatureVerification
from motcua.signatures.report import Report, Verdict
from motcua.worktime.selectors import calendar_for
from motcua.worktime.services import official_receipt_time, snapshot_calendar

# Where prefilled values come from (R-ONCE-1): "identity.<attribute of the account>".
IDENTITY_PREFILL = {"full_name", "citizen_id", "date_of_birth", "phone", "email", "address"}
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: easy to read out on the phone


class DossierError(Exception):
    """A request the applicant can fix; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Acknowledgement:
    """What the applicant is told at once when a dossier is submitted (R-ACK-2)."""

    dossier: Dossier
    submitted_at: datetime
    official_receipt_at: datetime
    check_due_at: datetime
    replayed: bool  # True when this answers a repeated submission (double click, client retry)


def _not_editable() -> DossierError:
    return DossierError(
        [
            Problem(
                "dossier",
                "not_editable",
                _(
                    "Hồ sơ đã nộp nên không thể sửa đổi. Nếu cần bổ sung, hãy chờ yêu cầu từ cơ quan tiếp nhận."
                ),
            )
        ]
    )


def prefill_sources(schema: dict) -> dict[str, str]:
    """Top-level e-form key -> the account attribute it is filled from ("prefill": "identity.<attribute>")."""
    sources = {}
    for field in schema.get("fields", []):
        source = field.get("prefill", "")
        attribute = source.removeprefix("identity.") if isinstance(source, str) else ""
        if source != attribute and attribute in IDENTITY_PREFILL and field.get("key"):
            sources[field["key"]] = attribute
    return sources


def _prefill_values(schema: dict, applicant: User) -> dict[str, Any]:
    values = {}
    for key, attribute in prefill_sources(schema).items():
        value = getattr(applicant, attribute, None)
        if value:
            values[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return values


def draft_prefill(*, procedure: Procedure, applicant: User) -> dict[str, Any]:
    """The e-form values a new draft of `applicant` starts with, from their account (R-ONCE-1)."""
    return _prefill_values(procedure.eform_schema, applicant)


def _new_dossier(
    *, applicant: User, procedure: Procedure, agency: Agency | None, sourced: Sourced | None = None
) -> Dossier:
    """An unsaved dossier for the chosen agency, prefilled with what the account holds and what state
    databases gave (`sourced`, looked up before the transaction; R-ONCE-1)."""
    agencies = list(procedure.agencies.all())
    if agency is None:
        if len(agencies) != 1:
            raise DossierError([Problem("agency", "required", _("Hãy chọn cơ quan tiếp nhận hồ sơ."))])
        agency = agencies[0]
    elif agency not in agencies:
        raise DossierError(
            [
                Problem(
                    "agency",
                    "invalid",
                    _("Cơ quan đã chọn không giải quyết thủ tục này. Hãy chọn cơ quan khác."),
                )
            ]
        )
    if not procedure.is_active:
        raise DossierError(
            [Problem("procedure", "inactive", _("Thủ tục này hiện không nhận hồ sơ trực tuyến."))]
        )
    prefilled = _prefill_values(procedure.eform_schema, applicant)
    dossier = Dossier(
        applicant=applicant,
        procedure=procedure,
        agency=agency,
        form_data=dict(prefilled),
        prefilled=dict.fromkeys(prefilled, "identity"),
    )
    if sourced is not None:
        sourced.apply(dossier)
    return dossier


def draft_create(*, applicant: User, procedure: Procedure, agency: Agency | None = None) -> Dossier:
    """Start a draft dossier, prefilled with what the applicant's account and state databases hold (R-ONCE-1).

    The state databases are asked first, outside the transaction; one that is down or slow leaves its
    fields to the applicant and never stops the draft.
    """
    sourced = source_prefill(procedure=procedure, applicant=applicant)
    with transaction.atomic():
        dossier = _new_dossier(applicant=applicant, procedure=procedure, agency=agency, sourced=sourced)
        dossier.save()
        DossierEvent.objects.create(
            dossier=dossier, kind=DossierEvent.Kind.CREATED, at=dossier.created_at, actor=applicant
        )
        audit_record(
            actor=applicant,
            action="dossier.draft_created",
            object_type="dossier",
            object_id=str(dossier.public_id),
            data={"procedure": procedure.code, "agency": dossier.agency.code},
        )
    return dossier


def _lock_draft(dossier: Dossier, target: str | None = None) -> Dossier:
    """Lock the dossier for the applicant's change; a draft, or while a supplement request is open, the
    parts the request named (`target`, e.g. "component.don"; None for the e-form as a whole)."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if locked.is_draft:
        return locked
    if locked.status == Dossier.Status.SUPPLEMENT_REQUESTED and (
        target is None or target in locked.open_targets
    ):
        return locked
    if locked.status == Dossier.Status.SUPPLEMENT_REQUESTED:
        raise DossierError(
            [
                Problem(
                    target or "dossier",
                    "not_requested",
                    _(
                        "Cơ quan tiếp nhận không yêu cầu bổ sung phần này, nên phần này giữ nguyên như đã nộp. "
                        "Hãy chỉ sửa các phần được nêu trong yêu cầu bổ sung."
                    ),
                )
            ]
        )
    raise _not_editable()


@transaction.atomic
def draft_update(*, dossier: Dossier, applicant: User, form_data: dict[str, Any]) -> Dossier:
    """Save what the applicant typed so far (drafts persist as they go); prefilled fields stay as they were."""
    dossier = _lock_draft(dossier)
    dossier.form_data = _merged(dossier, form_data)
    dossier.save(update_fields=["form_data", "updated_at"])
    return dossier


def _merged(dossier: Dossier, form_data: dict[str, Any]) -> dict[str, Any]:
    """The draft's answers updated with `form_data`; prefilled fields keep their source's value."""
    data = dict(dossier.form_data)
    if dossier.status == Dossier.Status.SUPPLEMENT_REQUESTED:
        # Only the fields the supplement request named change (R-SUP-1, R-SUP-4); the rest stay as submitted.
        allowed = {t.removeprefix("form.") for t in dossier.open_targets if t.startswith("form.")}
        data.update((key, value) for key, value in form_data.items() if key in allowed)
        return data
    data.update((key, value) for key, value in form_data.items() if key not in dossier.prefilled)
    return data


def draft_form_errors(dossier: Dossier) -> dict[str, list[str]]:
    """The e-form's current problems, for showing beside the fields while the draft is edited."""
    return validate_form(dossier.procedure.eform_schema, dossier.form_data).errors


def _component(dossier: Dossier, component_code: str) -> Component:
    # Through .all(), so components prefetched with the procedure are not queried again.
    for component in dossier.procedure.components.all():
        if component.code == component_code:
            return component
    raise DossierError(
        [Problem("component", "unknown", _("Thành phần hồ sơ này không thuộc thủ tục. Hãy tải lại trang."))]
    )


@dataclass(frozen=True)
class _CheckedUpload:
    component: Component
    name: str
    sha256: str
    size: int
    content_type: str
    signature_report: Report | None = None


def _store_upload(
    *, dossier: Dossier, component_code: str, original_name: str, chunks: Iterable[bytes]
) -> _CheckedUpload:
    """Stream a file into storage (outside any transaction) and check it; DossierError lists every reason."""
    component = _component(dossier, component_code)
    field = f"component.{component.code}"
    name = (original_name or "tep").replace("\\", "/").rsplit("/", 1)[-1][:200] or "tep"
    limit = min(component.max_size_bytes, settings.MOTCUA_MAX_UPLOAD_BYTES)
    try:
        blob = storage.store_chunks(chunks, max_bytes=limit)
    except storage.TooLarge:
        raise DossierError(
            [
                Problem(
                    field,
                    "too_large",
                    _("Tệp “%(name)s” vượt quá dung lượng tối đa %(max)s MB. Hãy nén hoặc chia nhỏ tệp.")
                    % {"name": name, "max": component.max_size_mb},
                )
            ]
        ) from None
    content_type = sniff.sniff(blob.head)
    messages = check_file(
        component=component, original_name=name, size=blob.size, content_type=content_type, path=blob.path
    )
    if messages:
        raise DossierError([Problem(field, "file_rejected", message) for message in messages])
    report = _signature_report(component=component, path=blob.path, content_type=content_type, name=name)
    return _CheckedUpload(component, name, blob.sha256, blob.size, content_type, report)


def _signature_report(*, component: Component, path, content_type: str, name: str) -> Report | None:
    """Verify a file's signatures if it has or needs any; DossierError when the component's requirement fails.

    Verified now, outside any transaction (revocation look-ups go over the network), and refused at once
    when a required signature is invalid (R-SIG-1). A missing one is refused here too unless a detached
    signature (.p7s) may still come for this component; the submission check sees to that.
    """
    if content_type == signatures.CMS or not signatures.needs_verification(
        component=component, path=path, content_type=content_type
    ):
        return None
    report = signatures.file_report(path=path, content_type=content_type)
    missing_allowed = "p7s" in component.accepted_formats and report.verdict == Verdict.NONE
    messages = (
        []
        if missing_allowed
        else signatures.requirement_problems(component=component, report=report, name=name)
    )
    if messages:
        field = f"component.{component.code}"
        raise DossierError([Problem(field, "signature_rejected", message) for message in messages])
    return report


def stored_file_from_bytes(
    data: bytes, *, content_type: str = "application/pdf", max_bytes: int | None = None
) -> StoredFile:
    """Store bytes the system made itself (a sealed PDF, an assembled capture) once, under their SHA-256."""
    blob = storage.store_chunks([data], max_bytes=len(data) if max_bytes is None else max_bytes)
    stored, _created = StoredFile.objects.get_or_create(
        sha256=blob.sha256, defaults={"size": blob.size, "content_type": content_type}
    )
    return stored


def _attach(dossier: Dossier, upload: _CheckedUpload) -> DossierFile:
    stored, _created = StoredFile.objects.get_or_create(
        sha256=upload.sha256, defaults={"size": upload.size, "content_type": upload.content_type}
    )
    if upload.signature_report is not None:
        signatures.verification_record(
            stored_file=stored, report=upload.signature_report, requested_by=dossier.applicant
        )
    return DossierFile.objects.create(
        dossier=dossier, component=upload.component, stored_file=stored, original_name=upload.name
    )


def dossier_file_add(
    *, dossier: Dossier, applicant: User, component_code: str, original_name: str, chunks: Iterable[bytes]
) -> DossierFile:
    """Stream an uploaded file into storage, check it, and attach it to the draft.

    A file that fails its check is not attached, and the applicant is told every reason at once. The bytes
    are stored before the transaction opens, so no database lock is held while a large file arrives.
    """
    target = f"component.{component_code}"
    if not dossier.is_draft and not (
        dossier.status == Dossier.Status.SUPPLEMENT_REQUESTED and target in dossier.open_targets
    ):
        _lock_draft(dossier, target)  # raises the reason, without storing the bytes first
    upload = _store_upload(
        dossier=dossier, component_code=component_code, original_name=original_name, chunks=chunks
    )
    with transaction.atomic():
        return _attach(_lock_draft(dossier, target), upload)


def dossier_file_reuse(
    *, dossier: Dossier, applicant: User, component_code: str, stored_file: StoredFile, original_name: str
) -> DossierFile:
    """Attach a file the applicant already holds (a certified electronic copy, later their warehouse, R-WH-2)
    to a component of the draft, without uploading it again: a DossierFile naming the same stored bytes.

    The caller has established that the applicant may use `stored_file`. The file is checked against the
    component (type, size) like an upload; DossierError lists every reason it does not fit.
    """
    component = _component(dossier, component_code)
    messages = check_file(
        component=component,
        original_name=original_name,
        size=stored_file.size,
        content_type=stored_file.content_type,
        path=storage.blob_path(stored_file.sha256),
        content_checked=True,
    )
    field = f"component.{component.code}"
    if messages:
        raise DossierError([Problem(field, "file_rejected", message) for message in messages])
    # Verified like an upload: the applicant sees the verdict at once, and a file that does not meet the
    # component's signature requirement is refused with the reason (R-SIG-1).
    report = _signature_report(
        component=component,
        path=storage.blob_path(stored_file.sha256),
        content_type=stored_file.content_type,
        name=original_name,
    )
    with transaction.atomic():
        locked = _lock_draft(dossier, field)
        if DossierFile.objects.filter(dossier=locked, component=component, stored_file=stored_file).exists():
            raise DossierError(
                [
                    Problem(
                        field,
                        "duplicate",
                        _("Tệp “%(name)s” đã có trong thành phần này.") % {"name": original_name},
                    )
                ]
            )
        if report is not None:
            signatures.verification_record(stored_file=stored_file, report=report, requested_by=applicant)
        return DossierFile.objects.create(
            dossier=locked, component=component, stored_file=stored_file, original_name=original_name[:255]
        )


@transaction.atomic
def dossier_file_remove(*, dossier: Dossier, applicant: User, file_id: int) -> None:
    """Detach a file from a draft (or, during a supplement, from a component it names).

    The stored bytes stay (content-addressed, maybe shared), and every submitted revision keeps naming them,
    so an earlier revision stays complete (R-SUP-4).
    """
    dossier_file = DossierFile.objects.select_related("component").filter(dossier=dossier, pk=file_id).first()
    target = f"component.{dossier_file.component.code}" if dossier_file else None
    dossier = _lock_draft(dossier, target)
    deleted, _rows = DossierFile.objects.filter(dossier=dossier, pk=file_id).delete()
    if not deleted:
        raise DossierError(
            [Problem("file", "unknown", _("Không tìm thấy tệp này trong hồ sơ. Hãy tải lại trang."))]
        )


def _files_of(dossier: Dossier) -> list[DossierFile]:
    return list(dossier.files.select_related("component", "stored_file").order_by("component__order", "id"))


def dossier_check(
    dossier: Dossier,
    *,
    files: list[DossierFile] | None = None,
    verifications: dict[int, SignatureVerification] | None = None,
) -> tuple[dict[str, Any], list[Problem]]:
    """The automatic technical check (R-ACK-1): the e-form, every required component, every file.

    A StoredFile exists only for bytes that passed their content check (PDF parses, image decodes) when
    they were uploaded, and stored bytes never change; so here each file is checked again against its
    component (type, size) and for presence, without parsing it a second time. Components that must be
    signed are checked against the kept signature verifications (`verifications`, else the latest ones on
    record): every file of such a component needs a valid signature of its own or a valid .p7s over it.
    """
    problems: list[Problem] = []
    result = validate_form(dossier.procedure.eform_schema, dossier.form_data)
    for field_path, field_messages in result.errors.items():
        problems.extend(Problem(f"form.{field_path}", "invalid", message) for message in field_messages)
    files = _files_of(dossier) if files is None else files
    files_by_component: dict[int, list[DossierFile]] = {}
    for dossier_file in files:
        files_by_component.setdefault(dossier_file.component_id, []).append(dossier_file)
    if verifications is None and any(
        f.component.signature_requirement != Component.Signature.NONE for f in files
    ):
        verifications = signature_selectors.verifications_of(files=files)
    for component in dossier.procedure.components.all():
        attached = files_by_component.get(component.pk, [])
        if component.required and not attached and not component.satisfied_by:  # R-ONCE-2: looked up
            problems.append(
                Problem(
                    f"component.{component.code}",
                    "missing",
                    _("Chưa có “%(name)s”. Đây là thành phần bắt buộc: hãy tải tệp lên.")
                    % {"name": component.name},
                )
            )
        for dossier_file in attached:
            stored = dossier_file.stored_file
            path = storage.blob_path(stored.sha256)
            if not path.exists():
                messages = [
                    _("Không tìm thấy tệp “%(name)s”. Hãy tải lên lại.")
                    % {"name": dossier_file.original_name}
                ]
            else:
                messages = check_file(
                    component=component,
                    original_name=dossier_file.original_name,
                    size=stored.size,
                    content_type=stored.content_type,
                    path=path,
                    content_checked=True,
                )
            problems.extend(Problem(f"component.{component.code}", "file_rejected", m) for m in messages)
            if (
                component.signature_requirement != Component.Signature.NONE
                and stored.content_type != signatures.CMS
                and not messages
            ):
                report = signature_selectors.covering_report(dossier_file, attached, verifications or {})
                problems.extend(
                    Problem(f"component.{component.code}", "signature_rejected", m)
                    for m in signatures.requirement_problems(
                        component=component, report=report, name=dossier_file.original_name
                    )
                )
    return result.cleaned, problems


def _new_reference(now: datetime) -> str:
    local = timezone.localtime(now)
    return f"{local:%y%m%d}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def _manifest(
    dossier: Dossier, cleaned: dict[str, Any], submitted_at: datetime, files: list[DossierFile]
) -> dict[str, Any]:
    return {
        "procedure": dossier.procedure.code,
        "agency": dossier.agency.code,
        "applicant": dossier.applicant_id,
        "submitted_at": submitted_at.isoformat(),
        "form_data": cleaned,
        "files": [
            {
                "component": f.component.code,
                "name": f.original_name,
                "sha256": f.stored_file.sha256,
                "size": f.stored_file.size,
                "content_type": f.stored_file.content_type,
            }
            for f in files
        ],
    }


def manifest_digest(manifest: dict[str, Any]) -> str:
    canonical = json.dumps(manifest, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _acknowledgement(dossier: Dossier, *, replayed: bool) -> Acknowledgement:
    assert dossier.submitted_at and dossier.official_receipt_at and dossier.check_due_at
    return Acknowledgement(
        dossier=dossier,
        submitted_at=dossier.submitted_at,
        official_receipt_at=dossier.official_receipt_at,
        check_due_at=dossier.check_due_at,
        replayed=replayed,
    )


def dossier_submit(
    *, dossier: Dossier, applicant: User, submission_key: str | None = None
) -> Acknowledgement:
    """Check the draft and, if everything passes, submit it and acknowledge at once (R-ACK-1, R-ACK-2).

    On any problem nothing changes (R-ACK-3) and DossierError lists them all. Submitting an already
    submitted dossier again returns its acknowledgement unchanged (idempotent).
    """
    return _submit_guarded(dossier=dossier, applicant=applicant, submission_key=submission_key)


def _submit_guarded(
    *,
    dossier: Dossier,
    applicant: User,
    submission_key: str | None,
    files: list[DossierFile] | None = None,
    received_by: User | None = None,
) -> Acknowledgement:
    try:
        with transaction.atomic():
            if files is None:
                if submission_key and (
                    earlier := submitted_dossier_with_key(applicant=applicant, submission_key=submission_key)
                ):
                    return _acknowledgement(earlier, replayed=True)
                dossier = (
                    Dossier.objects.select_for_update()
                    .select_related("procedure", "agency", "applicant")
                    .get(pk=dossier.pk)
                )
                if not dossier.is_draft:
                    return _acknowledgement(dossier, replayed=True)
                files = _files_of(dossier)
            return _submit(
                dossier=dossier,
                applicant=applicant,
                submission_key=submission_key,
                files=files,
                received_by=received_by,
            )
    except IntegrityError:
        # Another request with the same idempotency key won the race: answer with its dossier.
        existing = submitted_dossier_with_key(applicant=applicant, submission_key=submission_key or "")
        if existing is None:
            raise
        return _acknowledgement(existing, replayed=True)


def _submit(
    *,
    dossier: Dossier,
    applicant: User,
    submission_key: str | None,
    files: list[DossierFile],
    received_by: User | None = None,
) -> Acknowledgement:
    """Submit a locked (or just created) draft whose files are `files`; `received_by` is the official who
    submitted it for the applicant at the counter, if that is how it came in."""
    verifications = signatures.ensure_verified(files=files, requested_by=received_by or applicant)
    cleaned, problems = dossier_check(dossier, files=files, verifications=verifications)
    if problems:
        raise DossierError(problems)

    now = timezone.now()
    calendar = calendar_for(agency=dossier.agency, around=timezone.localdate(now))
    rule_set = rule_set_in_force(on=timezone.localdate(now))
    official_receipt_at = official_receipt_time(now, calendar)
    check_hours = rule_set.params.get("check_hours", 8)  # R-CHK-1
    manifest = _manifest(dossier, cleaned, now, files)

    dossier.status = Dossier.Status.SUBMITTED
    dossier.form_data = cleaned
    dossier.rule_set = rule_set
    dossier.submission_key = submission_key or None
    dossier.submitted_at = now
    dossier.official_receipt_at = official_receipt_at
    dossier.check_due_at = calendar.add_working_hours(official_receipt_at, check_hours)
    dossier.calendar = snapshot_calendar(calendar)
    dossier.manifest = manifest
    dossier.manifest_sha256 = manifest_digest(manifest)
    dossier.reference = _new_reference(now)
    dossier.save(
        update_fields=[
            "status",
            "form_data",
            "rule_set",
            "submission_key",
            "submitted_at",
            "official_receipt_at",
            "check_due_at",
            "calendar",
            "manifest",
            "manifest_sha256",
            "reference",
            "updated_at",
        ]
    )
    DossierRevision.objects.create(
        dossier=dossier,
        number=dossier.revision,
        submitted_at=now,
        manifest=manifest,
        manifest_sha256=dossier.manifest_sha256,
    )
    DossierEvent.objects.create(
        dossier=dossier,
        kind=DossierEvent.Kind.SUBMITTED,
        at=now,
        actor=received_by or applicant,
        data={
            "official_receipt_at": official_receipt_at.isoformat(),
            "reference": dossier.reference,
            **({"channel": "counter"} if received_by else {}),
        },
    )
    audit_record(
        actor=received_by or applicant,
        action="dossier.submitted",
        object_type="dossier",
        object_id=str(dossier.public_id),
        data={
            "reference": dossier.reference,
            "procedure": dossier.procedure.code,
            "agency": dossier.agency.code,
            "manifest_sha256": dossier.manifest_sha256,
            **({"channel": "counter", "applicant": applicant.pk} if received_by else {}),
        },
        at=now,
    )
    ack = _acknowledgement(dossier, replayed=False)
    _notify_acknowledgement(ack)
    return ack


def _when(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _notify_acknowledgement(ack: Acknowledgement) -> None:
    dossier = ack.dossier
    subject = _("Đã nhận hồ sơ %(reference)s: %(procedure)s") % {
        "reference": dossier.reference,
        "procedure": dossier.procedure.name,
    }
    body = _(
        "Hồ sơ của bạn đã được gửi thành công lúc %(submitted)s.\n"
        "Mã tra cứu: %(reference)s\n"
        "Thủ tục: %(procedure)s\n"
        "Cơ quan tiếp nhận: %(agency)s\n"
        "Thời điểm tiếp nhận chính thức: %(official)s\n"
        "Cán bộ Một cửa sẽ kiểm tra và trả lời chậm nhất lúc %(due)s: tiếp nhận hồ sơ, "
        "hướng dẫn bổ sung (một lần) hoặc từ chối có nêu lý do."
    ) % {
        "submitted": _when(ack.submitted_at),
        "reference": dossier.reference,
        "procedure": dossier.procedure.name,
        "agency": dossier.agency.name,
        "official": _when(ack.official_receipt_at),
        "due": _when(ack.check_due_at),
    }
    notify(
        user=dossier.applicant,
        subject=subject,
        body=body,
        link=reverse("portal:dossier_detail", kwargs={"public_id": dossier.public_id}),
    )


def revision_submit(*, dossier: Dossier, applicant: User) -> Dossier:
    """Submit the next revision of a dossier being supplemented (R-SUP-4); the caller holds the row lock.

    Checks it like a first submission (every problem at once, nothing changes on any), records the revision
    unchanged beside the earlier ones, and restarts the officials' 8-working-hour check from the new official
    receipt time (R-SUP-5). The dossier code, if any, stays (R-CODE-3). The caller records the decision's answer,
    the timeline event and the audit entry.
    """
    files = _files_of(dossier)
    verifications = signatures.ensure_verified(files=files, requested_by=applicant)
    cleaned, problems = dossier_check(dossier, files=files, verifications=verifications)
    if problems:
        raise DossierError(problems)
    now = timezone.now()
    calendar = calendar_for(agency=dossier.agency, around=timezone.localdate(now))
    assert dossier.rule_set is not None
    official_receipt_at = official_receipt_time(now, calendar)
    manifest = _manifest(dossier, cleaned, now, files)
    dossier.revision += 1
    dossier.status = Dossier.Status.SUBMITTED
    dossier.form_data = cleaned
    dossier.open_targets = []
    dossier.submitted_at = now
    dossier.official_receipt_at = official_receipt_at
    dossier.check_due_at = calendar.add_working_hours(
        official_receipt_at, dossier.rule_set.params.get("check_hours", 8)
    )
    dossier.calendar = snapshot_calendar(calendar)
    dossier.manifest = manifest
    dossier.manifest_sha256 = manifest_digest(manifest)
    dossier.save()
    DossierRevision.objects.create(
        dossier=dossier,
        number=dossier.revision,
        submitted_at=now,
        manifest=manifest,
        manifest_sha256=dossier.manifest_sha256,
    )
    return dossier


def submission_create(
    *,
    applicant: User,
    submission_key: str,
    procedure: Procedure,
    agency: Agency | None,
    form_data: dict[str, Any],
    files: Iterable[tuple[str, str, Iterable[bytes]]],
    received_by: User | None = None,
) -> Acknowledgement:
    """Create a draft, attach the files and submit it, all or nothing (kiosks, other systems, the API, the
    counter: `received_by` is then the one-stop official who took the paper dossier, R-CERT-2).

    `files` yields (component code, original name, chunks). The files are streamed into storage and
    checked first, outside any transaction; then one transaction creates the dossier, attaches them and
    submits. A repeated call with the same key answers with the first acknowledgement and creates
    nothing. On any problem DossierError lists them all (R-ACK-3) and no dossier is kept; stored bytes
    may stay (content-addressed, harmless).
    """
    existing = submitted_dossier_with_key(applicant=applicant, submission_key=submission_key)
    if existing is not None:
        return _acknowledgement(existing, replayed=True)
    probe = Dossier(applicant=applicant, procedure=procedure)  # unsaved: only to resolve components
    # Outside the transaction: state databases may be slow (R-ONCE-1).
    sourced = source_prefill(procedure=procedure, applicant=applicant, actor=received_by)
    uploads: list[_CheckedUpload] = []
    problems: list[Problem] = []
    for component_code, original_name, chunks in files:
        try:
            uploads.append(
                _store_upload(
                    dossier=probe, component_code=component_code, original_name=original_name, chunks=chunks
                )
            )
        except DossierError as error:
            problems.extend(_named(problem, component_code, procedure) for problem in error.problems)
    with transaction.atomic():
        # Never seen as a draft by anyone: one row, its files, then the submission and its audit event.
        dossier = _new_dossier(applicant=applicant, procedure=procedure, agency=agency, sourced=sourced)
        dossier.form_data = _merged(dossier, form_data)
        dossier.save()
        attached = [_attach(dossier, upload) for upload in uploads]
        if not problems:
            ack = _submit_guarded(
                dossier=dossier,
                applicant=applicant,
                submission_key=submission_key,
                files=attached,
                received_by=received_by,
            )
            if ack.dossier.pk != dossier.pk:
                # A concurrent request with the same key submitted first: keep nothing of this one.
                transaction.set_rollback(True)
            return ack
        # Report the e-form and the missing components too, so the caller fixes everything at once;
        # a component whose file was rejected is not reported missing on top of that.
        _cleaned, found = dossier_check(dossier, files=attached)
        reported = {problem.field for problem in problems}
        problems.extend(p for p in found if not (p.code == "missing" and p.field in reported))
        transaction.set_rollback(True)
    raise DossierError(problems)


def _named(problem: Problem, component_code: str, procedure: Procedure) -> Problem:
    """Say which file part was wrong when the component code is unknown."""
    if problem.field == "component" and problem.code == "unknown":
        return Problem(
            f"component.{component_code}",
            "unknown",
            _(
                "Thủ tục %(procedure)s không có thành phần hồ sơ mã “%(code)s”. Hãy đặt tên phần tệp theo mã "
                "thành phần (xem /api/v1/procedures/%(procedure)s/)."
            )
            % {"procedure": procedure.code, "code": component_code},
        )
    return problem
