"""The agency administrator's key pages and the leaders' revocation on the dossier page (R-RES-1, R-RES-2).

Who may see what: `admin` administers Ba Đình (`agency`); `other_admin` administers Sở Tư pháp and must not
reach Ba Đình's keys; Ba Đình's receptionist and leader work there but manage no keys. A leader revokes what
the agency issued; a receptionist does not.
"""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from motcua.dossiers.storage import blob_path
from motcua.identity.models import OfficialRole
from motcua.identity.tests.factories import OfficialFactory
from motcua.notifications.models import InboxMessage
from motcua.signatures.models import AgencySigningKey, IssuedDocument
from motcua.workflow import services
from motcua.workflow.models import ResultDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(agency):
    return OfficialFactory(agency=agency, username="quantri.badinh", roles=[OfficialRole.Role.AGENCY_ADMIN])


@pytest.fixture
def other_admin(other_agency):
    return OfficialFactory(
        agency=other_agency, username="quantri.sotuphap", roles=[OfficialRole.Role.AGENCY_ADMIN]
    )


def p12_upload(pki_dir, name: str = "agency-seal") -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.p12", (pki_dir / f"{name}.p12").read_bytes(), "application/x-pkcs12")


# -- the keys page -----------------------------------------------------------------------------------------


def test_the_administrator_sees_the_agencys_keys_with_certificate_validity_and_fingerprint(
    client, admin, seal_key
):
    client.force_login(admin)
    response = client.get(reverse("backoffice:keys"))
    text = response.content.decode()
    assert response.status_code == 200
    assert seal_key.fingerprint_sha256 in text and "Con dấu số của cơ quan" in text and "Đang dùng" in text
    assert seal_key.not_after.astimezone(timezone.get_current_timezone()).strftime("%d/%m/%Y") in text
    assert f'href="{reverse("backoffice:keys")}"' in text  # linked from the navigation


def test_a_certificate_expiring_within_30_days_is_flagged(client, admin, agency):
    AgencySigningKey.objects.create(
        agency=agency,
        subject="CN=Sắp hết hạn",
        not_before=timezone.now() - dt.timedelta(days=300),
        not_after=timezone.now() + dt.timedelta(days=12, hours=1),
    )
    client.force_login(admin)
    assert "Hết hạn sau 12 ngày" in client.get(reverse("backoffice:keys")).content.decode()


@pytest.mark.parametrize("who", ["receptionist", "leader", "specialist", "citizen"])
def test_officials_who_administer_nothing_cannot_open_the_keys_page(client, request, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("backoffice:keys"))
    assert response.status_code == 403
    assert f'href="{reverse("backoffice:keys")}"' not in response.content.decode()  # nor in the navigation


def test_an_administrator_of_another_agency_sees_only_their_own_and_cannot_reach_these_keys(
    client, other_admin, agency, seal_key
):
    client.force_login(other_admin)
    text = client.get(reverse("backoffice:keys")).content.decode()
    assert seal_key.fingerprint_sha256 not in text and agency.name not in text
    assert client.get(reverse("backoffice:key_install", args=[agency.pk])).status_code == 404
    assert client.get(reverse("backoffice:key_deactivate", args=[seal_key.pk])).status_code == 404
    assert client.post(reverse("backoffice:key_deactivate", args=[seal_key.pk])).status_code == 404
    assert client.post(reverse("backoffice:receipts_seal", args=[agency.pk])).status_code == 404
    seal_key.refresh_from_db()
    assert seal_key.active


@pytest.mark.parametrize("who", ["receptionist", "leader"])
def test_receptionist_and_leader_cannot_install_keys(client, request, agency, pki_dir, seal_password, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        reverse("backoffice:key_install", args=[agency.pk]),
        {"p12": p12_upload(pki_dir), "password_env": seal_password},
    )
    assert response.status_code == 404
    assert not AgencySigningKey.objects.exists()


# -- installing -------------------------------------------------------------------------------------------


