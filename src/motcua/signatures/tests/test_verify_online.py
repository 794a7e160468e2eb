"""Revocation and timestamps over the real wire (R-SIG-1, R-SIG-4): the engine against the loopback PKI services.

Signatures are made with the PKI that `pki_services` serves; its root is trusted (`online_trust_store`), so
every CRL, OCSP answer and timestamp comes from the loopback server, exactly as from a public CA. The
server's switches make a service fail, answer late, or change its mind about a certificate.
"""

import base64
import datetime as dt
import io

import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.signatures import revocation, testing, verify
from motcua.signatures.models import RevocationCacheEntry
from motcua.signatures.report import CheckKind, CheckStatus, Verdict
from motcua.signatures.sealing import seal_pdf

pytestmark = pytest.mark.usefixtures("online_trust_store")

HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _short_timeout(settings):
    settings.MOTCUA_REVOCATION_TIMEOUT = 1
    settings.MOTCUA_REVOCATION_POLICY = "hard"


def sign(services, signer="signer-citizen", *, timestamp=False):
    tsa_url = services.tsa_url if timestamp else None
    return testing.sign_pdf(testing.make_pdf("Tờ khai"), services.folder, signer, tsa_url=tsa_url)


def der(text):
    return base64.b64decode(text)


def crls_in(report):
    return [asn1_crl.CertificateList.load(der(c)) for c in report.evidence.crls]


def ocsp_in(report):
    return [asn1_ocsp.OCSPResponse.load(der(r)) for r in report.evidence.ocsp_responses]


def issuers_of(crls):
    return {c["tbs_cert_list"]["issuer"].native["common_name"] for c in crls}


# -- CRL -----------------------------------------------------------------------------------------------------


def test_r_sig_1_valid_signature_with_the_crl_fetched_from_the_ca_and_kept_as_evidence(pki_services):
    """R-SIG-1, R-SIG-4: the CRLs named in the certificates are fetched and kept in the report."""
    pki_services.set_mode("ocsp", "down")  # OCSP is asked first; without it the CRLs decide

    report = verify.verify_pdf_bytes(sign(pki_services))

    assert (report.verdict, report.reason) == (Verdict.VALID, "ok")
    assert report.signatures[0].check(CheckKind.REVOCATION).status == CheckStatus.OK
    assert pki_services.hits["crl"] == 2  # the intermediate's CRL (signer) and the root's (intermediate)
    served = pki_services.crl().public_bytes(Encoding.DER)
    assert served in [der(c) for c in report.evidence.crls]
    assert issuers_of(crls_in(report)) == {
        "Motcua Demo Root CA (không dùng thật)",
        "Motcua Demo Intermediate CA (không dùng thật)",
    }


def test_r_sig_1_crl_is_cached_until_next_update_also_across_a_restart(pki_services, online_trust_store):
    """R-SIG-1: a second verification asks the CA nothing, even with the process memory gone (database)."""
    pki_services.set_mode("ocsp", "down")
    data = sign(pki_services)
    first = verify.verify_pdf_bytes(data)
    assert first.verdict == Verdict.VALID
    fetched = pki_services.hits["crl"]

    second = verify.verify_pdf_bytes(data)
    assert second.verdict == Verdict.VALID
    assert pki_services.hits["crl"] == fetched
    assert second.evidence.crls == first.evidence.crls  # the cached CRL is still the evidence

    revocation.clear_memory_cache()  # a restart, or another worker
    third = verify.verify_pdf_bytes(data)
    assert third.verdict == Verdict.VALID
    assert pki_services.hits["crl"] == fetched
    assert third.evidence.crls == first.evidence.crls
    entry = RevocationCacheEntry.objects.get(key=pki_services.crl_url())
    assert entry.next_update == pki_services.crl().next_update_utc


# -- OCSP ----------------------------------------------------------------------------------------------------


def test_r_sig_1_ocsp_answers_when_the_crl_cannot_be_fetched(pki_services):
    """R-SIG-1, R-SIG-4: CRL server down, OCSP says "good": valid, with the OCSP answer as evidence."""
    pki_services.set_mode("crl", "down")

    report = verify.verify_pdf_bytes(sign(pki_services))

    assert (report.verdict, report.reason) == (Verdict.VALID, "ok")
    assert pki_services.hits["ocsp"] >= 1
    responses = ocsp_in(report)
    assert responses
    statuses = {
        single["cert_status"].name
        for r in responses
        for single in r["response_bytes"]["response"].parsed["tbs_response_data"]["responses"]
    }
    assert statuses == {"good"}


