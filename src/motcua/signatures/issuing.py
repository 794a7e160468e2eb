"""Installing agency signing keys, and issuing sealed documents into the public register (R-RES-1..3)."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import audit_record
from motcua.catalog.models import Agency
from motcua.dossiers.checks import Problem
from motcua.dossiers.services import stored_file_from_bytes
from motcua.identity.models import OfficialRole, User
from motcua.identity.selectors import roles_held
from motcua.signatures.models import AgencySigningKey, IssuedDocument, RevocationGround
from motcua.signatures.sealing import SealingError, certificate_info, read_pkcs12, seal_pdf

MAX_P12_BYTES = 64 * 1024
ENV_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
MIN_RSA_BITS, MIN_EC_BITS = 2048, 256  # R-SIG-2
RECEIPTS_PER_RUN = 200  # receipts sealed afterwards per request; the page offers the rest again


class IssuingError(SealingError):
    """What stops a change to keys or issued documents: every problem at once, each in Vietnamese."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(" ".join(p.message for p in problems))


class KeyError_(IssuingError):
    """A key that cannot be installed or changed."""


def may_manage_keys(*, actor: User | None, agency: Agency) -> bool:
    """Superusers, commands (no actor) and the agency's administrators manage its keys."""
    if actor is None or actor.is_superuser:
        return True
    return (agency.pk, OfficialRole.Role.AGENCY_ADMIN) in roles_held(official=actor)


def _forbidden(agency: Agency) -> KeyError_:
    return KeyError_(
        [
            Problem(
                "agency",
                "forbidden",
                _("Chỉ quản trị của %(agency)s được thay đổi khóa ký số.") % {"agency": agency.name},
            )
        ]
    )


def _certificate_problems(private_key: Any, certificate: x509.Certificate, now: dt.datetime) -> list[Problem]:
    """Why this certificate and key cannot seal documents (R-SIG-2, key usage, validity), if they cannot."""
    problems = []

    def add(code: str, message: str) -> None:
        problems.append(Problem("p12", code, message))

    if certificate.not_valid_after_utc < now:
        add(
            "expired",
            _("Chứng thư số trong tệp đã hết hạn ngày %(date)s; hãy dùng chứng thư còn hiệu lực.")
            % {"date": timezone.localtime(certificate.not_valid_after_utc).strftime("%d/%m/%Y")},
        )
    elif certificate.not_valid_before_utc > now:
        add(
            "not_yet_valid",
            _("Chứng thư số trong tệp chỉ có hiệu lực từ ngày %(date)s; hãy cài lại từ ngày đó.")
            % {"date": timezone.localtime(certificate.not_valid_before_utc).strftime("%d/%m/%Y")},
        )
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        can_sign = usage.digital_signature or usage.content_commitment
    except x509.ExtensionNotFound:
        can_sign = True  # no key usage extension: not restricted
    if not can_sign:
        add(
            "key_usage",
            _(
                "Chứng thư số trong tệp không được cấp để ký số (thiếu mục đích digitalSignature hoặc "
                "nonRepudiation). Hãy đề nghị tổ chức cung cấp dịch vụ chứng thực cấp chứng thư dùng để ký."
            ),
        )
    public = certificate.public_key()
    if (isinstance(public, rsa.RSAPublicKey) and public.key_size < MIN_RSA_BITS) or (
        isinstance(public, ec.EllipticCurvePublicKey) and public.curve.key_size < MIN_EC_BITS
    ):
        add(
            "weak_key",
            _("Khóa trong tệp quá ngắn (%(bits)s bit); cần khóa RSA từ 2048 bit hoặc ECDSA từ 256 bit.")
            % {"bits": public.key_size},
        )
    if isinstance(certificate.signature_hash_algorithm, hashes.SHA1):
        add(
            "sha1",
            _(
                "Chứng thư số trong tệp được ký bằng thuật toán SHA-1, không còn được chấp nhận. Hãy dùng chứng thư mới."
            ),
        )
    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    if private_key.public_key().public_bytes(*spki) != public.public_bytes(*spki):
        add("mismatch", _("Khóa bí mật trong tệp không khớp với chứng thư số. Hãy xuất lại tệp .p12."))
    return problems


