"""Public verification of what motcua issued (R-RES-2, R-RES-3): anyone, with the file or its QR code.

It says whether a PDF is, unmodified, a document motcua issued; which agency issued it, for which dossier
code, what kind of document under which code, when; whether it was revoked; and, from the verification
engine, whether its signatures are valid now. Never who applied nor anything about them: the register
holds no personal data, and nothing is read from the document's content.

The portal page and the API call these functions, so they share one set of counters.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.ratelimit import Limit, hit
from motcua.signatures import register
from motcua.signatures.models import IssuedDocument
from motcua.signatures.report import Report

LOOKUPS = Limit("verification", count=30, window=10 * 60)
MAX_BYTES = 50 * 1024 * 1024
FROM_QR = "qr_code"  # outcome of a lookup by the QR code's token: the document as motcua stores it


class VerificationLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class PublicDocument:
    """What anyone may be told of an issued document; every field always present."""

    token: str
    kind: str
    kind_label: str
    agency_code: str
    agency_name: str
    dossier_code: str
    document_code: str
    issued_at: dt.datetime
    leader_signed: bool
    revoked: bool
    revoked_at: dt.datetime | None
    # Why, in the agency's public words (a RevocationGround label); never the leader's own note.
    revoked_ground: str
    sha256: str


@dataclass(frozen=True)
class PublicVerification:
    outcome: str  # register.MATCH / EXTENDED / MODIFIED / UNKNOWN, or FROM_QR
    outcome_label: str
    document: PublicDocument | None
    sha256: str  # of the file checked (the upload, or the stored document)
    signatures: Report | None  # the signatures as valid now; None when the engine is not available


def _public(document: IssuedDocument) -> PublicDocument:
    return PublicDocument(
        token=document.token,
        kind=document.kind,
        kind_label=str(document.get_kind_display()),
        agency_code=document.agency.code,
        agency_name=document.agency.name,
        dossier_code=document.dossier_code,
        document_code=document.document_code,
        issued_at=document.issued_at,
        leader_signed=bool(document.leader_name),
        revoked=document.revoked_at is not None,
        revoked_at=document.revoked_at,
        revoked_ground=str(document.get_revoked_ground_display()) if document.revoked_ground else "",
        sha256=document.sha256,
    )


def outcome_label(outcome: str, revoked: bool = False) -> str:
    labels = {
        register.MATCH: _("Đúng là văn bản do hệ thống motcua ban hành, nguyên vẹn, chưa bị sửa đổi."),
        register.EXTENDED: _(
            "Phần văn bản do hệ thống motcua ban hành còn nguyên vẹn, nhưng tệp đã được thêm nội dung sau khi "
            "ban hành (ví dụ thêm chữ ký hoặc ghi chú). Phần thêm vào không do cơ quan ban hành; hãy đề nghị người "
            "gửi cung cấp bản gốc."
        ),
        register.MODIFIED: _(
            "Tệp mang dấu của một văn bản do hệ thống motcua ban hành nhưng đã bị sửa đổi: nội dung không còn "
            "khớp với bản đã ban hành. Không nên tin vào nội dung tệp này."
        ),
        register.UNKNOWN: _(
            "Không tìm thấy văn bản này trong sổ văn bản do hệ thống motcua ban hành. Tệp có thể không do "
            "motcua ban hành, hoặc đã bị sửa đổi."
        ),
        FROM_QR: _("Văn bản do hệ thống motcua ban hành, theo mã xác thực in trên văn bản."),
    }
    text = labels[outcome]
    if revoked:
        text += " " + _("Văn bản này đã bị thu hồi: không còn giá trị sử dụng.")
    return text


def _signatures_now(data: bytes) -> Report | None:
    """The signatures of `data` as valid now, from the verification engine, if it is installed."""
    try:
        from motcua.signatures.verify import verify_pdf_bytes
    except ImportError:
        return None
    return verify_pdf_bytes(data)


def _count(client: str) -> None:
    retry_after = hit(LOOKUPS, client)
    if retry_after is not None:
        raise VerificationLimited(retry_after)


def verify_upload(*, data: bytes, client: str) -> PublicVerification:
    """Check an uploaded PDF against the register; VerificationLimited when the client asked too often."""
    _count(client)
    found = register.match_upload(data)
    document = _public(found.document) if found.document else None
    return PublicVerification(
        outcome=found.outcome,
        outcome_label=outcome_label(found.outcome, bool(document and document.revoked)),
        document=document,
        sha256=found.sha256,
        signatures=_signatures_now(data) if found.outcome != register.UNKNOWN else None,
    )


def verify_token(*, token: str, client: str) -> PublicVerification | None:
    """The document a QR code names, revoked ones too (R-RES-2); None if there is none."""
    _count(client)
    found = register.issued_by_token(token)
    if found is None:
        return None
    document = _public(found)
    return PublicVerification(
        outcome=FROM_QR,
        outcome_label=outcome_label(FROM_QR, document.revoked),
        document=document,
        sha256=found.sha256,
        signatures=_signatures_now(register.sealed_bytes(found)),
    )
