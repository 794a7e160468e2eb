"""Regression: on PostgreSQL every transition failed with "FOR UPDATE cannot be applied to the nullable side of
an outer join" (the dossier's rule set and calendar are nullable), and the lock also took the agency's and the
procedure's rows. A transition locks the dossier's row and nothing else."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.workflow import services
from motcua.workflow.services import SupplementItem

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite has no row locks (set DATABASE_URL=postgres://… to run this)",
)

ITEM = [SupplementItem("form.dien_thoai", "Số điện thoại không đúng; hãy ghi số đang dùng.")]


def dossier_locks(queries) -> list[str]:
    return [
        re.search(r"FOR UPDATE.*", q["sql"]).group(0)
        for q in queries
        if "FOR UPDATE" in q["sql"] and '"dossiers_dossier"' in q["sql"].split("FROM", 1)[1].split("WHERE")[0]
    ]


def test_officials_transitions_lock_only_the_dossier_row(submitted, receptionist, leader, specialist):
    with CaptureQueriesContext(connection) as queries:
        services.accept(dossier=submitted, official=receptionist)
        services.assign(dossier=submitted, official=leader, assignee=specialist)
        services.request_supplement(dossier=submitted, official=receptionist, items=ITEM)

    locks = dossier_locks(queries)
    assert len(locks) == 3
    assert set(locks) == {'FOR UPDATE OF "dossiers_dossier"'}


def test_the_applicants_transitions_lock_only_the_dossier_row(submitted, receptionist, citizen):
    services.request_supplement(dossier=submitted, official=receptionist, items=ITEM)
    with CaptureQueriesContext(connection) as queries:
        services.resubmit(dossier=submitted, applicant=citizen)
        services.withdraw(dossier=submitted, applicant=citizen)

    assert set(dossier_locks(queries)) == {'FOR UPDATE OF "dossiers_dossier"'}
