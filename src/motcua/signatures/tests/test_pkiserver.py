"""The loopback CRL / OCSP / CA certificate / TSA services, spoken to over their real wire protocols."""

import asyncio
import base64
import datetime as dt
import hashlib
import io
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from asn1crypto import core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.core.management import CommandError, call_command
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathValidationError, RevokedError

from motcua.signatures import pki, pkiserver
from motcua.signatures.management.commands import pki_services as pki_services_command

DER = serialization.Encoding.DER


def fetch(url: str, data: bytes | None = None, content_type: str = "") -> tuple[str, bytes]:
    headers = {"Content-Type": content_type} if data else {}
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 - loopback test server
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback test server
        return response.headers["Content-Type"], response.read()


def run_async(coroutine):
    """asyncio.run in a thread of its own: after the browser tests, Playwright's sync API keeps an event loop
    running in the main thread for the rest of the session, and asyncio.run refuses to start there."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(DER))


def ocsp_request(cert: x509.Certificate, issuer: x509.Certificate, nonce: bytes | None = None) -> bytes:
    builder = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1())  # noqa: S303 - CertID
    if nonce:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.build().public_bytes(DER)


def ask_ocsp(services, name: str, *, nonce: bytes | None = None, get: bool = False) -> ocsp.OCSPResponse:
    demo = services.pki
    request = ocsp_request(demo[name].certificate, demo.intermediate.certificate, nonce)
    if get:
        content_type, body = fetch(f"{services.ocsp_url}/{base64.b64encode(request).decode()}")
    else:
        content_type, body = fetch(services.ocsp_url, request, "application/ocsp-request")
    assert content_type == "application/ocsp-response"
    return ocsp.load_der_ocsp_response(body)


def assert_signed_by(response: ocsp.OCSPResponse, issuer: x509.Certificate) -> None:
    issuer.public_key().verify(
        response.signature, response.tbs_response_bytes, padding.PKCS1v15(), response.signature_hash_algorithm
    )


def timestamp(services, data: bytes, *, timeout: float = 5):
    digest = hashlib.sha256(data).digest()
    return run_async(HTTPTimeStamper(services.tsa_url, timeout=timeout).async_timestamp(digest, "sha256"))


def validation_context(services, **kwargs) -> ValidationContext:
    return ValidationContext(
        trust_roots=[asn1(services.pki.root.certificate)],
        allow_fetching=True,
        revocation_mode="hard-fail",
        **kwargs,
    )


def validate(services, name: str, **kwargs):
    async def run():
        context = validation_context(services, **kwargs)
        try:
            validator = CertificateValidator(asn1(services.pki[name].certificate), validation_context=context)
            return await validator.async_validate_usage({"digital_signature"})
        finally:
            await context.aclose()

    return run_async(run())


# -- CRLs and CA certificates --------------------------------------------------------------------------------


def test_each_crl_is_served_at_the_address_its_certificates_name(pki_services):
    """R-SIG-1 revocation: the CRL distribution point in each certificate answers with that CA's CRL."""
    demo = pki_services.pki
    for ca, holder in ((demo.root, demo.intermediate), (demo.intermediate, demo["signer-citizen"])):
        points = holder.certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
        url = points[0].full_name[0].value
        assert url.startswith(pki_services.base_url)
        content_type, body = fetch(url)
        assert content_type == "application/pkix-crl"
        crl = x509.load_der_x509_crl(body)
        assert crl.issuer == ca.certificate.subject
        assert crl.is_signature_valid(ca.key.public_key())
    revoked = demo["signer-revoked"].certificate.serial_number
    assert x509.load_der_x509_crl(fetch(pki_services.crl_url())[1]).get_revoked_certificate_by_serial_number(
        revoked
    )


def test_ca_certificates_are_served_at_their_authority_information_access_address(pki_services):
    aia = pki_services.pki["signer-org"].certificate.extensions.get_extension_for_class(
        x509.AuthorityInformationAccess
    )
    issuer_url = next(
        d.access_location.value for d in aia.value if d.access_method.dotted_string.endswith(".2")
    )
    content_type, body = fetch(issuer_url)
    assert content_type == "application/pkix-cert"
    assert x509.load_der_x509_certificate(body) == pki_services.pki.intermediate.certificate
    with pytest.raises(urllib.error.HTTPError) as error:
        fetch(f"{pki_services.base_url}certs/signer-citizen.cer")  # only CA certificates are published
    assert error.value.code == 404