def signing_key_install(
    *,
    agency: Agency,
    p12: bytes,
    password_env: str,
    holder: User | None = None,
    label: str = "",
    actor: User | None = None,
) -> AgencySigningKey:
    """Install a PKCS#12 key for the agency (its seal, or `holder`'s personal key) and make it the active one.

    The password is read from the environment variable `password_env` now, to prove the file opens; only
    the variable's name is kept. The file is kept under MOTCUA_KEYS_DIR, readable by the service only.
    Every problem is reported at once (KeyError_); then nothing is installed.
    """
    if not may_manage_keys(actor=actor, agency=agency):
        raise _forbidden(agency)
    problems: list[Problem] = []
    if holder is not None and not any(
        agency_id == agency.pk for agency_id, _role in roles_held(official=holder)
    ):
        problems.append(
            Problem(
                "holder",
                "other_agency",
                _("%(name)s không phải cán bộ của %(agency)s; chỉ cài khóa cá nhân cho cán bộ của cơ quan.")
                % {"name": holder.display_name, "agency": agency.name},
            )
        )
    if not p12:
        problems.append(Problem("p12", "required", _("Hãy chọn tệp khóa ký số (.p12 hoặc .pfx).")))
    elif len(p12) > MAX_P12_BYTES:
        problems.append(
            Problem(
                "p12",
                "too_large",
                _("Tệp khóa quá lớn; tệp .p12 thường nhỏ hơn 64 KB. Hãy chọn đúng tệp khóa."),
            )
        )
    password = None
    if not password_env or not set(password_env) <= ENV_NAME_CHARS or len(password_env) > 100:
        problems.append(
            Problem(
                "password_env",
                "invalid",
                _(
                    "Tên biến môi trường chỉ gồm chữ in hoa không dấu, chữ số và dấu gạch dưới, "
                    "ví dụ MOTCUA_SEAL_PASSWORD."
                ),
            )
        )
    else:
        password = os.environ.get(password_env)
        if password is None:
            problems.append(
                Problem(
                    "password_env",
                    "unset",
                    _(
                        "Biến môi trường %(env)s chưa được đặt trên máy chủ. Hãy nhờ quản trị hệ thống đặt mật "
                        "khẩu của khóa vào biến này và khởi động lại dịch vụ, rồi cài lại."
                    )
                    % {"env": password_env},
                )
            )
    now = timezone.now()
    info = None
    if p12 and len(p12) <= MAX_P12_BYTES and password is not None:
        try:
            private_key, certificate, _chain = read_pkcs12(p12, password.encode())
        except SealingError as error:
            problems.append(Problem("p12", "unreadable", str(error)))
        else:
            problems += _certificate_problems(private_key, certificate, now)
            info = certificate_info(certificate)
    if problems or info is None:
        raise KeyError_(problems)
    folder = Path(settings.MOTCUA_KEYS_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{agency.code}-{info.fingerprint_sha256[:16]}-{secrets.token_hex(4)}.p12"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(p12)
    try:
        with transaction.atomic():
            AgencySigningKey.objects.filter(agency=agency, holder=holder, active=True).update(active=False)
            key = AgencySigningKey.objects.create(
                agency=agency,
                holder=holder,
                kind=AgencySigningKey.Kind.PKCS12,
                label=label.strip()[:200] or info.subject[:200],
                p12_path=str(path),
                password_env=password_env,
                certificate_pem=info.certificate_pem,
                subject=info.subject,
                issuer=info.issuer,
                serial=info.serial,
                fingerprint_sha256=info.fingerprint_sha256,
                not_before=info.not_before,
                not_after=info.not_after,
                active=True,
                created_by=actor,
            )
            audit_record(
                actor=actor,
                action="signatures.key_installed",
                object_type="agency",
                object_id=agency.code,
                data={
                    "key": key.pk,
                    "holder": holder.pk if holder else None,
                    "subject": info.subject,
                    "fingerprint_sha256": info.fingerprint_sha256,
                    "password_env": password_env,
                },
                at=now,
            )
    except BaseException:
        path.unlink(missing_ok=True)  # nothing half-done: no key file without its row
        raise
    return key


def signing_key_deactivate(*, key: AgencySigningKey, actor: User | None) -> AgencySigningKey:
    """Stop signing with `key`; it stays on record, as do the documents sealed with it."""
    if not may_manage_keys(actor=actor, agency=key.agency):
        raise _forbidden(key.agency)
    with transaction.atomic():
        locked = (
            AgencySigningKey.objects.select_for_update(of=("self",)).select_related("agency").get(pk=key.pk)
        )
        if not locked.active:
            return locked
        locked.active = False
        locked.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="signatures.key_deactivated",
            object_type="agency",
            object_id=locked.agency.code,
            data={"key": locked.pk, "fingerprint_sha256": locked.fingerprint_sha256},
        )
    return locked


