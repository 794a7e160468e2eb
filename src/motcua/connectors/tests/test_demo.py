"""The demo catalog fills forms from the sandbox's population and business data (R-ONCE-1, R-ONCE-2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from motcua.catalog.loader import load_catalog
from motcua.catalog.models import Procedure
from motcua.dossiers.services import dossier_check, draft_create

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "catalog" / "demo"


@pytest.fixture
def demo():
    load_catalog([DEMO])


def test_the_judicial_record_form_takes_sex_and_residence_from_the_population_database(
    demo, connector_sandbox, citizen
):
    """R-ONCE-1 and R-ONCE-2 in the demo: 2.000488 asks neither the residence nor a proof of it."""
    procedure = Procedure.objects.get(code="2.000488")

    draft = draft_create(applicant=citizen, procedure=procedure)

    assert draft.prefilled["gioi_tinh"] == "population"
    assert draft.prefilled["noi_cu_tru"] == "population"
    assert draft.form_data["noi_cu_tru"] == {
        "province": 1,
        "commune": 25,
        "street": "Số 8 ngõ 26 phố Nguyên Hồng",
    }
    [entry] = connector_sandbox.entries("population")
    assert sorted(entry.fields_asked) == ["current_residence", "sex"]  # R-PRIV-3
    problems = {p.field for p in dossier_check(draft)[1]}
    assert "component.xac_nhan_cu_tru" not in problems
    assert "form.noi_cu_tru" not in problems and "form.gioi_tinh" not in problems


def test_the_demo_organisation_gets_its_name_from_the_business_registry(demo, connector_sandbox):
    from motcua.identity.tests.factories import OrganisationUserFactory

    user = OrganisationUserFactory(organisation__enterprise_code="0112345676")
    procedure = Procedure.objects.get(code="2.000815")

    draft = draft_create(applicant=user, procedure=procedure, agency=procedure.agencies.first())

    assert draft.form_data["to_chuc_yeu_cau"] == "Công ty TNHH Dịch vụ Minh Phát"
    assert draft.prefilled["to_chuc_yeu_cau"] == "business"
