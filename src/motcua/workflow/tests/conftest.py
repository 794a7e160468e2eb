"""The cast of the one-stop process: a dossier submitted through the real submission path, and the
officials of Ba Đình ward who take it to its result."""

from __future__ import annotations

import uuid

import pytest

from motcua.identity.models import OfficialRole


@pytest.fixture
def submit(citizen, pdf_bytes):
    """submit(procedure): a dossier of `citizen` submitted through dossiers.services.submission_create."""
    from motcua.catalog.tests.factories import SMALL_EFORM_ANSWERS
    from motcua.dossiers.services import submission_create

    def make(procedure, applicant=None):
        ack = submission_create(
            applicant=applicant or citizen,
            submission_key=uuid.uuid4().hex,
            procedure=procedure,
            agency=None,
            form_data={**SMALL_EFORM_ANSWERS, "ghi_chu": "Nộp lần đầu"},
            files=[("don", "don.pdf", [pdf_bytes])],
        )
        return ack.dossier

    return make


@pytest.fixture
def submitted(submit, procedure):
    return submit(procedure)


@pytest.fixture
def specialist(agency):
    from motcua.identity.tests.factories import OfficialFactory

    return OfficialFactory(agency=agency, username="chuyenvien.test", roles=[OfficialRole.Role.SPECIALIST])


@pytest.fixture
def leader(agency):
    from motcua.identity.tests.factories import OfficialFactory

    return OfficialFactory(agency=agency, username="lanhdao.test", roles=[OfficialRole.Role.LEADER])
