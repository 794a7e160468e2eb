"""The account admin: Django's user admin with kind, names, agency and roles."""

from __future__ import annotations

import pytest

from motcua.identity.models import User
from motcua.identity.tests.factories import CitizenFactory, OfficialFactory

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_searches_accounts(admin_client):
    citizen = CitizenFactory(full_name="Nguyễn Văn An")
    OfficialFactory(full_name="Phạm Thu Hà")

    page = admin_client.get("/admin/identity/user/", {"q": citizen.citizen_id})

    assert page.status_code == 200
    assert "Nguyễn Văn An" in page.text
    assert "Phạm Thu Hà" not in page.text


def test_an_official_is_shown_with_their_roles(admin_client):
    official = OfficialFactory(roles=["receptionist", "leader"])

    page = admin_client.get(f"/admin/identity/user/{official.pk}/change/")

    assert page.status_code == 200
    assert 'value="receptionist" selected' in page.text
    assert 'value="leader" selected' in page.text


def test_an_account_can_be_added_with_its_kind(admin_client):
    page = admin_client.post(
        "/admin/identity/user/add/",
        {
            "username": "chuyenvien.moi",
            "kind": "official",
            "full_name": "Lê Văn Mới",
            "password1": "mat-khau-dai-du",
            "password2": "mat-khau-dai-du",
            "usable_password": "true",
            "official_roles-TOTAL_FORMS": "0",
            "official_roles-INITIAL_FORMS": "0",
        },
    )

    assert page.status_code == 302, page.context["adminform"].form.errors if page.context else page
    user = User.objects.get(username="chuyenvien.moi")
    assert (user.kind, user.full_name) == ("official", "Lê Văn Mới")
    assert user.check_password("mat-khau-dai-du")
