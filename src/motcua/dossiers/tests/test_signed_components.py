"""Signed components at submission (R-SIG-1, R-SIG-3, R-SIG-4) and the ban on asking for their paper (R-PROH-2).

The files are signed with the demo PKI, whose root is in the trust store; the CRLs are in the revocation
cache as if fetched, so nothing here goes to the network — except the test of unreachable revocation
servers, which uses the loopback PKI services (`pki_services`) with their CRL and OCSP switched off.
"""

import pytest

from motcua.dossiers.models import DossierFile
from motcua.dossiers.services import DossierError, dossier_file_add, dossier_submit
from motcua.signatures import testing
from motcua.signatures.models import SignatureVerification

pytestmark = pytest.mark.usefixtures("trust_store", "cached_crls")


def add(draft, code, name, data):
    return dossier_file_add(
        dossier=draft, applicant=draft.applicant, component_code=code, original_name=name, chunks=[data]
    )


def signed(pki_dir, signer="signer-citizen", text="Bản cam kết"):
    return testing.sign_pdf(testing.make_pdf(text), pki_dir, signer)


def test_an_unsigned_file_for_a_component_that_must_be_signed_is_refused_at_once(signed_draft):
    """R-SIG-1: a required signature that is missing is refused at upload, with how to fix it."""
    with pytest.raises(DossierError) as error:
        add(signed_draft, "cam_ket", "cam-ket.pdf", testing.make_pdf("Chưa ký"))

    (problem,) = error.value.problems
    assert problem.field == "component.cam_ket"
    assert "phải được ký số" in problem.message and "cam-ket.pdf" in problem.message
    assert not signed_draft.files.exists()


def test_a_validly_signed_file_is_kept_with_its_verification_as_evidence(signed_draft, pki_dir):
    """R-SIG-4: the report, with the certificates it rested on, is kept beside the file."""
    attached = add(signed_draft, "cam_ket", "cam-ket.pdf", signed(pki_dir))

    verification = SignatureVerification.objects.get(stored_file=attached.stored_file)
    report = verification.parsed
    assert verification.verdict == "valid"
    assert report.signatures[0].signer_name == "Nguyễn Văn An"
    assert report.signatures[0].signer_id == "CCCD:001090012345"
    assert len(report.evidence.certificates) >= 2  # the signer and its CA at least


def test_a_file_signed_with_a_revoked_certificate_is_refused_with_the_reason(signed_draft, pki_dir):
    """R-SIG-1: revocation (the CRL of the demo CA lists the certificate)."""
    with pytest.raises(DossierError) as error:
        add(signed_draft, "cam_ket", "cam-ket.pdf", signed(pki_dir, "signer-revoked"))

    assert "thu hồi" in error.value.problems[0].message
    assert not signed_draft.files.exists()


def test_a_signature_from_a_ca_outside_the_trust_store_is_refused(signed_draft, tmp_path):
    """R-SIG-1: the trust path must end at a recognised CA; a self-made root proves nothing."""
    from motcua.signatures import pki

    pki.write_demo_pki(pki.build_demo_pki(), tmp_path)  # same names, a different self-made root

    with pytest.raises(DossierError) as error:
        add(signed_draft, "cam_ket", "cam-ket.pdf", signed(tmp_path))

    assert "không do tổ chức cung cấp dịch vụ chứng thực" in error.value.problems[0].message
    assert not signed_draft.files.exists()


@pytest.mark.usefixtures("online_trust_store")
def test_a_file_whose_revocation_could_not_be_checked_is_accepted_for_the_official_to_decide(
    signed_draft, pki_services, settings
):
    """The CA's revocation server being down is not the applicant's fault: the file is kept, undecided.

    Signed with the PKI of the loopback services, whose CRL and OCSP servers are switched off (R-SIG-1)."""
    settings.MOTCUA_REVOCATION_POLICY = "hard"
    settings.MOTCUA_REVOCATION_TIMEOUT = 1
    pki_services.set_mode("crl", "down")
    pki_services.set_mode("ocsp", "down")

    attached = add(signed_draft, "cam_ket", "cam-ket.pdf", signed(pki_services.folder))

    verification = SignatureVerification.objects.get(stored_file=attached.stored_file)
    assert verification.verdict == "indeterminate"
    assert verification.parsed.reason == "revocation_unavailable"
    assert pki_services.hits["crl"] and pki_services.hits["ocsp"]  # it did ask, and got no answer


def test_a_certified_copy_needs_the_seal_of_an_organisation_not_a_personal_signature(signed_draft, pki_dir):
    with pytest.raises(DossierError) as error:
        add(signed_draft, "ban_sao", "ban-sao.pdf", signed(pki_dir, "signer-citizen", "Bản sao"))
    assert "chữ ký số cá nhân" in error.value.problems[0].message

    attached = add(signed_draft, "ban_sao", "ban-sao.pdf", signed(pki_dir, "agency-seal", "Bản sao"))
    assert attached.component.code == "ban_sao"


def test_an_unsigned_file_where_no_signature_is_asked_costs_no_verification(signed_draft):
    attached = add(signed_draft, "don", "don.pdf", testing.make_pdf("Đơn"))

    assert not SignatureVerification.objects.filter(stored_file=attached.stored_file).exists()


