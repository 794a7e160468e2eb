"""The warehouse's state changes: what enters it (only with consent), withdrawal, the owner's own documents, and
reuse in a new dossier (R-WH-1, R-WH-2, R-PRIV-1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import LAND, make_pdf
from motcua.audit.models import AuditEvent
from motcua.dossiers.services import DossierError, draft_create
from motcua.warehouse import selectors, services
from motcua.warehouse.models import Consent, Document, DocumentUse
from motcua.workflow import services as workflow


def test_verified_copy_enters_the_warehouse_with_consent_R_WH_2(
    submit_with, building_permit, receptionist, citizen
):
    """R-WH-2, R-PRIV-1: what the one-stop official verified at acceptance is kept for reuse, with provenance."""
    dossier = submit_with(building_permit, "giay_to_dat", consent=["giay_to_dat"])
    consent = Consent.objects.get(dossier=dossier)
    assert consent.scope == Consent.Scope.COMPONENT and consent.component.code == "giay_to_dat"
    assert "Giấy tờ về đất" in consent.wording and consent.given_at == dossier.submitted_at
    assert not Document.objects.exists()  # nothing before an official has verified it

    workflow.accept(dossier=dossier, official=receptionist)

    document = Document.objects.get(owner=citizen)
    assert document.provenance == Document.Provenance.VERIFIED
    assert document.document_type == LAND and document.title == "Giấy tờ về đất"
    assert (document.agency, document.dossier, document.verified_by) == (
        dossier.agency,
        dossier,
        receptionist,
    )
    assert document.stored_file == dossier.files.get(component__code="giay_to_dat").stored_file
    assert document.consent == consent
    # Only the component consented to: the application form "don" stays out.
    assert Document.objects.count() == 1
    assert AuditEvent.objects.filter(action="warehouse.documents_entered").exists()


def test_nothing_enters_the_warehouse_without_consent_R_PRIV_1(submit_with, building_permit, receptionist):
    dossier = submit_with(building_permit, "giay_to_dat", consent=[])
    workflow.accept(dossier=dossier, official=receptionist)
    assert not Document.objects.exists()
    assert not Consent.objects.exists()


def test_a_component_marked_not_in_order_does_not_enter(submit_with, building_permit, receptionist):
    dossier = submit_with(building_permit, "giay_to_dat", consent=["giay_to_dat"])
    workflow.accept(
        dossier=dossier,
        official=receptionist,
        marks={"component.giay_to_dat": {"ok": False, "note": "Ảnh mờ"}},
    )
    assert not Document.objects.exists()


def test_consent_withdrawn_before_acceptance_lets_nothing_in_R_PRIV_1(
    submit_with, building_permit, receptionist, citizen
):
    dossier = submit_with(building_permit, "giay_to_dat", consent=["giay_to_dat"])
    services.consent_withdraw(owner=citizen, consent=Consent.objects.get(dossier=dossier))
    workflow.accept(dossier=dossier, official=receptionist)
    assert not Document.objects.exists()


def test_withdrawing_consent_takes_its_documents_out_of_the_warehouse_R_PRIV_1(
    submit_with, building_permit, receptionist, citizen
):
    dossier = submit_with(building_permit, "giay_to_dat", consent=["giay_to_dat"])
    workflow.accept(dossier=dossier, official=receptionist)
    consent = Consent.objects.get(dossier=dossier)

    services.consent_withdraw(owner=citizen, consent=consent)

    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not selectors.documents_of(owner=citizen).exists()
    # The dossier keeps what was submitted (R-PROH-3).
    assert dossier.files.filter(component__code="giay_to_dat").exists()
    assert AuditEvent.objects.filter(action="warehouse.consent_withdrawn").exists()


def test_another_owner_cannot_withdraw_a_consent(submit_with, building_permit, other_citizen):
    dossier = submit_with(building_permit, "giay_to_dat", consent=["giay_to_dat"])
    with pytest.raises(Consent.DoesNotExist):
        services.consent_withdraw(owner=other_citizen, consent=Consent.objects.get(dossier=dossier))


def test_the_result_enters_the_warehouse_with_consent_R_WH_1(
    submit_with, building_permit, receptionist, specialist, leader, pdf_bytes, citizen
):
    """R-WH-1, R-WH-3: the electronic result of a dossier is kept in the applicant's warehouse when they agreed."""
    dossier = submit_with(building_permit, "giay_to_dat", result=True)
    workflow.accept(dossier=dossier, official=receptionist)
    workflow.assign(dossier=dossier, official=leader, assignee=specialist)
    workflow.attach_result(dossier=dossier, official=specialist, original_name="kq.pdf", chunks=[pdf_bytes])
    workflow.submit_for_approval(dossier=dossier, official=specialist)
    workflow.approve(dossier=dossier, official=leader)
    workflow.issue_result(dossier=dossier, official=specialist)

    document = Document.objects.get(owner=citizen)
    dossier.refresh_from_db()
    assert document.provenance == Document.Provenance.RESULT
    assert document.number == dossier.results.get().code
    assert document.issuer == dossier.agency.name and document.agency == dossier.agency
    assert document.stored_file == dossier.results.get().stored_file


