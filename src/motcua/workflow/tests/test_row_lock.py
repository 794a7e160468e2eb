"""The transitions lock the dossier row on PostgreSQL too.

Locking with the nullable rule set and calendar joined raised "FOR UPDATE cannot be applied to the nullable
side of an outer join" there, so every official decision and every resubmission answered 500 on PostgreSQL
(SQLite has no row locks and never showed it). Run with DATABASE_URL=postgres://… to prove the fix.
"""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.models import Dossier
from motcua.workflow import services
from motcua.workflow.services import SupplementItem


def test_accepting_and_resubmitting_lock_only_the_dossier_row(submitted, receptionist, citizen):
    services.request_supplement(
        dossier=submitted,
        official=receptionist,
        items=[SupplementItem("component.don", "Hãy nộp lại đơn có chữ ký.")],
    )
    with CaptureQueriesContext(connection) as queries:
        services.resubmit(dossier=submitted, applicant=citizen)
        services.accept(dossier=submitted, official=receptionist)

    submitted.refresh_from_db()
    assert submitted.status == Dossier.Status.PROCESSING and submitted.revision == 2
    locks = [
        q["sql"]
        for q in queries.captured_queries
        if "FOR UPDATE" in q["sql"] and "dossiers_dossier" in q["sql"]
    ]
    if connection.vendor == "postgresql":
        assert len(locks) == 2 and all('FOR UPDATE OF "dossiers_dossier"' in sql for sql in locks)
