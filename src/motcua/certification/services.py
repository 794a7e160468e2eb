"""Certified electronic copies from originals (R-CERT-1) and paper dossiers taken at the counter (R-CERT-2).

`certified_copy_issue`: the official has checked the original; the scans become one PDF page for page, the
certification statement follows, the official signs and the agency seals, and the copy is entered in the
agency's register under the next number of the year. `counter_intake`: a dossier submitted for someone
who came in person, its paper components captured the same way and signed by the official who captured
them, through the same submission path as online dossiers.

Both are all or nothing: on any problem (every one reported at once, in Vietnamese) no register number is
taken, no entry, account or dossier is kept. Bytes already written to the content-addressed store may stay
(harmless, as for any rejected upload).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import audit_record
from motcua.catalog.models import Agency, Procedure
from motcua.certification.capture import (
    CaptureError,
    Scan,
    append_pdf,
    assemble,
    page_count,
    stamp,
    store_scans,
)
from motcua.certification.models import Capture, CertificationSequence, CertifiedCopy, register_number
from motcua.certification.statement import Statement, register_line, statement_pdf
from motcua.dossiers.checks import Problem
from motcua.dossiers.models import StoredFile
from motcua.dossiers.services import (
    Acknowledgement,
    DossierError,
    draft_prefill,
    prefill_sources,
    stored_file_from_bytes,
    submission_create,
)
from motcua.identity.models import OfficialRole, User
from motcua.identity.selectors import citizen_by_id_number
from motcua.identity.services import citizen_create_at_counter
from motcua.notifications.services import notify
from motcua.signatures.issuing import document_issue
from motcua.signatures.models import IssuedDocument
from motcua.signatures.sealing import SealingError, seal_pdf
from motcua.warehouse.services import certified_copy_store
from motcua.workflow import services as workflow
from motcua.workflow.services import WorkflowError, roles_at
from motcua.worktime.calendar import WorkCalendar
from motcua.worktime.selectors import calendar_for

Role = OfficialRole.Role
CERTIFY_ROLES = frozenset({Role.RECEPTIONIST, Role.LEADER})
INTAKE_ROLES = frozenset({Role.RECEPTIONIST})
SAME_DAY_CUTOFF = dt.time(15, 0)  # R-CERT-1, R-RCV-2 (copy certification 2.000815)
ID_NUMBER = re.compile(r"[A-Z0-9]{6,20}")  # citizen ID (12), old ID card (9), passport (letter + 7 digits)
MAX_STORED = 2**40  # bytes built here, already bounded by the scans' limits


class CertificationError(CaptureError):
    """A certification or intake that cannot happen as asked; every problem in Vietnamese; nothing changed."""


class SealingFailed(CertificationError):
    """Signing or sealing failed: nothing was recorded, the register number was given back."""


def certification_due(received_at: dt.datetime, calendar: WorkCalendar) -> dt.datetime:
    """When a certified copy is due (R-CERT-1): the end of the day it is received, or of the next working day
    when received after 15:00. A request outside working hours counts from the next working session (R-RCV-1).
    """
    official = calendar.next_working_moment(received_at)
    late = timezone.localtime(official).time() > SAME_DAY_CUTOFF
    return calendar.add_working_days(official, 1 if late else 0)


T = TypeVar("T")


def _seal(pdf: bytes, *, agency: Agency, purpose: str, official: User) -> bytes:
    """The official's signature and the agency's seal (PAdES, timestamped when a TSA is configured)."""
    return seal_pdf(pdf, agency=agency, purpose=purpose, leader=official)


def _store(data: bytes) -> StoredFile:
    return stored_file_from_bytes(data, max_bytes=MAX_STORED)


def _forbidden(agency: Agency, what: str) -> CertificationError:
    return CertificationError(
        [
            Problem(
                "agency",
                "forbidden",
                _(
                    "Bạn không có vai trò được %(what)s tại %(agency)s. Hãy liên hệ quản trị cơ quan nếu cần cấp quyền."
                )
                % {"what": what, "agency": agency.name},
            )
        ]
    )


def _take_number(agency: Agency, year: int) -> int:
    """The next number of the agency's register for the year, under a row lock in the caller's transaction:
    a rolled-back issuance gives its number back, so the register has no gaps or duplicates."""
    CertificationSequence.objects.get_or_create(agency=agency, year=year)
    row = CertificationSequence.objects.select_for_update().get(agency=agency, year=year)
    row.last += 1
    row.save(update_fields=["last"])
    return row.last


def _text(value: str, limit: int) -> str:
    return " ".join(str(value or "").replace("\x00", "").split())[:limit]


@dataclass(frozen=True)
class Original:
    """The paper original the official compared the scans against."""

    title: str
    issuer: str
    number: str
    pages: int | None


def _check_original(original: Original, problems: list[Problem]) -> Original:
    cleaned = Original(
        title=_text(original.title, 255),
        issuer=_text(original.issuer, 255),
        number=_text(original.number, 100),
        pages=original.pages,
    )
    if not cleaned.title:
        problems.append(
            Problem("document_title", "required", _("Hãy nhập tên giấy tờ, ví dụ “Bằng tốt nghiệp đại học”."))
        )
    if not cleaned.issuer:
        problems.append(
            Problem("document_issuer", "required", _("Hãy nhập cơ quan, tổ chức đã cấp bản chính."))
        )
    if cleaned.pages is None or not 1 <= cleaned.pages <= 300:
        problems.append(
            Problem("original_pages", "invalid", _("Hãy nhập số trang của bản chính (từ 1 đến 300)."))
        )
    return cleaned


def _scans(files: Iterable[tuple[str, Iterable[bytes]]], field: str, problems: list[Problem]) -> list[Scan]:
    try:
        return store_scans(files, field=field)
    except CaptureError as error:
        problems.extend(error.problems)
        return []


def certified_copy_issue(
    *,
    official: User,
    agency: Agency,
    applicant: User | None,
    applicant_name: str = "",
    applicant_id_number: str = "",
    original: Original,
    scans: Iterable[tuple[str, Iterable[bytes]]],
    received_at: dt.datetime | None = None,
    keep_in_warehouse: bool = False,
) -> CertifiedCopy:
    """Issue a certified electronic copy of a paper original the official has checked (R-CERT-1, R-CERT-2).

    `scans` yields (name, chunks) in page order: PDF, JPEG or PNG. The copy is every captured page in that
    order, each marked with the register number and "page i of n", then the statement page; signed by the
    official and sealed by the agency, and recorded in the register with its due time. The applicant is
    their account when they have one; otherwise the name and ID number the official typed. `keep_in_warehouse`:
    the applicant agreed at the counter to keep the copy in their warehouse (only with an account). CertificationError
    lists every problem (nothing recorded); SealingFailed when signing failed (no number consumed).
    """
    if not roles_at(official, agency.pk) & CERTIFY_ROLES:
        raise _forbidden(agency, _("chứng thực bản sao"))
    problems: list[Problem] = []
    if applicant is not None:
        applicant_name = applicant.display_name
        applicant_id_number = applicant.citizen_id or applicant.username
    applicant_name = _text(applicant_name, 255)
    applicant_id_number = re.sub(r"[\s.\-]", "", applicant_id_number or "").upper()[:20]
    if not applicant_name:
        problems.append(
            Problem("applicant_name", "required", _("Hãy nhập họ và tên người yêu cầu chứng thực."))
        )
    if not ID_NUMBER.fullmatch(applicant_id_number):
        problems.append(
            Problem(
                "applicant_id_number",
                "invalid",
                _(
                    "Hãy nhập số giấy tờ tùy thân của người yêu cầu: số định danh cá nhân (12 chữ số) hoặc số hộ chiếu."
                ),
            )
        )
    original = _check_original(original, problems)
    now = timezone.now()
    received_at = received_at or now
    if received_at > now:
        problems.append(
            Problem(
                "received_at", "future", _("Thời điểm nhận yêu cầu không thể ở tương lai. Hãy kiểm tra lại.")
            )
        )
    captured = _scans(scans, "scans", problems)
    captured_pages = sum(scan.pages for scan in captured)
    if captured and original.pages and captured_pages != original.pages:
        # R-CERT-2: complete, page for page. A missing or extra page is caught before anything is signed.
        problems.append(
            Problem(
                "scans",
                "page_count",
                _(
                    "Bản chính có %(original)s trang nhưng các bản quét có %(captured)s trang. Hãy quét đủ mỗi "
                    "trang một lần, đúng thứ tự, hoặc sửa lại số trang của bản chính."
                )
                % {"original": original.pages, "captured": captured_pages},
            )
        )
    if problems:
        raise CertificationError(problems)
    assert original.pages is not None
    captured_pdf = assemble(captured)  # outside the transaction: no lock is held while pages are copied
    calendar = calendar_for(agency=agency, around=timezone.localdate(received_at))
    due_at = certification_due(received_at, calendar)

    with transaction.atomic():
        issued_at = timezone.now()
        year = timezone.localtime(issued_at).year
        number = _take_number(agency, year)
        # The number is printed on every page and signed, so it is taken first and the row stays locked
        # until commit: a failed seal rolls it back (no gap), and two officials never print the same number.
        marked = stamp(
            captured_pdf, f"Bản sao điện tử chứng thực, {register_line(number, year)}, {agency.name}"
        )
        statement = Statement(
            agency_name=agency.name,
            place=_place(agency),
            number=number,
            year=year,
            copy_pages=captured_pages,
            document_title=original.title,
            document_issuer=original.issuer,
            document_number=original.number,
            original_pages=original.pages,
            applicant_name=applicant_name,
            applicant_id_number=applicant_id_number,
            official_name=official.display_name,
            issued_at=issued_at,
        )
        unsigned = append_pdf(marked, statement_pdf(statement))
        # Signed by the official, sealed by the agency and entered in the register of issued documents, so
        # anyone holding the copy can check it at /xac-thuc/ or by the QR code of its seal (R-RES-3).
        issued = _signed(
            lambda: document_issue(
                kind=IssuedDocument.Kind.CERTIFIED_COPY,
                agency=agency,
                render=lambda _token: unsigned,
                official=official,
                document_code=register_number(number, year),
                leader_name=official.display_name,
                personal_signer=official,
            )
        )
        copy = CertifiedCopy.objects.create(
            agency=agency,
            year=year,
            number=number,
            certified_by=official,
            applicant=applicant,
            applicant_name=applicant_name,
            applicant_id_number=applicant_id_number,
            document_title=original.title,
            document_issuer=original.issuer,
            document_number=original.number,
            original_pages=original.pages,
            captured_file=_store(captured_pdf),
            copy_file=issued.stored_file,
            sources=[scan.as_source() for scan in captured],
            received_at=received_at,
            due_at=due_at,
            issued_at=issued_at,
        )
        if applicant is not None:
            notify(
                user=applicant,
                subject=_("Bản sao chứng thực điện tử số %(number)s đã sẵn sàng")
                % {"number": copy.register_number},
                body=_(
                    "%(agency)s đã chứng thực bản sao điện tử “%(title)s” (số chứng thực %(number)s). "
                    "Bạn có thể tải về hoặc dùng ngay bản sao này khi nộp hồ sơ trực tuyến."
                )
                % {"agency": agency.name, "title": copy.document_title, "number": copy.register_number},
                link=reverse("portal:certified_copies"),
            )
        if keep_in_warehouse:
            # The applicant said yes at the counter (`keep_in_warehouse`): the copy enters their warehouse with
            # that consent recorded by the official (R-WH-1, R-PRIV-1); the register lists it either way.
            certified_copy_store(copy=copy, official=official, at=issued_at)
        audit_record(
            actor=official,
            action="certified_copy.issued",
            object_type="certified_copy",
            object_id=str(copy.public_id),
            data={
                "agency": agency.code,
                "register_number": copy.register_number,
                "applicant": applicant.pk if applicant else None,
                "document_title": copy.document_title,
                "pages": captured_pages,
                "captured_sha256": copy.captured_file.sha256,
                "copy_sha256": copy.copy_file.sha256,
                "due_at": due_at.isoformat(),
            },
            at=issued_at,
        )
    return copy


def _place(agency: Agency) -> str:
    from motcua.workflow.documents import _place as agency_place

    return agency_place(agency) or agency.name


def _signed(sign: Callable[[], T]) -> T:
    """Run a signing step, or SealingFailed with the reason in Vietnamese (the caller's transaction rolls back)."""
    nothing_kept = _("Chưa có gì được ghi nhận và số chứng thực (nếu có) chưa bị sử dụng.")
    try:
        return sign()
    except Exception as error:  # any failure of the signing machinery: nothing is kept
        failure = error
    # A SealingError (no key, expired key, TSA down) already says what to do, in Vietnamese. Any other
    # failure is reported with its technical reason.
    if isinstance(failure, SealingError):
        message = f"{failure} {nothing_kept}"
    else:
        message = _(
            "Không ký số được văn bản (%(reason)s). %(nothing_kept)s Hãy thử lại sau ít phút; nếu vẫn lỗi, "
            "báo quản trị cơ quan kiểm tra khóa ký."
        ) % {"reason": str(failure)[:200] or type(failure).__name__, "nothing_kept": nothing_kept}
    raise SealingFailed([Problem("signature", "sealing_failed", message)]) from failure


# -- counter intake (R-CERT-2) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """The applicant as the official typed them at the counter (used when no account has this ID number)."""

    citizen_id: str
    full_name: str = ""
    date_of_birth: dt.date | None = None
    phone: str = ""
    email: str = ""
    date_of_birth_typed: str = (
        ""  # what was typed when it could not be read as a date (reported, not dropped)
    )


# What a new person's details at the counter give an account, so also the e-form fields filled from them.
PERSON_DETAILS = frozenset({"citizen_id", "full_name", "date_of_birth", "phone", "email"})


def person_fields(procedure: Procedure) -> dict[str, str]:
    """The e-form fields a new person's details fill (key -> detail), through the account prefill mapping.

    At the counter the official types these once, as the person's details; the e-form shows them read-only.
    """
    return {
        key: attribute
        for key, attribute in prefill_sources(procedure.eform_schema).items()
        if attribute in PERSON_DETAILS
    }


def person_prefill(procedure: Procedure, person: Person) -> dict[str, Any]:
    """The values those fields get from `person`: the prefill of the account that will be made from them."""
    account = User(
        citizen_id=person.citizen_id,
        full_name=" ".join(person.full_name.split()),
        date_of_birth=person.date_of_birth,
        phone=person.phone.strip(),
        email=person.email.strip(),
    )
    return draft_prefill(procedure=procedure, applicant=account)


def _applicant_or_problems(person: Person, problems: list[Problem]) -> User | None:
    """The account of the citizen ID typed, or None after checking that one can be created from `person`."""
    from motcua.catalog.eform import validate_citizen_id

    try:
        citizen_id = validate_citizen_id(person.citizen_id)
    except ValidationError as error:
        problems.extend(Problem("person.citizen_id", "invalid", m) for m in error.messages)
        return None
    applicant = citizen_by_id_number(citizen_id=citizen_id)
    if applicant is None and not " ".join(person.full_name.split()):
        problems.append(
            Problem(
                "person.full_name",
                "required",
                _(
                    "Chưa có tài khoản với số định danh này: hãy nhập họ và tên để tạo tài khoản cho người nộp."
                ),
            )
        )
    if applicant is None and person.date_of_birth is None and person.date_of_birth_typed.strip():
        problems.append(
            Problem(
                "person.date_of_birth",
                "invalid",
                _("Ngày sinh “%(typed)s” không đúng: hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/09/1990.")
                % {"typed": person.date_of_birth_typed.strip()[:20]},
            )
        )
    return applicant


def _as_person_problem(problem: Problem, details: dict[str, str]) -> Problem:
    """An e-form problem on a field filled from the new person's details belongs to that detail: the
    official corrects it there (the e-form shows it read-only)."""
    key = problem.field.removeprefix("form.").split(".")[0]
    if not problem.field.startswith("form.") or key not in details:
        return problem
    return Problem(f"person.{details[key]}", problem.code, problem.message)


@dataclass(frozen=True)
class Intake:
    acknowledgement: Acknowledgement
    captures: list[Capture]
    account_created: bool
    accepted: bool


def counter_intake(
    *,
    official: User,
    agency: Agency,
    person: Person,
    procedure: Procedure,
    form_data: dict[str, Any],
    scans: Mapping[str, Iterable[tuple[str, Iterable[bytes]]]],
    submission_key: str,
    accept_now: bool = False,
) -> Intake:
    """Submit a paper dossier for an applicant who came in person (R-CERT-2).

    The applicant's account is found by citizen ID, or a minimal one is created and marked as made at the
    counter. Each component's scans (`scans`: component code -> (name, chunks) in page order) become one PDF
    page for page, signed by the official who captured it. The dossier then goes through
    dossiers.services.submission_create like any online one (received now); `accept_now` has the official
    accept it at once. Who captured what is recorded. CertificationError lists every problem at once;
    nothing is kept.

    For a new person, the e-form fields filled from an account (person_fields) take the person's details,
    as an online applicant's take their account's (R-ONCE-1): `form_data` values for them are ignored.
    """
    if not roles_at(official, agency.pk) & INTAKE_ROLES:
        raise _forbidden(agency, _("tiếp nhận hồ sơ"))
    problems: list[Problem] = []
    if agency not in procedure.agencies.all():
        problems.append(
            Problem(
                "procedure",
                "invalid",
                _("%(agency)s không giải quyết thủ tục này. Hãy chọn thủ tục khác.")
                % {"agency": agency.name},
            )
        )
    applicant = _applicant_or_problems(person, problems)
    details = person_fields(procedure) if applicant is None else {}
    form_data = {key: value for key, value in form_data.items() if key not in details}
    components = {c.code: c for c in procedure.components.all()}
    captured: dict[str, list[Scan]] = {}
    for code, given in scans.items():
        if code not in components:
            problems.append(
                Problem(
                    f"component.{code}",
                    "unknown",
                    _("Thành phần hồ sơ này không thuộc thủ tục. Hãy tải lại trang."),
                )
            )
            continue
        found = _scans(given, f"component.{code}", problems)
        if found:
            captured[code] = found
    if problems:
        raise CertificationError(problems)
    # Outside any transaction: pages are copied and each capture signed before the dossier is created.
    files: list[tuple[str, str, list[bytes]]] = []
    sources: dict[str, tuple[list[Scan], int]] = {}
    for code, found in captured.items():
        pdf = assemble(found)
        purpose = _("Số hóa tại quầy: %(name)s") % {"name": components[code].name}
        signed = _signed(partial(_seal, pdf, agency=agency, purpose=purpose, official=official))
        files.append((code, f"{code}-so-hoa.pdf", [signed]))
        sources[code] = (found, page_count(pdf))
    try:
        with transaction.atomic():
            created = applicant is None
            if applicant is None:
                applicant = citizen_create_at_counter(
                    official=official,
                    agency=agency,
                    citizen_id=person.citizen_id,
                    full_name=person.full_name,
                    date_of_birth=person.date_of_birth,
                    phone=person.phone,
                    email=person.email,
                )
            ack = submission_create(
                applicant=applicant,
                submission_key=submission_key,
                procedure=procedure,
                agency=agency,
                form_data=form_data,
                files=files,
                received_by=official,
            )
            dossier = ack.dossier
            captures = []
            if not ack.replayed:
                now = timezone.now()
                for dossier_file in dossier.files.select_related("component", "stored_file"):
                    if dossier_file.component.code in sources:
                        found, pages = sources[dossier_file.component.code]
                        captures.append(
                            Capture.objects.create(
                                dossier=dossier,
                                component=dossier_file.component,
                                stored_file=dossier_file.stored_file,
                                captured_by=official,
                                captured_at=now,
                                pages=pages,
                                sources=[scan.as_source() for scan in found],
                            )
                        )
                audit_record(
                    actor=official,
                    action="dossier.counter_intake",
                    object_type="dossier",
                    object_id=str(dossier.public_id),
                    data={
                        "reference": dossier.reference,
                        "agency": agency.code,
                        "applicant": applicant.pk,
                        "account_created": created,
                        "captures": [
                            {"component": c.component.code, "sha256": c.stored_file.sha256, "pages": c.pages}
                            for c in captures
                        ],
                    },
                )
            accepted = False
            if accept_now and not ack.replayed:
                workflow.accept(dossier=dossier, official=official)
                accepted = True
    except ValidationError as error:
        raise CertificationError(
            [
                Problem(f"person.{field}", "invalid", str(m))
                for field, ms in error.message_dict.items()
                for m in ms
            ]
        ) from error
    except (DossierError, WorkflowError) as error:
        raise CertificationError([_as_person_problem(p, details) for p in error.problems]) from error
    ack.dossier.refresh_from_db()
    return Intake(acknowledgement=ack, captures=captures, account_created=created, accepted=accepted)