def test_a_signed_file_where_no_signature_is_asked_is_verified_and_kept_even_if_invalid(
    signed_draft, pki_dir
):
    """R-SIG-1: "components that are signed … are verified"; only a required signature can refuse a file."""
    attached = add(signed_draft, "don", "don.pdf", signed(pki_dir, "signer-expired", "Đơn"))

    assert SignatureVerification.objects.get(stored_file=attached.stored_file).verdict == "invalid"


def test_a_detached_signature_covers_its_file_and_a_wrong_one_stops_the_submission(signed_draft, pki_dir):
    """R-SIG-1, detached CMS: the .p7s is verified against the file beside it, at submission."""
    add(signed_draft, "don", "don.pdf", testing.make_pdf("Đơn"))
    add(signed_draft, "cam_ket", "cam-ket.pdf", signed(pki_dir))
    content = testing.make_pdf("Văn bản ký tách rời")
    add(signed_draft, "ky_rieng", "van-ban.pdf", content)
    wrong = add(signed_draft, "ky_rieng", "van-ban.pdf.p7s", testing.sign_cms(b"something else", pki_dir))

    with pytest.raises(DossierError) as error:
        dossier_submit(dossier=signed_draft, applicant=signed_draft.applicant)
    assert [p.field for p in error.value.problems] == ["component.ky_rieng"]
    assert "van-ban.pdf" in error.value.problems[0].message

    DossierFile.objects.filter(pk=wrong.pk).delete()
    add(signed_draft, "ky_rieng", "van-ban.pdf.p7s", testing.sign_cms(content, pki_dir))
    ack = dossier_submit(dossier=signed_draft, applicant=signed_draft.applicant)
    assert ack.dossier.status == "submitted"


def test_a_supplement_may_not_ask_for_the_paper_of_a_validly_signed_component(
    signed_draft, pki_dir, receptionist
):
    """R-PROH-2 / R-SUP-7: no paper for what was digitally signed; a new electronic file may be asked."""
    from motcua.workflow.services import SupplementItem, WorkflowError, request_supplement

    add(signed_draft, "don", "don.pdf", testing.make_pdf("Đơn"))
    add(signed_draft, "cam_ket", "cam-ket.pdf", signed(pki_dir))
    dossier = dossier_submit(dossier=signed_draft, applicant=signed_draft.applicant).dossier

    with pytest.raises(WorkflowError) as error:
        request_supplement(
            dossier=dossier,
            official=receptionist,
            items=[SupplementItem("component.cam_ket", "Mang bản giấy có chữ ký tay đến để đối chiếu.")],
        )
    assert "đã được ký số hợp lệ" in error.value.problems[0].message
    dossier.refresh_from_db()
    assert dossier.status == "submitted"

    request_supplement(
        dossier=dossier,
        official=receptionist,
        items=[
            SupplementItem("component.cam_ket", "Cam kết ghi sai địa chỉ công trình: ký số lại bản đúng.")
        ],
    )
    dossier.refresh_from_db()
    assert dossier.status == "supplement_requested"


def test_paper_may_still_be_asked_for_a_component_that_was_not_signed(signed_draft, pki_dir, receptionist):
    from motcua.workflow.services import SupplementItem, request_supplement

    add(signed_draft, "don", "don.pdf", testing.make_pdf("Đơn"))
    add(signed_draft, "cam_ket", "cam-ket.pdf", signed(pki_dir))
    dossier = dossier_submit(dossier=signed_draft, applicant=signed_draft.applicant).dossier

    request_supplement(
        dossier=dossier,
        official=receptionist,
        items=[SupplementItem("component.don", "Ảnh chụp mờ: nộp bản chụp rõ hoặc mang bản giấy đến.")],
    )
    dossier.refresh_from_db()
    assert dossier.status == "supplement_requested"


def stored(data: bytes):
    from motcua.dossiers import storage
    from motcua.dossiers.models import StoredFile

    blob = storage.store_chunks([data], max_bytes=len(data) + 1)
    return StoredFile.objects.get_or_create(
        sha256=blob.sha256, defaults={"size": blob.size, "content_type": "application/pdf"}
    )[0]


def test_a_file_reused_from_the_account_is_verified_like_an_upload(signed_draft, pki_dir):
    """R-SIG-1, R-SIG-3: a certified copy attached with "Dùng bản sao này" shows its verdict at once, and
    a file that does not meet the component's requirement is refused with the reason, as an upload is."""
    from motcua.dossiers.services import dossier_file_reuse

    def reuse(code, data, name):
        return dossier_file_reuse(
            dossier=signed_draft, applicant=signed_draft.applicant, component_code=code,
            stored_file=stored(data), original_name=name,
        )  # fmt: skip

    attached = reuse("ban_sao", signed(pki_dir, "signer-org", "Bản sao"), "ban-sao.pdf")

    verification = SignatureVerification.objects.get(stored_file=attached.stored_file)
    assert verification.verdict == "valid"
    assert verification.requested_by == signed_draft.applicant
    with pytest.raises(DossierError) as error:
        reuse("ban_sao", testing.make_pdf("Chưa chứng thực"), "khong-ky.pdf")
    assert "bản sao điện tử có chứng thực" in error.value.problems[0].message
    assert signed_draft.files.count() == 1
