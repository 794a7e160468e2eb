"""What applicants and officials see of the state databases, over the real wire (R-ONCE-1, R-ONCE-2, R-CHK-2)."""

from __future__ import annotations

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from motcua.audit.models import AuditEvent
from motcua.connectors.models import ConnectorExchange, SourceErrorReport, SourceLookup
from motcua.connectors.tests.conftest import TYPED
from motcua.dossiers.services import draft_create, submission_create

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def edit_page(client: Client, dossier) -> str:
    response = client.get(reverse("portal:dossier_edit", kwargs={"public_id": dossier.public_id}))
    assert response.status_code == 200
    return response.content.decode()


def check_page(client: Client, dossier) -> str:
    response = client.get(reverse("backoffice:dossier_check", kwargs={"public_id": dossier.public_id}))
    assert response.status_code == 200
    return response.content.decode()


def submitted(procedure, applicant, pdf_bytes, form_data=None):
    return submission_create(
        applicant=applicant,
        submission_key=uuid.uuid4().hex,
        procedure=procedure,
        agency=None,
        form_data=form_data or TYPED,
        files=[("don", "don.pdf", [pdf_bytes])],
    ).dossier


def test_the_edit_page_shows_sourced_fields_read_only_with_their_source(
    connector_sandbox, population_procedure, citizen
):
    """R-ONCE-1: prefilled fields are shown as coming from the population database, not as inputs."""
    draft = draft_create(applicant=citizen, procedure=population_procedure)

    page = edit_page(client_of(citizen), draft)

    assert 'name="ho_ten"' not in page and 'name="thuong_tru.street"' not in page
    assert "Từ Cơ sở dữ liệu quốc gia về dân cư" in page
    assert '<p class="prefilled-value">Nguyễn Văn An</p>' in page
    assert "Số 12 phố Đội Cấn, Phường Ba Đình, Thành phố Hà Nội" in page  # the address, as words
    assert reverse("connectors:report_error", kwargs={"public_id": draft.public_id, "key": "ho_ten"}) in page
    assert 'name="dien_thoai"' in page  # not in the source: typed
    assert "Chưa lấy được thông tin" not in page


def test_the_edit_page_says_the_source_did_not_answer_and_keeps_what_was_typed(
    connector_sandbox, population_procedure, citizen
):
    """R-ONCE-1: with the source down the form is typed by hand, with a notice; nothing typed is lost."""
    connector_sandbox.set_mode("down")
    client = client_of(citizen)
    response = client.post(
        reverse("portal:dossier_start", kwargs={"code": population_procedure.code}), {"agency": ""}
    )
    assert response.status_code == 302
    draft = population_procedure.dossiers.get()

    page = edit_page(client, draft)
    assert "Chưa lấy được thông tin từ Cơ sở dữ liệu quốc gia về dân cư." in page
    assert "Bạn hãy tự nhập" in page and "Họ và tên" in page
    assert 'name="ho_ten"' in page
    posted = {
        "action": "save",
        "ho_ten": "Nguyễn Văn Ân",
        "ngay_sinh": "1990-05-17",
        "gioi_tinh": "nam",
        "thuong_tru.province": "1",
        "thuong_tru.commune": "4",
        "thuong_tru.street": "Số 12 phố Đội Cấn",
        "dien_thoai": "0912345678",
    }
    client.post(reverse("portal:dossier_edit", kwargs={"public_id": draft.public_id}), posted)
    draft.refresh_from_db()
    assert draft.form_data["ho_ten"] == "Nguyễn Văn Ân"
    assert 'value="Nguyễn Văn Ân"' in edit_page(client, draft)


