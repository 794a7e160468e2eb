"""The catalog admin: procedures with their components and fees, searchable, schema-checked on save."""

from __future__ import annotations

import pytest

from motcua.catalog import selectors
from motcua.catalog.models import Procedure
from motcua.catalog.tests.factories import AgencyFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


def test_procedures_are_searched_by_code_or_name(admin_client):
    ProcedureFactory(code="1.001193", name="Thủ tục đăng ký khai sinh")
    ProcedureFactory(code="1.000894", name="Thủ tục đăng ký kết hôn")

    page = admin_client.get("/admin/catalog/procedure/", {"q": "khai sinh"})

    assert page.status_code == 200
    assert "1.001193" in page.text
    assert "1.000894" not in page.text


def test_the_procedure_page_shows_its_components_inline(admin_client):
    procedure = ProcedureFactory()

    page = admin_client.get(f"/admin/catalog/procedure/{procedure.pk}/change/")

    assert page.status_code == 200
    assert "giay_to_khac" in page.text


def procedure_form(procedure: Procedure, **changes) -> dict:
    return {
        "code": procedure.code,
        "name": procedure.name,
        "field": procedure.field.pk,
        "agencies": [a.pk for a in procedure.agencies.all()],
        "online_level": "full",
        "processing_days": 3,
        "result_type": "Giấy phép",
        "legal_basis": "Luật",
        "eform_schema": '{"fields": [{"key": "a", "type": "text", "label": "A"}]}',
        "popularity": 0,
        "is_active": "on",
        "components-TOTAL_FORMS": 0,
        "components-INITIAL_FORMS": 0,
        "fee_items-TOTAL_FORMS": 0,
        "fee_items-INITIAL_FORMS": 0,
        **changes,
    }


def test_a_bad_eform_schema_is_refused_with_its_problems(admin_client):
    procedure = ProcedureFactory()
    data = procedure_form(procedure, eform_schema='{"fields": [{"key": "a", "type": "txt", "label": "A"}]}')

    page = admin_client.post(f"/admin/catalog/procedure/{procedure.pk}/change/", data)

    assert page.status_code == 200
    assert "kiểu “txt” không có" in page.text


def test_a_procedure_edited_in_the_admin_is_reindexed_and_reloaded_from_yaml_next_time(admin_client):
    procedure = ProcedureFactory(name="Thủ tục cũ", source_hash="abc", components=[])
    data = procedure_form(procedure, name="Đăng ký khai tử")

    response = admin_client.post(f"/admin/catalog/procedure/{procedure.pk}/change/", data)

    assert response.status_code == 302
    assert [p.code for p in selectors.procedure_search(query="khai tu")] == [procedure.code]
    assert Procedure.objects.get().source_hash == ""


def test_renaming_an_agency_in_the_admin_keeps_search_right(admin_client):
    agency = AgencyFactory(name="Ủy ban nhân dân xã Cũ")
    ProcedureFactory(code="1.001193", agencies=[agency])
    data = {
        "code": agency.code,
        "name": "Ủy ban nhân dân xã Mới",
        "level": "commune",
        "province_code": 1,
        "one_stop_name": agency.one_stop_name,
    }

    response = admin_client.post(f"/admin/catalog/agency/{agency.pk}/change/", data)

    assert response.status_code == 302
    assert [p.code for p in selectors.procedure_search(query="xa moi")] == ["1.001193"]
