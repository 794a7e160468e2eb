"""Loopback stand-ins for the PKI services a signature verifier reaches over the network (R-SIG-1).

One small HTTP server, run in a thread, serves the demo PKI (`motcua.signatures.pki`) at the addresses its
certificates name, over the real wire protocols, so pyHanko and pyhanko-certvalidator fetch from it exactly as
they would from a public CA:

- ``GET  /crl/root-ca.crl``, ``/crl/intermediate-ca.crl``  CRLs (DER, application/pkix-crl)
- ``GET  /certs/root-ca.cer``, ``/certs/intermediate-ca.cer``  CA certificates (DER, application/pkix-cert)
- ``POST /ocsp`` and ``GET /ocsp/<base64 request>``  OCSP responder (RFC 6960), signed by the issuing CA
- ``POST /tsa``  timestamp authority (RFC 3161), signed with the demo ``tsa`` certificate

Tests flip switches on the `PKIServices` object (read on every request) to make a service fail, answer
late, or say something else about a certificate; `reset()` puts everything back.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import logging
import socket
import struct
from collections import Counter
from collections.abc import Callable
from enum import StrEnum
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from asn1crypto import core, tsp
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from motcua.loopback import LoopbackService, Mode
from motcua.signatures import pki

logger = logging.getLogger(__name__)

SERVICES = ("crl", "certs", "ocsp", "tsa")
MAX_REQUEST_BYTES = 64 * 1024
# Digest algorithms the TSA accepts in a message imprint (R-SIG-2: no SHA-1, no MD5).
TSA_DIGESTS = {"sha256": 32, "sha384": 48, "sha512": 64, "sha3_256": 32, "sha3_384": 48, "sha3_512": 64}


class OCSPStatus(StrEnum):
    GOOD = "good"
    REVOKED = "revoked"
    UNKNOWN = "unknown"


class PKIServices(LoopbackService):
    """The loopback PKI server and its test switches.

    Binding happens in the constructor, before any PKI exists, because the URLs are embedded in the
    certificates: bind (port 0 picks a free one), build the PKI for `base_url`, `load` it, then `start`.

    Switches, all read on every request and restored by `reset()`:
    - `set_mode(service, Mode.DOWN | Mode.RESET | Mode.SLOW)` for service in "crl", "certs", "ocsp", "tsa";
    - `slow_seconds`: how long a SLOW service waits before answering (cut short by `reset()`);
    - `set_ocsp_status(name_or_serial, "revoked" | "unknown" | "good")`: what OCSP says, whatever the CRL says;
    - `revoke(name_or_serial, at=...)` / `unrevoke(...)`: change the revocation record behind both the CRL
      (re-signed with the next CRL number) and OCSP;
    - `tsa_time`: the time written into timestamps (None = now), e.g. to sign "before" a revocation;
    - `hits`: a Counter of requests per service, to see whether a client fetched or used its cache.
    """

    thread_name = "pki-services"

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self._httpd = _Server((host, port), _Handler)
        self._httpd.services = self
        self.pki: pki.DemoPKI | None = None
        self.folder: Path | None = None
        self.ocsp_validity = dt.timedelta(hours=1)
        self._initial: dict[str, dict[int, dt.datetime]] = {}
        self.reset()

    # -- addresses -----------------------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def tsa_url(self) -> str:
        return f"{self.base_url}tsa"

    @property
    def ocsp_url(self) -> str:
        return f"{self.base_url}ocsp"

    def crl_url(self, ca: str = pki.INTERMEDIATE) -> str:
        return f"{self.base_url}crl/{ca}.crl"

    # -- life cycle ----------------------------------------------------------------------------------------

    def load(self, demo: pki.DemoPKI, folder: Path | None = None) -> None:
        """Serve `demo` (built for `base_url`); `folder` is where its files were written, if anywhere."""
        self.pki, self.folder = demo, folder
        self._initial = {
            pki.ROOT: _revoked_on(demo.root_crl),
            pki.INTERMEDIATE: _revoked_on(demo.intermediate_crl),
        }
        self.reset()

    # -- switches ------------------------------------------------------------------------------------------

    def reset(self) -> None:
        """Every service normal, OCSP and CRLs back to the PKI as built, timestamps at the current time."""
        self._new_release()
        self.modes: dict[str, Mode] = dict.fromkeys(SERVICES, Mode.NORMAL)
        self.slow_seconds = 10.0
        self.ocsp_status: dict[int, OCSPStatus] = {}
        self.tsa_time: dt.datetime | None = None
        self.hits: Counter[str] = Counter()
        self.revocations = {ca: dict(entries) for ca, entries in self._initial.items()}
        self._crl_number = 1
        self._crls: dict[str, bytes] = {}
        if self.pki is not None:
            self._crls = {
                pki.ROOT: self.pki.root_crl.public_bytes(serialization.Encoding.DER),
                pki.INTERMEDIATE: self.pki.intermediate_crl.public_bytes(serialization.Encoding.DER),
            }

    def set_mode(self, service: str, mode: Mode | str) -> None:
        """Make one service ("crl", "certs", "ocsp" or "tsa") down, reset, slow, or normal again."""
        if service not in SERVICES:
            raise ValueError(f"unknown service {service!r}; one of {SERVICES}")
        self.modes[service] = Mode(mode)

    def set_ocsp_status(self, name_or_serial: str | int, status: OCSPStatus | str) -> None:
        """Have OCSP answer `status` for this certificate, whatever the revocation record (and CRL) say.

        A forced "revoked" carries the recorded revocation time if there is one, else the current time.
        """
        self.ocsp_status[self._serial(name_or_serial)] = OCSPStatus(status)

    def revoke(self, name_or_serial: str | int, *, at: dt.datetime) -> None:
        """Record the certificate as revoked at `at` (aware datetime), for OCSP and a re-signed CRL.

        "Revoked before signing": `at` earlier than the signing time. "Revoked after signing": sign with a
        timestamp taken at an earlier `tsa_time`, e.g. `tsa_time = now - 2h` and `revoke(name, at=now - 1h)`.
        The new CRL's thisUpdate is the current time, so it may list revocations it could not have known
        of when `at` lies in the future; keep `at` in the past. A name is a key of the demo PKI
        ("signer-citizen", ...); a serial of a certificate the PKI did not issue is taken as the
        intermediate's. A client that cached the old CRL or OCSP answer keeps it until its nextUpdate.
        """
        if at.tzinfo is None:
            raise ValueError("the revocation time must be timezone-aware")
        ca, serial = self._issuer_and_serial(name_or_serial)
        self.revocations[ca][serial] = at
        self._resign_crl(ca)

    def unrevoke(self, name_or_serial: str | int) -> None:
        """Remove the certificate from its CA's revocation record and re-sign that CRL."""
        ca, serial = self._issuer_and_serial(name_or_serial)
        self.revocations[ca].pop(serial, None)
        self._resign_crl(ca)

    def crl(self, ca: str = pki.INTERMEDIATE) -> x509.CertificateRevocationList:
        """The CRL currently served for `ca` ("root-ca" or "intermediate-ca")."""
        return x509.load_der_x509_crl(self._crls[ca])

    def _resign_crl(self, ca: str) -> None:
        demo = self._demo()
        self._crl_number += 1
        now = dt.datetime.now(dt.UTC)
        crl = pki.build_crl(
            demo[ca], sorted(self.revocations[ca].items()), now, number=self._crl_number, this_update=now
        )
        self._crls[ca] = crl.public_bytes(serialization.Encoding.DER)

    def _demo(self) -> pki.DemoPKI:
        if self.pki is None:
            raise RuntimeError("no PKI loaded: call load() first")
        return self.pki

    def _serial(self, name_or_serial: str | int) -> int:
        if isinstance(name_or_serial, int):
            return name_or_serial
        return self._demo()[name_or_serial].certificate.serial_number

    def _issuer_and_serial(self, name_or_serial: str | int) -> tuple[str, int]:
        demo = self._demo()
        serial = self._serial(name_or_serial)
        if serial == demo.intermediate.certificate.serial_number:
            return pki.ROOT, serial
        return pki.INTERMEDIATE, serial

    # -- answers -------------------------------------------------------------------------------------------

    def crl_body(self, name: str) -> bytes | None:
        return self._crls.get(name)

    def cert_body(self, name: str) -> bytes | None:
        if name not in (pki.ROOT, pki.INTERMEDIATE):
            return None
        return self._demo()[name].certificate.public_bytes(serialization.Encoding.DER)

    def ocsp_answer(self, body: bytes) -> bytes:
        """The DER OCSP response to a DER OCSP request (RFC 6960), signed by the certificate's issuer."""
        try:
            request = ocsp.load_der_ocsp_request(body)
            algorithm = request.hash_algorithm
        except (ValueError, TypeError, NotImplementedError, x509.UnsupportedGeneralNameType):
            return _ocsp_unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
        demo = self._demo()
        issuer = next(
            (
                ca
                for ca in (demo.intermediate, demo.root)
                if _cert_id_hashes(ca.certificate, algorithm.name)
                == (request.issuer_name_hash, request.issuer_key_hash)
            ),
            None,
        )
        if issuer is None:  # RFC 6960 2.3: not a CA this responder answers for
            return _ocsp_unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)

        serial = request.serial_number
        revoked_at = self.revocations[issuer.name].get(serial)
        issued = {c.certificate.serial_number for c in self._issued_by(issuer)}
        status = self.ocsp_status.get(serial)
        if status is None:
            status = (
                OCSPStatus.REVOKED
                if revoked_at
                else OCSPStatus.GOOD
                if serial in issued
                else OCSPStatus.UNKNOWN
            )
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        revocation_time = revocation_reason = None
        if status is OCSPStatus.REVOKED:
            revocation_time = (revoked_at or now).replace(microsecond=0)
            revocation_reason = x509.ReasonFlags.key_compromise
        builder = (
            ocsp.OCSPResponseBuilder()
            .add_response_by_hash(
                issuer_name_hash=request.issuer_name_hash,
                issuer_key_hash=request.issuer_key_hash,
                serial_number=serial,
                algorithm=algorithm,
                cert_status={
                    OCSPStatus.GOOD: ocsp.OCSPCertStatus.GOOD,
                    OCSPStatus.REVOKED: ocsp.OCSPCertStatus.REVOKED,
                    OCSPStatus.UNKNOWN: ocsp.OCSPCertStatus.UNKNOWN,
                }[status],
                this_update=now,
                next_update=now + self.ocsp_validity,
                revocation_time=revocation_time,
                revocation_reason=revocation_reason,
            )
            .responder_id(ocsp.OCSPResponderEncoding.HASH, issuer.certificate)
        )
        try:
            nonce = request.extensions.get_extension_for_class(x509.OCSPNonce).value
        except x509.ExtensionNotFound:
            pass
        else:
            builder = builder.add_extension(x509.OCSPNonce(nonce.nonce), critical=False)
        response = builder.sign(issuer.key, hashes.SHA256())
        return response.public_bytes(serialization.Encoding.DER)

    def _issued_by(self, issuer: pki.Issued) -> list[pki.Issued]:
        demo = self._demo()
        if issuer.name == pki.ROOT:
            return [demo.intermediate]
        return list(demo.end_entities.values())

    def timestamp_answer(self, body: bytes) -> bytes:
        """The DER TimeStampResp to a DER TimeStampReq (RFC 3161), token signed by the demo TSA."""
        try:
            request = tsp.TimeStampReq.load(body)
            imprint = request["message_imprint"]
            algorithm = imprint["hash_algorithm"]["algorithm"].native
            digest = imprint["hashed_message"].native
            request["nonce"].native  # noqa: B018 - parse it now, so a broken nonce is a bad request
        except (ValueError, TypeError, KeyError):
            return _tsp_rejection("bad_data_format")
        if algorithm not in TSA_DIGESTS:
            return _tsp_rejection("bad_alg")
        if len(digest) != TSA_DIGESTS[algorithm]:
            return _tsp_rejection("bad_data_format")
        demo = self._demo()
        tsa = demo[pki.TSA]
        stamper = DummyTimeStamper(
            tsa_cert=_asn1_cert(tsa.certificate),
            tsa_key=asn1_keys.PrivateKeyInfo.load(
                tsa.key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
            certs_to_embed=SimpleCertificateStore.from_certs([_asn1_cert(demo.intermediate.certificate)]),
            fixed_dt=self.tsa_time or dt.datetime.now(dt.UTC),
            override_md="sha256",
        )
        return stamper.request_tsa_response(request).dump()


def start_demo_services(*, folder: Path | None = None, host: str = "127.0.0.1", port: int = 0) -> PKIServices:
    """Bind a loopback port, build the demo PKI for that address, write it to `folder`, serve it in a thread."""
    services = PKIServices(host, port)
    demo = pki.build_demo_pki(base_url=services.base_url)
    if folder is not None:
        pki.write_demo_pki(demo, folder)
    services.load(demo, folder)
    return services.start()


# -- helpers ---------------------------------------------------------------------------------------------------


def _revoked_on(crl: x509.CertificateRevocationList) -> dict[int, dt.datetime]:
    return {entry.serial_number: entry.revocation_date_utc for entry in crl}


def _asn1_cert(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


def _cert_id_hashes(ca: x509.Certificate, algorithm: str) -> tuple[bytes, bytes]:
    """RFC 6960 CertID: hash of the issuer's DER name and of its public key bits."""
    name_hash = hashlib.new(algorithm, ca.subject.public_bytes()).digest()
    key_bits = _asn1_cert(ca).public_key["public_key"].contents[1:]  # drop the unused-bits octet
    return name_hash, hashlib.new(algorithm, key_bits).digest()


def _ocsp_unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(serialization.Encoding.DER)


class _Rejection(core.Sequence):
    """A TimeStampResp without a token; asn1crypto's TimeStampResp insists on one."""

    _fields = [("status", tsp.PKIStatusInfo)]


def _tsp_rejection(failure: str) -> bytes:
    status = tsp.PKIStatusInfo({"status": "rejection", "fail_info": tsp.PKIFailureInfo({failure})})
    return _Rejection({"status": status}).dump()


Answer = tuple[HTTPStatus, str, bytes]  # status, content type, body


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    services: PKIServices

    def handle_error(self, request, client_address) -> None:
        logger.exception("demo PKI services: request from %s failed", client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "motcua-demo-pki"

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith("/crl/") and path.endswith(".crl"):
            name = path.removeprefix("/crl/").removesuffix(".crl")
            self._serve(
                "crl", lambda: self._found(self.server.services.crl_body(name), "application/pkix-crl")
            )
        elif path.startswith("/certs/") and path.endswith(".cer"):
            name = path.removeprefix("/certs/").removesuffix(".cer")
            self._serve(
                "certs", lambda: self._found(self.server.services.cert_body(name), "application/pkix-cert")
            )
        elif path.startswith("/ocsp/"):
            self._serve("ocsp", lambda: self._ocsp_get(path.removeprefix("/ocsp/")))
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found")

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0].rstrip("/")
        if path == "/ocsp":
            self._serve(
                "ocsp", lambda: self._with_body(self.server.services.ocsp_answer, "application/ocsp-response")
            )
        elif path == "/tsa":
            self._serve(
                "tsa",
                lambda: self._with_body(self.server.services.timestamp_answer, "application/timestamp-reply"),
            )
        else:
            self._send(HTTPStatus.NOT_FOUND, "text/plain", b"not found")

    def _serve(self, service: str, answer: Callable[[], Answer]) -> None:
        services = self.server.services
        services.hits[service] += 1
        mode = services.modes.get(service, Mode.NORMAL)
        if mode is Mode.DOWN:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, "text/plain", b"service unavailable (test switch)")
            return
        if mode is Mode.RESET:
            # SO_LINGER 0: close() sends RST, so the client sees "connection reset", not an empty answer.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if mode is Mode.SLOW:
            services._sleep()
        status, content_type, body = answer()
        self._send(status, content_type, body)

    def _found(self, body: bytes | None, content_type: str) -> Answer:
        if body is None:
            return HTTPStatus.NOT_FOUND, "text/plain", b"not found"
        return HTTPStatus.OK, content_type, body

    def _ocsp_get(self, encoded: str) -> Answer:
        try:
            body = base64.b64decode(unquote(encoded), validate=True)
        except (binascii.Error, ValueError):
            body = b""
        return HTTPStatus.OK, "application/ocsp-response", self.server.services.ocsp_answer(body)

    def _with_body(self, answer: Callable[[bytes], bytes], content_type: str) -> Answer:
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            return HTTPStatus.LENGTH_REQUIRED, "text/plain", b"Content-Length required"
        if not 0 <= length <= MAX_REQUEST_BYTES:
            return HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "text/plain", b"request too large"
        return HTTPStatus.OK, content_type, answer(self.rfile.read(length))

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up (timeout) before the answer came
            self.close_connection = True

    def log_message(self, format: str, *args) -> None:
        logger.info("%s " + format, self.address_string(), *args)
