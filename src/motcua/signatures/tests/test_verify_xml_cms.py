"""XML signatures (XMLDSig, XAdES-BES) and detached CMS (.p7s) (R-SIG-1, R-SIG-2)."""

import pytest

from motcua.signatures import testing, verify
from motcua.signatures.report import CheckKind, Verdict

pytestmark = pytest.mark.usefixtures("trust_store", "cached_crls")

DOSSIER_XML = '<HoSo Id="hs1"><HoTen>Nguyễn Văn An</HoTen><SoCCCD>001090012345</SoCCCD></HoSo>'.encode()


def verify_xml(tmp_path, data):
    path = tmp_path / "to-khai.xml"
    path.write_bytes(data)
    return verify.verify_file(path, content_type="application/xml")


def test_r_sig_1_valid_xmldsig(tmp_path, pki_dir):
    report = verify_xml(tmp_path, testing.sign_xml(DOSSIER_XML, pki_dir))
    assert report.format == "xml"
    assert report.verdict == Verdict.VALID
    assert report.signatures[0].signer_id == "CCCD:001090012345"


def test_r_sig_1_valid_xades_bes(tmp_path, pki_dir):
    report = verify_xml(tmp_path, testing.sign_xml(b"<HoSo><HoTen>An</HoTen></HoSo>", pki_dir, xades=True))
    assert report.verdict == Verdict.VALID
    assert report.signatures[0].signing_time is not None  # XAdES SigningTime


def test_r_sig_1_xml_modified_after_signing_is_invalid(tmp_path, pki_dir):
    signed = testing.sign_xml(DOSSIER_XML, pki_dir)
    report = verify_xml(tmp_path, signed.replace(b"001090012345", b"001090099999"))
    assert (report.verdict, report.reason) == (Verdict.INVALID, "digest_mismatch")


def test_r_sig_1_xml_signature_wrapping_attack_is_detected(tmp_path, pki_dir):
    """The signature still verifies over the moved original; the root the application reads is the forgery."""
    signed = testing.sign_xml(DOSSIER_XML, pki_dir)
    forged = '<HoSo Id="hs2"><HoTen>Kẻ Giả Mạo</HoTen><SoCCCD>001090099999</SoCCCD></HoSo>'.encode()
    report = verify_xml(tmp_path, testing.wrap_xml(signed, forged))
    assert (report.verdict, report.reason) == (Verdict.INVALID, "wrapped_element")
    assert report.signatures[0].check(CheckKind.COVERAGE).reason == "wrapped_element"


def test_r_sig_2_xml_signed_with_a_weak_key_is_invalid(tmp_path, pki_dir):
    report = verify_xml(tmp_path, testing.sign_xml(DOSSIER_XML, pki_dir, "signer-weak-rsa"))
    assert (report.verdict, report.reason) == (Verdict.INVALID, "weak_key")


@pytest.mark.parametrize(
    "data", [b"", b"<HoSo>", b"<!DOCTYPE x [<!ENTITY a SYSTEM 'file:///etc/passwd'>]><x>&a;</x>"]
)
def test_broken_or_hostile_xml_is_a_report(tmp_path, data):
    report = verify_xml(tmp_path, data)
    assert report.verdict in (Verdict.INVALID, Verdict.NONE)


def write_p7s(tmp_path, pki_dir, content, signed_content=None, signer="signer-citizen"):
    document = tmp_path / "giay-to.pdf"
    document.write_bytes(content)
    signature = tmp_path / "giay-to.pdf.p7s"
    signature.write_bytes(testing.sign_cms(signed_content or content, pki_dir, signer))
    return signature, document


def test_r_sig_1_detached_cms_over_its_file_is_valid(tmp_path, pki_dir):
    signature, document = write_p7s(tmp_path, pki_dir, b"noi dung giay to")
    report = verify.verify_file(
        signature, content_type="application/pkcs7-signature", detached_content=document
    )
    assert report.format == "cms"
    assert report.verdict == Verdict.VALID
    assert report.signatures[0].signer_name == "Nguyễn Văn An"


def test_r_sig_1_detached_cms_not_matching_its_file_is_invalid(tmp_path, pki_dir):
    signature, document = write_p7s(tmp_path, pki_dir, b"noi dung khac", signed_content=b"noi dung giay to")
    report = verify.verify_file(
        signature, content_type="application/pkcs7-signature", detached_content=document
    )
    assert (report.verdict, report.reason) == (Verdict.INVALID, "detached_mismatch")


def test_corrupt_p7s_is_corrupt(tmp_path):
    signature = tmp_path / "x.p7s"
    signature.write_bytes(b"0\x82\x01\x00garbage")
    document = tmp_path / "x.pdf"
    document.write_bytes(b"x")
    report = verify.verify_file(
        signature, content_type="application/pkcs7-signature", detached_content=document
    )
    assert (report.verdict, report.reason) == (Verdict.INVALID, "corrupt")
