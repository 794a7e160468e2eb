"""`make demo` gives the officials a queue in every state, made through the real services."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command

from motcua.dossiers.models import Dossier


@pytest.mark.django_db
def test_demo_dossiers_cover_the_process_and_load_once():
    call_command("load_catalog", "src/motcua/catalog/demo", verbosity=0)
    call_command("load_demo_data", verbosity=0)

    call_command("load_demo_dossiers", verbosity=0)
    call_command("load_demo_dossiers", verbosity=0)

    statuses = Counter(Dossier.objects.values_list("status", flat=True))
    assert statuses == {"submitted": 4, "supplement_requested": 1, "processing": 3, "result_ready": 1}


@pytest.mark.django_db
def test_the_demo_citizen_has_a_verified_document_and_a_result_in_the_warehouse_R_WH_2():
    """R-WH-2: the demo shows reuse: An's land certificate verified at acceptance, the issued birth certificate."""
    from motcua.catalog.models import Procedure
    from motcua.dossiers.services import draft_create
    from motcua.identity.models import User
    from motcua.warehouse.selectors import documents_of, reusable_for

    call_command("load_catalog", "src/motcua/catalog/demo", verbosity=0)
    call_command("load_demo_data", verbosity=0)
    call_command("load_demo_dossiers", verbosity=0)

    citizen = User.objects.get(username="001090012345")
    assert sorted(documents_of(owner=citizen).values_list("provenance", flat=True)) == ["result", "verified"]
    procedure = Procedure.objects.get(code="2.000720")  # Đăng ký thành lập hộ kinh doanh
    draft = draft_create(applicant=citizen, procedure=procedure, agency=procedure.agencies.first())
    assert list(reusable_for(dossier=draft, owner=citizen)) == ["giay_to_dia_diem"]