# -- OCSP ------------------------------------------------------------------------------------------------------


def test_ocsp_says_good_for_a_valid_signer_signed_by_the_issuing_ca(pki_services):
    """R-SIG-1 revocation: a signed, current 'good' answer with thisUpdate and nextUpdate."""
    response = ask_ocsp(pki_services, "signer-citizen")
    assert response.response_status is ocsp.OCSPResponseStatus.SUCCESSFUL
    assert response.certificate_status is ocsp.OCSPCertStatus.GOOD
    assert response.serial_number == pki_services.pki["signer-citizen"].certificate.serial_number
    assert response.this_update_utc <= dt.datetime.now(dt.UTC) < response.next_update_utc
    assert_signed_by(response, pki_services.pki.intermediate.certificate)


def test_ocsp_says_revoked_with_the_time_on_the_crl_also_over_get(pki_services):
    """R-SIG-1 revocation: OCSP and CRL agree on when the revoked signer was revoked."""
    response = ask_ocsp(pki_services, "signer-revoked", get=True)
    assert response.certificate_status is ocsp.OCSPCertStatus.REVOKED
    entry = pki_services.pki.intermediate_crl.get_revoked_certificate_by_serial_number(response.serial_number)
    assert response.revocation_time_utc == entry.revocation_date_utc.replace(microsecond=0)
    assert response.revocation_reason is x509.ReasonFlags.key_compromise
    assert_signed_by(response, pki_services.pki.intermediate.certificate)


def test_ocsp_says_unknown_for_a_certificate_the_ca_never_issued(pki_services):
    demo = pki_services.pki
    stranger = pki.build_demo_pki(base_url=pki_services.base_url)["signer-citizen"].certificate
    request = ocsp_request(stranger, demo.intermediate.certificate)
    response = ocsp.load_der_ocsp_response(
        fetch(pki_services.ocsp_url, request, "application/ocsp-request")[1]
    )
    assert response.certificate_status is ocsp.OCSPCertStatus.UNKNOWN
    assert_signed_by(response, demo.intermediate.certificate)


def test_ocsp_answers_for_the_intermediate_signed_by_the_root(pki_services):
    demo = pki_services.pki
    request = ocsp_request(demo.intermediate.certificate, demo.root.certificate)
    response = ocsp.load_der_ocsp_response(
        fetch(pki_services.ocsp_url, request, "application/ocsp-request")[1]
    )
    assert response.certificate_status is ocsp.OCSPCertStatus.GOOD
    assert_signed_by(response, demo.root.certificate)


def test_ocsp_echoes_the_nonce_it_was_asked_for(pki_services):
    response = ask_ocsp(pki_services, "signer-citizen", nonce=b"0123456789abcdef")
    assert response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce == b"0123456789abcdef"
    assert not list(ask_ocsp(pki_services, "signer-citizen").extensions)


def test_ocsp_refuses_a_malformed_request_and_a_foreign_issuer(pki_services):
    _, body = fetch(pki_services.ocsp_url, b"not an OCSP request", "application/ocsp-request")
    assert ocsp.load_der_ocsp_response(body).response_status is ocsp.OCSPResponseStatus.MALFORMED_REQUEST
    other = pki.build_demo_pki()
    request = ocsp_request(other["signer-citizen"].certificate, other.intermediate.certificate)
    _, body = fetch(pki_services.ocsp_url, request, "application/ocsp-request")
    assert ocsp.load_der_ocsp_response(body).response_status is ocsp.OCSPResponseStatus.UNAUTHORIZED


def test_a_test_can_force_the_ocsp_answer_for_one_certificate(pki_services):
    pki_services.set_ocsp_status("signer-citizen", "revoked")
    pki_services.set_ocsp_status("signer-org", "unknown")
    assert ask_ocsp(pki_services, "signer-citizen").certificate_status is ocsp.OCSPCertStatus.REVOKED
    assert ask_ocsp(pki_services, "signer-org").certificate_status is ocsp.OCSPCertStatus.UNKNOWN
    # the CRL is not affected
    crl = pki_services.crl()
    assert (
        crl.get_revoked_certificate_by_serial_number(
            pki_services.pki["signer-citizen"].certificate.serial_number
        )
        is None
    )
    pki_services.reset()
    assert ask_ocsp(pki_services, "signer-citizen").certificate_status is ocsp.OCSPCertStatus.GOOD