def new_token() -> str:
    """A random verification token: 20 base32 characters (100 bits), short enough for a small QR code."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(20))


def document_issue(
    *,
    kind: str,
    agency: Agency,
    render: Callable[[str], bytes],
    official: User | None,
    dossier=None,
    decision=None,
    result=None,
    document_code: str = "",
    leader_name: str = "",
    personal_signer: User | None = None,
) -> IssuedDocument:
    """Seal the PDF `render(token)` makes, store it and enter it in the register; SealingError on failure.

    `render` gets the verification token, so the document can print the QR code of its own verification
    page (R-FORM-3). `personal_signer`: an official who signs it personally first (the one who certified a
    copy, R-CERT-1), under the seal. Call inside the transition's transaction: a failure leaves nothing behind
    but a blob.
    """
    from motcua.signatures.sealing import active_key

    token = new_token()
    sealed = seal_pdf(render(token), agency=agency, purpose=kind, token=token, leader=personal_signer)
    stored = stored_file_from_bytes(sealed)
    now = timezone.now()
    document = IssuedDocument.objects.create(
        token=token,
        kind=kind,
        agency=agency,
        dossier=dossier,
        dossier_code=(dossier.code or "") if dossier is not None else "",
        document_code=document_code,
        decision=decision,
        result=result,
        stored_file=stored,
        sha256=stored.sha256,
        size=stored.size,
        issued_at=now,
        issued_by=official,
        seal_key=active_key(agency),
        leader_name=leader_name,
    )
    audit_record(
        actor=official,
        action="signatures.document_issued",
        object_type="issued_document",
        object_id=token,
        data={"kind": kind, "dossier": document.dossier_code, "code": document_code, "sha256": stored.sha256},
        at=now,
    )
    return document


def document_revoke(*, document: IssuedDocument, official: User, reason: str, ground: str) -> IssuedDocument:
    """Revoke an issued document: it stays stored and can still be looked up, marked revoked (R-RES-2).

    `ground` (a RevocationGround) is what the public verification page says; `reason`, the leader's own
    words, stays with the agency and the applicant, who is notified. Revoking twice changes nothing.
    """
    if (document.agency_id, OfficialRole.Role.LEADER) not in roles_held(official=official) and not (
        official.is_superuser
    ):
        raise IssuingError(
            [Problem("document", "forbidden", _("Chỉ lãnh đạo cơ quan ban hành được thu hồi văn bản."))]
        )
    problems = []
    if ground not in RevocationGround.values:
        problems.append(
            Problem("ground", "required", _("Hãy chọn căn cứ thu hồi sẽ hiện trên trang xác thực công khai."))
        )
    if len(reason.strip()) < 5:
        problems.append(
            Problem("reason", "required", _("Hãy ghi rõ lý do thu hồi văn bản (ít nhất 5 ký tự)."))
        )
    if problems:
        raise IssuingError(problems)
    with transaction.atomic():
        locked = (
            IssuedDocument.objects.select_for_update(of=("self",))
            .select_related("dossier__applicant", "agency")
            .get(pk=document.pk)
        )
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.revoked_by = official
        locked.revoked_reason = reason.strip()[:4000]
        locked.revoked_ground = ground
        locked.save(update_fields=["revoked_at", "revoked_by", "revoked_reason", "revoked_ground"])
        audit_record(
            actor=official,
            action="signatures.document_revoked",
            object_type="issued_document",
            object_id=locked.token,
            data={"ground": ground, "reason": locked.revoked_reason, "dossier": locked.dossier_code},
            at=locked.revoked_at,
        )
        if locked.dossier is not None and locked.dossier.applicant is not None:
            _notify_revoked(locked)
    return locked


def document_label(document: IssuedDocument) -> str:
    """ "kết quả giải quyết thủ tục hành chính H26.39-261123-0001-KQ1": its kind, then its code if any."""
    return f"{str(document.get_kind_display()).lower()} {document.document_code}".strip()


def _notify_revoked(document: IssuedDocument) -> None:
    from motcua.notifications.services import notify

    dossier = document.dossier
    assert dossier is not None
    notify(
        user=dossier.applicant,
        subject=_("Văn bản %(document)s của hồ sơ %(code)s đã bị thu hồi")
        % {
            "document": document.document_code or str(document.get_kind_display()).lower(),
            "code": dossier.code,
        },
        body=_(
            "%(agency)s đã thu hồi %(document)s của hồ sơ %(code)s lúc %(at)s; văn bản không còn giá trị "
            "sử dụng.\nCăn cứ: %(ground)s.\nLý do: %(reason)s\nVăn bản vẫn được lưu trong trang hồ sơ của bạn "
            "và khi xác thực sẽ hiện là đã thu hồi."
        )
        % {
            "agency": document.agency.name,
            "document": document_label(document),
            "code": dossier.code,
            "at": timezone.localtime(document.revoked_at).strftime("%H:%M %d/%m/%Y"),
            "ground": document.get_revoked_ground_display(),
            "reason": document.revoked_reason,
        },
        link=reverse("portal:dossier_detail", kwargs={"public_id": dossier.public_id}),
    )


def receipts_seal_unsealed(*, agency: Agency, actor: User | None) -> tuple[int, int]:
    """Seal the receipts (form 01) the agency issued without a seal, and enter them in the register.

    Acceptance never waits for a key (workflow._seal_receipt), so receipts accepted while the agency had
    none were handed out unsealed. Each is sealed in its own transaction under a row lock on its decision,
    so a second run, or two at once, seal nothing twice. Returns (sealed now, still unsealed). Stops at the
    first sealing failure (IssuingError with the reason); what was sealed before it stays sealed.
    """
    from motcua.documents.pdf import render_pdf
    from motcua.signatures.sealing import active_key
    from motcua.signatures.selectors import unsealed_receipts
    from motcua.workflow.documents import decision_document
    from motcua.workflow.models import Decision

    if not may_manage_keys(actor=actor, agency=agency):
        raise _forbidden(agency)
    try:
        active_key(agency)
    except SealingError as error:
        raise IssuingError([Problem("key", "no_key", str(error))]) from None
    sealed = 0
    for decision_id in list(unsealed_receipts(agency=agency).values_list("pk", flat=True)[:RECEIPTS_PER_RUN]):
        try:
            with transaction.atomic():
                decision = (
                    Decision.objects.select_for_update(of=("self",))
                    .select_related("dossier")
                    .get(pk=decision_id)
                )
                if IssuedDocument.objects.filter(
                    decision=decision, kind=IssuedDocument.Kind.RECEIPT
                ).exists():
                    continue  # sealed meanwhile by another run
                document = document_issue(
                    kind=IssuedDocument.Kind.RECEIPT,
                    agency=agency,
                    render=lambda token, d=decision: render_pdf(
                        decision_document(d, verification_token=token)
                    ),
                    official=actor,
                    dossier=decision.dossier,
                    decision=decision,
                )
                decision.data.pop("seal_error", None)
                decision.data["sealed_later"] = document.token
                decision.save(update_fields=["data"])
                sealed += 1
        except SealingError as error:
            _audit_late_sealing(agency, actor, sealed, error=str(error))
            raise IssuingError(
                [
                    Problem(
                        "key",
                        "sealing",
                        _("Đã đóng dấu %(n)s giấy tiếp nhận, rồi dừng lại: %(error)s")
                        % {"n": sealed, "error": str(error)},
                    )
                ]
            ) from None
    _audit_late_sealing(agency, actor, sealed)
    return sealed, unsealed_receipts(agency=agency).count()


def _audit_late_sealing(agency: Agency, actor: User | None, sealed: int, error: str = "") -> None:
    audit_record(
        actor=actor,
        action="signatures.receipts_sealed_later",
        object_type="agency",
        object_id=agency.code,
        data={"sealed": sealed, "error": error},
    )