def test_r_sig_1_ocsp_answers_are_cached_until_their_next_update(pki_services):
    """R-SIG-1: with every service up OCSP answers first; its answers too are reused until nextUpdate."""
    data = sign(pki_services)
    first = verify.verify_pdf_bytes(data)
    assert (first.verdict, first.reason) == (Verdict.VALID, "ok")
    asked = pki_services.hits["ocsp"]
    assert asked == 2  # for the signer and for the intermediate CA
    assert len(first.evidence.ocsp_responses) == 2

    revocation.clear_memory_cache()
    second = verify.verify_pdf_bytes(data)
    assert second.verdict == Verdict.VALID
    assert pki_services.hits["ocsp"] == asked
    assert second.evidence.ocsp_responses == first.evidence.ocsp_responses
    assert RevocationCacheEntry.objects.filter(kind="ocsp").count() == 2


def test_r_sig_1_ocsp_saying_revoked_makes_the_signature_invalid(pki_services):
    """R-SIG-1: the OCSP responder is believed when it says revoked, whatever the CRL would have said."""
    data = sign(pki_services)
    pki_services.set_mode("crl", "down")
    pki_services.set_ocsp_status("signer-citizen", "revoked")

    report = verify.verify_pdf_bytes(data)

    assert (report.verdict, report.reason) == (Verdict.INVALID, "revoked")
    assert report.evidence.ocsp_responses


# -- revoked before / after signing --------------------------------------------------------------------------


def test_r_sig_1_certificate_revoked_before_signing_is_invalid(pki_services):
    pki_services.revoke("signer-citizen", at=dt.datetime.now(dt.UTC) - HOUR)

    report = verify.verify_pdf_bytes(sign(pki_services))

    assert (report.verdict, report.reason) == (Verdict.INVALID, "revoked")
    assert report.signatures[0].check(CheckKind.REVOCATION).status == CheckStatus.FAILED


def test_r_sig_1_certificate_revoked_before_a_trusted_timestamp_is_invalid(pki_services):
    now = dt.datetime.now(dt.UTC)
    pki_services.revoke("signer-citizen", at=now - 2 * HOUR)
    pki_services.tsa_time = now - HOUR

    report = verify.verify_pdf_bytes(sign(pki_services, timestamp=True))

    assert (report.verdict, report.reason) == (Verdict.INVALID, "revoked")


def test_r_sig_1_revoked_after_a_trusted_timestamp_stays_valid_with_a_warning(pki_services):
    """R-SIG-1: the RFC 3161 timestamp proves the signature existed before the revocation."""
    now = dt.datetime.now(dt.UTC)
    pki_services.tsa_time = now - 2 * HOUR
    data = sign(pki_services, timestamp=True)
    pki_services.revoke("signer-citizen", at=now - HOUR)

    report = verify.verify_pdf_bytes(data)

    signature = report.signatures[0]
    assert report.verdict == Verdict.VALID
    check = signature.check(CheckKind.REVOCATION)
    assert (check.status, check.reason) == (CheckStatus.WARNING, "revoked_after_signing")
    proven = dt.datetime.fromisoformat(signature.timestamp_time)
    assert proven < dt.datetime.fromisoformat(check.params["revoked_at"])
    assert report.evidence.timestamps


def test_r_sig_1_revoked_after_a_merely_claimed_signing_time_is_revoked(pki_services):
    """R-SIG-1: without a timestamp the signing time is the signer's word, and could be backdated."""
    data = sign(pki_services)
    pki_services.revoke("signer-citizen", at=dt.datetime.now(dt.UTC))

    report = verify.verify_pdf_bytes(data)

    assert (report.verdict, report.reason) == (Verdict.INVALID, "revoked")


