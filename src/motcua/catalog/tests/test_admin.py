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


WORKFLOW = (
    '[{"kind": "specialist", "role": "specialist", "hours": 14.5, "name": " Thẩm định "},'
    ' {"kind": "approval", "role": "leader", "hours": 7.5}, {"kind": "result", "role": "specialist", "hours": 2}]'
)


def test_the_workflow_is_edited_in_the_admin_as_json_r_proc_2(admin_client):
    procedure = ProcedureFactory(processing_days=3, components=[])

    page = admin_client.get(f"/admin/catalog/procedure/{procedure.pk}/change/")
    assert "Quy trình nội bộ" in page.text
    response = admin_client.post(
        f"/admin/catalog/procedure/{procedure.pk}/change/", procedure_form(procedure, workflow=WORKFLOW)
    )

    assert response.status_code == 302
    assert [(s.kind, s.hours, s.label) for s in selectors.workflow_template(Procedure.objects.get())] == [
        ("specialist", 14.5, "Thẩm định"),
        ("approval", 7.5, "Phê duyệt"),
        ("result", 2, "Ban hành kết quả"),
    ]


def test_a_bad_workflow_is_refused_in_the_admin_with_every_problem_r_proc_2(admin_client):
    procedure = ProcedureFactory(processing_days=3, components=[])
    workflow = WORKFLOW.replace('"hours": 7.5', '"hours": 0').replace('"role": "leader"', '"role": "boss"')

    page = admin_client.post(
        f"/admin/catalog/procedure/{procedure.pk}/change/", procedure_form(procedure, workflow=workflow)
    )

    assert page.status_code == 200
    assert "Bước 2, role: “role” là “boss”, phải là một trong: specialist, leader, receptionist." in page.text
    assert "Bước 2, hours: “hours” phải lớn hơn 0 (đang là 0)." in page.text
    assert Procedure.objects.get().workflow == []


def test_the_admin_checks_the_sum_against_the_processing_time_posted_with_it_r_proc_2(admin_client):
    procedure = ProcedureFactory(processing_days=3, components=[])

    page = admin_client.post(
        f"/admin/catalog/procedure/{procedure.pk}/change/",
        procedure_form(procedure, processing_days=5, workflow=WORKFLOW),
    )

    assert page.status_code == 200
    assert (
        "Tổng số giờ các bước là 24, phải bằng thời hạn giải quyết 5 ngày làm việc × 8 = 40 giờ" in page.text
    )


def test_an_empty_workflow_in_the_admin_means_the_default_one(admin_client):
    procedure = ProcedureFactory(processing_days=3, components=[], workflow=[{"kind": "x"}])

    response = admin_client.post(
        f"/admin/catalog/procedure/{procedure.pk}/change/", procedure_form(procedure, workflow="")
    )

    assert response.status_code == 302
    assert Procedure.objects.get().workflow == []
