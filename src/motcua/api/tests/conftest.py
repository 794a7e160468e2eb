"""The cast of the API tests.

- `citizen` owns the dossiers under test and calls the API with a token (`api`).
- `stranger` is another citizen: every one of `citizen`'s dossiers must look missing to them.
- `receptionist` (root conftest), `specialist` and `leader` are the officials of `agency` who take a dossier
  from check to returned result; `other_receptionist` works at `other_agency` and must see none of it.
- `procedure` is a one-agency procedure with a two-field e-form (name and date of birth, both required),
  a required PDF component "to-khai" (at most 1 MB) and an optional PDF/JPG component "giay-to-khac".
"""

from __future__ import annotations

import uuid

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from conftest import make_pdf
from motcua.catalog.models import Agency, Field, Procedure
from motcua.catalog.tests.factories import (
    AgencyFactory,
    ComponentFactory,
    FeeItemFactory,
    FieldFactory,
    ProcedureFactory,
    RuleSetFactory,
)
from motcua.dossiers.services import submission_create
from motcua.identity.models import OfficialRole
from motcua.identity.tests.factories import CitizenFactory, OfficialFactory

EFORM = {
    "fields": [
        {"key": "ho_ten", "type": "text", "label": "Họ và tên", "required": True},
        {"key": "ngay_sinh", "type": "date", "label": "Ngày sinh", "required": True},
    ]
}
VALID_FORM = {"ho_ten": "Nguyễn Thị Minh Anh", "ngay_sinh": "1999-04-30"}


PDF = make_pdf()


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MOTCUA_STORAGE_DIR = tmp_path / "storage"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # the token endpoint's throttle counts in the cache


@pytest.fixture
def rule_set(db):
    return RuleSetFactory()


def make_procedure(*, code: str, name: str, agencies: list[Agency], field: Field) -> Procedure:
    procedure = ProcedureFactory(
        code=code,
        name=name,
        field=field,
        agencies=agencies,
        components=[],
        processing_days=5,
        legal_basis="Nghị định 45/2020/NĐ-CP",
        eform_schema=EFORM,
    )
    ComponentFactory(
        procedure=procedure, code="to-khai", name="Tờ khai", accepted_formats=["pdf"], max_size_mb=1, order=1
    )
    ComponentFactory(
        procedure=procedure,
        code="giay-to-khac",
        name="Giấy tờ khác",
        required=False,
        accepted_formats=["pdf", "jpg"],
        order=2,
    )
    FeeItemFactory(procedure=procedure, name="Lệ phí", amount=8000)
    return procedure


@pytest.fixture
def agency(db):
    return AgencyFactory(code="000.00.31.H26", name="UBND phường Ba Đình")


@pytest.fixture
def field(db):
    return FieldFactory(code="HT", name="Hộ tịch")


@pytest.fixture
def procedure(rule_set, agency, field):
    return make_procedure(code="1.001193", name="Đăng ký khai sinh", agencies=[agency], field=field)


@pytest.fixture
def citizen(db):
    return CitizenFactory()


@pytest.fixture
def stranger(db):
    return CitizenFactory()


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def api(citizen):
    return client_for(citizen)


@pytest.fixture
def anonymous():
    return APIClient()


@pytest.fixture
def specialist(agency):
    return OfficialFactory(agency=agency, username="chuyenvien.test", roles=[OfficialRole.Role.SPECIALIST])


@pytest.fixture
def leader(agency):
    return OfficialFactory(agency=agency, username="lanhdao.test", roles=[OfficialRole.Role.LEADER])


def submit_dossier(applicant, procedure):
    """A dossier of `applicant` submitted through the real submission path, awaiting check."""
    ack = submission_create(
        applicant=applicant,
        submission_key=uuid.uuid4().hex,
        procedure=procedure,
        agency=None,
        form_data=VALID_FORM,
        files=[("to-khai", "to-khai.pdf", [PDF])],
    )
    return ack.dossier


@pytest.fixture
def submitted(citizen, procedure):
    return submit_dossier(citizen, procedure)
