"""What the agency issues is sealed, stored once and served as stored (R-RES-1, R-FORM-3)."""

from __future__ import annotations

import io

import pytest
from cryptography.hazmat.primitives import hashes
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from motcua.dossiers.models import Dossier
from motcua.dossiers.storage import blob_path
from motcua.signatures.models import AgencySigningKey, IssuedDocument
from motcua.signatures.sealing import SealingError, seal_pdf
from motcua.signatures.verify import verify_pdf_bytes
from motcua.workflow import services
from motcua.workflow.documents import decision_document
from motcua.workflow.models import Decision, ProcessingStep, ResultDocument
from motcua.workflow.services import WorkflowError

pytestmark = pytest.mark.django_db


def signatures(data: bytes):
    return PdfFileReader(io.BytesIO(data)).embedded_signatures


def fingerprint(issued) -> bytes:
    return issued.certificate.fingerprint(hashes.SHA256())


def assert_valid(signature) -> None:
    status = validate_pdf_signature(signature)
    assert status.intact and status.valid


@pytest.fixture
def sealing_required(settings):
    settings.MOTCUA_SEAL_REQUIRED = True


@pytest.fixture
def accepted(submit, procedure, receptionist):
    dossier = submit(procedure)
    services.accept(dossier=dossier, official=receptionist)
    dossier.refresh_from_db()
    return dossier


@pytest.fixture
def approved(accepted, specialist, leader, pdf_bytes):
    services.assign(dossier=accepted, official=leader, assignee=specialist)
    services.attach_result(dossier=accepted, official=specialist, original_name="kq.pdf", chunks=[pdf_bytes])
    services.submit_for_approval(dossier=accepted, official=specialist)
    return accepted


def test_receipt_is_sealed_at_acceptance_and_its_qr_code_opens_its_verification_page_R_RES_1_R_FORM_3(
    seal_key, accepted, demo_pki, client, citizen
):
    receipt = IssuedDocument.objects.get(dossier=accepted, kind=IssuedDocument.Kind.RECEIPT)
    assert receipt.dossier_code == accepted.code and receipt.seal_key == seal_key
    decision = Decision.objects.get(dossier=accepted, kind=Decision.Kind.ACCEPT)
    header = decision_document(decision, verification_token=receipt.token).header
    assert header.verification_url.endswith(f"/xac-thuc/{receipt.token}/")

    client.force_login(citizen)
    url = reverse("portal:decision_pdf", args=[accepted.public_id, decision.pk])
    first, second = client.get(url).content, client.get(url).content
    assert first == second  # served as stored, not rendered again (R-RES-1)
    (signature,) = signatures(first)
    assert signature.signer_cert.sha256 == fingerprint(demo_pki["agency-seal"])
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert_valid(signature)


def test_acceptance_without_a_key_still_stands_and_says_why_the_receipt_is_unsealed(
    sealing_required, submit, procedure, receptionist
):
    dossier = submit(procedure)
    decision = services.accept(dossier=dossier, official=receptionist)
    assert Dossier.objects.get(pk=dossier.pk).status == Dossier.Status.PROCESSING
    assert not IssuedDocument.objects.filter(dossier=dossier).exists()
    assert "chưa có khóa ký số" in Decision.objects.get(pk=decision.pk).data["seal_error"]


def test_result_is_sealed_when_issued_and_every_download_serves_the_same_sealed_bytes_R_RES_1(
    seal_key, approved, specialist, leader, citizen, client, demo_pki, pdf_bytes
):
    services.approve(dossier=approved, official=leader)
    services.issue_result(dossier=approved, official=specialist)
    result = ResultDocument.objects.select_related("stored_file", "draft_file").get(dossier=approved)
    issued = IssuedDocument.objects.get(result=result)
    assert result.stored_file == issued.stored_file and result.draft_file.size == len(pdf_bytes)
    assert issued.kind == "result" and issued.document_code == result.code

    client.force_login(citizen)
    url = reverse("portal:dossier_result", args=[approved.public_id, result.pk])
    first = b"".join(client.get(url).streaming_content)
    assert first == b"".join(client.get(url).streaming_content)
    (signature,) = signatures(first)
    assert signature.signer_cert.sha256 == fingerprint(demo_pki["agency-seal"])
    assert_valid(signature)
    rect = [float(v) for v in signature.sig_field["/Rect"]]
    assert rect[2] - rect[0] > 100 and rect[3] - rect[1] > 30  # a visible block, not an invisible field