def test_a_component_the_population_database_replaces_is_not_requested(
    connector_sandbox, population_procedure, citizen, pdf_bytes
):
    """R-ONCE-2: "Giấy xác nhận thông tin về cư trú" is looked up by the agency: no upload, not required."""
    draft = draft_create(applicant=citizen, procedure=population_procedure)

    page = edit_page(client_of(citizen), draft)
    assert 'id="file-xac_nhan_cu_tru"' not in page
    assert "Cơ quan tự tra cứu từ Cơ sở dữ liệu quốc gia về dân cư." in page
    detail = client_of(citizen).get(
        reverse("portal:procedure_detail", kwargs={"code": population_procedure.code})
    )
    assert "Cơ quan tự tra cứu từ Cơ sở dữ liệu quốc gia về dân cư." in detail.content.decode()

    dossier = submitted(population_procedure, citizen, pdf_bytes)  # only "don" attached
    assert dossier.status == "submitted"
    assert not dossier.files.filter(component__code="xac_nhan_cu_tru").exists()
    detail = client_of(citizen).get(reverse("portal:dossier_detail", kwargs={"public_id": dossier.public_id}))
    assert (
        "Giấy xác nhận thông tin về cư trú: không cần nộp, cơ quan tự tra cứu từ" in detail.content.decode()
    )


def test_when_the_lookup_for_a_replaced_component_fails_applicant_and_official_are_told(
    connector_sandbox, population_procedure, citizen, receptionist, pdf_bytes
):
    """R-ONCE-2: a failed lookup is told to the applicant, still not asked of them, and shown to the official."""
    connector_sandbox.set_mode("down")
    draft = draft_create(applicant=citizen, procedure=population_procedure)
    page = edit_page(client_of(citizen), draft)
    assert "Bạn vẫn không cần nộp Giấy xác nhận thông tin về cư trú" in page

    dossier = submitted(population_procedure, citizen, pdf_bytes)
    detail = client_of(citizen).get(reverse("portal:dossier_detail", kwargs={"public_id": dossier.public_id}))
    assert (
        "Giấy xác nhận thông tin về cư trú: cơ quan chưa tra cứu được thông tin của bạn trong Cơ sở dữ liệu quốc gia"
        in detail.content.decode()
    )
    page = check_page(client_of(receptionist), dossier)
    assert "Giấy xác nhận thông tin về cư trú: chưa tra cứu được từ Cơ sở dữ liệu quốc gia về dân cư." in page
    assert "Chưa tra cứu được Cơ sở dữ liệu quốc gia về dân cư (Không kết nối được)" in page


def test_a_difference_between_the_submission_and_the_source_is_highlighted_for_the_official(
    connector_sandbox, population_procedure, citizen, receptionist, pdf_bytes
):
    """R-CHK-2: the source was down at submission, the applicant typed another name; when the official
    opens the check page the source is looked up for the check (logged with that purpose) and the
    difference is highlighted."""
    connector_sandbox.set_mode("down")
    dossier = submitted(population_procedure, citizen, pdf_bytes)
    connector_sandbox.set_mode("normal")

    page = check_page(client_of(receptionist), dossier)

    assert "Có 1 thông tin khác với dữ liệu nguồn." in page
    assert "<mark>Nguyễn Văn Ân</mark>" in page
    assert "Khác dữ liệu nguồn" in page
    check = ConnectorExchange.objects.get(purpose__startswith="check")
    assert check.purpose == f"check {population_procedure.code} dossier {dossier.public_id}"
    assert check.actor == receptionist and check.outcome == ConnectorExchange.Outcome.FOUND
    assert connector_sandbox.entries("population")[-1].purpose == check.purpose
    # The snapshot is kept: opening the page again asks the source nothing more.
    check_page(client_of(receptionist), dossier)
    assert ConnectorExchange.objects.filter(purpose__startswith="check").count() == 1


