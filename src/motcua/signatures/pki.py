"""A test/demo PKI: a root CA, an intermediate CA and end-entity certificates for every verdict.

Nothing here is trusted outside the demo. The certificates mirror how Vietnamese public CAs describe a
subscriber: the holder's identity number sits in the subject UID attribute (OID 0.9.2342.19200300.100.1.1)
with a type prefix — "CCCD:" (citizen ID card), "CMND:" (the older ID card), "MST:" (tax code of an
organisation). Each end entity exercises one branch of signature verification (R-SIG-1, R-SIG-2):

- ``signer-citizen``  valid individual signer (Vietnamese name, CCCD number)
- ``signer-org``      valid organisation signer (tax code)
- ``signer-revoked``  listed on the intermediate's CRL (R-SIG-1: revocation)
- ``signer-expired``  validity window ended before today (R-SIG-1: validity at signing time)
- ``signer-bad-usage`` key usage without digitalSignature / nonRepudiation
- ``signer-sha1``     certificate signed with SHA-1 (R-SIG-2: SHA-2/SHA-3 only)
- ``signer-weak-rsa`` RSA 1024-bit key (R-SIG-2: RSA >= 2048)
- ``agency-seal``     the agency's seal certificate, used to seal results
- ``tsa``             the loopback timestamp authority (extended key usage timeStamping, critical)
- ``official-leader`` a leader's personal certificate, to sign the results they approve

CRL distribution points, OCSP responder and CA issuer URLs are built from a configurable base URL so a
loopback server (``motcua.signatures.pkiserver``) can serve them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from asn1crypto import algos as asn1_algos
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

DEFAULT_BASE_URL = "http://127.0.0.1:8731/"
P12_PASSWORD = "motcua-demo"  # noqa: S105 - a published demo password, never a real secret
RSA_BITS = 2048
WEAK_RSA_BITS = 1024

ROOT = "root-ca"
INTERMEDIATE = "intermediate-ca"
TSA = "tsa"

# name -> what it demonstrates (also written to manifest.json for the people using the demo)
END_ENTITIES: dict[str, str] = {
    "signer-citizen": "Người ký cá nhân hợp lệ (số CCCD)",
    "signer-org": "Tổ chức ký hợp lệ (mã số thuế)",
    "signer-revoked": "Chứng thư số đã bị thu hồi (có trong CRL của CA trung gian)",
    "signer-expired": "Chứng thư số đã hết hạn",
    "signer-bad-usage": "Chứng thư số không có mục đích ký số (digitalSignature / nonRepudiation)",
    "signer-sha1": "Chứng thư số ký bằng thuật toán băm SHA-1 (không được chấp nhận)",
    "signer-weak-rsa": "Khóa RSA 1024 bit (dưới 2048 bit, không được chấp nhận)",
    "agency-seal": "Con dấu số của cơ quan, dùng để đóng dấu kết quả",
    TSA: "Đơn vị cấp dấu thời gian (TSA) thử nghiệm, chỉ dùng để cấp dấu thời gian",
    "official-leader": "Chứng thư số cá nhân của lãnh đạo, dùng để ký kết quả khi phê duyệt",
}
SIGNERS = tuple(END_ENTITIES)

UID = NameOID.USER_ID  # 0.9.2342.19200300.100.1.1, where Vietnamese CAs put CCCD/CMND/MST


@dataclass
class Issued:
    name: str
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey


@dataclass
class DemoPKI:
    root: Issued
    intermediate: Issued
    end_entities: dict[str, Issued]
    intermediate_crl: x509.CertificateRevocationList
    root_crl: x509.CertificateRevocationList
    base_url: str
    created_at: dt.datetime
    revoked_serials: list[int] = field(default_factory=list)

    def __getitem__(self, name: str) -> Issued:
        if name == ROOT:
            return self.root
        if name == INTERMEDIATE:
            return self.intermediate
        return self.end_entities[name]


def urls(base_url: str = DEFAULT_BASE_URL) -> dict[str, str]:
    """The addresses embedded in the certificates, for the loopback CRL/OCSP server to serve."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    return {
        "root_crl": f"{base}crl/{ROOT}.crl",
        "intermediate_crl": f"{base}crl/{INTERMEDIATE}.crl",
        "ocsp": f"{base}ocsp",
        "root_cert": f"{base}certs/{ROOT}.cer",
        "intermediate_cert": f"{base}certs/{INTERMEDIATE}.cer",
    }


