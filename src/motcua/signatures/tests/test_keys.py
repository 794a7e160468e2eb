"""The agency's signing keys as services: installed only whole and only when they can seal, deactivated,
receipts handed out unsealed sealed afterwards; issued documents revoked by a leader but kept (R-RES-1, R-RES-2)."""

from __future__ import annotations

import os
import stat

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.audit.models import AuditEvent
from motcua.dossiers.storage import blob_path
from motcua.identity.models import OfficialRole
from motcua.identity.tests.factories import OfficialFactory
from motcua.notifications.models import InboxMessage
from motcua.signatures import issuing
from motcua.signatures.issuing import IssuingError, KeyError_
from motcua.signatures.models import AgencySigningKey, IssuedDocument
from motcua.signatures.selectors import unsealed_receipts
from motcua.workflow import services
from motcua.workflow.models import Decision

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(agency):
    return OfficialFactory(agency=agency, username="quantri.badinh", roles=[OfficialRole.Role.AGENCY_ADMIN])


@pytest.fixture
def p12(pki_dir):
    return lambda name: (pki_dir / f"{name}.p12").read_bytes()


def install(agency, admin, data, env, **kw):
    return issuing.signing_key_install(agency=agency, p12=data, password_env=env, actor=admin, **kw)


def codes(error) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in error.value.problems}


def test_an_installed_key_keeps_the_file_private_and_the_password_nowhere_R_RES_1(
    agency, admin, p12, seal_password, settings
):
    key = install(agency, admin, p12("agency-seal"), seal_password)
    assert key.active and key.subject and len(key.fingerprint_sha256) == 64 and key.created_by == admin
    assert stat.S_IMODE(os.stat(key.p12_path).st_mode) == 0o600
    password = os.environ[seal_password]
    stored = [str(v) for v in AgencySigningKey.objects.values().get(pk=key.pk).values()]
    audit = AuditEvent.objects.get(action="signatures.key_installed")
    assert password not in " ".join(stored) and password not in str(audit.data)
    assert audit.data["password_env"] == seal_password and audit.actor_id == admin.pk


def test_a_new_key_replaces_the_active_one_of_the_same_holder_only(agency, admin, leader, p12, seal_password):
    seal = install(agency, admin, p12("agency-seal"), seal_password)
    personal = install(agency, admin, p12("official-leader"), seal_password, holder=leader)
    again = install(agency, admin, p12("agency-seal"), seal_password)
    seal.refresh_from_db()
    personal.refresh_from_db()
    assert not seal.active and again.active and personal.active


def test_every_problem_is_reported_at_once_and_nothing_is_installed(
    agency, other_agency, admin, p12, seal_password, settings
):
    stranger = OfficialFactory(agency=other_agency, username="cb.sotuphap", roles=[OfficialRole.Role.LEADER])
    with pytest.raises(KeyError_) as error:
        install(agency, admin, p12("agency-seal"), "MOTCUA_NOT_SET_ANYWHERE", holder=stranger)
    assert codes(error) == {("holder", "other_agency"), ("password_env", "unset")}
    with pytest.raises(KeyError_) as error:
        install(agency, admin, b"", "mat khau 123")
    assert codes(error) == {("p12", "required"), ("password_env", "invalid")}
    assert not AgencySigningKey.objects.exists()
    assert not (settings.MOTCUA_KEYS_DIR.exists() and any(settings.MOTCUA_KEYS_DIR.iterdir()))


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("signer-expired", "expired"),
        ("signer-bad-usage", "key_usage"),
        ("signer-weak-rsa", "weak_key"),
        ("signer-sha1", "sha1"),
    ],
)
def test_a_certificate_that_cannot_seal_is_refused_with_its_reason_R_SIG_2(
    agency, admin, p12, seal_password, name, code
):
    with pytest.raises(KeyError_) as error:
        install(agency, admin, p12(name), seal_password)
    assert ("p12", code) in codes(error)
    assert all(p.message for p in error.value.problems)
    assert not AgencySigningKey.objects.exists()