def test_r_sig_1_ocsp_revoked_after_a_trusted_timestamp_stays_valid_with_a_warning(pki_services):
    """The OCSP answer is issued now, long after the timestamp: it still tells whether it was revoked then."""
    now = dt.datetime.now(dt.UTC)
    pki_services.tsa_time = now - 2 * HOUR
    data = sign(pki_services, timestamp=True)
    pki_services.revoke("signer-citizen", at=now - HOUR)
    pki_services.set_mode("crl", "down")

    report = verify.verify_pdf_bytes(data)

    assert report.verdict == Verdict.VALID
    assert report.signatures[0].check(CheckKind.REVOCATION).reason == "revoked_after_signing"
    assert report.evidence.ocsp_responses


# -- unreachable ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["down", "reset", "slow"])
def test_r_sig_1_revocation_unreachable_under_hard_policy_is_indeterminate(pki_services, mode):
    data = sign(pki_services)
    pki_services.slow_seconds = 120
    pki_services.set_mode("crl", mode)
    pki_services.set_mode("ocsp", mode)

    report = verify.verify_pdf_bytes(data)

    assert (report.verdict, report.reason) == (Verdict.INDETERMINATE, "revocation_unavailable")
    assert report.signatures[0].check(CheckKind.REVOCATION).status == CheckStatus.FAILED


@pytest.mark.parametrize("mode", ["down", "reset", "slow"])
def test_r_sig_1_revocation_unreachable_under_soft_policy_is_never_a_silent_valid(
    pki_services, mode, settings
):
    settings.MOTCUA_REVOCATION_POLICY = "soft"
    data = sign(pki_services)
    pki_services.slow_seconds = 120
    pki_services.set_mode("crl", mode)
    pki_services.set_mode("ocsp", mode)

    report = verify.verify_pdf_bytes(data)

    assert report.policy == "soft"
    assert (report.verdict, report.reason) == (Verdict.VALID, "revocation_unavailable")
    assert report.signatures[0].check(CheckKind.REVOCATION).status == CheckStatus.UNKNOWN


# -- timestamps ----------------------------------------------------------------------------------------------


def test_r_sig_1_trusted_timestamp_is_shown_with_its_authority(pki_services):
    """R-SIG-1: a valid RFC 3161 timestamp from a trusted TSA gives the proven signing time."""
    proven = (dt.datetime.now(dt.UTC) - HOUR).replace(microsecond=0)
    pki_services.tsa_time = proven

    report = verify.verify_pdf_bytes(sign(pki_services, timestamp=True))

    signature = report.signatures[0]
    assert (report.verdict, report.reason) == (Verdict.VALID, "ok")
    assert dt.datetime.fromisoformat(signature.timestamp_time) == proven
    assert signature.timestamp_authority == "Motcua Demo TSA (không dùng thật)"
    assert signature.check(CheckKind.TIMESTAMP).status == CheckStatus.OK
    # pyHanko's TSA names its certificate by a SHA-1 hash (ESSCertID): not the signature's algorithm
    assert signature.check(CheckKind.ALGORITHM).status == CheckStatus.OK
    assert report.evidence.timestamps


# -- an event loop already running in the calling thread -----------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the ORM inside a running loop uses a connection of its own
def test_verification_sealing_and_test_signing_work_while_an_event_loop_runs_in_the_thread(
    pki_services, monkeypatch, tmp_path, agency, seal_key
):
    """After the browser tests Playwright's sync API leaves an event loop running in the main thread (an ASGI
    server would too); asyncio.run refuses to start there, and verification must not break because of it."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # what the browser tests set for the ORM

    def work():
        data = sign(pki_services, timestamp=True)
        detached = testing.sign_cms(b"noi dung", pki_services.folder)
        sealed = seal_pdf(testing.make_pdf("Phiếu"), agency=agency, purpose="receipt", token="LOOP")
        return verify.verify_pdf_bytes(data), data, detached, sealed

    report, data, detached, sealed = testing.call_in_running_loop(work)

    assert (report.verdict, report.reason) == (Verdict.VALID, "ok")
    assert report.signatures[0].timestamp_time
    assert verify.verify_pdf_bytes(data).verdict == Verdict.VALID
    (tmp_path / "a.txt").write_bytes(b"noi dung")
    (tmp_path / "a.txt.p7s").write_bytes(detached)
    cms_report = verify.verify_file(
        tmp_path / "a.txt.p7s",
        content_type="application/pkcs7-signature",
        detached_content=tmp_path / "a.txt",
    )
    assert cms_report.verdict == Verdict.VALID
    assert len(PdfFileReader(io.BytesIO(sealed)).embedded_signatures) == 1
