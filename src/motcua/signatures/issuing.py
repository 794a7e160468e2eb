"""Installing agency signing keys, and issuing sealed documents into the public register (R-RES-1..3)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import audit_record
from motcua.catalog.models import Agency
from motcua.dossiers import storage
from motcua.dossiers.models import StoredFile
from motcua.identity.models import OfficialRole, User
from motcua.identity.selectors import roles_held
from motcua.signatures.models import AgencySigningKey, IssuedDocument
from motcua.signatures.sealing import SealingError, certificate_info, read_pkcs12, seal_pdf

MAX_P12_BYTES = 64 * 1024
ENV_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


class KeyError_(SealingError):
    """A key that cannot be installed, with the reason in Vietnamese."""


def may_manage_keys(*, actor: User | None, agency: Agency) -> bool:
    """Superusers, commands (no actor) and the agency's administrators manage its keys."""
    if actor is None or actor.is_superuser:
        return True
    return (agency.pk, OfficialRole.Role.AGENCY_ADMIN) in roles_held(official=actor)


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
    """
    if not may_manage_keys(actor=actor, agency=agency):
        raise KeyError_(_("Chỉ quản trị của %(agency)s được cài khóa ký số.") % {"agency": agency.name})
    if len(p12) > MAX_P12_BYTES:
        raise KeyError_(_("Tệp khóa quá lớn; tệp .p12 thường nhỏ hơn 64 KB. Hãy chọn đúng tệp khóa."))
    if not password_env or not set(password_env) <= ENV_NAME_CHARS:
        raise KeyError_(
            _(
                "Tên biến môi trường chỉ gồm chữ in hoa không dấu, chữ số và dấu gạch dưới, "
                "ví dụ MOTCUA_SEAL_PASSWORD."
            )
        )
    password = os.environ.get(password_env)
    if password is None:
        raise KeyError_(
            _("Biến môi trường %(env)s chưa được đặt trên máy chủ; hãy đặt mật khẩu của khóa vào biến này.")
            % {"env": password_env}
        )
    _key, certificate, _chain = read_pkcs12(p12, password.encode())
    info = certificate_info(certificate)
    now = timezone.now()
    if info.not_after < now:
        raise KeyError_(_("Chứng thư số trong tệp đã hết hạn; hãy dùng chứng thư còn hiệu lực."))
    folder = Path(settings.MOTCUA_KEYS_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{agency.code}-{info.fingerprint_sha256[:16]}.p12"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(p12)
    with transaction.atomic():
        AgencySigningKey.objects.filter(agency=agency, holder=holder, active=True).update(active=False)
        key = AgencySigningKey.objects.create(
            agency=agency,
            holder=holder,
            kind=AgencySigningKey.Kind.PKCS12,
            label=label or certificate.subject.rfc4514_string()[:200],
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
            },
            at=now,
        )
    return key


def signing_key_deactivate(*, key: AgencySigningKey, actor: User | None) -> AgencySigningKey:
    if not may_manage_keys(actor=actor, agency=key.agency):
        raise KeyError_(
            _("Chỉ quản trị của %(agency)s được thay đổi khóa ký số.") % {"agency": key.agency.name}
        )
    with transaction.atomic():
        key.active = False
        key.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="signatures.key_deactivated",
            object_type="agency",
            object_id=key.agency.code,
            data={"key": key.pk, "fingerprint_sha256": key.fingerprint_sha256},
        )
    return key


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
) -> IssuedDocument:
    """Seal the PDF `render(token)` makes, store it and enter it in the register; SealingError on failure.

    `render` gets the verification token, so the document can print the QR code of its own verification
    page (R-FORM-3). Call inside the transition's transaction: a failure leaves nothing behind but a blob.
    """
    from motcua.signatures.sealing import active_key

    token = new_token()
    sealed = seal_pdf(render(token), agency=agency, purpose=kind, token=token)
    blob = storage.store_chunks([sealed], max_bytes=len(sealed))
    stored, _created = StoredFile.objects.get_or_create(
        sha256=blob.sha256, defaults={"size": blob.size, "content_type": "application/pdf"}
    )
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
        sha256=blob.sha256,
        size=blob.size,
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
        data={"kind": kind, "dossier": document.dossier_code, "code": document_code, "sha256": blob.sha256},
        at=now,
    )
    return document


def document_revoke(*, document: IssuedDocument, official: User, reason: str) -> IssuedDocument:
    """Revoke an issued document: it stays stored and can still be looked up, marked revoked (R-RES-2)."""
    if (document.agency_id, OfficialRole.Role.LEADER) not in roles_held(official=official) and not (
        official.is_superuser
    ):
        raise SealingError(_("Chỉ lãnh đạo cơ quan ban hành được thu hồi văn bản."))
    if len(reason.strip()) < 5:
        raise SealingError(_("Hãy ghi rõ lý do thu hồi văn bản."))
    with transaction.atomic():
        locked = IssuedDocument.objects.select_for_update().get(pk=document.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.revoked_by = official
        locked.revoked_reason = reason.strip()
        locked.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
        audit_record(
            actor=official,
            action="signatures.document_revoked",
            object_type="issued_document",
            object_id=locked.token,
            data={"reason": locked.revoked_reason, "dossier": locked.dossier_code},
            at=locked.revoked_at,
        )
    return locked