def test_no_result_enters_without_consent(
    submit_with, building_permit, receptionist, specialist, leader, pdf_bytes
):
    dossier = submit_with(building_permit, "giay_to_dat")
    workflow.accept(dossier=dossier, official=receptionist)
    workflow.assign(dossier=dossier, official=leader, assignee=specialist)
    workflow.attach_result(dossier=dossier, official=specialist, original_name="kq.pdf", chunks=[pdf_bytes])
    workflow.submit_for_approval(dossier=dossier, official=specialist)
    workflow.approve(dossier=dossier, official=leader)
    workflow.issue_result(dossier=dossier, official=specialist)
    assert not Document.objects.exists()


# -- reuse (R-WH-2) -------------------------------------------------------------------------------------


def test_a_verified_document_is_offered_and_reused_in_another_procedure_R_WH_2(
    verified_land, business_registration, citizen
):
    """R-WH-2, R-ONCE-1: the same citizen is not asked to upload the land certificate again."""
    draft = draft_create(applicant=citizen, procedure=business_registration)
    assert selectors.reusable_for(dossier=draft, owner=citizen) == {"dia_diem": [verified_land]}

    dossier_file = services.document_reuse(
        dossier=draft, applicant=citizen, component_code="dia_diem", document=verified_land
    )

    assert dossier_file.stored_file == verified_land.stored_file
    assert DocumentUse.objects.get(dossier_file=dossier_file).document == verified_land
    assert selectors.reusable_for(dossier=draft, owner=citizen)  # still offered; attaching twice is refused
    with pytest.raises(DossierError):
        services.document_reuse(
            dossier=draft, applicant=citizen, component_code="dia_diem", document=verified_land
        )


def test_a_reused_verified_document_is_not_stored_twice(reused_draft, citizen, receptionist):
    from motcua.dossiers.services import dossier_submit

    # Already verified: no consent is asked for it again.
    assert services.consentable_components(reused_draft) == []
    dossier_submit(dossier=reused_draft, applicant=citizen)
    workflow.accept(dossier=reused_draft, official=receptionist)
    assert Document.objects.filter(owner=citizen).count() == 1


def test_an_expired_document_is_not_offered_nor_reusable(verified_land, business_registration, citizen):
    verified_land.expires_on = timezone.localdate() - dt.timedelta(days=1)
    verified_land.save()
    draft = draft_create(applicant=citizen, procedure=business_registration)
    assert selectors.reusable_for(dossier=draft, owner=citizen) == {}
    with pytest.raises(DossierError) as error:
        services.document_reuse(
            dossier=draft, applicant=citizen, component_code="dia_diem", document=verified_land
        )
    assert "hết hạn" in error.value.problems[0].message


def test_someone_elses_document_cannot_be_reused(verified_land, business_registration, other_citizen):
    draft = draft_create(applicant=other_citizen, procedure=business_registration)
    assert selectors.reusable_for(dossier=draft, owner=other_citizen) == {}
    with pytest.raises(DossierError):
        services.document_reuse(
            dossier=draft, applicant=other_citizen, component_code="dia_diem", document=verified_land
        )


