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
    assert statuses == {"submitted": 4, "supplement_requested": 1, "processing": 2, "result_ready": 1}
