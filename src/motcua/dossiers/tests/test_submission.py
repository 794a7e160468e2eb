"""Submitting a dossier: the automatic check and the acknowledgement (R-ACK-*, R-RCV-1, R-CHK-1)."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from pypdf import PdfWriter

from conftest import make_pdf
from motcua.audit.selectors import verify_chain
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import (
    DossierError,
    dossier_file_add,
    dossier_file_remove,
    dossier_submit,
    draft_create,
    draft_update,
    manifest_digest,
)
from motcua.notifications.models import InboxMessage

VN = ZoneInfo("Asia/Ho_Chi_Minh")
WEDNESDAY_10 = dt.datetime(2026, 11, 25, 10, 0, tzinfo=VN)
FRIDAY_EVENING = dt.datetime(2026, 11, 27, 18, 0, tzinfo=VN)

pytestmark = pytest.mark.django_db


def attach(dossier, component, data: bytes, name: str = "don.pdf"):
    return dossier_file_add(
        dossier=dossier,
        applicant=dossier.applicant,
        component_code=component,
        original_name=name,
        chunks=[data],
    )


def fill(dossier, **overrides):
    values = {"phone": "0912345678", "purpose": "Xin cấp để bổ sung hồ sơ xin việc"} | overrides
    return draft_update(dossier=dossier, applicant=dossier.applicant, form_data=values)


def complete(draft, pdf_bytes):
    fill(draft)
    attach(draft, "don", pdf_bytes)
    return draft


def problems_of(excinfo) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for problem in excinfo.value.problems:
        found.setdefault(problem.field, []).append(problem.code)
    return found


def test_draft_is_prefilled_from_the_account_and_those_fields_cannot_be_overwritten(draft, citizen):
    """R-ONCE-1: what the account holds is not asked again and keeps its source."""
    assert draft.form_data["full_name"] == "Nguyễn Văn An"
    assert draft.form_data["citizen_id"] == citizen.citizen_id
    assert draft.prefilled == {"full_name": "identity", "citizen_id": "identity"}
    fill(draft, full_name="Người Khác")
    draft.refresh_from_db()
    assert draft.form_data["full_name"] == "Nguyễn Văn An"


def test_a_complete_dossier_in_working_hours_is_received_at_once(draft, pdf_bytes):
    """R-ACK-2, R-RCV-1, R-CHK-1: received at the moment of submission; checked within 8 working hours."""
    complete(draft, pdf_bytes)
    with mock.patch("django.utils.timezone.now", return_value=WEDNESDAY_10):
        ack = dossier_submit(dossier=draft, applicant=draft.applicant)
    dossier = Dossier.objects.get(pk=draft.pk)
    assert dossier.status == Dossier.Status.SUBMITTED
    assert ack.submitted_at == WEDNESDAY_10
    assert dossier.official_receipt_at == WEDNESDAY_10
    assert dossier.check_due_at == dt.datetime(2026, 11, 26, 10, 0, tzinfo=VN)
    assert dossier.rule_set.code == "D118-2025"
    assert dossier.reference and dossier.reference.startswith("261125-")
    assert dossier.calendar is not None


def test_a_dossier_sent_on_friday_evening_is_received_on_monday_morning(draft, pdf_bytes):
    """R-RCV-1: outside working hours, received at the start of the next working session."""
    complete(draft, pdf_bytes)
    with mock.patch("django.utils.timezone.now", return_value=FRIDAY_EVENING):
        ack = dossier_submit(dossier=draft, applicant=draft.applicant)
    assert ack.official_receipt_at == dt.datetime(2026, 11, 30, 7, 30, tzinfo=VN)
    assert ack.check_due_at == dt.datetime(2026, 11, 30, 17, 0, tzinfo=VN)


def test_the_acknowledgement_reaches_the_inbox_and_the_mailbox_after_commit(
    draft, pdf_bytes, django_capture_on_commit_callbacks
):
    """R-ACK-2: the acknowledgement goes to the account and to the registered e-mail."""
    complete(draft, pdf_bytes)
    with django_capture_on_commit_callbacks(execute=True):
        ack = dossier_submit(dossier=draft, applicant=draft.applicant)
    message = InboxMessage.objects.get(user=draft.applicant)
    assert ack.dossier.reference in message.subject
    assert "Thời điểm tiếp nhận chính thức" in message.body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["an@example.com"]
    assert ack.dossier.reference in mail.outbox[0].body


def test_every_problem_is_reported_at_once_and_the_draft_is_kept(draft):
    """R-ACK-1, R-ACK-3: missing component and invalid fields together; nothing reaches the agency."""
    fill(draft, phone="12345", purpose="")
    attach(draft, "giay_to_khac", make_pdf(), name="khac.pdf")
    with pytest.raises(DossierError) as excinfo:
        dossier_submit(dossier=draft, applicant=draft.applicant)
    found = problems_of(excinfo)
    assert found["component.don"] == ["missing"]
    assert "form.phone" in found
    assert "form.purpose" in found
    dossier = Dossier.objects.get(pk=draft.pk)
    assert dossier.status == Dossier.Status.DRAFT
    assert dossier.form_data["phone"] == "12345"  # what they typed is kept
    assert dossier.files.count() == 1
    assert not DossierEvent.objects.filter(dossier=dossier, kind=DossierEvent.Kind.SUBMITTED).exists()
    assert not InboxMessage.objects.exists()


def encrypted_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def tiny_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "component", "fragment"),
    [
        (b"", "rong.pdf", "don", "rỗng"),
        (tiny_png(), "anh-doi-ten.pdf", "don", "không phải định dạng được chấp nhận"),
        (b"%PDF-1.7\n this is not a pdf at all", "hong.pdf", "don", "bị hỏng"),
        (encrypted_pdf(), "mat-khau.pdf", "don", "mật khẩu"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "hong.png", "giay_to_khac", "Ảnh bị hỏng"),
        (
            b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 10),
            "lon.pdf",
            "giay_to_khac",
            "vượt quá dung lượng tối đa 1 MB",
        ),
    ],
    ids=["empty", "png-named-pdf", "corrupt-pdf", "encrypted-pdf", "corrupt-image", "oversize"],
)
def test_a_bad_file_is_refused_with_the_reason_and_not_attached(draft, data, name, component, fragment):
    """R-ACK-1: each file of an accepted type, readable, within size limits."""
    with pytest.raises(DossierError) as excinfo:
        attach(draft, component, data, name=name)
    messages = " ".join(p.message for p in excinfo.value.problems)
    assert fragment in messages
    assert all(p.field == f"component.{component}" for p in excinfo.value.problems)
    assert draft.files.count() == 0


def test_a_valid_image_is_accepted_where_images_are_allowed(draft):
    attached = attach(draft, "giay_to_khac", tiny_png(), name="anh.png")
    assert attached.stored_file.content_type == "image/png"


def test_submitting_twice_yields_one_dossier_and_one_acknowledgement(draft, pdf_bytes):
    """A double click or a retry is idempotent."""
    complete(draft, pdf_bytes)
    first = dossier_submit(dossier=draft, applicant=draft.applicant, submission_key="k-1")
    second = dossier_submit(dossier=draft, applicant=draft.applicant, submission_key="k-1")
    assert second.replayed and not first.replayed
    assert second.dossier.reference == first.dossier.reference
    assert DossierEvent.objects.filter(kind=DossierEvent.Kind.SUBMITTED).count() == 1


def test_the_same_idempotency_key_on_another_draft_answers_with_the_first_dossier(
    draft, procedure, pdf_bytes
):
    complete(draft, pdf_bytes)
    first = dossier_submit(dossier=draft, applicant=draft.applicant, submission_key="retry-7")
    again = complete(draft_create(applicant=draft.applicant, procedure=procedure), pdf_bytes)
    second = dossier_submit(dossier=again, applicant=draft.applicant, submission_key="retry-7")
    assert second.dossier.pk == first.dossier.pk
    assert Dossier.objects.filter(status=Dossier.Status.SUBMITTED).count() == 1


def test_a_submitted_dossier_can_no_longer_be_changed(draft, pdf_bytes):
    """R-ACK-4, R-PROH-3: the submitted data and files stay as they were."""
    complete(draft, pdf_bytes)
    ack = dossier_submit(dossier=draft, applicant=draft.applicant)
    file_id = ack.dossier.files.get().pk
    with pytest.raises(DossierError):
        fill(ack.dossier, purpose="đổi nội dung")
    with pytest.raises(DossierError):
        attach(ack.dossier, "giay_to_khac", make_pdf("x"), name="them.pdf")
    with pytest.raises(DossierError):
        dossier_file_remove(dossier=ack.dossier, applicant=draft.applicant, file_id=file_id)
    dossier = Dossier.objects.get(pk=draft.pk)
    assert dossier.form_data["purpose"] == "Xin cấp để bổ sung hồ sơ xin việc"
    assert dossier.files.count() == 1


def test_the_manifest_proves_what_was_submitted(draft, pdf_bytes):
    """R-ACK-4: the dossier's data and file hashes are kept verifiable."""
    import hashlib

    complete(draft, pdf_bytes)
    dossier = dossier_submit(dossier=draft, applicant=draft.applicant).dossier
    dossier.refresh_from_db()
    assert dossier.manifest["files"][0]["sha256"] == hashlib.sha256(pdf_bytes).hexdigest()
    assert manifest_digest(dossier.manifest) == dossier.manifest_sha256
    tampered = dict(dossier.manifest, form_data=dict(dossier.manifest["form_data"], purpose="khác"))
    assert manifest_digest(tampered) != dossier.manifest_sha256


def test_submission_is_recorded_in_the_audit_chain(draft, pdf_bytes):
    """R-AUD-1: the state change is an audit event in an intact chain."""
    from motcua.audit.models import AuditEvent

    complete(draft, pdf_bytes)
    dossier = dossier_submit(dossier=draft, applicant=draft.applicant).dossier
    actions = list(
        AuditEvent.objects.filter(object_id=str(dossier.public_id))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["dossier.draft_created", "dossier.submitted"]
    assert verify_chain().ok


def test_a_draft_for_an_agency_that_does_not_handle_the_procedure_is_refused(
    citizen, procedure, other_agency
):
    with pytest.raises(DossierError) as excinfo:
        draft_create(applicant=citizen, procedure=procedure, agency=other_agency)
    assert problems_of(excinfo) == {"agency": ["invalid"]}
