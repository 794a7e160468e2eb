"""The forms as officials and applicants download them (R-FORM-1): only for those who may read the dossier."""

from __future__ import annotations

import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from motcua.audit.models import AuditEvent
from motcua.workflow import services
from motcua.workflow.models import Decision


@pytest.fixture
def accepted(submit, procedure, receptionist):
    dossier = submit(procedure)
    services.accept(dossier=dossier, official=receptionist)
    dossier.refresh_from_db()
    return dossier


def test_the_official_downloads_the_receipt_slip_and_the_read_is_audited(client, accepted, receptionist):
    decision = Decision.objects.get(dossier=accepted, kind="accept")
    client.force_login(receptionist)
    reads = AuditEvent.objects.filter(action="dossier.read").count()

    response = client.get(f"/mot-cua/ho-so/{accepted.public_id}/phieu/{decision.pk}/")

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert f"mau-01-{accepted.code}.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert AuditEvent.objects.filter(action="dossier.read").count() == reads + 1
    sheet = client.get(f"/mot-cua/ho-so/{accepted.public_id}/phieu-kiem-soat/")
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")


def test_the_dossier_page_links_every_form_it_has_R_FORM_1(client, submit, procedure, receptionist):
    """The officials reach each decision's form and the control sheet from the dossier page itself: the
    receipt slip next to the code, every decision's form in the list of decisions."""
    dossier = submit(procedure)
    services.request_supplement(
        dossier=dossier,
        official=receptionist,
        items=[services.SupplementItem("component.don", "Đơn chưa ký; hãy ký rồi tải lại.")],
    )
    dossier.refresh_from_db()
    services.resubmit(dossier=dossier, applicant=dossier.applicant)
    dossier.refresh_from_db()
    client.force_login(receptionist)
    base = f"/mot-cua/ho-so/{dossier.public_id}/"
    supplement = Decision.objects.get(dossier=dossier, kind="supplement")

    waiting = client.get(base).content.decode()

    assert f'href="{base}phieu/{supplement.pk}/"' in waiting
    assert "Tải giấy tiếp nhận hồ sơ" not in waiting and "phieu-kiem-soat" not in waiting  # no code yet

    services.accept(dossier=dossier, official=receptionist)
    receipt = Decision.objects.get(dossier=dossier, kind="accept")
    page = client.get(base).content.decode()

    assert (
        f'<a href="{base}phieu/{receipt.pk}/">Tải giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)</a>' in page
    )
    assert f'href="{base}phieu/{supplement.pk}/"' in page
    assert f'<a href="{base}phieu-kiem-soat/">Tải phiếu kiểm soát (Mẫu 06, PDF)</a>' in page
    for link in re.findall(rf'href="({re.escape(base)}phieu[^"]*)"', page):
        response = client.get(link)
        assert response.status_code == 200 and response.content.startswith(b"%PDF"), link


def test_another_agency_and_another_citizen_get_404_R_PROH_4(
    client, accepted, other_receptionist, other_citizen
):
    decision = Decision.objects.get(dossier=accepted, kind="accept")
    client.force_login(other_receptionist)
    assert client.get(f"/mot-cua/ho-so/{accepted.public_id}/phieu/{decision.pk}/").status_code == 404
    client.force_login(other_citizen)
    assert client.get(f"/ho-so/{accepted.public_id}/phieu/{decision.pk}/").status_code == 404


def test_the_applicant_downloads_their_own_receipt_slip(client, accepted, citizen):
    decision = Decision.objects.get(dossier=accepted, kind="accept")
    client.force_login(citizen)

    response = client.get(f"/ho-so/{accepted.public_id}/phieu/{decision.pk}/")

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(f"/ho-so/{accepted.public_id}/phieu/999999/").status_code == 404


def test_the_tracking_book_exports_as_xlsx_and_explains_bad_dates_R_FORM_1(
    client, accepted, receptionist, agency
):
    client.force_login(receptionist)
    today = timezone.localdate().isoformat()

    form = client.get("/mot-cua/so-theo-doi/")
    assert form.status_code == 200 and "Sổ theo dõi hồ sơ" in form.content.decode()
    xlsx = client.get(
        "/mot-cua/so-theo-doi/", {"co_quan": agency.code, "tu": today, "den": today, "dinh_dang": "xlsx"}
    )
    assert xlsx.status_code == 200
    cells = [
        c for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True) for c in row
    ]
    assert accepted.code in cells

    bad = client.get(
        "/mot-cua/so-theo-doi/", {"co_quan": "x", "tu": "hôm qua", "den": today, "dinh_dang": "doc"}
    )
    assert bad.status_code == 400
    page = bad.content.decode()
    for message in ("Hãy chọn một cơ quan", "năm-tháng-ngày", "PDF, XLSX hoặc CSV"):
        assert message in page
