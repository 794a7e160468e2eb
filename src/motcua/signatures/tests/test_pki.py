import datetime as dt
import io
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.management import call_command

from motcua.signatures import pki
from motcua.signatures.management.commands import make_demo_pki


def subject_value(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    return str(cert.subject.get_attributes_for_oid(oid)[0].value)


def test_every_certificate_chains_to_the_demo_root(demo_pki):
    """R-SIG-1: a trust path exists — each certificate is signed by its issuer's key."""
    root = demo_pki.root.certificate
    root.verify_directly_issued_by(root)
    demo_pki.intermediate.certificate.verify_directly_issued_by(root)
    intermediate = demo_pki.intermediate.certificate
    for name, issued in demo_pki.end_entities.items():
        cert = issued.certificate
        if name == "signer-sha1":
            # cryptography refuses SHA-1 in verify_directly_issued_by; check the same things by hand.
            assert cert.issuer == intermediate.subject
            intermediate.public_key().verify(
                cert.signature,
                cert.tbs_certificate_bytes,
                padding.PKCS1v15(),
                hashes.SHA1(),  # noqa: S303
            )
        else:
            cert.verify_directly_issued_by(intermediate)


def test_an_end_entity_is_not_signed_by_the_root_directly(demo_pki):
    with pytest.raises(ValueError):
        demo_pki["signer-citizen"].certificate.verify_directly_issued_by(demo_pki.root.certificate)


def test_only_the_expired_signer_is_outside_its_validity_window_now(demo_pki):
    """R-SIG-1: validity at signing time — the expired signer cannot be valid for a signature made today."""
    now = dt.datetime.now(dt.UTC)
    for name in (pki.ROOT, pki.INTERMEDIATE, *pki.SIGNERS):
        cert = demo_pki[name].certificate
        inside = cert.not_valid_before_utc <= now <= cert.not_valid_after_utc
        assert inside is (name != "signer-expired"), name
    assert demo_pki["signer-expired"].certificate.not_valid_after_utc < now


def test_key_usages_allow_signing_except_for_the_wrong_usage_signer(demo_pki):
    for name in pki.SIGNERS:
        usage = demo_pki[name].certificate.extensions.get_extension_for_class(x509.KeyUsage)
        assert usage.critical
        can_sign = usage.value.digital_signature and usage.value.content_commitment
        assert can_sign is (name != "signer-bad-usage"), name
        assert not usage.value.key_cert_sign
    for name in (pki.ROOT, pki.INTERMEDIATE):
        cert = demo_pki[name].certificate
        assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign


def test_the_crl_lists_the_revoked_signer_and_is_signed_by_the_intermediate(demo_pki, pki_dir):
    """R-SIG-1: revocation — the intermediate's CRL names the revoked signer and no one else."""
    crl = x509.load_der_x509_crl((pki_dir / f"{pki.INTERMEDIATE}.crl").read_bytes())
    intermediate = demo_pki.intermediate.certificate
    assert crl.issuer == intermediate.subject
    assert crl.is_signature_valid(intermediate.public_key())
    assert not crl.is_signature_valid(demo_pki.root.certificate.public_key())
    revoked = demo_pki["signer-revoked"].certificate.serial_number
    assert crl.get_revoked_certificate_by_serial_number(revoked) is not None
    for name in set(pki.SIGNERS) - {"signer-revoked"}:
        assert crl.get_revoked_certificate_by_serial_number(demo_pki[name].certificate.serial_number) is None
    assert crl.next_update_utc > dt.datetime.now(dt.UTC)


def test_certificates_point_at_the_configurable_crl_and_ocsp_urls():
    demo = pki.build_demo_pki(base_url="http://127.0.0.1:9999/pki")
    cert = demo["signer-citizen"].certificate
    dp = cert.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    assert dp[0].full_name[0].value == "http://127.0.0.1:9999/pki/crl/intermediate-ca.crl"
    aia = cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess).value
    assert {d.access_location.value for d in aia} == {
        "http://127.0.0.1:9999/pki/ocsp",
        "http://127.0.0.1:9999/pki/certs/intermediate-ca.cer",
    }


def test_the_sha1_signer_is_signed_with_sha1_and_the_others_with_sha256(demo_pki):
    """R-SIG-2: the SHA-1 certificate exists so the verifier can reject it."""
    for name in (pki.ROOT, pki.INTERMEDIATE, *pki.SIGNERS):
        algorithm = demo_pki[name].certificate.signature_hash_algorithm
        expected = hashes.SHA1 if name == "signer-sha1" else hashes.SHA256
        assert isinstance(algorithm, expected), name


