"""The signature verification report: what every format's verifier returns and what is stored as evidence.

One `Report` per verified file (a PDF with its signatures, a detached CMS over its file, a signed XML). It is
plain data: stored as JSON beside the component (R-SIG-4), shown to officials and the applicant (R-SIG-3),
and re-read years later. Reasons are codes with parameters, not sentences, so a report stored today is shown
in the reader's language tomorrow; `reason_text` turns a code into plain Vietnamese (or English).
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _

REPORT_VERSION = 1


class Verdict(StrEnum):
    """One overall answer per signature and per file (R-SIG-3)."""

    VALID = "valid"
    INVALID = "invalid"
    INDETERMINATE = "indeterminate"  # could not be decided (revocation unreachable, too large, unknown CA…)
    NONE = "none"  # the file carries no signature at all


VERDICT_LABELS = {
    Verdict.VALID: _("Hợp lệ"),
    Verdict.INVALID: _("Không hợp lệ"),
    Verdict.INDETERMINATE: _("Chưa xác định được"),
    Verdict.NONE: _("Không có chữ ký số"),
}


class CheckStatus(StrEnum):
    OK = "ok"
    FAILED = "failed"
    UNKNOWN = "unknown"  # not checkable now (e.g. revocation source down under the soft-fail policy)
    WARNING = "warning"  # acceptable but worth showing (e.g. no trusted timestamp, signing time claimed only)


class CheckKind(StrEnum):
    """The criteria of R-SIG-1 / R-SIG-2, each answered once per signature."""

    INTEGRITY = "integrity"  # the signed bytes hash to what the signature says
    MODIFICATION = (
        "modification"  # nothing but allowed changes (form filling, later signatures) after signing
    )
    COVERAGE = "coverage"  # the signature covers the whole file (or the whole revision it signed)
    TRUST = "trust"  # the certificate chains to a configured trust anchor
    VALIDITY = "validity"  # every certificate in the chain was valid at the signing time
    KEY_USAGE = "key_usage"  # digitalSignature or nonRepudiation
    REVOCATION = "revocation"  # not revoked (CRL / OCSP)
    ALGORITHM = "algorithm"  # SHA-2/SHA-3; RSA >= 2048 bits, ECDSA >= 256 bits
    TIMESTAMP = "timestamp"  # a trusted RFC 3161 timestamp, when present, is itself valid
    FORMAT = "format"  # the signature structure parses (corrupt CMS, wrapped XML element…)


# reason code -> plain sentence; parameters are filled with %-formatting from Check.params.
REASONS: dict[str, Any] = {
    "ok": _("Đạt."),
    "no_signature": _("Tệp không có chữ ký số."),
    "signature_required": _(
        "Thành phần này phải được ký số nhưng tệp không có chữ ký số. Hãy ký số tệp rồi tải lên lại."
    ),
    "digest_mismatch": _("Nội dung đã bị thay đổi sau khi ký: dữ liệu không khớp với chữ ký."),
    "signature_bad": _("Chữ ký không khớp với khóa công khai trong chứng thư số."),
    "modified_content": _("Tài liệu đã bị sửa nội dung sau khi ký."),
    "modified_form_filling": _("Sau khi ký chỉ có điền biểu mẫu hoặc thêm chữ ký khác (được phép)."),
    "partial_coverage": _("Chữ ký chỉ bao phủ một phần tệp."),
    "untrusted": _("Chứng thư số không do tổ chức cung cấp dịch vụ chứng thực chữ ký số được công nhận cấp."),
    "expired": _("Chứng thư số đã hết hạn vào thời điểm ký (%(not_after)s)."),
    "not_yet_valid": _("Chứng thư số chưa có hiệu lực vào thời điểm ký (%(not_before)s)."),
    "bad_key_usage": _("Chứng thư số không được cấp cho mục đích ký số."),
    "revoked": _("Chứng thư số đã bị thu hồi lúc %(revoked_at)s."),
    "revoked_after_signing": _(
        "Chứng thư số bị thu hồi lúc %(revoked_at)s, sau thời điểm ký: chữ ký vẫn có giá trị."
    ),
    "revocation_unavailable": _(
        "Không kiểm tra được tình trạng thu hồi của chứng thư số (máy chủ CRL/OCSP không trả lời)."
    ),
    "weak_hash": _("Thuật toán băm %(algorithm)s không còn được chấp nhận (cần SHA-2 hoặc SHA-3)."),
    "weak_key": _("Khóa %(algorithm)s %(bits)s bit quá yếu (cần RSA từ 2048 bit hoặc ECDSA từ 256 bit)."),
    "no_timestamp": _("Không có dấu thời gian tin cậy: thời điểm ký do người ký tự khai."),
    "timestamp_invalid": _("Dấu thời gian kèm theo chữ ký không hợp lệ."),
    "corrupt": _("Cấu trúc chữ ký bị hỏng, không đọc được."),
    "encrypted": _("Tệp PDF được đặt mật khẩu nên không kiểm tra được chữ ký."),
    "wrapped_element": _("Chữ ký XML không ký phần tài liệu được đọc (nghi giả mạo bằng cách bọc phần tử)."),
    "detached_mismatch": _("Tệp chữ ký (.p7s) không khớp với tệp được ký."),
    "too_large": _("Tệp quá lớn hoặc quá phức tạp để kiểm tra chữ ký (vượt giới hạn %(limit)s)."),
}


def reason_text(code: str, params: dict[str, Any] | None = None) -> str:
    """The plain-language sentence for a reason code, in the active language."""
    template = REASONS.get(code)
    if template is None:
        return code
    text = str(template)
    return text % params if params else text


@dataclass(frozen=True)
class Check:
    kind: str  # CheckKind
    status: str  # CheckStatus
    reason: str = "ok"  # a key of REASONS
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return reason_text(self.reason, self.params)


@dataclass(frozen=True)
class SignatureResult:
    """One signature in the file."""

    index: int  # 1-based, in file order
    verdict: str  # Verdict
    reason: str  # the deciding reason code (first failed check, else first unknown, else "ok")
    reason_params: dict[str, Any] = field(default_factory=dict)
    field_name: str = ""  # PDF signature field; XML Signature Id
    signer_name: str = ""  # subject common name
    signer_id: str = ""  # "CCCD:001090012345", "MST:0112345676" where the certificate carries it
    organization: str = ""
    issuer_name: str = ""  # issuing CA common name
    certificate_sha256: str = ""
    signing_time: str | None = None  # ISO 8601: claimed by the signer
    timestamp_time: str | None = None  # ISO 8601: from a trusted RFC 3161 timestamp
    timestamp_authority: str = ""
    checks: list[Check] = field(default_factory=list)

    @property
    def text(self) -> str:
        return reason_text(self.reason, self.reason_params)

    def check(self, kind: str) -> Check | None:
        return next((c for c in self.checks if c.kind == kind), None)


@dataclass(frozen=True)
class Evidence:
    """What the verdict rested on, kept so it can be re-proved (R-SIG-4): DER, base64-encoded."""

    certificates: list[str] = field(default_factory=list)
    crls: list[str] = field(default_factory=list)
    ocsp_responses: list[str] = field(default_factory=list)
    timestamps: list[str] = field(default_factory=list)

    @staticmethod
    def encode(der: bytes) -> str:
        return base64.b64encode(der).decode("ascii")


@dataclass(frozen=True)
class Report:
    format: str  # "pdf" | "cms" | "xml"
    file_sha256: str
    verified_at: str  # ISO 8601
    policy: str  # revocation policy in force: "hard" | "soft"
    verdict: str  # Verdict, over all signatures: any invalid -> invalid; any indeterminate -> indeterminate
    reason: str
    reason_params: dict[str, Any] = field(default_factory=dict)
    signatures: list[SignatureResult] = field(default_factory=list)
    evidence: Evidence = field(default_factory=Evidence)
    version: int = REPORT_VERSION

    @property
    def text(self) -> str:
        return reason_text(self.reason, self.reason_params)

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[Verdict(self.verdict)])

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Report:
        signatures = [
            SignatureResult(**{**s, "checks": [Check(**c) for c in s.get("checks", [])]})
            for s in data.get("signatures", [])
        ]
        return cls(
            **{
                **{k: v for k, v in data.items() if k not in ("signatures", "evidence")},
                "signatures": signatures,
                "evidence": Evidence(**data.get("evidence", {})),
            }
        )


def overall(signatures: list[SignatureResult]) -> tuple[str, str, dict[str, Any]]:
    """The file's verdict from its signatures' verdicts: (verdict, reason, params)."""
    if not signatures:
        return Verdict.NONE, "no_signature", {}
    for wanted in (Verdict.INVALID, Verdict.INDETERMINATE):
        for signature in signatures:
            if signature.verdict == wanted:
                return wanted, signature.reason, signature.reason_params
    # Valid, but a signature may say what was not checked (soft-fail revocation): carry that up, never hide it.
    for signature in signatures:
        if signature.reason != "ok":
            return Verdict.VALID, signature.reason, signature.reason_params
    return Verdict.VALID, "ok", {}


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat()
