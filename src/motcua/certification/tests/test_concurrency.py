"""Officials certifying at the same moment, on PostgreSQL where transactions really run in parallel."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.db import connection

from motcua.certification import services
from motcua.certification.models import CertifiedCopy
from motcua.certification.services import SealingFailed
from motcua.certification.tests.test_certify import THREE_PAGES, issue
from motcua.identity.tests.factories import OfficialFactory

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers; run with DATABASE_URL=postgres://…"
)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_certifications_get_gap_free_register_numbers_R_CERT_1(agency, monkeypatch, give_key):
    """R-CERT-1: the register's numbers have no gaps or duplicates, even when some seals fail meanwhile."""
    failures = {3, 7}
    calls = iter(range(1000))
    lock = threading.Lock()

    real = services.document_issue

    def seal(**kwargs):
        with lock:
            n = next(calls)
        if n in failures:
            raise RuntimeError("token busy")
        return real(**kwargs)

    monkeypatch.setattr(services, "document_issue", seal)
    give_key(agency)
    officials = [OfficialFactory(agency=agency) for _ in range(4)]
    for official in officials:
        give_key(agency, official)
    start = threading.Barrier(len(officials))
    errors: list[BaseException] = []

    def work(official) -> None:
        try:
            start.wait()
            for _ in range(4):
                with contextlib.suppress(SealingFailed):
                    issue(official, agency, THREE_PAGES)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(o,)) for o in officials]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(CertifiedCopy.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 16 - len(failures) + 1))