def expected_files(names: Iterable[str] = SIGNERS) -> list[str]:
    files = [
        "manifest.json",
        "chain.pem",
        f"{ROOT}.crl",
        f"{INTERMEDIATE}.crl",
        f"{ROOT}.crl.pem",
        f"{INTERMEDIATE}.crl.pem",
    ]
    for name in (ROOT, INTERMEDIATE, *names):
        files += [f"{name}.pem", f"{name}.cer", f"{name}.key.pem"]
    files += [f"{name}.p12" for name in names]
    return files


def is_complete(folder: Path) -> bool:
    return folder.is_dir() and all((folder / name).is_file() for name in expected_files())


def _name(common_name: str, *, uid: str | None = None, organization: str | None = None) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    attrs.append(x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "Hà Nội"))
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    if uid:
        attrs.append(x509.NameAttribute(UID, uid))
    return x509.Name(attrs)


def _key(bits: int = RSA_BITS) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def _key_usage(*, signing: bool = False, ca: bool = False, encipherment: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,  # nonRepudiation
        key_encipherment=encipherment,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _issue(
    *,
    subject: x509.Name,
    key: rsa.RSAPrivateKey,
    issuer: Issued | None,
    not_before: dt.datetime,
    not_after: dt.datetime,
    key_usage: x509.KeyUsage,
    ca_path_length: int | None = None,
    is_ca: bool = False,
    crl_url: str | None = None,
    aia: tuple[str, str] | None = None,  # (ocsp url, issuer certificate url)
    hash_algorithm: hashes.HashAlgorithm | None = None,
    extended_key_usage: list[x509.ObjectIdentifier] | None = None,
) -> x509.Certificate:
    signing_key = issuer.key if issuer else key
    issuer_name = issuer.certificate.subject if issuer else subject
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=ca_path_length), critical=True)
        .add_extension(key_usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signing_key.public_key()), critical=False
        )
    )
    if extended_key_usage:
        # RFC 3161 2.3: a TSA certificate carries exactly timeStamping, marked critical.
        builder = builder.add_extension(x509.ExtendedKeyUsage(extended_key_usage), critical=True)
    if crl_url:
        builder = builder.add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(crl_url)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    if aia:
        ocsp_url, issuer_url = aia
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        x509.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
                    ),
                    x509.AccessDescription(
                        x509.AuthorityInformationAccessOID.CA_ISSUERS,
                        x509.UniformResourceIdentifier(issuer_url),
                    ),
                ]
            ),
            critical=False,
        )
    certificate = builder.sign(signing_key, hashes.SHA256())
    if isinstance(hash_algorithm, hashes.SHA1):
        certificate = _resign_with_sha1(certificate, signing_key)
    return certificate


