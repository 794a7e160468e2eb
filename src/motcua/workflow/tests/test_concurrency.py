"""Officials acting at the same moment, on PostgreSQL where transactions really run in parallel."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from motcua.dossiers.models import Dossier
from motcua.identity.tests.factories import OfficialFactory
from motcua.workflow import services
from motcua.workflow.services import DossierChanged

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers; run with DATABASE_URL=postgres://…"
)


def _run_in_threads(jobs) -> list[BaseException]:
    start = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job) -> None:
        try:
            start.wait()
            job()
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_acceptances_get_unique_gap_free_codes_R_CODE_2(submit, procedure, agency):
    """R-CODE-2: many officials accept different dossiers of one agency on one day at once."""
    dossiers = [submit(procedure) for _ in range(24)]
    officials = [OfficialFactory(agency=agency) for _ in range(6)]

    def accept_share(worker: int):
        def job() -> None:
            for dossier in dossiers[worker :: len(officials)]:
                services.accept(dossier=dossier, official=officials[worker])

        return job

    errors = _run_in_threads([accept_share(w) for w in range(len(officials))])

    assert errors == []
    codes = list(Dossier.objects.exclude(code=None).values_list("code", flat=True))
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, len(dossiers) + 1))


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_officials_deciding_one_dossier_one_wins_the_other_is_told(submitted, agency):
    """R-PROH-6: one transition wins; the other official learns the dossier changed, nothing is mixed."""
    first, second = OfficialFactory(agency=agency), OfficialFactory(agency=agency)
    outcomes: list[str] = []

    def accept() -> None:
        services.accept(dossier=submitted, official=first, expected_revision=1)
        outcomes.append("accepted")

    def refuse() -> None:
        services.refuse(
            dossier=submitted,
            official=second,
            reason="Không thuộc thẩm quyền của phường.",
            expected_revision=1,
        )
        outcomes.append("refused")

    errors = _run_in_threads([accept, refuse])

    assert len(outcomes) == 1 and len(errors) == 1
    assert isinstance(errors[0], DossierChanged)
    assert "tải lại trang" in errors[0].problems[0].message
    submitted.refresh_from_db()
    assert (
        submitted.status
        == {"accepted": Dossier.Status.PROCESSING, "refused": Dossier.Status.REFUSED}[outcomes[0]]
    )
    assert (submitted.code is not None) == (outcomes[0] == "accepted")
