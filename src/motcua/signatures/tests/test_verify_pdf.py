"""PDF signature verification (R-SIG-1, R-SIG-2, R-SIG-3, R-SIG-4), against the demo PKI, without network.

The demo CRLs sit in the revocation cache (`cached_crls`), as if fetched; the OCSP responder is absent,
which is fine because the CRLs answer for every certificate.
"""

import base64
import io

import pytest
from asn1crypto import x509 as asn1_x509
from reportlab.pdfgen.canvas import Canvas

from motcua.signatures import pki, testing, verify
from motcua.signatures.report import CheckKind, CheckStatus, Report, Verdict

pytestmark = pytest.mark.usefixtures("trust_store", "cached_crls")


@pytest.fixture(scope="module")
def form_pdf():
    return testing.make_pdf(with_form_field=True)


def check(result, kind):
    found = result.check(kind)
    assert found is not None, kind
    return found


def test_r_sig_1_valid_citizen_signature_names_the_signer(form_pdf, pki_dir):
    report = verify.verify_pdf_bytes(testing.sign_pdf(form_pdf, pki_dir, "signer-citizen"))

    assert report.verdict == Verdict.VALID
    [signature] = report.signatures
    assert signature.verdict == Verdict.VALID
    assert signature.signer_name == "Nguyễn Văn An"
    assert signature.signer_id == "CCCD:001090012345"
    assert signature.issuer_name.startswith("Motcua Demo Intermediate CA")
    assert signature.signing_time is not None
    assert check(signature, CheckKind.INTEGRITY).status == CheckStatus.OK
    assert check(signature, CheckKind.COVERAGE).params == {"scope": "entire_file"}
    assert check(signature, CheckKind.TRUST).status == CheckStatus.OK
    assert check(signature, CheckKind.REVOCATION).status == CheckStatus.OK
    # no RFC 3161 token: the time is the signer's claim, and the report says so
    assert check(signature, CheckKind.TIMESTAMP).reason == "no_timestamp"


def test_r_sig_1_valid_organisation_signature_carries_tax_code(form_pdf, pki_dir):
    [signature] = verify.verify_pdf_bytes(testing.sign_pdf(form_pdf, pki_dir, "signer-org")).signatures
    assert signature.verdict == Verdict.VALID
    assert signature.signer_id == "MST:0112345676"
    assert signature.organization == "Công ty TNHH Dịch vụ Mẫu Một Cửa"


def test_r_sig_4_evidence_holds_the_chain_and_the_crls_used(form_pdf, pki_dir, demo_pki):
    report = verify.verify_pdf_bytes(testing.sign_pdf(form_pdf, pki_dir))
    subjects = {
        asn1_x509.Certificate.load(base64.b64decode(c)).subject.native["common_name"]
        for c in report.evidence.certificates
    }
    assert {
        "Nguyễn Văn An",
        demo_pki.intermediate.certificate.subject.rfc4514_string().split("CN=")[1].split(",")[0],
    } <= subjects
    assert (
        len(report.evidence.crls) == 2
    )  # the intermediate's CRL for the signer, the root's for the intermediate
    assert Report.from_json(report.as_json()) == report


def test_r_sig_1_content_changed_after_signing_is_invalid(form_pdf, pki_dir):
    report = verify.verify_pdf_bytes(testing.change_content(testing.sign_pdf(form_pdf, pki_dir)))
    assert report.verdict == Verdict.INVALID
    assert report.reason == "modified_content"


def test_r_sig_1_form_filling_after_signing_is_allowed_and_shown(form_pdf, pki_dir):
    report = verify.verify_pdf_bytes(testing.fill_form_field(testing.sign_pdf(form_pdf, pki_dir)))
    assert report.verdict == Verdict.VALID
    [signature] = report.signatures
    assert check(signature, CheckKind.MODIFICATION).reason == "modified_form_filling"
    assert check(signature, CheckKind.COVERAGE).params == {"scope": "entire_revision"}


def test_r_sig_1_signature_over_part_of_the_file_only_is_invalid(form_pdf, pki_dir):
    signed = testing.sign_pdf(form_pdf, pki_dir)
    report = verify.verify_pdf_bytes(testing.shrink_byte_range(signed, pki_dir))
    assert report.verdict == Verdict.INVALID
    assert report.reason == "partial_coverage"
    # the signature itself is genuine over what it covers: the problem is coverage, not integrity
    assert check(report.signatures[0], CheckKind.INTEGRITY).status == CheckStatus.OK


def test_r_sig_1_signature_from_an_unknown_root_is_indeterminate(form_pdf, tmp_path_factory):
    other = tmp_path_factory.mktemp("other-pki")
    pki.write_demo_pki(pki.build_demo_pki(), other)  # same names, a different self-made root
    report = verify.verify_pdf_bytes(testing.sign_pdf(form_pdf, other))
    assert report.verdict == Verdict.INDETERMINATE
    assert report.reason == "untrusted"


