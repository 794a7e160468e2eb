"""What the engine remembers between files (validated chains, prepared names, a faster hex reader) never
changes an answer: a changed trust store, a newer CRL or another signing time is judged afresh (R-SIG-1).
"""

import datetime as dt
import hashlib
import io
import pickle
from dataclasses import replace

import pytest
from asn1crypto import core as asn1_core
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.misc import PdfStreamError

from motcua.signatures import engine, pki, revocation, speedups, testing, verify
from motcua.signatures.models import RevocationCacheEntry, TrustedCertificate
from motcua.signatures.report import CheckKind, Verdict

pytestmark = pytest.mark.usefixtures("trust_store")


@pytest.fixture
def network(monkeypatch, demo_pki):
    """The demo CRLs by URL; OCSP "is down" (nothing else answers)."""
    urls = pki.urls(demo_pki.base_url)
    crls = {
        urls["root_crl"]: demo_pki.root_crl.public_bytes(Encoding.DER),
        urls["intermediate_crl"]: demo_pki.intermediate_crl.public_bytes(Encoding.DER),
    }

    def fetch(url, *, data=None, content_type=""):
        if url not in crls:
            raise OSError("connection refused")
        return crls[url]

    revocation.clear_memory_cache()
    monkeypatch.setattr(revocation, "_request", fetch)
    yield crls
    revocation.clear_memory_cache()


@pytest.fixture
def validations(monkeypatch):
    """Counts the certificate path validations certvalidator really runs."""
    runs = []
    original = engine.CertificateValidator

    def counting(cert, **kwargs):
        runs.append(cert.sha256)
        return original(cert, **kwargs)

    monkeypatch.setattr(engine, "CertificateValidator", counting)
    return runs


def signed_files(pki_dir, count=2, signer="signer-citizen"):
    return [testing.sign_pdf(testing.make_pdf(f"Tờ khai {i}"), pki_dir, signer) for i in range(count)]


def test_a_validated_chain_serves_the_next_files_of_the_same_signer(network, pki_dir, validations):
    first, second = signed_files(pki_dir)
    assert verify.verify_pdf_bytes(first).verdict == Verdict.VALID
    assert len(validations) == 1
    report = verify.verify_pdf_bytes(second)
    assert (report.verdict, report.reason) == (Verdict.VALID, "ok")
    assert len(validations) == 1
    # …and its evidence still holds the CRLs the cached verdict rested on (R-SIG-4)
    assert len(report.evidence.crls) == 2
    assert len(report.evidence.certificates) == 3


def test_r_sig_1_a_root_removed_from_the_trust_store_is_untrusted_at_the_next_file(network, pki_dir):
    first, second = signed_files(pki_dir)
    assert verify.verify_pdf_bytes(first).verdict == Verdict.VALID

    root = TrustedCertificate.objects.get(kind=TrustedCertificate.Kind.ROOT)
    root.active = False
    root.save()
    report = verify.verify_pdf_bytes(second)
    assert (report.verdict, report.reason) == (Verdict.INDETERMINATE, "untrusted")

    root.active = True
    root.save()
    assert verify.verify_pdf_bytes(second).verdict == Verdict.VALID


def test_r_sig_1_a_newer_crl_listing_the_signer_makes_the_next_file_revoked(network, pki_dir, demo_pki):
    first, second = signed_files(pki_dir)
    assert verify.verify_pdf_bytes(first).verdict == Verdict.VALID

    # The CA revokes the signer; the CRL we hold reaches its nextUpdate and the new one is fetched.
    revoked_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    serial = demo_pki["signer-citizen"].certificate.serial_number
    newer = pki.build_crl(demo_pki.intermediate, [(serial, revoked_at)], dt.datetime.now(dt.UTC))
    url = pki.urls(demo_pki.base_url)["intermediate_crl"]
    network[url] = newer.public_bytes(Encoding.DER)
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    RevocationCacheEntry.objects.filter(key=url).update(next_update=past)
    revocation._memo[url].next_update = past

    report = verify.verify_pdf_bytes(second)
    assert (report.verdict, report.reason) == (Verdict.INVALID, "revoked")
    assert (
        report.signatures[0].check(CheckKind.REVOCATION).params["revoked_at"]
        == revoked_at.replace(microsecond=0).isoformat()
    )


