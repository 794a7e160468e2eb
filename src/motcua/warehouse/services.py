"""State changes of the personal electronic data warehouse (R-WH-1, R-WH-2, R-PRIV-1).

What enters an owner's warehouse: their own uploads (unverified), the files of a component an agency verified
while accepting a dossier, and the results of a dossier, the last two only under a consent the owner gave at
submission and has not withdrawn. Each change writes its audit record in the same transaction.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from motcua.audit.services import audit_record
from motcua.catalog.models import Component, DocumentType
from motcua.dossiers import sniff, storage
from motcua.dossiers.checks import Problem, check_file
from motcua.dossiers.models import Dossier, DossierFile, StoredFile
from motcua.dossiers.services import Acknowledgement, DossierError, dossier_file_reuse, dossier_submit
from motcua.identity.models import User
from motcua.signatures import services as signatures
from motcua.signatures.selectors import verifications_of
from motcua.warehouse.models import Consent, Document, DocumentUse

UPLOAD_FORMATS = ["pdf", "jpg", "png"]
TITLE_MAX, NUMBER_MAX, ISSUER_MAX = 255, 100, 255


class WarehouseError(Exception):
    """A request the owner can fix; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


# -- consent (R-PRIV-1) ------------------------------------------------------------------------------


def consent_wording(*, scope: str, name: str) -> str:
    """The sentence the owner agrees to, in the language of the page; stored as they saw it."""
    if scope == Consent.Scope.CERTIFIED_COPY:
        return _(
            "Người yêu cầu đồng ý lưu bản sao chứng thực điện tử “%(name)s” vào Kho dữ liệu điện tử của mình để "
            "dùng lại khi làm thủ tục khác, và biết rằng có thể rút lại sự đồng ý bất cứ lúc nào."
        ) % {"name": name}
    if scope == Consent.Scope.RESULT:
        return _(
            "Tôi đồng ý lưu kết quả giải quyết hồ sơ này vào Kho dữ liệu điện tử của tôi để dùng lại khi làm "
            "thủ tục khác. Tôi có thể rút lại sự đồng ý bất cứ lúc nào."
        )
    return _(
        "Tôi đồng ý lưu “%(name)s”, sau khi được cơ quan tiếp nhận kiểm tra, xác minh, vào Kho dữ liệu điện tử "
        "của tôi để dùng lại khi làm thủ tục khác. Tôi có thể rút lại sự đồng ý bất cứ lúc nào."
    ) % {"name": name}


def consentable_components(dossier: Dossier) -> list[Component]:
    """The components of the dossier with files whose verified copy could enter the warehouse: those with a type
    the warehouse knows, except the ones whose files all come from an already verified warehouse document."""
    files = list(dossier.files.select_related("component", "warehouse_use__document"))
    components: dict[int, Component] = {}
    for dossier_file in files:
        use = getattr(dossier_file, "warehouse_use", None)
        if use is not None and use.document.is_verified:
            continue
        if dossier_file.component.document_type:
            components.setdefault(dossier_file.component_id, dossier_file.component)
    return sorted(components.values(), key=lambda c: (c.order, c.pk))


def _consent_give(
    *,
    owner: User,
    scope: str,
    at: datetime.datetime,
    name: str = "",
    dossier: Dossier | None = None,
    component: Component | None = None,
    certified_copy: Any = None,
    recorded_by: User | None = None,
) -> Consent:
    """Record a consent with the wording shown (`name`: what it is about) unless the same one is in force."""
    existing = Consent.objects.filter(
        dossier=dossier,
        scope=scope,
        component=component,
        certified_copy=certified_copy,
        withdrawn_at__isnull=True,
    ).first()
    if existing is not None:
        return existing
    consent = Consent.objects.create(
        owner=owner,
        scope=scope,
        dossier=dossier,
        component=component,
        certified_copy=certified_copy,
        wording=consent_wording(scope=scope, name=name),
        language=translation.get_language() or settings.LANGUAGE_CODE,
        given_at=at,
        recorded_by=recorded_by,
    )
    audit_record(
        actor=recorded_by or owner,
        action="warehouse.consent_given",
        object_type="consent",
        object_id=str(consent.public_id),
        data={
            "owner": owner.pk,
            "scope": scope,
            "dossier": str(dossier.public_id) if dossier else None,
            "component": component.code if component else None,
            "certified_copy": str(certified_copy.public_id) if certified_copy else None,
            "wording": consent.wording,
        },
        at=at,
    )
    return consent


