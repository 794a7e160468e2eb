"""Finding procedures without typing accents, and reading one procedure and the rule set in force."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.catalog import selectors
from motcua.catalog.models import Procedure, RuleSet
from motcua.catalog.tests.factories import AgencyFactory, FieldFactory, ProcedureFactory, RuleSetFactory
from motcua.catalog.text import fold

pytestmark = pytest.mark.django_db


def test_fold_strips_vietnamese_accents_and_d_stroke():
    assert fold("  ĐĂNG KÝ   Khai sinh cho Trẻ em ở Đắk Lắk ") == "dang ky khai sinh cho tre em o dak lak"
    assert fold("Ủy ban nhân dân phường Ba Đình") == "uy ban nhan dan phuong ba dinh"


@pytest.fixture
def catalog():
    ho_tich = FieldFactory(code="ho_tich", name="Hộ tịch")
    ba_dinh = AgencyFactory(code="000.00.31.H26", name="Ủy ban nhân dân phường Ba Đình")
    tan_hoi = AgencyFactory(code="000.00.21.H29", name="Ủy ban nhân dân xã Tân Hội", province_code=68)
    return {
        "khai_sinh": ProcedureFactory(
            code="1.001193",
            name="Thủ tục đăng ký khai sinh",
            field=ho_tich,
            agencies=[ba_dinh, tan_hoi],
            popularity=100,
        ),
        "ket_hon": ProcedureFactory(
            code="1.000894", name="Thủ tục đăng ký kết hôn", field=ho_tich, agencies=[ba_dinh], popularity=80
        ),
        "lltp": ProcedureFactory(code="2.000488", name="Cấp Phiếu lý lịch tư pháp", popularity=70),
    }


def codes(queryset) -> list[str]:
    return [p.code for p in queryset]


def test_search_ignores_accents_in_the_query_and_the_name(catalog):
    assert codes(selectors.procedure_search(query="khai sinh")) == ["1.001193"]
    assert codes(selectors.procedure_search(query="KHAI SINH")) == ["1.001193"]
    assert codes(selectors.procedure_search(query="ly lịch tu phap")) == ["2.000488"]


def test_every_word_of_the_query_must_match(catalog):
    assert codes(selectors.procedure_search(query="dang ky")) == ["1.001193", "1.000894"]
    assert codes(selectors.procedure_search(query="đăng ký kết hôn")) == ["1.000894"]
    assert codes(selectors.procedure_search(query="khai sinh ket hon")) == []


def test_search_matches_code_field_and_agency_names(catalog):
    assert codes(selectors.procedure_search(query="1.000894")) == ["1.000894"]
    assert codes(selectors.procedure_search(query="ho tich")) == ["1.001193", "1.000894"]
    assert codes(selectors.procedure_search(query="tan hoi")) == ["1.001193"]


def test_an_empty_query_lists_active_procedures_most_used_first(catalog):
    catalog["ket_hon"].is_active = False
    catalog["ket_hon"].save()
    assert codes(selectors.procedure_search()) == ["1.001193", "2.000488"]


def test_search_filters_by_field_and_agency(catalog):
    assert codes(selectors.procedure_search(field_code="ho_tich")) == ["1.001193", "1.000894"]
    assert codes(selectors.procedure_search(agency_code="000.00.21.H29")) == ["1.001193"]
    assert codes(selectors.procedure_search(query="dang ky", agency_code="000.00.31.H26")) == [
        "1.001193",
        "1.000894",
    ]


def test_procedure_get_loads_everything_its_page_needs_in_few_queries(catalog):
    with CaptureQueriesContext(connection) as queries:
        procedure = selectors.procedure_get(code="1.001193")
        [c.code for c in procedure.components.all()]
        [f.amount for f in procedure.fee_items.all()]
        [a.name for a in procedure.agencies.all()]
        assert procedure.field.name == "Hộ tịch"
    assert len(queries) == 4


def test_procedure_get_of_an_unknown_or_inactive_code_raises_does_not_exist(catalog):
    with pytest.raises(Procedure.DoesNotExist):
        selectors.procedure_get(code="9.999999")
    catalog["lltp"].is_active = False
    catalog["lltp"].save()
    with pytest.raises(Procedure.DoesNotExist):
        selectors.procedure_get(code="2.000488")


def test_popular_procedures_come_first(catalog):
    assert codes(selectors.popular_procedures(limit=2)) == ["1.001193", "1.000894"]


def test_the_rule_set_in_force_is_the_latest_that_has_started():
    RuleSetFactory(code="D45-2020", effective_from=datetime.date(2020, 4, 8))
    RuleSetFactory(code="D118-2025", effective_from=datetime.date(2025, 7, 1))
    assert selectors.rule_set_in_force(on=datetime.date(2025, 6, 30)).code == "D45-2020"
    assert selectors.rule_set_in_force(on=datetime.date(2025, 7, 1)).code == "D118-2025"
    with pytest.raises(RuleSet.DoesNotExist):
        selectors.rule_set_in_force(on=datetime.date(2020, 1, 1))


def test_the_procedure_factory_gives_two_components_and_a_valid_form():
    from motcua.catalog.eform import validate_form, validate_schema
    from motcua.catalog.tests.factories import SMALL_EFORM_ANSWERS

    procedure = ProcedureFactory()
    components = {c.code: c for c in procedure.components.all()}
    assert components["don"].required and components["don"].accepted_formats == ["pdf"]
    assert not components["giay_to_khac"].required
    assert components["giay_to_khac"].accepted_formats == ["pdf", "jpg", "png"]
    assert validate_schema(procedure.eform_schema) == []
    assert validate_form(procedure.eform_schema, SMALL_EFORM_ANSWERS).is_valid
    assert procedure.agencies.count() == 1
