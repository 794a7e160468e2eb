"""Signatures: the trust store's changes, and verifying what applicants submit (R-SIG-1, R-SIG-4).

Certificates enter the trust store from a folder or by an administrator. The verification itself (`verify.verify_file`) may fetch revocation data over the network, so it runs
outside any transaction, before the file is attached; `verification_record` then stores its report in the
transaction that attaches the file. What a component's signature requirement demands of the verdict is
`requirement_problems`, the one answer for the upload, the submission check and the API.
"""

from __future__ import annotations

import hashlib
import mmap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import audit_record
from motcua.catalog.models import Component
from motcua.dossiers.models import Dossier, DossierFile, StoredFile
from motcua.dossiers.storage import blob_path
from motcua.signatures import verify
from motcua.signatures.models import SignatureVerification, TrustedCertificate
from motcua.signatures.report import Report, Verdict
from motcua.signatures.selectors import latest_verifications

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


# Undecided verdicts a required signature may still pass the automatic check with (see requirement_problems).
ACCEPTED_UNDECIDED = {"revocation_unavailable"}
PDF = "application/pdf"
XML = "application/xml"
CMS = "application/pkcs7-signature"
# What a PDF or XML signature leaves in the bytes: a PDF signature dictionary always has /ByteRange, an XML
# signature is an element of the XMLDSig namespace.
_MARKERS = {PDF: (b"/ByteRange",), XML: (b"http://www.w3.org/2000/09/xmldsig#",)}


def looks_signed(path: Path, content_type: str) -> bool:
    """Whether the file may carry a signature worth verifying: a fast scan, no parsing.

    A false positive only costs a verification that answers "no signature"; a PDF signature cannot hide
    from this scan, because its /ByteRange must be readable for any verifier to find what was signed.
    """
    if content_type == CMS:
        return True
    markers = _MARKERS.get(content_type)
    if not markers or path.stat().st_size == 0:
        return False
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return any(data.find(marker) != -1 for marker in markers)


def needs_verification(*, component: Component, path: Path, content_type: str) -> bool:
    """Signed components are verified, and so is every component that requires a signature (R-SIG-1)."""
    if content_type not in _MARKERS and content_type != CMS:
        return False
    if component.signature_requirement != Component.Signature.NONE:
        return True
    return looks_signed(path, content_type)


def file_report(*, path: Path, content_type: str, detached_content: Path | None = None) -> Report:
    """Verify one file's signatures now; a hostile or broken file gives a report, never an exception."""
    return verify.verify_file(path, content_type=content_type, detached_content=detached_content)


def verification_record(
    *, stored_file: StoredFile, report: Report, requested_by=None, detached_content: StoredFile | None = None
) -> SignatureVerification:
    """Keep a verification as evidence (R-SIG-4); call it inside the transaction that uses the verdict."""
    verification = SignatureVerification.objects.create(
        stored_file=stored_file,
        detached_content=detached_content,
        verified_at=timezone.now(),
        format=report.format,
        verdict=report.verdict,
        report=report.as_json(),
        requested_by=requested_by,
    )
    audit_record(
        actor=requested_by,
        action="signature.verified",
        object_type="stored_file",
        object_id=stored_file.sha256,
        data={
            "verification": verification.pk,
            "verdict": report.verdict,
            "reason": report.reason,
            "detached_content": detached_content.sha256 if detached_content else None,
        },
    )
    return verification


def _signed_by_organisation(report: Report) -> bool:
    return any(s.verdict == Verdict.VALID and s.organization for s in report.signatures)