def dossier_submit_with_consent(
    *,
    dossier: Dossier,
    applicant: User,
    submission_key: str | None = None,
    component_codes: Iterable[str] = (),
    result: bool = False,
) -> Acknowledgement:
    """Submit the draft (dossiers.services.dossier_submit) and record, in the same transaction, the applicant's
    consent to keep verified copies of the named components and the result in their warehouse (R-PRIV-1).

    Codes of components that cannot enter the warehouse are ignored; a replayed submission records nothing.
    """
    wanted = set(component_codes)
    with transaction.atomic():
        ack = dossier_submit(dossier=dossier, applicant=applicant, submission_key=submission_key)
        if ack.replayed or ack.dossier.pk != dossier.pk:
            return ack
        consents_give(
            dossier=ack.dossier, owner=applicant, component_codes=wanted, result=result, at=ack.submitted_at
        )
    return ack


def consents_give(
    *,
    dossier: Dossier,
    owner: User,
    component_codes: Iterable[str] = (),
    result: bool = False,
    at: datetime.datetime | None = None,
) -> list[Consent]:
    """Record the owner's consent to keep the verified copies of the named components of their submitted
    dossier, and its result, in their warehouse (R-PRIV-1); codes that cannot enter the warehouse are ignored,
    a consent already given is not repeated. Until the dossier is accepted, a consent still takes effect."""
    if dossier.applicant_id != owner.pk or dossier.is_draft:
        return []
    wanted = set(component_codes)
    at = at or timezone.now()
    with transaction.atomic():
        given = [
            _consent_give(
                owner=owner, scope=Consent.Scope.COMPONENT, at=at, name=c.name, dossier=dossier, component=c
            )
            for c in consentable_components(dossier)
            if c.code in wanted
        ]
        if result:
            given.append(_consent_give(owner=owner, scope=Consent.Scope.RESULT, at=at, dossier=dossier))
    return given


def consent_withdraw(*, owner: User, consent: Consent) -> Consent:
    """Withdraw a consent (R-PRIV-1): nothing more enters under it, and what entered leaves the warehouse."""
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk, owner=owner)
        if locked.withdrawn_at is not None:
            return locked
        now = timezone.now()
        locked.withdrawn_at = now
        locked.save(update_fields=["withdrawn_at"])
        removed = list(
            Document.objects.filter(consent=locked, removed_at__isnull=True).values_list(
                "public_id", flat=True
            )
        )
        Document.objects.filter(consent=locked, removed_at__isnull=True).update(removed_at=now)
        audit_record(
            actor=owner,
            action="warehouse.consent_withdrawn",
            object_type="consent",
            object_id=str(locked.public_id),
            data={
                "dossier": str(locked.dossier.public_id) if locked.dossier else None,
                "removed": [str(p) for p in removed],
            },
            at=now,
        )
    return locked


def _active_consents(dossier: Dossier, scope: str) -> list[Consent]:
    return list(
        Consent.objects.filter(
            dossier=dossier, scope=scope, withdrawn_at__isnull=True, owner=dossier.applicant
        ).select_related("component")
    )


# -- what agencies put in (R-WH-2) ---------------------------------------------------------------------