@pytest.mark.parametrize(
    ("shift", "reason"),
    [(dt.timedelta(days=1), "expired"), (-dt.timedelta(days=1), "not_yet_valid")],
)
def test_r_sig_1_a_chain_valid_at_one_signing_time_is_judged_again_at_another(
    network, pki_dir, monkeypatch, shift, reason
):
    """Validity is judged at the signing time: a cached "valid" must not leak to a time outside it."""
    first, second = signed_files(pki_dir)
    assert verify.verify_pdf_bytes(first).verdict == Verdict.VALID

    cert = asn1_x509.Certificate.load((pki_dir / "signer-citizen.cer").read_bytes())
    validity = cert["tbs_certificate"]["validity"]
    edge = validity["not_after"].native if shift > dt.timedelta(0) else validity["not_before"].native
    original = engine._pdf_signer
    monkeypatch.setattr(
        engine, "_pdf_signer", lambda *args: replace(original(*args), claimed_time=edge + shift)
    )
    report = verify.verify_pdf_bytes(second)
    assert (report.verdict, report.reason) == (Verdict.INVALID, reason)


def test_an_outcome_seen_with_a_responder_down_is_kept_only_while_it_is_not_asked_again(
    network, pki_dir, validations, monkeypatch
):
    """The OCSP responder is down: its URL is not tried for DOWN_FOR seconds, and no longer is the verdict."""
    first, second = signed_files(pki_dir)
    verify.verify_pdf_bytes(first)
    verify.verify_pdf_bytes(second)
    assert len(validations) == 1

    revocation._down.clear()  # DOWN_FOR has passed: the responder may be back
    verify.verify_pdf_bytes(second)
    assert len(validations) == 2


def test_the_report_names_the_file_and_carries_no_parser_objects(network, pki_dir):
    """The file's SHA-256 shares its hashing with the byte range's; a report sent back by a worker
    process is the report only, not the parsed file."""
    signed = testing.sign_pdf(signed_files(pki_dir, 1)[0], pki_dir, "signer-org")
    report = verify.verify_pdf_bytes(signed)
    assert report.verdict == Verdict.VALID
    assert [s.verdict for s in report.signatures] == [Verdict.VALID, Verdict.VALID]
    assert report.file_sha256 == hashlib.sha256(signed).hexdigest()
    assert type(report.signatures[0].field_name) is str
    assert len(pickle.dumps(report.as_json())) < len(signed) // 2


# ------------------------------------------------------------------------------------------ speedups


@pytest.mark.parametrize(
    "data",
    [
        b"<48656c6c6f> rest",
        b"<48 65\n6c\r6c\t6f\x00\x0c> rest",
        b"<abc>",
        b"<ABCdef01>",
        b"<>",
        b"<12%comment>\n34>",
        b"<12 zz>",
        b"<1234",
        b"<" + b"0f" * 40000 + b">tail",
    ],
)
def test_the_fast_hex_string_reader_reads_exactly_what_pyhanko_reads(data):
    def read(reader):
        stream = io.BytesIO(b"xx" + data)
        stream.seek(2)
        try:
            value = reader(stream)
        except PdfStreamError as exc:
            return "error", type(exc), stream.tell() >= 0
        return bytes(value.original_bytes), type(value), stream.tell()

    assert read(speedups.read_hex_string) == read(speedups.stock_read_hex_string)


def test_remembered_name_preparation_gives_the_same_names_and_the_same_refusals():
    value = asn1_x509.NameTypeAndValue(
        {"type": "common_name", "value": asn1_x509.DirectoryString("utf8_string", "Nguyễn  Văn\u00adAn")}
    )
    assert speedups.ldap_string_prep(value, "Nguyễn  Văn\u00adAn") == speedups.stock_ldap_string_prep(
        value, "Nguyễn  Văn\u00adAn"
    )
    for _ in range(2):
        with pytest.raises(ValueError):
            speedups.ldap_string_prep(value, "private \ue000 use")


class Pair(asn1_core.Sequence):
    _fields = [("blob", asn1_core.OctetString), ("number", asn1_core.Integer)]


def test_a_definite_length_ending_in_0x80_is_dumped_as_it_is_and_changes_are_still_encoded():
    der = Pair({"blob": b"x" * 0x179, "number": 7}).dump()
    assert der[:4] == bytes.fromhex("30820180")  # the length 0x0180: its last byte is 0x80
    parsed = Pair.load(der)
    assert parsed["number"].native == 7
    assert speedups.sequence_dump(parsed) == speedups.stock_sequence_dump(Pair.load(der)) == der

    parsed["number"] = 8
    changed = speedups.sequence_dump(parsed)
    assert changed == Pair({"blob": b"x" * 0x179, "number": 8}).dump() != der
