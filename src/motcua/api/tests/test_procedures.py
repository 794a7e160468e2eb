from __future__ import annotations

import pytest

from motcua.api.tests.conftest import make_procedure
from motcua.catalog.tests.factories import AgencyFactory, FieldFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(procedure, agency, field):
    other_field = FieldFactory(code="CT", name="Chứng thực")
    other_agency = AgencyFactory(code="000.00.32.H26")
    copy = make_procedure(
        code="2.000815", name="Chứng thực bản sao từ bản chính", agencies=[other_agency], field=other_field
    )
    return procedure, copy


def codes(response) -> list[str]:
    return [p["code"] for p in response.json()["results"]]


def test_anyone_can_list_procedures(anonymous, catalog):
    response = anonymous.get("/api/v1/procedures/")

    assert response.status_code == 200
    assert sorted(codes(response)) == ["1.001193", "2.000815"]
    assert response.json()["count"] == 2


def test_search_ignores_accents(anonymous, catalog):
    assert codes(anonymous.get("/api/v1/procedures/", {"q": "khai sinh"})) == ["1.001193"]
    assert codes(anonymous.get("/api/v1/procedures/", {"q": "chứng thực"})) == ["2.000815"]


def test_filter_by_field_and_agency(anonymous, catalog):
    assert codes(anonymous.get("/api/v1/procedures/", {"field": "CT"})) == ["2.000815"]
    assert codes(anonymous.get("/api/v1/procedures/", {"agency": "000.00.31.H26"})) == ["1.001193"]


def test_an_overlong_query_is_400(anonymous, catalog):
    response = anonymous.get("/api/v1/procedures/", {"q": "x" * 201})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "q"


def test_a_bad_token_does_not_block_the_public_catalog(anonymous, catalog):
    anonymous.credentials(HTTP_AUTHORIZATION="Token nonsense")

    assert anonymous.get("/api/v1/procedures/").status_code == 200


def test_procedure_detail_has_components_fees_eform_agencies_and_legal_basis(anonymous, catalog, agency):
    response = anonymous.get("/api/v1/procedures/1.001193/")

    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Đăng ký khai sinh"
    assert [(c["code"], c["required"], c["accepted_formats"]) for c in body["components"]] == [
        ("to-khai", True, ["pdf"]),
        ("giay-to-khac", False, ["pdf", "jpg"]),
    ]
    assert body["fees"] == [{"name": "Lệ phí", "amount": 8000, "note": ""}]
    assert [f["key"] for f in body["eform_schema"]["fields"]] == ["ho_ten", "ngay_sinh"]
    assert [a["code"] for a in body["agencies"]] == [agency.code]
    assert body["processing_days"] == 5
    assert body["legal_basis"].startswith("Nghị định 45/2020")


def test_an_unknown_or_inactive_procedure_is_404(anonymous, catalog):
    catalog[1].is_active = False
    catalog[1].save()

    for code in ("9.999999", "2.000815"):
        response = anonymous.get(f"/api/v1/procedures/{code}/")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
