"""What catalog authors are told when a prefill or a `satisfied_by` names no source (R-ONCE-1, R-ONCE-2)."""

from __future__ import annotations

import textwrap

import pytest

from motcua.catalog import eform
from motcua.catalog.loader import CatalogError, load_catalog
from motcua.connectors.prefill import connector_mappings


def schema(prefill: str) -> dict:
    return {"fields": [{"key": "ho_ten", "type": "text", "label": "Họ và tên", "prefill": prefill}]}


@pytest.mark.parametrize(
    "prefill",
    ["identity.full_name", "population.full_name", "population.permanent_residence", "business.name"],
)
def test_known_sources_are_accepted(prefill):
    assert eform.validate_schema(schema(prefill)) == []


@pytest.mark.parametrize(
    ("prefill", "expected"),
    [
        (
            "population.religion",
            "fields[0].prefill: Trường “ho_ten”: “population.religion”: Cơ sở dữ liệu quốc gia về dân cư không có "
            "thông tin “religion”. Dùng một trong: population.full_name, population.date_of_birth, population.sex, "
            "population.nationality, population.permanent_residence, population.current_residence.",
        ),
        (
            "tax.name",
            "fields[0].prefill: Trường “ho_ten”: “tax.name”: không có nguồn dữ liệu “tax”. Các nguồn dùng được: "
            "identity, population, business.",
        ),
        (
            "results.title",
            "fields[0].prefill: Trường “ho_ten”: “results.title”: Kho kết quả giải quyết thủ tục hành chính tra cứu "
            "theo số văn bản do người nộp khai, nên không dùng để điền sẵn. Các nguồn dùng được: identity, "
            "population, business.",
        ),
    ],
)
def test_an_unknown_source_or_attribute_is_a_clear_author_error(prefill, expected):
    """R-ONCE-1: a mapping that could never fill anything is refused when the catalog is loaded."""
    assert eform.validate_schema(schema(prefill)) == [expected]


def test_an_unknown_identity_attribute_is_an_author_error():
    [problem] = eform.validate_schema(schema("identity.religion"))
    assert "tài khoản định danh không có thông tin “religion”" in problem


def test_mappings_group_the_fields_by_connector():
    mapped = connector_mappings(
        {
            "fields": [
                {"key": "a", "type": "text", "label": "A", "prefill": "population.full_name"},
                {"key": "b", "type": "text", "label": "B", "prefill": "identity.phone"},
                {"key": "c", "type": "text", "label": "C", "prefill": "business.name"},
            ]
        }
    )
    assert mapped == {"population": {"a": "full_name"}, "business": {"c": "name"}}


PROCEDURE = """
    fields:
      - {code: linh_vuc, name: Lĩnh vực}
    agencies:
      - {code: 000.00.99.H26, name: Ủy ban nhân dân phường Thử, level: commune, province_code: 1,
         one_stop_name: Bộ phận Một cửa phường Thử}
    procedures:
      - code: "9.900001"
        name: Thủ tục thử
        field: linh_vuc
        agencies: [000.00.99.H26]
        processing_days: 1
        online_level: full
        result_type: Giấy xác nhận
        legal_basis: Nghị định 45/2020/NĐ-CP
        components:
          - {code: cu_tru, name: Xác nhận cư trú, satisfied_by: %s}
"""


def write(tmp_path, source: str):
    path = tmp_path / "thu.yaml"
    path.write_text(textwrap.dedent(PROCEDURE % source), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_component_satisfied_by_a_known_source_is_loaded(tmp_path):
    """R-ONCE-2: the catalog marks the component as replaced by the population database."""
    from motcua.catalog.models import Component

    load_catalog([write(tmp_path, "population")])
    assert Component.objects.get(code="cu_tru").satisfied_by == "population"


@pytest.mark.django_db
def test_a_component_satisfied_by_an_unknown_source_is_an_author_error(tmp_path):
    """R-ONCE-2: a source that does not exist is refused with the sources there are."""
    with pytest.raises(CatalogError) as info:
        load_catalog([write(tmp_path, "land")])
    assert any("“satisfied_by”: không có nguồn dữ liệu “land”" in p for p in info.value.problems), (
        info.value.problems
    )