def test_a_document_of_another_type_is_not_offered(verified_land, procedure, citizen):
    draft = draft_create(applicant=citizen, procedure=procedure)
    assert selectors.reusable_for(dossier=draft, owner=citizen) == {}


# -- the owner's own documents ---------------------------------------------------------------------------


def test_owner_adds_a_document_unverified_with_expiry_from_its_type(citizen, land_type):
    land_type.validity_months = 6
    land_type.save()
    document = services.document_upload(
        owner=citizen,
        document_type=LAND,
        title="Sổ đỏ nhà ở",
        number="AB 123456",
        issuer="UBND quận Ba Đình",
        issued_on=dt.date(2025, 8, 31),
        original_name="C:\\scan\\so-do.pdf",
        chunks=[make_pdf("so do")],
    )
    assert document.provenance == Document.Provenance.UPLOADED and not document.is_verified
    assert document.original_name == "so-do.pdf"
    assert document.expires_on == dt.date(2026, 2, 28)  # six months on, the end of a shorter month


def test_owner_upload_reports_every_problem_at_once_and_keeps_nothing(citizen):
    with pytest.raises(services.WarehouseError) as error:
        services.document_upload(
            owner=citizen,
            document_type="khong_co",
            title="",
            issued_on=timezone.localdate() + dt.timedelta(days=3),
            original_name="virus.exe",
            chunks=[b"MZ\x90\x00 not a pdf"],
        )
    fields = {p.field for p in error.value.problems}
    assert fields == {"document_type", "title", "issued_on", "file"}
    assert all(p.message for p in error.value.problems)
    assert not Document.objects.exists()


def test_owner_deletes_a_document_and_it_is_no_longer_offered(verified_land, business_registration, citizen):
    services.document_remove(owner=citizen, document=verified_land)
    draft = draft_create(applicant=citizen, procedure=business_registration)
    assert selectors.reusable_for(dossier=draft, owner=citizen) == {}
    assert not selectors.documents_of(owner=citizen).exists()


def test_a_verified_document_of_a_type_with_limited_validity_expires(
    submit_with, building_permit, receptionist, citizen, land_type
):
    land_type.validity_months = 6
    land_type.save()
    dossier = submit_with(building_permit, "giay_to_dat", consent=["giay_to_dat"])
    workflow.accept(dossier=dossier, official=receptionist)
    document = Document.objects.get(owner=citizen)
    verified_on = timezone.localdate(document.verified_at)
    assert document.expires_on is not None and 181 <= (document.expires_on - verified_on).days <= 184


def test_a_sealed_result_enters_with_its_signature_report_R_WH_1(
    seal_key,
    trust_store,
    cached_crls,
    settings,
    submit_with,
    building_permit,
    receptionist,
    specialist,
    leader,
    pdf_bytes,
    citizen,
    django_capture_on_commit_callbacks,
):
    """R-WH-1, R-SIG-4: the result kept in the warehouse carries the report on the agency's seal, made by the
    task worker after the issue committed."""
    settings.MOTCUA_SEAL_REQUIRED = True
    dossier = submit_with(building_permit, "giay_to_dat", result=True)
    workflow.accept(dossier=dossier, official=receptionist)
    workflow.assign(dossier=dossier, official=leader, assignee=specialist)
    workflow.attach_result(dossier=dossier, official=specialist, original_name="kq.pdf", chunks=[pdf_bytes])
    workflow.submit_for_approval(dossier=dossier, official=specialist)
    workflow.approve(dossier=dossier, official=leader)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.issue_result(dossier=dossier, official=specialist)

    document = Document.objects.select_related("signature").get(owner=citizen)
    assert document.signature is not None and document.signature.verdict == "valid"
    assert document.signature.stored_file == document.stored_file
    # Once only: a second run finds the report there.
    assert services.document_signature_verify(document_id=document.pk) == "skipped"