def test_revoking_at_a_given_time_changes_ocsp_and_a_resigned_crl_until_reset(pki_services):
    """R-SIG-1 revoked before / after signing: a test picks the revocation time of any certificate."""
    demo = pki_services.pki
    serial = demo["signer-citizen"].certificate.serial_number
    at = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=1)
    pki_services.revoke("signer-citizen", at=at)

    response = ask_ocsp(pki_services, "signer-citizen")
    assert response.certificate_status is ocsp.OCSPCertStatus.REVOKED
    assert response.revocation_time_utc == at
    crl = x509.load_der_x509_crl(fetch(pki_services.crl_url())[1])
    assert crl.is_signature_valid(demo.intermediate.key.public_key())
    assert crl.get_revoked_certificate_by_serial_number(serial).revocation_date_utc == at
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 2
    assert crl.get_revoked_certificate_by_serial_number(demo["signer-revoked"].certificate.serial_number)

    pki_services.unrevoke("signer-revoked")
    assert ask_ocsp(pki_services, "signer-revoked").certificate_status is ocsp.OCSPCertStatus.GOOD

    pki_services.reset()
    assert ask_ocsp(pki_services, "signer-citizen").certificate_status is ocsp.OCSPCertStatus.GOOD
    assert ask_ocsp(pki_services, "signer-revoked").certificate_status is ocsp.OCSPCertStatus.REVOKED
    assert fetch(pki_services.crl_url())[1] == demo.intermediate_crl.public_bytes(DER)
    with pytest.raises(ValueError):
        pki_services.revoke("signer-citizen", at=dt.datetime(2025, 1, 1))  # noqa: DTZ001 - the point


# -- the real pyHanko revocation client ---------------------------------------------------------------------


def test_pyhanko_certvalidator_fetches_revocation_data_from_the_services(pki_services):
    """R-SIG-1: the real client finds CRL and OCSP by the certificates' URLs and tells good from revoked."""
    path = validate(pki_services, "signer-citizen")
    assert path.leaf.subject == asn1(pki_services.pki["signer-citizen"].certificate).subject
    assert pki_services.hits["ocsp"] + pki_services.hits["crl"] > 0
    with pytest.raises(RevokedError):
        validate(pki_services, "signer-revoked")


def test_revocation_unreachable_fails_a_hard_fail_validation(pki_services):
    """R-SIG-1: when neither CRL nor OCSP answers, hard-fail validation does not pass the certificate."""
    pki_services.set_mode("crl", "down")
    pki_services.set_mode("ocsp", "reset")
    with pytest.raises(PathValidationError):
        validate(pki_services, "signer-citizen")
    assert pki_services.hits["crl"] and pki_services.hits["ocsp"]


# -- switches ---------------------------------------------------------------------------------------------------


def test_a_service_set_down_answers_503_and_the_others_still_answer(pki_services):
    pki_services.set_mode("crl", pkiserver.Mode.DOWN)
    with pytest.raises(urllib.error.HTTPError) as error:
        fetch(pki_services.crl_url())
    assert error.value.code == 503
    assert ask_ocsp(pki_services, "signer-citizen").certificate_status is ocsp.OCSPCertStatus.GOOD
    pki_services.reset()
    assert fetch(pki_services.crl_url())[0] == "application/pkix-crl"


def test_a_service_set_to_reset_drops_the_connection_without_an_answer(pki_services):
    pki_services.set_mode("certs", "reset")
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        fetch(f"{pki_services.base_url}certs/root-ca.cer")


def test_a_slow_service_outlasts_the_client_timeout(pki_services):
    pki_services.set_mode("crl", "slow")
    with pytest.raises(TimeoutError):
        urllib.request.urlopen(pki_services.crl_url(), timeout=0.2)  # noqa: S310 - loopback


def test_unknown_services_and_modes_are_refused():
    services = pkiserver.PKIServices()
    try:
        with pytest.raises(ValueError):
            services.set_mode("ldap", "down")
        with pytest.raises(ValueError):
            services.set_mode("crl", "sometimes")
    finally:
        services.stop()


# -- TSA ----------------------------------------------------------------------------------------------------------


