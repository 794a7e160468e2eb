"""load_demo_data: the demo accounts, created once, with their logins printed."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from motcua.catalog.models import Agency
from motcua.identity.models import OfficialRole, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies():
    return [
        Agency.objects.create(
            code="000.00.31.H26",
            name="Ủy ban nhân dân phường Ba Đình",
            level="commune",
            one_stop_name="Một cửa",
        ),
        Agency.objects.create(
            code="000.00.13.H26",
            name="Sở Tư pháp thành phố Hà Nội",
            level="province",
            one_stop_name="Một cửa",
        ),
    ]


def test_it_asks_for_the_catalog_first_when_the_agencies_are_missing():
    with pytest.raises(CommandError, match="Chạy load_catalog trước") as excinfo:
        call_command("load_demo_data")

    assert excinfo.value.returncode == 1
    assert not User.objects.exists()


def test_it_creates_the_demo_accounts_and_prints_their_logins(agencies, capsys):
    call_command("load_demo_data")

    out = capsys.readouterr().out
    for login in (
        "001090012345",
        "079195001234",
        "0112345676",
        "tiepnhan.badinh",
        "lanhdao.sotuphap",
        "admin",
    ):
        assert login in out
        assert authenticate(username=login, password="motcua-demo") is not None
    assert "motcua-demo" in out
    assert User.objects.get(username="079195001234").full_name == "Trần Thị Bình"
    assert User.objects.get(username="0112345676").display_name == "Công ty TNHH Dịch vụ Minh Phát"
    assert User.objects.get(username="admin").is_superuser
    roles = set(OfficialRole.objects.values_list("user__username", "agency__code", "role"))
    assert roles == {
        ("tiepnhan.badinh", "000.00.31.H26", "receptionist"),
        ("chuyenvien.badinh", "000.00.31.H26", "specialist"),
        ("lanhdao.badinh", "000.00.31.H26", "leader"),
        ("tiepnhan.sotuphap", "000.00.13.H26", "receptionist"),
        ("lanhdao.sotuphap", "000.00.13.H26", "leader"),
    }


def test_running_it_twice_changes_nothing(agencies, capsys):
    call_command("load_demo_data")
    first = capsys.readouterr().out
    counts = (User.objects.count(), OfficialRole.objects.count())

    call_command("load_demo_data")

    assert (User.objects.count(), OfficialRole.objects.count()) == counts == (9, 5)
    assert capsys.readouterr().out == first
