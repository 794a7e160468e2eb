"""Creating accounts: citizens, organisations and officials, and logging in with them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError

from motcua.audit.selectors import events_for, verify_chain
from motcua.catalog.models import Agency
from motcua.identity.models import OfficialRole, Organisation, User
from motcua.identity.services import citizen_create, official_create, organisation_account_create
from motcua.identity.tests.factories import CitizenFactory, OfficialFactory, OrganisationUserFactory

pytestmark = pytest.mark.django_db

AN = {
    "citizen_id": "001090012345",
    "full_name": "  Nguyễn   Văn An ",
    "date_of_birth": dt.date(1990, 3, 15),
    "phone": "0912345678",
    "email": "an@example.com",
    "password": "motcua-demo",
}


@pytest.fixture
def ba_dinh():
    return Agency.objects.create(
        code="000.00.31.H26", name="Ủy ban nhân dân phường Ba Đình", level="commune", one_stop_name="Một cửa"
    )


def problems(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_a_citizen_account_logs_in_with_the_citizen_id():
    user = citizen_create(**AN)

    assert (user.username, user.citizen_id, user.kind) == ("001090012345", "001090012345", "citizen")
    assert user.full_name == "Nguyễn Văn An"
    assert user.identity_level == 0  # a local account, not an electronic identity
    assert authenticate(username="001090012345", password="motcua-demo") == user
    assert authenticate(username="001090012345", password="sai-mat-khau") is None


def test_creating_an_account_is_audited():
    """R-AUD-1: account creation is recorded in the audit log."""
    user = citizen_create(**AN)

    [event] = events_for(object_type="user", object_id=user.pk)
    assert (event.action, event.data) == ("identity.account_create", {"kind": "citizen"})
    assert verify_chain().ok


@pytest.mark.parametrize(
    "citizen_id",
    [
        "00109001234",  # 11 digits
        "00109001234A",  # a letter
        "999090012345",  # no such province code
    ],
)
def test_a_malformed_citizen_id_is_refused_in_vietnamese(citizen_id):
    with pytest.raises(ValidationError) as excinfo:
        citizen_create(**(AN | {"citizen_id": citizen_id}))

    [message] = problems(excinfo)["citizen_id"]
    assert "định danh" in message
    assert not User.objects.exists()


def test_a_birth_year_that_contradicts_the_citizen_id_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        citizen_create(**(AN | {"date_of_birth": dt.date(1991, 3, 15)}))

    assert problems(excinfo)["date_of_birth"] == [
        "Số định danh cá nhân cho thấy năm sinh 1990, khác với ngày sinh đã nhập (15/03/1991). "
        "Hãy kiểm tra lại."
    ]


def test_all_problems_are_reported_at_once():
    with pytest.raises(ValidationError) as excinfo:
        citizen_create(**(AN | {"citizen_id": "123", "full_name": " ", "email": "an@", "password": "123"}))

    assert set(problems(excinfo)) == {"citizen_id", "full_name", "email", "password"}


def test_a_citizen_id_can_have_only_one_account():
    citizen_create(**AN)

    with pytest.raises(ValidationError) as excinfo:
        citizen_create(**AN)

    assert problems(excinfo)["citizen_id"] == ["Số định danh cá nhân này đã có tài khoản. Hãy đăng nhập."]


def test_an_organisation_account_logs_in_with_its_enterprise_code():
    user = organisation_account_create(
        enterprise_code="0112 345 676",
        name="Công ty TNHH Dịch vụ Minh Phát",
        representative="Lê Minh Phát",
        email="lienhe@example.com",
        phone="02437654321",
        password="motcua-demo",
    )

    assert user.username == "0112345676"
    assert user.organisation == Organisation.objects.get(enterprise_code="0112345676")
    assert user.display_name == "Công ty TNHH Dịch vụ Minh Phát"
    assert authenticate(username="0112345676", password="motcua-demo") == user


def test_an_enterprise_code_with_a_wrong_check_digit_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        organisation_account_create(
            enterprise_code="0112345670",
            name="Công ty A",
            representative="Người B",
            email="",
            phone="",
            password="motcua-demo",
        )

    assert "Mã số doanh nghiệp 0112345670 không hợp lệ" in problems(excinfo)["enterprise_code"][0]
    assert not Organisation.objects.exists()


def test_an_official_gets_the_given_roles_in_the_agency(ba_dinh):
    user = official_create(
        username="tiepnhan.badinh",
        full_name="Phạm Thu Hà",
        agency=ba_dinh,
        roles=["receptionist", "specialist"],
        email="ha@example.com",
        password="motcua-demo",
        department="Bộ phận Một cửa",
    )

    assert (user.kind, user.agency) == ("official", ba_dinh)
    assert sorted(user.official_roles.values_list("role", "agency__code", "department")) == [
        ("receptionist", "000.00.31.H26", "Bộ phận Một cửa"),
        ("specialist", "000.00.31.H26", "Bộ phận Một cửa"),
    ]
    assert authenticate(username="tiepnhan.badinh", password="motcua-demo") == user


def test_an_official_needs_known_roles_and_a_free_username(ba_dinh):
    OfficialFactory(username="tiepnhan.badinh", agency=ba_dinh)

    with pytest.raises(ValidationError) as excinfo:
        official_create(
            username="tiepnhan.badinh",
            full_name="Phạm Thu Hà",
            agency=ba_dinh,
            roles=["mayor"],
            email="",
            password="motcua-demo",
        )

    assert set(problems(excinfo)) == {"username", "roles"}
    assert "mayor" in problems(excinfo)["roles"][0]


def test_factories_make_accounts_that_the_services_would_accept(ba_dinh):
    citizens = CitizenFactory.create_batch(3)
    organisation_user = OrganisationUserFactory()
    official = OfficialFactory(agency=ba_dinh, roles=["leader"])

    for citizen in citizens:
        # The same data through the service passes every check but uniqueness.
        with pytest.raises(ValidationError) as excinfo:
            citizen_create(
                citizen_id=citizen.citizen_id,
                full_name=citizen.full_name,
                date_of_birth=citizen.date_of_birth,
                phone=citizen.phone,
                email=citizen.email,
                password="motcua-demo",
            )
        assert problems(excinfo) == {
            "citizen_id": ["Số định danh cá nhân này đã có tài khoản. Hãy đăng nhập."]
        }
    assert authenticate(username=organisation_user.username, password="motcua-demo") == organisation_user
    assert list(official.official_roles.values_list("role", flat=True)) == [OfficialRole.Role.LEADER]