def test_pyhanko_gets_a_timestamp_over_the_imprint_it_sent(pki_services):
    """R-SIG-1 timestamp: the token covers the digest sent and is signed by the demo TSA certificate."""
    data = "Quyết định cấp giấy phép".encode()
    token = timestamp(pki_services, data)
    signed_data = token["content"]
    tst_info = signed_data["encap_content_info"]["content"].parsed
    assert tst_info["message_imprint"]["hashed_message"].native == hashlib.sha256(data).digest()
    assert tst_info["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha256"
    assert abs(tst_info["gen_time"].native - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    signer = signed_data["signer_infos"][0]["sid"].chosen
    assert signer["serial_number"].native == pki_services.pki[pki.TSA].certificate.serial_number

    async def check():
        context = validation_context(pki_services)
        try:
            return await validate_tst_signed_data(
                signed_data, context, lambda algorithm: hashlib.new(algorithm, data).digest()
            )
        finally:
            await context.aclose()

    status = run_async(check())
    assert status["intact"] and status["valid"]
    assert status["validation_path"] is not None


def test_the_tsa_certificate_is_for_timestamping_only_and_issued_by_the_intermediate(pki_services):
    cert = pki_services.pki[pki.TSA].certificate
    cert.verify_directly_issued_by(pki_services.pki.intermediate.certificate)
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert eku.critical and list(eku.value) == [ExtendedKeyUsageOID.TIME_STAMPING]


def test_a_test_can_set_the_time_the_tsa_writes(pki_services):
    """R-SIG-1: "revoked after signing" needs a signature timestamped before the revocation."""
    earlier = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=2)
    pki_services.tsa_time = earlier
    tst_info = timestamp(pki_services, b"x")["content"]["encap_content_info"]["content"].parsed
    assert tst_info["gen_time"].native == earlier


def test_the_tsa_rejects_sha1_and_garbage(pki_services):
    """R-SIG-2: no SHA-1 imprints."""
    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {"hash_algorithm": {"algorithm": "sha1"}, "hashed_message": b"\0" * 20},
            "cert_req": True,
        }
    )
    for body in (request.dump(), b"garbage"):
        content_type, answer = fetch(pki_services.tsa_url, body, "application/timestamp-query")
        assert content_type == "application/timestamp-reply"
        # asn1crypto's TimeStampResp cannot parse a response without a token (RFC 3161 allows it): read the status
        status = tsp.PKIStatusInfo.load(core.Sequence.load(answer)[0].dump())
        assert status["status"].native == "rejection"


@pytest.mark.parametrize("mode", ["down", "reset", "slow"])
def test_the_timestamp_client_fails_when_the_tsa_is_unreachable_or_slow(pki_services, mode):
    pki_services.set_mode("tsa", mode)
    with pytest.raises(TimestampRequestError):
        timestamp(pki_services, b"x", timeout=0.5)


# -- the fixture and the command ---------------------------------------------------------------------------------


def test_the_fixture_points_the_settings_at_the_services(pki_services, settings):
    assert pki_services.tsa_url == settings.MOTCUA_TSA_URL
    assert settings.MOTCUA_PKI_BASE_URL == pki_services.base_url == pki_services.pki.base_url
    assert pki.is_complete(pki_services.folder)
    assert pki.load_demo_pki(pki_services.folder).base_url == pki_services.base_url


def test_the_command_builds_a_missing_pki_for_its_own_address_and_serves_it(tmp_path, settings, monkeypatch):
    served = []

    def serve_forever(self):
        served.append(self)
        self.start()  # in a thread, so the test can go on
        assert fetch(self.crl_url())[0] == "application/pkix-crl"

    monkeypatch.setattr(pki_services_command.PKIServices, "serve_forever", serve_forever)
    settings.MOTCUA_PKI_DIR = tmp_path / "pki"
    out = io.StringIO()
    call_command("pki_services", "--port", "0", stdout=out)
    assert pki.is_complete(settings.MOTCUA_PKI_DIR)
    (services,) = served
    assert services.pki.base_url == services.base_url
    assert services.tsa_url in out.getvalue()

    out = io.StringIO()  # second start: the folder is reused, and a different address is pointed out
    call_command("pki_services", "--port", "0", stdout=out, stderr=out)
    assert served[1].pki.root.certificate == services.pki.root.certificate
    assert "--force" in out.getvalue()


def test_the_command_says_how_to_fix_a_port_already_in_use(pki_services):
    with pytest.raises(CommandError, match="--port"):
        call_command("pki_services", "--port", str(pki_services.port), stdout=io.StringIO())