def test_a_broken_file_or_a_wrong_password_says_so(agency, admin, p12, seal_password, monkeypatch):
    with pytest.raises(KeyError_, match="Không mở được tệp PKCS#12"):
        install(agency, admin, b"0\x82\x00not a pkcs12", seal_password)
    monkeypatch.setenv(seal_password, "sai-mat-khau")
    with pytest.raises(KeyError_, match="sai mật khẩu"):
        install(agency, admin, p12("agency-seal"), seal_password)


@pytest.mark.parametrize("who", ["other_admin", "receptionist", "leader"])
def test_only_the_agencys_administrator_installs_or_deactivates_its_keys(
    agency, other_agency, p12, seal_password, seal_key, receptionist, leader, who
):
    actor = {
        "other_admin": OfficialFactory(
            agency=other_agency, username="qt.sotuphap", roles=[OfficialRole.Role.AGENCY_ADMIN]
        ),
        "receptionist": receptionist,
        "leader": leader,
    }[who]
    with pytest.raises(KeyError_):
        install(agency, actor, p12("agency-seal"), seal_password)
    with pytest.raises(KeyError_):
        issuing.signing_key_deactivate(key=seal_key, actor=actor)
    assert AgencySigningKey.objects.get().active


def test_deactivating_keeps_the_key_on_record_and_is_audited_once(seal_key, admin):
    issuing.signing_key_deactivate(key=seal_key, actor=admin)
    issuing.signing_key_deactivate(key=seal_key, actor=admin)
    seal_key.refresh_from_db()
    assert not seal_key.active
    assert AuditEvent.objects.filter(action="signatures.key_deactivated").count() == 1


# -- receipts sealed afterwards --------------------------------------------------------------------------


def test_receipts_accepted_without_a_key_are_sealed_later_once_R_RES_1(
    submit, procedure, receptionist, agency, admin, p12, seal_password, client, citizen
):
    dossiers = [submit(procedure) for _ in range(2)]
    for dossier in dossiers:
        services.accept(dossier=dossier, official=receptionist)
    assert unsealed_receipts(agency=agency).count() == 2
    with pytest.raises(IssuingError, match="chưa có khóa ký số"):
        issuing.receipts_seal_unsealed(agency=agency, actor=admin)

    install(agency, admin, p12("agency-seal"), seal_password)
    assert issuing.receipts_seal_unsealed(agency=agency, actor=admin) == (2, 0)
    assert issuing.receipts_seal_unsealed(agency=agency, actor=admin) == (0, 0)  # idempotent
    receipts = IssuedDocument.objects.filter(kind=IssuedDocument.Kind.RECEIPT)
    assert receipts.count() == 2 and {r.dossier for r in receipts} == set(dossiers)
    decision = Decision.objects.get(dossier=dossiers[0], kind=Decision.Kind.ACCEPT)
    assert "seal_error" not in decision.data

    client.force_login(citizen)
    served = client.get(reverse("portal:decision_pdf", args=[dossiers[0].public_id, decision.pk])).content
    assert served == blob_path(receipts.get(decision=decision).sha256).read_bytes()  # the sealed bytes
    assert AuditEvent.objects.filter(action="signatures.receipts_sealed_later").count() == 2


def test_only_the_agencys_administrator_seals_receipts_later(agency, seal_key, leader):
    with pytest.raises(KeyError_):
        issuing.receipts_seal_unsealed(agency=agency, actor=leader)


# -- revocation (R-RES-2) ----------------------------------------------------------------------------------