def requirement_problems(*, component: Component, report: Report | None, name: str) -> list[str]:
    """What is wrong with a file's signatures for its component's requirement (R-SIG-1), in plain words.

    - "applicant_signed": the file must carry a valid signature.
    - "certified_copy": it must carry a valid signature of an organisation (the certifying authority's
      seal); a personal signature does not certify a copy.
    An indeterminate verdict because the CA's revocation server did not answer is not the applicant's
    fault: the file is accepted and the official sees the verdict and can check again. Any other undecided
    verdict — a certificate from a CA outside the trust store (not a licensed CA), an encrypted or too
    complex file — is refused like an invalid or missing signature, at once and with the reason.
    """
    requirement = component.signature_requirement
    if requirement == Component.Signature.NONE:
        return []
    if report is None or report.verdict == Verdict.NONE:
        if requirement == Component.Signature.CERTIFIED_COPY:
            return [
                _(
                    "“%(component)s” phải là bản sao điện tử có chứng thực (có chữ ký số của cơ quan chứng thực), "
                    "nhưng tệp “%(name)s” không có chữ ký số. Hãy nộp bản sao đã được chứng thực điện tử, "
                    "hoặc mang bản chính đến Bộ phận Một cửa để được chứng thực."
                )
                % {"component": component.name, "name": name}
            ]
        return [
            _(
                "“%(component)s” phải được ký số, nhưng tệp “%(name)s” không có chữ ký số. "
                "Hãy ký số tệp bằng chữ ký số của bạn rồi tải lên lại."
            )
            % {"component": component.name, "name": name}
        ]
    if report.verdict == Verdict.INVALID or (
        report.verdict == Verdict.INDETERMINATE and report.reason not in ACCEPTED_UNDECIDED
    ):
        return [
            _("Chữ ký số trên tệp “%(name)s” không hợp lệ: %(reason)s Hãy nộp tệp có chữ ký số hợp lệ.")
            % {"name": name, "reason": report.text}
        ]
    if (
        requirement == Component.Signature.CERTIFIED_COPY
        and report.verdict == Verdict.VALID
        and not _signed_by_organisation(report)
    ):
        return [
            _(
                "Tệp “%(name)s” chỉ có chữ ký số cá nhân, chưa phải bản sao có chứng thực: “%(component)s” cần "
                "chữ ký số của cơ quan chứng thực. Hãy nộp bản sao đã được chứng thực điện tử."
            )
            % {"name": name, "component": component.name}
        ]
    return []


def ensure_verified(
    *, files: list[DossierFile], requested_by=None, again: bool = False
) -> dict[int, SignatureVerification]:
    """The verification of every dossier file that needs one, verifying now what was never verified.

    `files` are DossierFile rows with component and stored_file loaded. A PDF or XML is usually verified at
    upload already (and found here without any network); a detached signature (.p7s) is verified here
    against each other file of its component, since either may arrive first. `again`: verify everything
    anew (the official's re-check); earlier verifications stay as evidence. Returns {dossier file id:
    verification}; for a .p7s, the verification against the file it signs (the first valid one).

    Every verification runs before any is recorded: recording writes to the audit chain, whose head stays
    locked until commit, and no lock may be held across a revocation look-up over the network.
    """
    wanted = [
        f
        for f in files
        if needs_verification(
            component=f.component,
            path=blob_path(f.stored_file.sha256),
            content_type=f.stored_file.content_type,
        )
    ]
    known = {} if again else latest_verifications(stored_file_ids={f.stored_file_id for f in wanted})
    # (file, detached partner or None) -> existing verification or a fresh report
    found: dict[tuple[int, int | None], SignatureVerification | Report] = {}
    plan: list[tuple[DossierFile, DossierFile | None]] = []
    for f in wanted:
        if f.stored_file.content_type != CMS:
            plan.append((f, None))
        else:
            plan.extend(
                (f, g)
                for g in files
                if g.component_id == f.component_id and g.stored_file.content_type != CMS
            )
    for f, partner in plan:
        key = (f.stored_file_id, partner.stored_file_id if partner else None)
        if key in found:
            continue
        existing = known.get(key)
        found[key] = existing or file_report(
            path=blob_path(f.stored_file.sha256),
            content_type=f.stored_file.content_type,
            detached_content=blob_path(partner.stored_file.sha256) if partner else None,
        )
    result: dict[int, SignatureVerification] = {}
    for f, partner in plan:
        key = (f.stored_file_id, partner.stored_file_id if partner else None)
        verification = found[key]
        if isinstance(verification, Report):
            verification = found[key] = verification_record(
                stored_file=f.stored_file,
                report=verification,
                requested_by=requested_by,
                detached_content=partner.stored_file if partner else None,
            )
        current = result.get(f.pk)
        if current is None or (verification.is_valid and not current.is_valid):
            result[f.pk] = verification
    return result


@transaction.atomic
def dossier_signatures_recheck(*, dossier: Dossier, official) -> int:
    """Verify every signed component of a dossier again now, e.g. after the CA's revocation server was down.

    The earlier verifications stay as evidence; the new ones are shown from now on. Only officials of the
    dossier's agency come here (through dossier_for_official). Returns how many files were verified.
    """
    files = list(dossier.files.select_related("component", "stored_file"))
    verified = ensure_verified(files=files, requested_by=official, again=True)
    audit_record(
        actor=official,
        action="dossier.signatures_rechecked",
        object_type="dossier",
        object_id=str(dossier.public_id),
        data={"files": len(verified)},
    )
    return len(verified)
