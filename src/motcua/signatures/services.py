"""Changes to the trust store: certificates added from a folder or by an administrator (R-SIG-1)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.audit.services import audit_record
from motcua.signatures.models import TrustedCertificate

CERTIFICATE_SUFFIXES = (".cer", ".crt", ".der", ".pem")


class TrustStoreError(ValueError):
    """A file that cannot go into the trust store; the message says why, in Vietnamese."""


def parse_certificates(data: bytes) -> list[x509.Certificate]:
    """Every certificate in a DER file or a PEM file (which may hold a whole chain)."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise TrustStoreError(
            _("Tệp không phải chứng thư số X.509 (DER hoặc PEM). Hãy chọn tệp .cer, .crt hoặc .pem của CA.")
        ) from exc


def trust_certificate_kind(certificate: x509.Certificate) -> str:
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
    except x509.ExtensionNotFound:
        constraints = None
    if constraints is None or not constraints.ca:
        raise TrustStoreError(
            _(
                "Chứng thư %(subject)s không phải chứng thư của CA; kho tin cậy chỉ nhận CA gốc và CA trung gian."
            )
            % {"subject": certificate.subject.rfc4514_string()}
        )
    if certificate.issuer == certificate.subject:
        return TrustedCertificate.Kind.ROOT
    return TrustedCertificate.Kind.INTERMEDIATE


@dataclass
class LoadResult:
    added: list[TrustedCertificate] = field(default_factory=list)
    already: list[TrustedCertificate] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)


def trust_certificate_add(
    *, certificate: x509.Certificate, source: str, actor: Any = None
) -> tuple[TrustedCertificate, bool]:
    """Add one CA certificate (root if self-issued, else intermediate); already present -> left as it is."""
    der = certificate.public_bytes(serialization.Encoding.DER)
    fingerprint = hashlib.sha256(der).hexdigest()
    kind = trust_certificate_kind(certificate)
    with transaction.atomic():
        existing = TrustedCertificate.objects.filter(fingerprint_sha256=fingerprint).first()
        if existing is not None:
            return existing, False
        trusted = TrustedCertificate.objects.create(
            fingerprint_sha256=fingerprint,
            subject=certificate.subject.rfc4514_string(),
            issuer=certificate.issuer.rfc4514_string(),
            not_before=certificate.not_valid_before_utc,
            not_after=certificate.not_valid_after_utc,
            der=der,
            kind=kind,
            source=source,
        )
        audit_record(
            actor=actor,
            action="signatures.trust_certificate_add",
            object_type="signatures.TrustedCertificate",
            object_id=trusted.pk,
            data={
                "fingerprint_sha256": fingerprint,
                "subject": trusted.subject,
                "kind": kind,
                "source": source,
            },
        )
    return trusted, True


def trust_store_load_folder(*, folder: Path, actor: Any = None) -> LoadResult:
    """Load every CA certificate file in a folder; running it again changes nothing (idempotent).

    End-entity certificates in the folder (the demo PKI keeps its signers beside its CAs) are skipped.
    """
    if not folder.is_dir():
        raise TrustStoreError(_("Không tìm thấy thư mục %(folder)s.") % {"folder": folder})
    result = LoadResult()
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in CERTIFICATE_SUFFIXES or path.name.endswith(".key.pem"):
            continue
        try:
            certificates = parse_certificates(path.read_bytes())
        except TrustStoreError as exc:
            result.skipped.append((path.name, str(exc)))
            continue
        for certificate in certificates:
            try:
                trusted, created = trust_certificate_add(
                    certificate=certificate, source=TrustedCertificate.Source.FOLDER, actor=actor
                )
            except TrustStoreError as exc:
                result.skipped.append((path.name, str(exc)))
                continue
            (result.added if created else result.already).append(trusted)
    return result


def trust_certificate_set_active(*, trusted: TrustedCertificate, active: bool, actor: Any = None) -> None:
    with transaction.atomic():
        trusted.active = active
        trusted.save(update_fields=["active", "updated_at"])
        audit_record(
            actor=actor,
            action="signatures.trust_certificate_activate"
            if active
            else "signatures.trust_certificate_deactivate",
            object_type="signatures.TrustedCertificate",
            object_id=trusted.pk,
            data={"fingerprint_sha256": trusted.fingerprint_sha256},
        )
