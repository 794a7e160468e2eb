"""Revocation (R-SIG-1): CRL fetching, the cache until nextUpdate, and the hard/soft policy.

The network is replaced by a function serving the demo PKI's CRLs (the OCSP responder "is down"), so these
tests need no server; the loopback CRL/OCSP/TSA server is exercised in test_verify_online.py.
"""

import datetime as dt

import pytest
from cryptography.hazmat.primitives.serialization import Encoding

from motcua.signatures import pki, revocation, testing, verify
from motcua.signatures.models import RevocationCacheEntry
from motcua.signatures.report import CheckKind, CheckStatus, Verdict

pytestmark = pytest.mark.usefixtures("trust_store")


class FakeNetwork:
    """Serves CRLs by URL; everything else (OCSP) fails like a responder that is down."""

    def __init__(self, crls):
        self.crls = crls  # url -> DER
        self.requests = []
        self.down = False

    def __call__(self, url, *, data=None, content_type=""):
        self.requests.append(url)
        if self.down or url not in self.crls:
            raise OSError("connection refused")
        return self.crls[url]


@pytest.fixture
def network(monkeypatch, demo_pki):
    urls = pki.urls(demo_pki.base_url)
    fake = FakeNetwork(
        {
            urls["root_crl"]: demo_pki.root_crl.public_bytes(Encoding.DER),
            urls["intermediate_crl"]: demo_pki.intermediate_crl.public_bytes(Encoding.DER),
        }
    )
    revocation.clear_memory_cache()
    monkeypatch.setattr(revocation, "_request", fake)
    yield fake
    revocation.clear_memory_cache()


@pytest.fixture(scope="module")
def signed(pki_dir):
    return testing.sign_pdf(testing.make_pdf(), pki_dir)


def crl_requests(network):
    return [u for u in network.requests if u.endswith(".crl")]


def test_r_sig_1_crl_is_fetched_once_and_cached_until_next_update(network, signed, demo_pki):
    assert verify.verify_pdf_bytes(signed).verdict == Verdict.VALID
    assert len(crl_requests(network)) == 2  # the intermediate's CRL (signer) and the root's (intermediate)

    network.requests.clear()
    assert verify.verify_pdf_bytes(signed).verdict == Verdict.VALID
    assert crl_requests(network) == []

    # after a restart (memory gone) the database still has them, until nextUpdate
    revocation.clear_memory_cache()
    network.requests.clear()
    assert verify.verify_pdf_bytes(signed).verdict == Verdict.VALID
    assert crl_requests(network) == []
    entry = RevocationCacheEntry.objects.get(key=pki.urls(demo_pki.base_url)["intermediate_crl"])
    assert entry.next_update == demo_pki.intermediate_crl.next_update_utc


def test_r_sig_1_crl_past_its_next_update_is_fetched_again(network, signed):
    verify.verify_pdf_bytes(signed)
    RevocationCacheEntry.objects.update(next_update=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    revocation.clear_memory_cache()
    network.requests.clear()
    assert verify.verify_pdf_bytes(signed).verdict == Verdict.VALID
    assert len(crl_requests(network)) == 2


def test_r_sig_1_revocation_unreachable_under_hard_policy_is_indeterminate(network, signed, settings):
    settings.MOTCUA_REVOCATION_POLICY = "hard"
    network.down = True
    report = verify.verify_pdf_bytes(signed)
    assert (report.verdict, report.reason) == (Verdict.INDETERMINATE, "revocation_unavailable")
    assert report.signatures[0].check(CheckKind.REVOCATION).status == CheckStatus.FAILED


def test_r_sig_1_revocation_unreachable_under_soft_policy_is_never_a_silent_valid(network, signed, settings):
    settings.MOTCUA_REVOCATION_POLICY = "soft"
    network.down = True
    report = verify.verify_pdf_bytes(signed)
    assert report.policy == "soft"
    assert report.verdict == Verdict.VALID
    # …but the reason shown with it says revocation could not be checked
    assert report.reason == "revocation_unavailable"
    assert report.signatures[0].check(CheckKind.REVOCATION).status == CheckStatus.UNKNOWN


def test_r_sig_1_revoked_certificate_is_invalid_and_its_crl_kept_as_evidence(network, pki_dir):
    report = verify.verify_pdf_bytes(testing.sign_pdf(testing.make_pdf(), pki_dir, "signer-revoked"))
    assert (report.verdict, report.reason) == (Verdict.INVALID, "revoked")
    assert report.evidence.crls


def test_r_sig_1_revoked_after_a_merely_claimed_signing_time_is_still_revoked(network, signed, demo_pki):
    """Without a trusted timestamp the signing time is the signer's word and could be backdated."""
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    serial = demo_pki["signer-citizen"].certificate.serial_number
    crl = pki.build_crl(demo_pki.intermediate, [(serial, later)], dt.datetime.now(dt.UTC))
    network.crls[pki.urls(demo_pki.base_url)["intermediate_crl"]] = crl.public_bytes(Encoding.DER)
    report = verify.verify_pdf_bytes(signed)
    assert (report.verdict, report.reason) == (Verdict.INVALID, "revoked")
