"""Fixtures of the warehouse tests: two procedures of Ba Đình that both ask for a land-use certificate, so a
document verified in one is reused in the other, and a helper that submits a dossier with given consents."""

from __future__ import annotations

import pytest

from conftest import make_pdf
from motcua.catalog.models import DocumentType
from motcua.catalog.tests.factories import SMALL_EFORM_ANSWERS, ComponentFactory, ProcedureFactory

LAND = "giay_chung_nhan_qsdd"


@pytest.fixture
def land_type(db):
    return DocumentType.objects.create(code=LAND, name="Giấy chứng nhận quyền sử dụng đất")


def _with_land_component(procedure, code: str, name: str):
    ComponentFactory(
        procedure=procedure,
        code=code,
        name=name,
        required=False,
        accepted_formats=["pdf", "jpg", "png"],
        document_type=LAND,
        order=2,
    )
    return procedure


@pytest.fixture
def building_permit(agency, rule_set, land_type):
    """A procedure of `agency` asking for "don" and a land-use certificate "giay_to_dat"."""
    return _with_land_component(
        ProcedureFactory(agencies=[agency], name="Cấp giấy phép xây dựng"), "giay_to_dat", "Giấy tờ về đất"
    )


@pytest.fixture
def business_registration(agency, rule_set, land_type):
    """Another procedure of `agency` whose component "dia_diem" asks for the same kind of document."""
    return _with_land_component(
        ProcedureFactory(agencies=[agency], name="Đăng ký hộ kinh doanh"), "dia_diem", "Giấy tờ về địa điểm"
    )


@pytest.fixture
def land_pdf() -> bytes:
    return make_pdf("Giay chung nhan quyen su dung dat so AB 123456")


@pytest.fixture
def submit_with(citizen, pdf_bytes, land_pdf):
    """submit_with(procedure, land_code, consent=[...], result=False): a dossier of `citizen` with "don" and the
    land document on component `land_code`, submitted through the consent-taking submission."""
    from motcua.dossiers.services import dossier_file_add, draft_create, draft_update
    from motcua.warehouse.services import dossier_submit_with_consent

    def make(procedure, land_code, *, consent=(), result=False, applicant=None):
        applicant = applicant or citizen
        draft = draft_create(applicant=applicant, procedure=procedure)
        draft_update(dossier=draft, applicant=applicant, form_data=dict(SMALL_EFORM_ANSWERS))
        dossier_file_add(
            dossier=draft,
            applicant=applicant,
            component_code="don",
            original_name="don.pdf",
            chunks=[pdf_bytes],
        )
        dossier_file_add(
            dossier=draft,
            applicant=applicant,
            component_code=land_code,
            original_name="so-do.pdf",
            chunks=[land_pdf],
        )
        ack = dossier_submit_with_consent(
            dossier=draft, applicant=applicant, component_codes=consent, result=result
        )
        return ack.dossier

    return make