def _resign_with_sha1(certificate: x509.Certificate, key: rsa.RSAPrivateKey) -> x509.Certificate:
    """cryptography no longer signs with SHA-1, so swap the algorithm in the TBS and sign it by hand."""
    cert = asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))
    tbs = cert["tbs_certificate"]
    algorithm = asn1_algos.SignedDigestAlgorithm({"algorithm": "sha1_rsa"})
    tbs["signature"] = algorithm
    tbs_der = tbs.dump(force=True)
    signature = key.sign(tbs_der, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303 - deliberately weak
    resigned = asn1_x509.Certificate(
        {
            "tbs_certificate": asn1_x509.TbsCertificate.load(tbs_der),
            "signature_algorithm": algorithm,
            "signature_value": signature,
        }
    )
    return x509.load_der_x509_certificate(resigned.dump())


def build_crl(
    issuer: Issued,
    revoked: Iterable[tuple[int, dt.datetime]],
    now: dt.datetime,
    *,
    number: int = 1,
    this_update: dt.datetime | None = None,
) -> x509.CertificateRevocationList:
    """A CRL of `issuer` listing (serial, revocation time) pairs, valid for 30 days from `now`."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.certificate.subject)
        .last_update(this_update or now - dt.timedelta(hours=1))
        .next_update(now + dt.timedelta(days=30))
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()), critical=False
        )
    )
    for serial, when in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(when)
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
            .build()
        )
    return builder.sign(issuer.key, hashes.SHA256())


def build_demo_pki(base_url: str = DEFAULT_BASE_URL, now: dt.datetime | None = None) -> DemoPKI:
    """Generate the whole PKI in memory (about a second: ten RSA keys)."""
    now = now or dt.datetime.now(dt.UTC)
    u = urls(base_url)
    day = dt.timedelta(days=1)

    root_key = _key()
    root_cert = _issue(
        subject=_name("Motcua Demo Root CA (không dùng thật)", organization="Motcua Demo PKI"),
        key=root_key,
        issuer=None,
        not_before=now - day,
        not_after=now + 20 * 365 * day,
        key_usage=_key_usage(ca=True),
        is_ca=True,
        ca_path_length=1,
    )
    root = Issued(ROOT, root_cert, root_key)

    inter_key = _key()
    inter_cert = _issue(
        subject=_name("Motcua Demo Intermediate CA (không dùng thật)", organization="Motcua Demo PKI"),
        key=inter_key,
        issuer=root,
        not_before=now - day,
        not_after=now + 10 * 365 * day,
        key_usage=_key_usage(ca=True),
        is_ca=True,
        ca_path_length=0,
        crl_url=u["root_crl"],
        aia=(u["ocsp"], u["root_cert"]),
    )
    intermediate = Issued(INTERMEDIATE, inter_cert, inter_key)

    signing = _key_usage(signing=True)
    valid_from, valid_to = now - day, now + 2 * 365 * day
    specs: dict[str, dict] = {
        "signer-citizen": {"subject": _name("Nguyễn Văn An", uid="CCCD:001090012345")},
        "signer-org": {
            "subject": _name(
                "Công ty TNHH Dịch vụ Mẫu Một Cửa",
                uid="MST:0112345676",
                organization="Công ty TNHH Dịch vụ Mẫu Một Cửa",
            )
        },
        "signer-revoked": {"subject": _name("Trần Thị Bình", uid="CCCD:079185004321")},
        "signer-expired": {
            "subject": _name("Lê Văn Cường", uid="CMND:012345678"),
            "not_before": now - 400 * day,
            "not_after": now - 30 * day,
        },
        "signer-bad-usage": {
            "subject": _name("Phạm Thị Dung", uid="CCCD:001190054321"),
            "key_usage": _key_usage(encipherment=True),
        },
        "signer-sha1": {
            "subject": _name("Hoàng Văn Em", uid="CCCD:036088001122"),
            "hash_algorithm": hashes.SHA1(),  # noqa: S303 - the point of this certificate
        },
        "signer-weak-rsa": {"subject": _name("Vũ Thị Giang", uid="CCCD:040192003344"), "bits": WEAK_RSA_BITS},
        "agency-seal": {
            "subject": _name(
                "Ủy ban nhân dân phường Mẫu",
                uid="MST:0106543207",
                organization="Ủy ban nhân dân phường Mẫu",
            )
        },
        TSA: {
            "subject": _name("Motcua Demo TSA (không dùng thật)", organization="Motcua Demo PKI"),
            "extended_key_usage": [ExtendedKeyUsageOID.TIME_STAMPING],
        },
        "official-leader": {
            "subject": _name(
                "Đỗ Văn Hùng", uid="CCCD:001085006789", organization="Ủy ban nhân dân phường Mẫu"
            )
        },
    }
    end_entities: dict[str, Issued] = {}
    for name, spec in specs.items():
        key = _key(spec.get("bits", RSA_BITS))
        cert = _issue(
            subject=spec["subject"],
            key=key,
            issuer=intermediate,
            not_before=spec.get("not_before", valid_from),
            not_after=spec.get("not_after", valid_to),
            key_usage=spec.get("key_usage", signing),
            crl_url=u["intermediate_crl"],
            aia=(u["ocsp"], u["intermediate_cert"]),
            hash_algorithm=spec.get("hash_algorithm"),
            extended_key_usage=spec.get("extended_key_usage"),
        )
        end_entities[name] = Issued(name, cert, key)

    revoked_serial = end_entities["signer-revoked"].certificate.serial_number
    return DemoPKI(
        root=root,
        intermediate=intermediate,
        end_entities=end_entities,
        intermediate_crl=build_crl(intermediate, [(revoked_serial, now - day)], now),
        root_crl=build_crl(root, [], now),
        base_url=base_url,
        created_at=now,
        revoked_serials=[revoked_serial],
    )


def write_demo_pki(pki: DemoPKI, folder: Path, password: str = P12_PASSWORD) -> list[Path]:
    """Write certificates (PEM and DER), keys (PEM, unencrypted: demo only), PKCS#12 bundles, CRLs."""
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def put(name: str, data: bytes) -> None:
        path = folder / name
        path.write_bytes(data)
        written.append(path)

    pem, der = serialization.Encoding.PEM, serialization.Encoding.DER
    for issued in (pki.root, pki.intermediate, *pki.end_entities.values()):
        put(f"{issued.name}.pem", issued.certificate.public_bytes(pem))
        put(f"{issued.name}.cer", issued.certificate.public_bytes(der))
        put(
            f"{issued.name}.key.pem",
            issued.key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
        )
    put("chain.pem", pki.intermediate.certificate.public_bytes(pem) + pki.root.certificate.public_bytes(pem))
    for label, crl in ((ROOT, pki.root_crl), (INTERMEDIATE, pki.intermediate_crl)):
        put(f"{label}.crl", crl.public_bytes(der))
        put(f"{label}.crl.pem", crl.public_bytes(pem))
    for issued in pki.end_entities.values():
        put(
            f"{issued.name}.p12",
            pkcs12.serialize_key_and_certificates(
                name=issued.name.encode(),
                key=issued.key,
                cert=issued.certificate,
                cas=[pki.intermediate.certificate, pki.root.certificate],
                encryption_algorithm=serialization.BestAvailableEncryption(password.encode()),
            ),
        )
    manifest = {
        "created_at": pki.created_at.isoformat(),
        "p12_password": password,
        "urls": urls(pki.base_url),
        "revoked_serials": [format(s, "x") for s in pki.revoked_serials],
        "certificates": {
            issued.name: {
                "purpose": END_ENTITIES.get(issued.name, "CA"),
                "subject": issued.certificate.subject.rfc4514_string(),
                "serial": format(issued.certificate.serial_number, "x"),
                "not_after": issued.certificate.not_valid_after_utc.isoformat(),
            }
            for issued in (pki.root, pki.intermediate, *pki.end_entities.values())
        },
    }
    put("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode())
    return written


def load_demo_pki(folder: Path) -> DemoPKI:
    """Read back a PKI written by `write_demo_pki` (certificates, keys, CRLs and the manifest)."""
    manifest = json.loads((folder / "manifest.json").read_text())

    def issued(name: str) -> Issued:
        certificate = x509.load_pem_x509_certificate((folder / f"{name}.pem").read_bytes())
        key = serialization.load_pem_private_key((folder / f"{name}.key.pem").read_bytes(), password=None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise TypeError(f"{name}.key.pem is not an RSA key")
        return Issued(name, certificate, key)

    names = [name for name in manifest["certificates"] if name not in (ROOT, INTERMEDIATE)]
    return DemoPKI(
        root=issued(ROOT),
        intermediate=issued(INTERMEDIATE),
        end_entities={name: issued(name) for name in names},
        intermediate_crl=x509.load_der_x509_crl((folder / f"{INTERMEDIATE}.crl").read_bytes()),
        root_crl=x509.load_der_x509_crl((folder / f"{ROOT}.crl").read_bytes()),
        base_url=manifest["urls"]["ocsp"].removesuffix("ocsp"),
        created_at=dt.datetime.fromisoformat(manifest["created_at"]),
        revoked_serials=[int(serial, 16) for serial in manifest["revoked_serials"]],
    )
