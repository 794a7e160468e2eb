"""The queue pages after reception: the navigation with counts, filters kept across pages, constant cost."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.backoffice import views
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import DossierFactory
from motcua.workflow.models import ProcessingStep

QUEUE_URLS = {
    "my_work": "/mot-cua/viec-cua-toi/",
    "approval": "/mot-cua/cho-phe-duyet/",
    "to_return": "/mot-cua/cho-tra-ket-qua/",
    "overdue": "/mot-cua/qua-han/",
    "consultations": "/mot-cua/xin-y-kien/",
}


@pytest.fixture
def in_processing(procedure):
    """make(reference, due, kind="specialist"): a dossier in processing with one open unassigned step."""

    def make(reference, due, kind=ProcessingStep.Kind.SPECIALIST, **fields):
        dossier = DossierFactory(
            submitted=True,
            status=Dossier.Status.PROCESSING,
            procedure=procedure,
            reference=reference,
            code=f"C-{reference}",
            due_at=fields.pop("due_at", due),
            **fields,
        )
        ProcessingStep.objects.create(
            dossier=dossier,
            order=1,
            kind=kind,
            role="specialist",
            budget_hours=Decimal(8),
            received_at=due - dt.timedelta(hours=8),
            due_at=due,
        )
        return dossier

    return make


def test_a_citizen_is_refused_every_queue(client, citizen):
    client.force_login(citizen)

    for url in QUEUE_URLS.values():
        assert client.get(url).status_code == 403


def test_the_navigation_shows_the_queues_of_my_roles_with_their_counts(client, leader, in_processing):
    now = timezone.now()
    in_processing("LATE", now - dt.timedelta(days=2), due_at=now - dt.timedelta(days=1))
    in_processing("APPROVE", now + dt.timedelta(days=1), kind=ProcessingStep.Kind.APPROVAL)
    client.force_login(leader)

    page = client.get(QUEUE_URLS["approval"]).content.decode()

    nav = page[page.index('class="queue-nav"') : page.index("</nav>", page.index('class="queue-nav"'))]
    labels = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+) <span class="count[^"]*">(\d+)', nav)
    assert [(href, label.strip(), int(n)) for href, label, n in labels] == [
        ("/mot-cua/", "Chờ tiếp nhận", 0),
        ("/mot-cua/viec-cua-toi/", "Việc của tôi", 1),
        ("/mot-cua/cho-phe-duyet/", "Chờ phê duyệt", 1),
        ("/mot-cua/qua-han/", "Quá hạn", 1),
        ("/mot-cua/xin-y-kien/", "Chờ cho ý kiến", 0),
    ]
    assert 'href="/mot-cua/cho-phe-duyet/" aria-current="page"' in nav
    assert "count-alert" in nav  # something is overdue
    assert "C-APPROVE" in page and "C-LATE" not in page


def test_each_queue_lists_its_dossiers_for_its_role(client, receptionist, leader, procedure, in_processing):
    now = timezone.now()
    in_processing("LATE", now - dt.timedelta(days=2), due_at=now - dt.timedelta(hours=1))
    DossierFactory(
        submitted=True,
        status="result_ready",
        procedure=procedure,
        code="C-READY",
        due_at=now,
        result_ready_at=now,
    )
    client.force_login(receptionist)
    to_return = client.get(QUEUE_URLS["to_return"]).content.decode()
    overdue = client.get(QUEUE_URLS["overdue"]).content.decode()

    assert "C-READY" in to_return and "C-LATE" not in to_return
    assert "C-LATE" in overdue and "Trả kết quả" in overdue and "Quá hạn" in overdue
    client.force_login(leader)
    assert "C-LATE" in client.get(QUEUE_URLS["my_work"]).content.decode()
    assert "C-READY" not in client.get(QUEUE_URLS["to_return"]).content.decode()


def test_next_page_keeps_the_filters_and_a_bad_date_is_explained(
    client, leader, procedure, in_processing, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    now = timezone.now()
    for i in range(3):
        in_processing(f"P{i}", now + dt.timedelta(hours=i))
    client.force_login(leader)

    first = client.get(QUEUE_URLS["my_work"], {"thu_tuc": procedure.code, "trang_thai": "specialist"})
    next_url = (
        re.search(r'href="(\?[^"]*)" rel="next"', first.content.decode()).group(1).replace("&amp;", "&")
    )
    second = client.get(QUEUE_URLS["my_work"] + next_url).content.decode()
    bad = client.get(QUEUE_URLS["my_work"], {"han_den": "32/13/2026"}).content.decode()

    assert "C-P0" in first.content.decode() and "C-P2" not in first.content.decode()
    assert f"thu_tuc={procedure.code}" in next_url and "trang_thai=specialist" in next_url
    assert "C-P2" in second and "C-P0" not in second
    assert "Ngày không hợp lệ" in bad and 'value="32/13/2026"' in bad
    assert "C-P0" in bad  # the bad date filters nothing


@pytest.mark.parametrize("queue", ["my_work", "overdue", "approval"])
def test_a_queue_page_costs_the_same_queries_for_5_or_30_dossiers(client, leader, in_processing, queue):
    client.force_login(leader)
    past = timezone.now() - dt.timedelta(days=3)
    kind = ProcessingStep.Kind.APPROVAL if queue == "approval" else ProcessingStep.Kind.SPECIALIST
    counts = []
    for total in (5, 30):
        while Dossier.objects.count() < total:
            in_processing(f"N{Dossier.objects.count()}", past, kind=kind)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE_URLS[queue])
        assert response.status_code == 200
        assert response.content.decode().count("<tr class=") == total
        counts.append(len(queries))

    assert counts[0] == counts[1]