def test_the_install_form_explains_why_it_asks_for_a_variable_name_not_the_password(client, admin, agency):
    client.force_login(admin)
    text = client.get(reverse("backoffice:key_install", args=[agency.pk])).content.decode()
    assert "không nhập mật khẩu ở đây" in text and "Quản trị hệ thống" in text
    assert 'type="password"' not in text
    assert (
        '<label for="p12">' in text
        and '<label for="password_env">' in text
        and '<label for="holder">' in text
    )


def test_an_administrator_installs_a_personal_key_for_a_leader(
    client, admin, agency, leader, pki_dir, seal_password
):
    client.force_login(admin)
    response = client.post(
        reverse("backoffice:key_install", args=[agency.pk]),
        {"p12": p12_upload(pki_dir, "official-leader"), "password_env": seal_password, "holder": leader.pk},
    )
    assert response.status_code == 302
    key = AgencySigningKey.objects.get()
    assert key.holder == leader and key.active and key.created_by == admin
    text = client.get(response["Location"]).content.decode()
    assert "Đã cài khóa ký số" in text and key.fingerprint_sha256 in text
    assert os.environ[seal_password] not in text


def test_install_problems_are_all_shown_at_once_in_vietnamese_and_nothing_is_kept(
    client, admin, agency, other_agency, pki_dir
):
    stranger = OfficialFactory(agency=other_agency, username="cb.khac", roles=[OfficialRole.Role.LEADER])
    client.force_login(admin)
    response = client.post(
        reverse("backoffice:key_install", args=[agency.pk]),
        {"p12": p12_upload(pki_dir), "password_env": "MOTCUA_KHONG_CO", "holder": stranger.pk},
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Có 2 điều cần sửa" in text
    assert "chưa được đặt trên máy chủ" in text and "không phải cán bộ của" in text
    assert 'href="#password_env"' in text and 'aria-invalid="true"' in text
    assert not AgencySigningKey.objects.exists()


def test_an_expired_or_non_signing_certificate_is_refused_on_the_page(
    client, admin, agency, pki_dir, seal_password
):
    client.force_login(admin)
    url = reverse("backoffice:key_install", args=[agency.pk])
    expired = client.post(url, {"p12": p12_upload(pki_dir, "signer-expired"), "password_env": seal_password})
    usage = client.post(url, {"p12": p12_upload(pki_dir, "signer-bad-usage"), "password_env": seal_password})
    assert expired.status_code == usage.status_code == 400
    assert "đã hết hạn" in expired.content.decode()
    assert "không được cấp để ký số" in usage.content.decode()
    assert not AgencySigningKey.objects.exists()


def test_an_unknown_holder_or_a_missing_file_never_crashes(client, admin, agency):
    client.force_login(admin)
    url = reverse("backoffice:key_install", args=[agency.pk])
    for data in ({"holder": "x\x00"}, {"holder": "999999"}, {}):
        assert client.post(url, data).status_code == 400
    assert not AgencySigningKey.objects.exists()


# -- deactivating ----------------------------------------------------------------------------------------


def test_deactivating_asks_first_then_keeps_the_key_on_record(client, admin, seal_key):
    client.force_login(admin)
    url = reverse("backoffice:key_deactivate", args=[seal_key.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "không ban hành được kết quả" in confirm.content.decode()
    seal_key.refresh_from_db()
    assert seal_key.active  # a GET changes nothing
    assert client.post(url).status_code == 302
    seal_key.refresh_from_db()
    assert not seal_key.active
    assert "Đã ngừng dùng" in client.get(reverse("backoffice:keys")).content.decode()


# -- receipts sealed afterwards ----------------------------------------------------------------------------


def test_the_page_offers_to_seal_receipts_issued_without_a_seal_once_a_key_exists(
    client, admin, agency, submit, procedure, receptionist, pki_dir, seal_password
):
    dossier = submit(procedure)
    services.accept(dossier=dossier, official=receptionist)
    client.force_login(admin)
    text = client.get(reverse("backoffice:keys")).content.decode()
    assert "chưa có dấu số" in text and reverse("backoffice:receipts_seal", args=[agency.pk]) not in text

    client.post(
        reverse("backoffice:key_install", args=[agency.pk]),
        {"p12": p12_upload(pki_dir), "password_env": seal_password},
    )
    text = client.get(reverse("backoffice:keys")).content.decode()
    assert "Đóng dấu số 1 giấy tiếp nhận" in text
    response = client.post(reverse("backoffice:receipts_seal", args=[agency.pk]), follow=True)
    assert "Đã đóng dấu số 1 giấy tiếp nhận" in response.content.decode()
    assert IssuedDocument.objects.get(dossier=dossier).kind == IssuedDocument.Kind.RECEIPT


# -- revocation on the dossier page (R-RES-2) --------------------------------------------------------------


@pytest.fixture
def issued_result(seal_key, submit, procedure, advance) -> IssuedDocument:
    dossier = advance(submit(procedure), "result_ready")
    return IssuedDocument.objects.select_related("dossier").get(
        dossier=dossier, kind=IssuedDocument.Kind.RESULT
    )


def revoke_url(document: IssuedDocument) -> str:
    return reverse("backoffice:document_revoke", args=[document.dossier.public_id, document.pk])


def test_a_leader_sees_the_revoke_form_next_to_the_issued_result_a_receptionist_does_not(
    client, issued_result, leader, receptionist
):
    page = reverse("backoffice:dossier_check", args=[issued_result.dossier.public_id])
    client.force_login(leader)
    text = client.get(page).content.decode()
    assert revoke_url(issued_result) in text and issued_result.document_code in text
    client.force_login(receptionist)
    text = client.get(page).content.decode()
    assert issued_result.document_code in text and revoke_url(issued_result) not in text


def test_a_leader_revokes_a_result_the_public_page_says_revoked_and_the_owner_still_downloads_it_R_RES_2(
    client, issued_result, leader, citizen
):
    client.force_login(leader)
    response = client.post(
        revoke_url(issued_result),
        {"document": issued_result.pk, "ground": "replaced", "reason": "Ghi sai số thửa đất của ông An"},
    )
    assert response.status_code == 302
    text = client.get(response["Location"]).content.decode()
    assert "Đã thu hồi lúc" in text and "Ghi sai số thửa đất" in text

    public = client.get(reverse("portal:verify_token", args=[issued_result.token])).content.decode()
    assert "đã bị thu hồi" in public and "Đã thu hồi lúc" in public
    assert "Văn bản đã được thay thế bằng văn bản khác" in public  # the public ground
    assert "Ghi sai số thửa đất" not in public  # never the leader's own words

    assert InboxMessage.objects.filter(user=citizen, subject__contains="thu hồi").exists()
    client.force_login(citizen)
    result = ResultDocument.objects.get(dossier=issued_result.dossier)
    download = client.get(reverse("portal:dossier_result", args=[issued_result.dossier.public_id, result.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == blob_path(issued_result.sha256).read_bytes()


def test_revoking_without_ground_or_reason_shows_both_problems_next_to_the_form(
    client, issued_result, leader
):
    client.force_login(leader)
    response = client.post(revoke_url(issued_result), {"document": issued_result.pk, "reason": "x"})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Hãy chọn căn cứ thu hồi" in text and "Hãy ghi rõ lý do thu hồi" in text
    assert (
        f'href="#revoke_reason-{issued_result.pk}"' in text
        and f'id="revoke_reason-{issued_result.pk}"' in text
    )
    issued_result.refresh_from_db()
    assert issued_result.revoked_at is None


def test_a_receptionist_cannot_revoke_R_RES_2(client, issued_result, receptionist):
    client.force_login(receptionist)
    response = client.post(
        revoke_url(issued_result), {"document": issued_result.pk, "ground": "error", "reason": "Cấp nhầm"}
    )
    assert response.status_code == 400 and "Chỉ lãnh đạo" in response.content.decode()
    issued_result.refresh_from_db()
    assert issued_result.revoked_at is None


def test_a_leader_of_another_agency_cannot_reach_the_document(client, issued_result, third_official):
    client.force_login(third_official)
    response = client.post(
        revoke_url(issued_result), {"document": issued_result.pk, "ground": "error", "reason": "Cấp nhầm"}
    )
    assert response.status_code == 404
