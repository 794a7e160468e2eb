"""Fixtures of the warehouse tests (the two procedures sharing a document type are in the root conftest): the
land document's bytes, and a helper that submits a dossier with given consents."""

from __future__ import annotations

import pytest

from conftest import make_pdf
from motcua.catalog.tests.factories import SMALL_EFORM_ANSWERS


@pytest.fixture
def land_pdf() -> bytes:
    return make_pdf("Giay chung nhan quyen su dung dat so AB 123456")


def draft_with(applicant, procedure, files: dict[str, bytes]):
    """A draft of `applicant` with the e-form answered and one file per component code in `files`."""
    from motcua.dossiers.services import dossier_file_add, draft_create, draft_update

    draft = draft_create(applicant=applicant, procedure=procedure)
    draft_update(dossier=draft, applicant=applicant, form_data=dict(SMALL_EFORM_ANSWERS))
    for code, data in files.items():
        dossier_file_add(
            dossier=draft,
            applicant=applicant,
            component_code=code,
            original_name=f"{code}.pdf",
            chunks=[data],
        )
    return draft


@pytest.fixture
def submit_with(citizen, pdf_bytes, land_pdf):
    """submit_with(procedure, land_code, consent=[...], result=False): a dossier of `citizen` with "don" and the
    land document on component `land_code`, submitted through the consent-taking submission."""
    from motcua.warehouse.services import dossier_submit_with_consent

    def make(procedure, land_code, *, consent=(), result=False, applicant=None):
        applicant = applicant or citizen
        draft = draft_with(applicant, procedure, {"don": pdf_bytes, land_code: land_pdf})
        ack = dossier_submit_with_consent(
            dossier=draft, applicant=applicant, component_codes=consent, result=result
        )
        return ack.dossier

    return make


@pytest.fixture
def verified_land(submit_with, building_permit, receptionist, citizen):
    """`citizen`'s land certificate, verified by `receptionist` while accepting a building permit dossier."""
    from motcua.warehouse.models import Document
    from motcua.workflow import services as workflow

    dossier = submit_with(building_permit, "giay_to_dat", consent=["giay_to_dat"])
    workflow.accept(dossier=dossier, official=receptionist)
    return Document.objects.get(owner=citizen)


@pytest.fixture
def reused_draft(verified_land, business_registration, citizen):
    """A draft of `business_registration` with its form "don" uploaded and the land certificate reused."""
    from motcua.dossiers.services import dossier_file_add, draft_create, draft_update
    from motcua.warehouse.services import document_reuse

    draft = draft_create(applicant=citizen, procedure=business_registration)
    draft_update(dossier=draft, applicant=citizen, form_data=dict(SMALL_EFORM_ANSWERS))
    dossier_file_add(
        dossier=draft,
        applicant=citizen,
        component_code="don",
        original_name="don.pdf",
        chunks=[make_pdf("don")],
    )
    document_reuse(dossier=draft, applicant=citizen, component_code="dia_diem", document=verified_land)
    return draft