def _expiry(document_type: str, issued_on: datetime.date | None) -> datetime.date | None:
    """The end of a document's validity that its type sets (e.g. 6 months for marital status), if known."""
    if issued_on is None or not document_type:
        return None
    months = DocumentType.objects.filter(code=document_type).values_list("validity_months", flat=True).first()
    if not months:
        return None
    month_index = issued_on.month - 1 + months
    year, month = issued_on.year + month_index // 12, month_index % 12 + 1
    day = min(issued_on.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


DETAIL_FIELDS = ("number", "issuer", "issued_on", "expires_on")


@dataclass(frozen=True)
class DocumentDetails:
    """What the one-stop official read on a document the applicant consented to keep: its number, issuer and
    dates, typed beside the component's check mark (all optional)."""

    number: str = ""
    issuer: str = ""
    issued_on: datetime.date | None = None
    expires_on: datetime.date | None = None


def read_day(raw: str, field: str) -> tuple[datetime.date | None, list[Problem]]:
    """A calendar day typed as 2024-12-25 (a date input) or 25/12/2024; blank: None. Otherwise the problem, on
    `field`."""
    text = (raw or "").strip()[:20]
    if not text:
        return None, []
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date(), []  # noqa: DTZ007 - a day, no time
        except ValueError:
            continue
    message = _("Ngày “%(value)s” không đúng. Hãy nhập theo dạng ngày/tháng/năm, ví dụ 25/12/2024.")
    return None, [Problem(field, "invalid_date", message % {"value": text})]


def _day_problems(
    issued_on: datetime.date | None,
    expires_on: datetime.date | None,
    *,
    issued_field: str,
    expires_field: str,
) -> list[Problem]:
    """A document cannot be issued after today, nor expire before it was issued."""
    problems = []
    if issued_on and issued_on > timezone.localdate():
        problems.append(
            Problem(issued_field, "future", _("Ngày cấp không thể sau hôm nay. Hãy kiểm tra lại."))
        )
    if issued_on and expires_on and expires_on < issued_on:
        problems.append(
            Problem(expires_field, "before_issue", _("Ngày hết hạn phải sau ngày cấp. Hãy kiểm tra lại."))
        )
    return problems


def document_details(
    marks: dict[str, dict[str, Any]] | None,
) -> tuple[dict[str, DocumentDetails], list[Problem]]:
    """{"component.<code>": DocumentDetails} from the check marks' "document" entries, and every problem with
    them at once (field: the component's target, so it shows beside its mark)."""
    details: dict[str, DocumentDetails] = {}
    problems: list[Problem] = []
    for target, mark in (marks or {}).items():
        raw = mark.get("document") if isinstance(mark, dict) else None
        if not isinstance(raw, dict):
            continue
        issued_on, unreadable_issue = read_day(str(raw.get("issued_on") or ""), target)
        expires_on, unreadable_expiry = read_day(str(raw.get("expires_on") or ""), target)
        problems += unreadable_issue + unreadable_expiry
        problems += _day_problems(issued_on, expires_on, issued_field=target, expires_field=target)
        details[target] = DocumentDetails(
            number=str(raw.get("number") or "").strip()[:NUMBER_MAX],
            issuer=str(raw.get("issuer") or "").strip()[:ISSUER_MAX],
            issued_on=issued_on,
            expires_on=expires_on,
        )
    return details, problems


def consented_components(dossier: Dossier) -> set[int]:
    """Ids of the components whose verified copy the applicant has consented to keep, for the check page."""
    return {c.component_id for c in _active_consents(dossier, Consent.Scope.COMPONENT) if c.component_id}


def verified_components_store(
    *, dossier: Dossier, official: User, marks: dict[str, dict[str, Any]] | None, at: datetime.datetime
) -> list[Document]:
    """At acceptance, put the files the official verified into the applicant's warehouse, for each component
    the applicant consented to (R-WH-2, R-PRIV-1). Called inside the accepting transaction.

    A file the official marked as not in order does not enter; one that came from an already verified
    warehouse document is not stored twice.
    """
    consents = {c.component_id: c for c in _active_consents(dossier, Consent.Scope.COMPONENT)}
    if not consents:
        return []
    details, _problems = document_details(marks)  # checked by the caller before any change
    files = [
        f
        for f in dossier.files.select_related("component", "stored_file")
        if f.component_id in consents
        and (marks or {}).get(f"component.{f.component.code}", {}).get("ok", True) is not False
    ]
    verdicts = verifications_of(files=files)
    held = set(
        Document.objects.filter(
            owner=dossier.applicant,
            removed_at__isnull=True,
            stored_file__in=[f.stored_file_id for f in files],
        )
        .exclude(provenance=Document.Provenance.UPLOADED)
        .values_list("stored_file_id", flat=True)
    )
    stored = []
    for dossier_file in files:
        if dossier_file.stored_file_id in held:
            continue
        held.add(dossier_file.stored_file_id)
        component = dossier_file.component
        read = details.get(f"component.{component.code}", DocumentDetails())
        document = Document.objects.create(
            owner=dossier.applicant,
            document_type=component.document_type,
            title=component.name[:TITLE_MAX],
            number=read.number,
            issuer=read.issuer,
            issued_on=read.issued_on,
            stored_file=dossier_file.stored_file,
            original_name=dossier_file.original_name,
            provenance=Document.Provenance.VERIFIED,
            agency=dossier.agency,
            dossier=dossier,
            verified_by=official,
            verified_at=at,
            # For a type whose validity the law limits, count it from the issue date the official read, else
            # from the verification, the latest the document can have been issued (an upper bound).
            expires_on=read.expires_on
            or _expiry(component.document_type, read.issued_on or timezone.localdate(at)),
            signature=verdicts.get(dossier_file.pk),
            consent=consents[component.pk],
        )
        stored.append(document)
    if stored:
        _audit_entered(official, dossier, stored, at)
    return stored


def results_store(*, dossier: Dossier, official: User, at: datetime.datetime) -> list[Document]:
    """When the result is issued, put it into the applicant's warehouse if they consented (R-WH-1, R-WH-3)."""
    consent = next(iter(_active_consents(dossier, Consent.Scope.RESULT)), None)
    if consent is None:
        return []
    from motcua.workflow.models import ResultDocument  # the workflow context calls this; no cycle at import

    stored = []
    for result in ResultDocument.objects.filter(dossier=dossier).select_related("stored_file"):
        stored.append(
            Document.objects.create(
                owner=dossier.applicant,
                document_type="",
                title=(dossier.procedure.result_type or dossier.procedure.name)[:TITLE_MAX],
                number=result.code[:NUMBER_MAX],
                issuer=dossier.agency.name[:ISSUER_MAX],
                issued_on=timezone.localdate(at),
                stored_file=result.stored_file,
                original_name=result.original_name,
                provenance=Document.Provenance.RESULT,
                agency=dossier.agency,
                dossier=dossier,
                verified_by=official,
                verified_at=at,
                consent=consent,
            )
        )
    if stored:
        _audit_entered(official, dossier, stored, at)
        _verify_after_commit(stored)
    return stored


def certified_copy_store(*, copy: Any, official: User, at: datetime.datetime) -> Document | None:
    """Put a certified copy just issued at the counter into its applicant's warehouse, with the consent they gave
    there in words, recorded by the official (R-WH-1, R-PRIV-1). Called inside the issuing transaction; None when
    the applicant has no account."""
    if copy.applicant is None:
        return None
    consent = _consent_give(
        owner=copy.applicant,
        scope=Consent.Scope.CERTIFIED_COPY,
        at=at,
        name=copy.document_title,
        certified_copy=copy,
        recorded_by=official,
    )
    document = Document.objects.create(
        owner=copy.applicant,
        title=copy.document_title[:TITLE_MAX],
        number=copy.document_number[:NUMBER_MAX],
        issuer=copy.document_issuer[:ISSUER_MAX],
        stored_file=copy.copy_file,
        original_name=copy.file_name,
        provenance=Document.Provenance.CERTIFIED_COPY,
        agency=copy.agency,
        verified_by=official,
        verified_at=at,
        consent=consent,
    )
    audit_record(
        actor=official,
        action="warehouse.certified_copy_entered",
        object_type="certified_copy",
        object_id=str(copy.public_id),
        data={
            "owner": copy.applicant_id,
            "consent": str(consent.public_id),
            "wording": consent.wording,
            "document": str(document.public_id),
        },
        at=at,
    )
    _verify_after_commit([document])
    return document


def _verify_after_commit(documents: Sequence[Document]) -> None:
    """Results and certified copies are issued signed: their signature report is made by the task worker once
    the issuing transaction has committed (verification may fetch revocation data; it never holds a lock)."""
    from motcua.warehouse.tasks import verify_document

    for pk in [document.pk for document in documents]:
        transaction.on_commit(partial(verify_document.enqueue, pk))


def document_signature_verify(*, document_id: int) -> str:
    """Verify a warehouse document's signatures and keep the report on it (R-SIG-4), once; what it found."""
    document = Document.objects.select_related("stored_file").filter(pk=document_id).first()
    if document is None or document.signature_id is not None:
        return "skipped"
    stored = document.stored_file
    path = storage.blob_path(stored.sha256)
    if not path.exists() or not signatures.looks_signed(path, stored.content_type):
        return "unsigned"
    report = signatures.file_report(path=path, content_type=stored.content_type)
    with transaction.atomic():
        verification = signatures.verification_record(stored_file=stored, report=report)
        Document.objects.filter(pk=document.pk, signature__isnull=True).update(signature=verification)
    return str(report.verdict)


def _audit_entered(actor: User, dossier: Dossier, documents: Sequence[Document], at) -> None:
    audit_record(
        actor=actor,
        action="warehouse.documents_entered",
        object_type="dossier",
        object_id=str(dossier.public_id),
        data={
            "owner": dossier.applicant_id,
            "documents": [
                {"id": str(d.public_id), "provenance": d.provenance, "sha256": d.stored_file.sha256}
                for d in documents
            ],
        },
        at=at,
    )


# -- what the owner does (R-WH-1, R-WH-3) ---------------------------------------------------------------


@dataclass(frozen=True)
class _UploadRule:
    """What any file the owner adds must be: the shape check_file expects of a component."""

    accepted_formats: tuple[str, ...] = tuple(UPLOAD_FORMATS)
    max_size_mb: int = 10

    @property
    def max_size_bytes(self) -> int:
        return self.max_size_mb * 1024 * 1024


def document_upload(
    *,
    owner: User,
    document_type: str,
    title: str,
    number: str = "",
    issuer: str = "",
    issued_on: datetime.date | None = None,
    expires_on: datetime.date | None = None,
    original_name: str,
    chunks: Iterable[bytes] | None,
    earlier_problems: Sequence[Problem] = (),
) -> Document:
    """The owner adds a document of their own (unverified until an agency verifies it in a dossier).

    `chunks` None: no file was chosen. WarehouseError lists every problem at once, with `earlier_problems`
    (what the caller found in the input, e.g. a date it could not read); the bytes are stored before the
    transaction opens.
    """
    problems: list[Problem] = list(earlier_problems)
    title = (title or "").strip()
    if document_type and not DocumentType.objects.filter(code=document_type).exists():
        problems.append(Problem("document_type", "invalid", _("Hãy chọn loại giấy tờ trong danh sách.")))
    if not title:
        problems.append(
            Problem("title", "required", _("Hãy nhập tên giấy tờ, ví dụ “Giấy khai sinh của con”."))
        )
    elif len(title) > TITLE_MAX:
        problems.append(Problem("title", "too_long", _("Tên giấy tờ dài quá 255 ký tự. Hãy viết ngắn lại.")))
    if len(number) > NUMBER_MAX:
        problems.append(Problem("number", "too_long", _("Số, ký hiệu dài quá 100 ký tự.")))
    if len(issuer) > ISSUER_MAX:
        problems.append(Problem("issuer", "too_long", _("Tên cơ quan cấp dài quá 255 ký tự.")))
    problems += _day_problems(issued_on, expires_on, issued_field="issued_on", expires_field="expires_on")
    rule = _UploadRule()
    name = (original_name or "tep").replace("\\", "/").rsplit("/", 1)[-1][:200] or "tep"
    blob = None
    try:
        if chunks is None:
            problems.append(
                Problem("file", "required", _("Hãy chọn tệp giấy tờ (PDF, JPG hoặc PNG) để tải lên."))
            )
        else:
            blob = storage.store_chunks(chunks, max_bytes=rule.max_size_bytes)
    except storage.TooLarge:
        problems.append(
            Problem(
                "file",
                "too_large",
                _("Tệp “%(name)s” vượt quá dung lượng tối đa %(max)s MB. Hãy nén hoặc chia nhỏ tệp.")
                % {"name": name, "max": rule.max_size_mb},
            )
        )
    content_type = ""
    if blob is not None:
        content_type = sniff.sniff(blob.head)
        problems.extend(
            Problem("file", "file_rejected", message)
            for message in check_file(
                component=rule, original_name=name, size=blob.size, content_type=content_type, path=blob.path
            )
        )
    if problems:
        raise WarehouseError(problems)
    assert blob is not None
    with transaction.atomic():
        stored, _created = StoredFile.objects.get_or_create(
            sha256=blob.sha256, defaults={"size": blob.size, "content_type": content_type}
        )
        document = Document.objects.create(
            owner=owner,
            document_type=document_type,
            title=title,
            number=number.strip(),
            issuer=issuer.strip(),
            issued_on=issued_on,
            expires_on=expires_on or _expiry(document_type, issued_on),
            stored_file=stored,
            original_name=name,
            provenance=Document.Provenance.UPLOADED,
        )
        audit_record(
            actor=owner,
            action="warehouse.document_added",
            object_type="warehouse_document",
            object_id=str(document.public_id),
            data={"document_type": document_type, "sha256": stored.sha256},
        )
    return document


def document_remove(*, owner: User, document: Document) -> None:
    """The owner deletes a document from their warehouse: it is no longer shown or offered for reuse. Dossiers
    that used it keep their copy as submitted (R-PROH-3)."""
    with transaction.atomic():
        updated = Document.objects.filter(pk=document.pk, owner=owner, removed_at__isnull=True).update(
            removed_at=timezone.now()
        )
        if updated:
            audit_record(
                actor=owner,
                action="warehouse.document_removed",
                object_type="warehouse_document",
                object_id=str(document.public_id),
            )


def document_reuse(
    *, dossier: Dossier, applicant: User, component_code: str, document: Document
) -> DossierFile:
    """Attach a warehouse document to a component of the draft with one click (R-WH-2, R-ONCE-1): the dossier
    names the document's bytes rather than a new upload, and records which document it used, so the official
    sees its provenance and verification. Checked against the component like an upload.
    """
    today = timezone.localdate()
    if document.owner_id != applicant.pk or document.removed_at is not None:
        raise DossierError(
            [Problem("component", "unknown", _("Không tìm thấy giấy tờ này trong Kho dữ liệu của bạn."))]
        )
    if document.expires_on is not None and document.is_expired(today):
        raise DossierError(
            [
                Problem(
                    f"component.{component_code}",
                    "expired",
                    _("“%(title)s” đã hết hạn sử dụng từ ngày %(day)s. Hãy tải lên giấy tờ còn hạn.")
                    % {"title": document.title, "day": document.expires_on.strftime("%d/%m/%Y")},
                )
            ]
        )
    with transaction.atomic():
        dossier_file = dossier_file_reuse(
            dossier=dossier,
            applicant=applicant,
            component_code=component_code,
            stored_file=document.stored_file,
            original_name=document.original_name,
        )
        now = timezone.now()
        DocumentUse.objects.create(document=document, dossier_file=dossier_file, used_at=now)
        audit_record(
            actor=applicant,
            action="warehouse.document_reused",
            object_type="warehouse_document",
            object_id=str(document.public_id),
            data={"dossier": str(dossier.public_id), "component": component_code},
            at=now,
        )
    return dossier_file
