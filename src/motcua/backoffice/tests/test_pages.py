"""The back office pages: officials only, scoped to their agencies, every dossier read audited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.audit.models import AuditEvent
from motcua.backoffice import views
from motcua.catalog.tests.factories import SMALL_EFORM_ANSWERS
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import dossier_file_add
from motcua.dossiers.tests.factories import DossierFactory

QUEUE = "/mot-cua/"


def check_url(dossier) -> str:
    return f"/mot-cua/ho-so/{dossier.public_id}/"


def reads() -> int:
    return AuditEvent.objects.filter(action="dossier.read").count()


@pytest.fixture
def submitted(procedure, citizen):
    return DossierFactory(
        submitted=True,
        procedure=procedure,
        applicant=citizen,
        form_data={"ho_ten": "Nguyễn Văn An", "ghi_chu": "Xin cấp bản sao gấp"},
        manifest_sha256="ab" * 32,
    )


def test_a_citizen_is_refused_with_a_vietnamese_page(client, citizen, submitted):
    client.force_login(citizen)

    for url in (QUEUE, check_url(submitted)):
        response = client.get(url)
        assert response.status_code == 403
        assert "Không có quyền truy cập" in response.content.decode()
    assert reads() == 0


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(QUEUE)

    assert response.status_code == 302
    assert "/dang-nhap/" in response["Location"]


def test_the_queue_shows_deadlines_in_working_time_with_text_for_late_dossiers(
    client, receptionist, procedure
):
    """R-CHK-3: due-soon and overdue are visible at a glance, in words as well as colour."""
    now = timezone.now()
    DossierFactory(
        submitted=True, procedure=procedure, reference="LATE-1", check_due_at=now - dt.timedelta(days=10)
    )
    DossierFactory(
        submitted=True, procedure=procedure, reference="LATER-2", check_due_at=now + dt.timedelta(days=10)
    )
    client.force_login(receptionist)

    page = client.get(QUEUE).content.decode()

    assert "Hồ sơ chờ tiếp nhận" in page
    assert page.index("LATE-1") < page.index("LATER-2")
    assert "Quá hạn" in page
    assert re.search(r"quá hạn \d+ giờ( \d+ phút)? làm việc", page)
    assert re.search(r"còn \d+ giờ( \d+ phút)? làm việc", page)
    assert 'class="state-overdue"' in page


def test_next_page_link_keeps_the_filters_and_continues_where_the_page_ended(
    client, receptionist, procedure, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    now = timezone.now()
    for i in range(3):
        DossierFactory(
            submitted=True, procedure=procedure, reference=f"Q-{i}", check_due_at=now + dt.timedelta(hours=i)
        )
    client.force_login(receptionist)

    first = client.get(QUEUE, {"thu_tuc": procedure.code}).content.decode()
    next_url = re.search(r'href="(\?[^"]*)" rel="next">Trang sau', first).group(1).replace("&amp;", "&")
    second = client.get(QUEUE + next_url).content.decode()

    assert "Q-0" in first and "Q-1" in first and "Q-2" not in first
    assert f"thu_tuc={procedure.code}" in next_url
    assert "Q-2" in second and "Q-0" not in second
    assert "Trang sau" not in second


def test_the_queue_page_costs_the_same_queries_for_5_or_30_dossiers(client, receptionist, procedure):
    client.force_login(receptionist)
    now = timezone.now()
    counts = []
    for total in (5, 30):
        while Dossier.objects.count() < total:
            DossierFactory(submitted=True, procedure=procedure, check_due_at=now + dt.timedelta(hours=1))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(QUEUE).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_the_check_page_shows_what_was_submitted_and_records_the_read(client, receptionist, submitted):
    """R-PRIV-2: opening a dossier writes a `dossier.read` audit event with the official as actor."""
    client.force_login(receptionist)

    response = client.get(check_url(submitted))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ghi chú" in page and "Xin cấp bản sao gấp" in page  # the e-form, label and answer
    assert "ab" * 32 in page  # the manifest hash
    assert 'data-action="accept"' in page  # the decision area
    assert 'id="chu-ky-so"' in page and 'id="doi-chieu-csdl"' in page  # the places issues 4 and 5 fill
    event = AuditEvent.objects.get(action="dossier.read")
    assert event.actor_id == receptionist.pk


def test_another_agencys_official_gets_404_and_no_read_is_recorded(client, other_receptionist, submitted):
    """R-PROH-4: an official sees only the dossiers of their own agency."""
    client.force_login(other_receptionist)

    response = client.get(check_url(submitted))

    assert response.status_code == 404
    assert reads() == 0


def test_a_draft_is_not_shown_in_the_queue_nor_on_the_check_page(client, receptionist, procedure, citizen):
    draft = DossierFactory(procedure=procedure, applicant=citizen, reference="DRAFT-1")
    client.force_login(receptionist)

    assert "DRAFT-1" not in client.get(QUEUE).content.decode()
    assert client.get(check_url(draft)).status_code == 404


def test_files_download_only_for_the_agencys_officials(
    client, receptionist, other_receptionist, procedure, citizen, pdf_bytes
):
    dossier = DossierFactory(procedure=procedure, applicant=citizen)
    dossier_file = dossier_file_add(
        dossier=dossier, applicant=citizen, component_code="don", original_name="don.pdf", chunks=[pdf_bytes]
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        status=Dossier.Status.SUBMITTED, submitted_at=timezone.now(), check_due_at=timezone.now()
    )
    url = f"/mot-cua/ho-so/{dossier.public_id}/tep/{dossier_file.pk}/"

    client.force_login(other_receptionist)
    assert client.get(url).status_code == 404
    assert reads() == 0

    client.force_login(receptionist)
    page = client.get(check_url(dossier)).content.decode()
    assert url in page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdf_bytes
    assert AuditEvent.objects.filter(action="dossier.read", data__purpose="file").count() == 1


def test_the_check_page_previews_a_pdf_inline_and_the_preview_is_an_audited_read(
    client, receptionist, procedure, citizen, pdf_bytes
):
    """Issue 3: the check screen shows each component inline (PDF and images), loaded through the access
    function like a download."""
    dossier = DossierFactory(procedure=procedure, applicant=citizen)
    dossier_file = dossier_file_add(
        dossier=dossier, applicant=citizen, component_code="don", original_name="don.pdf", chunks=[pdf_bytes]
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        status=Dossier.Status.SUBMITTED, submitted_at=timezone.now(), check_due_at=timezone.now()
    )
    url = f"/mot-cua/ho-so/{dossier.public_id}/tep/{dossier_file.pk}/"
    client.force_login(receptionist)

    page = client.get(check_url(dossier)).content.decode()
    assert f'<iframe src="{url}?xem=1" loading="lazy" title="Nội dung tệp don.pdf">' in page

    preview = client.get(url + "?xem=1")
    assert preview["Content-Disposition"].startswith("inline")
    assert client.get(url)["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="dossier.read", data__purpose="file").count() == 2


def test_the_check_page_shows_the_automatic_check_and_a_file_gone_missing_R_ACK_1(
    client, receptionist, procedure, citizen, pdf_bytes
):
    """The check screen shows the automatic check results, run again as the official opens the dossier."""
    from motcua.dossiers import storage

    dossier = DossierFactory(procedure=procedure, applicant=citizen, form_data=dict(SMALL_EFORM_ANSWERS))
    dossier_file = dossier_file_add(
        dossier=dossier, applicant=citizen, component_code="don", original_name="don.pdf", chunks=[pdf_bytes]
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        status=Dossier.Status.SUBMITTED, submitted_at=timezone.now(), check_due_at=timezone.now()
    )
    client.force_login(receptionist)

    page = client.get(check_url(dossier)).content.decode()
    assert "Kết quả kiểm tra tự động" in page and "Đạt</strong>" in page

    storage.blob_path(dossier_file.stored_file.sha256).unlink()
    page = client.get(check_url(dossier)).content.decode()
    assert "Có vấn đề</strong>" in page and "Không tìm thấy tệp “don.pdf”" in page