def test_r_sig_1_certificate_expired_at_signing_time_is_invalid(form_pdf, pki_dir):
    report = verify.verify_pdf_bytes(testing.sign_pdf(form_pdf, pki_dir, "signer-expired"))
    assert report.verdict == Verdict.INVALID
    assert report.reason == "expired"
    assert report.reason_params["not_after"]


def test_r_sig_1_certificate_without_signing_key_usage_is_invalid(form_pdf, pki_dir):
    report = verify.verify_pdf_bytes(testing.sign_pdf(form_pdf, pki_dir, "signer-bad-usage"))
    assert report.verdict == Verdict.INVALID
    assert report.reason == "bad_key_usage"


def test_r_sig_1_revoked_before_signing_is_invalid(form_pdf, pki_dir):
    report = verify.verify_pdf_bytes(testing.sign_pdf(form_pdf, pki_dir, "signer-revoked"))
    assert report.verdict == Verdict.INVALID
    assert report.reason == "revoked"
    assert report.reason_params["revoked_at"]


def test_r_sig_2_certificate_signed_with_sha1_is_weak_hash_not_a_crash(form_pdf, pki_dir):
    """cryptography cannot verify SHA-1 signatures at all: the verdict must still be a clear weak_hash."""
    report = verify.verify_pdf_bytes(testing.sign_pdf(form_pdf, pki_dir, "signer-sha1"))
    assert report.verdict == Verdict.INVALID
    assert report.reason == "weak_hash"
    assert report.reason_params == {"algorithm": "SHA-1"}


def test_r_sig_2_sha1_digest_in_the_signature_is_weak_hash(form_pdf, pki_dir):
    report = verify.verify_pdf_bytes(testing.sign_pdf(form_pdf, pki_dir, md_algorithm="sha1"))
    assert report.verdict == Verdict.INVALID
    assert report.reason == "weak_hash"


def test_r_sig_2_rsa_1024_key_is_weak_key(form_pdf, pki_dir):
    report = verify.verify_pdf_bytes(testing.sign_pdf(form_pdf, pki_dir, "signer-weak-rsa"))
    assert report.verdict == Verdict.INVALID
    assert (report.reason, report.reason_params) == ("weak_key", {"algorithm": "RSA", "bits": 1024})


def test_two_signatures_are_both_reported(form_pdf, pki_dir):
    signed = testing.sign_pdf(testing.sign_pdf(form_pdf, pki_dir, "signer-citizen"), pki_dir, "signer-org")
    report = verify.verify_pdf_bytes(signed)
    assert report.verdict == Verdict.VALID
    assert [s.signer_id for s in report.signatures] == ["CCCD:001090012345", "MST:0112345676"]
    # the first signature sees the second as an allowed later change
    assert check(report.signatures[0], CheckKind.MODIFICATION).reason == "modified_form_filling"


def test_two_signatures_one_bad_makes_the_file_invalid(form_pdf, pki_dir):
    signed = testing.sign_pdf(
        testing.sign_pdf(form_pdf, pki_dir, "signer-citizen"), pki_dir, "signer-weak-rsa"
    )
    report = verify.verify_pdf_bytes(signed)
    assert [s.verdict for s in report.signatures] == [Verdict.VALID, Verdict.INVALID]
    assert (report.verdict, report.reason) == (Verdict.INVALID, "weak_key")


def test_corrupt_cms_is_reported_as_corrupt(form_pdf, pki_dir):
    report = verify.verify_pdf_bytes(testing.corrupt_signature(testing.sign_pdf(form_pdf, pki_dir)))
    assert report.verdict == Verdict.INVALID
    assert report.reason == "corrupt"


def test_encrypted_pdf_cannot_be_checked():
    buffer = io.BytesIO()
    canvas = Canvas(buffer, encrypt="mat-khau")
    canvas.drawString(72, 720, "bi mat")
    canvas.save()
    report = verify.verify_pdf_bytes(buffer.getvalue())
    assert (report.verdict, report.reason) == (Verdict.INDETERMINATE, "encrypted")


def test_unsigned_pdf_has_no_signature(form_pdf):
    report = verify.verify_pdf_bytes(form_pdf)
    assert (report.verdict, report.reason) == (Verdict.NONE, "no_signature")


@pytest.mark.parametrize(
    "data", [b"", b"%PDF-1.7\n garbage", b"\x00" * 100, b"%PDF-1.4\n1 0 obj << /Length 99999999 >>"]
)
def test_garbage_is_a_report_never_an_exception(data):
    report = verify.verify_pdf_bytes(data)
    assert report.verdict in (Verdict.INVALID, Verdict.NONE)