def test_only_the_weak_signer_has_an_rsa_key_below_2048_bits(demo_pki):
    """R-SIG-2: RSA >= 2048 bits; the 1024-bit key is there to be flagged."""
    for name in (pki.ROOT, pki.INTERMEDIATE, *pki.SIGNERS):
        key = demo_pki[name].certificate.public_key()
        assert isinstance(key, rsa.RSAPublicKey)
        assert key.key_size == (1024 if name == "signer-weak-rsa" else 2048), name


def test_subjects_carry_vietnamese_names_and_identity_numbers(demo_pki):
    citizen = demo_pki["signer-citizen"].certificate
    assert subject_value(citizen, NameOID.COMMON_NAME) == "Nguyễn Văn An"
    assert subject_value(citizen, NameOID.USER_ID) == "CCCD:001090012345"
    assert subject_value(citizen, NameOID.COUNTRY_NAME) == "VN"
    org = demo_pki["signer-org"].certificate
    assert subject_value(org, NameOID.USER_ID) == "MST:0112345676"
    assert subject_value(org, NameOID.ORGANIZATION_NAME)
    seal = demo_pki["agency-seal"].certificate
    assert subject_value(seal, NameOID.USER_ID).startswith("MST:")
    assert subject_value(seal, NameOID.ORGANIZATION_NAME) == "Ủy ban nhân dân phường Mẫu"


def test_pkcs12_opens_with_the_demo_password_and_carries_the_chain(demo_pki, pki_dir):
    data = (pki_dir / "signer-citizen.p12").read_bytes()
    bundle = pkcs12.load_pkcs12(data, pki.P12_PASSWORD.encode())
    assert bundle.cert is not None and bundle.key is not None
    assert bundle.cert.certificate == demo_pki["signer-citizen"].certificate
    assert bundle.key.public_key().public_numbers() == (
        demo_pki["signer-citizen"].certificate.public_key().public_numbers()
    )
    assert [c.certificate for c in bundle.additional_certs] == [
        demo_pki.intermediate.certificate,
        demo_pki.root.certificate,
    ]
    with pytest.raises(ValueError):
        pkcs12.load_pkcs12(data, b"wrong-password")


def test_the_folder_holds_every_expected_file_and_a_manifest(demo_pki, pki_dir):
    assert pki.is_complete(pki_dir)
    manifest = json.loads((pki_dir / "manifest.json").read_text())
    assert set(manifest["certificates"]) == {pki.ROOT, pki.INTERMEDIATE, *pki.SIGNERS}
    assert manifest["revoked_serials"] == [format(demo_pki["signer-revoked"].certificate.serial_number, "x")]
    chain = x509.load_pem_x509_certificates((pki_dir / "chain.pem").read_bytes())
    assert chain == [demo_pki.intermediate.certificate, demo_pki.root.certificate]


def test_make_demo_pki_writes_once_and_only_rewrites_with_force(demo_pki, tmp_path, monkeypatch):
    built = []

    def build(base_url):
        built.append(base_url)
        return demo_pki

    monkeypatch.setattr(make_demo_pki.pki, "build_demo_pki", build)
    folder = tmp_path / "pki"

    out = io.StringIO()
    call_command("make_demo_pki", "--out", str(folder), stdout=out)
    assert "Đã tạo bộ chứng thư thử nghiệm" in out.getvalue()
    assert "signer-revoked" in out.getvalue()
    assert pki.is_complete(folder)
    stamp = (folder / "signer-citizen.p12").stat().st_mtime_ns

    out = io.StringIO()
    call_command("make_demo_pki", "--out", str(folder), stdout=out)
    assert "đã có đủ" in out.getvalue()
    assert len(built) == 1
    assert (folder / "signer-citizen.p12").stat().st_mtime_ns == stamp

    (folder / "signer-expired.p12").unlink()  # an incomplete folder is rebuilt
    call_command("make_demo_pki", "--out", str(folder), stdout=io.StringIO())
    assert len(built) == 2 and pki.is_complete(folder)

    call_command("make_demo_pki", "--out", str(folder), "--force", stdout=io.StringIO())
    assert len(built) == 3


def test_make_demo_pki_defaults_to_the_pki_dir_setting(demo_pki, tmp_path, settings, monkeypatch):
    monkeypatch.setattr(make_demo_pki.pki, "build_demo_pki", lambda base_url: demo_pki)
    settings.MOTCUA_PKI_DIR = tmp_path / "var" / "pki"
    call_command("make_demo_pki", stdout=io.StringIO())
    assert pki.is_complete(settings.MOTCUA_PKI_DIR)