def test_a_leader_who_signs_on_approval_and_the_seal_make_two_signatures(
    seal_key, leader_key, approved, specialist, leader, demo_pki, trust_store, cached_crls
):
    services.approve(dossier=approved, official=leader, sign=True)
    services.issue_result(dossier=approved, official=specialist)
    result = ResultDocument.objects.select_related("stored_file").get(dossier=approved)
    assert result.leader_signed_by == leader
    data = blob_path(result.stored_file.sha256).read_bytes()
    first, second = signatures(data)
    assert first.signer_cert.sha256 == fingerprint(demo_pki["official-leader"])
    assert second.signer_cert.sha256 == fingerprint(demo_pki["agency-seal"])
    for signature in (first, second):
        assert_valid(signature)
    report = verify_pdf_bytes(
        data
    )  # the engine agrees: both valid, the seal's update allowed after the first
    assert report.verdict == "valid" and [r.verdict for r in report.signatures] == ["valid", "valid"]
    assert IssuedDocument.objects.get(result=result).leader_name == leader.display_name


def test_a_leader_without_a_personal_key_is_told_so_and_the_approval_waits(seal_key, approved, leader):
    with pytest.raises(WorkflowError, match="chưa có khóa ký số cá nhân"):
        services.approve(dossier=approved, official=leader, sign=True)
    assert ProcessingStep.objects.get(dossier=approved, handed_over_at=None).kind == "approval"


def test_without_the_agency_key_no_result_is_issued_and_the_official_is_told_why_R_RES_1(
    sealing_required, approved, specialist, leader, client
):
    services.approve(dossier=approved, official=leader)
    client.force_login(specialist)
    response = client.post(
        reverse("backoffice:dossier_act", args=[approved.public_id]), {"action": "issue_result"}
    )
    assert response.status_code == 400
    assert "chưa có khóa ký số" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == Dossier.Status.PROCESSING  # nothing issued, nothing lost: issue again later
    assert ProcessingStep.objects.get(dossier=approved, handed_over_at=None).kind == "result"


def test_a_key_whose_password_variable_is_unset_gives_a_clear_message(seal_key, agency, monkeypatch):
    monkeypatch.delenv(seal_key.password_env)
    with pytest.raises(SealingError, match=seal_key.password_env):
        seal_pdf(b"%PDF-1.4", agency=agency, purpose="result")


def test_a_pkcs11_key_is_configuration_only_here_and_says_what_is_missing(agency):
    AgencySigningKey.objects.create(
        agency=agency, kind="pkcs11", label="HSM", pkcs11_module="/usr/lib/softhsm/libsofthsm2.so"
    )
    with pytest.raises(SealingError, match="PKCS#11"):
        seal_pdf(b"%PDF-1.4", agency=agency, purpose="result")


def test_an_agency_admin_of_another_agency_cannot_install_a_key(agency, other_agency, pki_dir, seal_password):
    from motcua.identity.models import OfficialRole
    from motcua.identity.tests.factories import OfficialFactory
    from motcua.signatures.issuing import KeyError_, signing_key_install

    admin = OfficialFactory(agency=other_agency, username="qt.test", roles=[OfficialRole.Role.AGENCY_ADMIN])
    p12 = (pki_dir / "agency-seal.p12").read_bytes()
    with pytest.raises(KeyError_):
        signing_key_install(agency=agency, p12=p12, password_env=seal_password, actor=admin)
    key = signing_key_install(agency=other_agency, p12=p12, password_env=seal_password, actor=admin)
    assert len(key.fingerprint_sha256) == 64 and "CN=" in key.subject and key.not_after