def test_the_applicant_sees_every_lookup_of_their_data_and_who_made_it(
    connector_sandbox, population_procedure, citizen, receptionist, pdf_bytes
):
    """R-PRIV-2: the owner sees that their record was read, when, from which source, and by which official."""
    connector_sandbox.set_mode("down")
    dossier = submitted(population_procedure, citizen, pdf_bytes)
    connector_sandbox.set_mode("normal")
    check_page(client_of(receptionist), dossier)

    detail = client_of(citizen).get(reverse("portal:dossier_detail", kwargs={"public_id": dossier.public_id}))

    page = detail.content.decode()
    assert "Dữ liệu của bạn đã được tra cứu 2 lần cho hồ sơ này" in page
    assert f"cán bộ {receptionist.display_name} khi kiểm tra hồ sơ" in page
    assert "khi bạn soạn hồ sơ · Không kết nối được" in page


def test_the_check_page_compares_with_the_snapshot_taken_at_prefill(
    connector_sandbox, population_procedure, citizen, receptionist, pdf_bytes
):
    """R-CHK-2: with a snapshot the officials see what the source said when the dossier was made, and
    the page makes no new request; values from the source match."""
    dossier = submitted(population_procedure, citizen, pdf_bytes)
    requests = len(connector_sandbox.log)

    page = check_page(client_of(receptionist), dossier)

    assert "Thông tin tờ khai khớp với dữ liệu nguồn." in page
    assert "Lấy từ nguồn" in page
    assert len(connector_sandbox.log) == requests
    assert SourceLookup.objects.filter(dossier_public_id=dossier.public_id).count() == 1


def test_an_error_report_is_recorded_and_audited_and_the_field_stays_locked(
    connector_sandbox, population_procedure, citizen, receptionist, pdf_bytes
):
    """R-ONCE-1: the applicant can say a sourced value is wrong; it does not unlock the field."""
    draft = draft_create(applicant=citizen, procedure=population_procedure)
    client = client_of(citizen)
    url = reverse("connectors:report_error", kwargs={"public_id": draft.public_id, "key": "thuong_tru"})
    form = client.get(url).content.decode()
    assert "Số 12 phố Đội Cấn, Phường Ba Đình" in form and '<label for="note">' in form

    response = client.post(url, {"note": "Tôi đã chuyển về số 5 phố Kim Mã"}, follow=True)

    assert "Đã ghi nhận phản ánh của bạn về “Nơi thường trú”" in response.content.decode()
    report = SourceErrorReport.objects.get()
    assert (report.field_key, report.connector, report.reported_by) == ("thuong_tru", "population", citizen)
    assert report.note == "Tôi đã chuyển về số 5 phố Kim Mã"
    assert AuditEvent.objects.filter(
        action="connector.error_reported", object_id=str(draft.public_id)
    ).exists()
    draft.refresh_from_db()
    assert draft.prefilled["thuong_tru"] == "population"
    assert 'name="thuong_tru.street"' not in edit_page(client, draft)
    # The official checking the dossier sees the report beside the cross-check.
    from motcua.dossiers.services import dossier_file_add, dossier_submit, draft_update

    draft_update(dossier=draft, applicant=citizen, form_data={"dien_thoai": "0912345678"})
    dossier_file_add(
        dossier=draft, applicant=citizen, component_code="don", original_name="don.pdf", chunks=[pdf_bytes]
    )
    dossier = dossier_submit(dossier=draft, applicant=citizen).dossier
    page = check_page(client_of(receptionist), dossier)
    assert "Người nộp báo thông tin sai" in page and "Tôi đã chuyển về số 5 phố Kim Mã" in page


def test_only_sourced_fields_of_ones_own_dossier_can_be_reported(
    connector_sandbox, population_procedure, citizen, other_citizen
):
    draft = draft_create(applicant=citizen, procedure=population_procedure)
    typed = reverse("connectors:report_error", kwargs={"public_id": draft.public_id, "key": "dien_thoai"})
    assert client_of(citizen).post(typed, {"note": "x"}).status_code == 404
    own = reverse("connectors:report_error", kwargs={"public_id": draft.public_id, "key": "ho_ten"})
    assert client_of(other_citizen).post(own, {"note": "x"}).status_code == 404
    assert not SourceErrorReport.objects.exists()