def test_a_leader_revokes_a_result_which_stays_stored_and_the_applicant_is_told_R_RES_2(
    issued_result, leader, citizen
):
    issuing.document_revoke(
        document=issued_result, official=leader, reason="Ghi sai năm sinh", ground="error"
    )
    issued_result.refresh_from_db()
    assert (
        issued_result.revoked_at
        and issued_result.revoked_by == leader
        and issued_result.revoked_ground == "error"
    )
    assert blob_path(issued_result.sha256).exists()
    message = InboxMessage.objects.filter(user=citizen).latest("id")
    assert "thu hồi" in message.subject and "Ghi sai năm sinh" in message.body
    audit = AuditEvent.objects.get(action="signatures.document_revoked")
    assert audit.actor_id == leader.pk and audit.object_id == issued_result.token
    again = issuing.document_revoke(
        document=issued_result, official=leader, reason="Lần nữa", ground="replaced"
    )
    assert again.revoked_ground == "error"  # revoking twice changes nothing


def test_revocation_needs_a_public_ground_and_a_reason_both_said_at_once(issued_result, leader):
    with pytest.raises(IssuingError) as error:
        issuing.document_revoke(document=issued_result, official=leader, reason=" ", ground="bịa")
    assert codes(error) == {("ground", "required"), ("reason", "required")}
    issued_result.refresh_from_db()
    assert issued_result.revoked_at is None


def test_the_applicant_sees_a_revoked_result_and_receipt_marked_on_the_dossier_page_R_RES_2(
    issued_result, leader, citizen, client
):
    """Beside each link: the tag, when, the public ground and the leader's reason (the notification already
    told the applicant that reason; the public page gets the ground only). The files still download."""
    dossier = issued_result.dossier
    client.force_login(citizen)
    page_url = reverse("portal:dossier_detail", args=[dossier.public_id])
    assert "Đã bị thu hồi" not in client.get(page_url).content.decode()

    issuing.document_revoke(
        document=issued_result, official=leader, reason="Ghi sai năm sinh", ground="error"
    )
    issued_result.refresh_from_db()
    body = client.get(page_url).content.decode()
    results_section = body.split('id="ket-qua"')[1].split("</ul>")[0]
    assert "Đã bị thu hồi" in results_section and "Ghi sai năm sinh" in results_section
    assert timezone.localtime(issued_result.revoked_at).strftime("%H:%M %d/%m/%Y") in results_section
    assert "Văn bản có sai sót về nội dung hoặc thể thức" in results_section
    assert body.count("Đã bị thu hồi") == 1 and leader.display_name not in body  # the receipt is still valid

    receipt = IssuedDocument.objects.get(dossier=dossier, kind=IssuedDocument.Kind.RECEIPT)
    issuing.document_revoke(document=receipt, official=leader, reason="Cấp nhầm giấy hẹn", ground="replaced")
    body = client.get(page_url).content.decode()
    assert body.count("Đã bị thu hồi") == 2 and "Văn bản đã được thay thế bằng văn bản khác" in body
    assert body.index("Cấp nhầm giấy hẹn") > body.index("Tải giấy tiếp nhận hồ sơ và hẹn trả kết quả")

    served = client.get(reverse("portal:dossier_result", args=[dossier.public_id, issued_result.result_id]))
    assert (
        served.status_code == 200
        and b"".join(served.streaming_content) == blob_path(issued_result.sha256).read_bytes()
    )
    served = client.get(reverse("portal:decision_pdf", args=[dossier.public_id, receipt.decision_id]))
    assert served.status_code == 200 and served.content == blob_path(receipt.sha256).read_bytes()


@pytest.mark.parametrize("who", ["receptionist", "specialist", "other_leader"])
def test_only_a_leader_of_the_issuing_agency_revokes_R_RES_2(
    issued_result, receptionist, specialist, other_agency, who
):
    actor = {
        "receptionist": receptionist,
        "specialist": specialist,
        "other_leader": OfficialFactory(
            agency=other_agency, username="ld.sotuphap", roles=[OfficialRole.Role.LEADER]
        ),
    }[who]
    with pytest.raises(IssuingError, match="Chỉ lãnh đạo"):
        issuing.document_revoke(document=issued_result, official=actor, reason="Cấp nhầm", ground="error")
    issued_result.refresh_from_db()
    assert issued_result.revoked_at is None
