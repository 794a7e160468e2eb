"""Signatures as data: the trust store (anchors and intermediates), the revocation cache, the verifications
kept as evidence (R-SIG-4), the agencies' signing keys and the register of the documents motcua issued under
them (R-RES-1..3).

A key's secret never sits in the database: a PKCS#12 file lies on the server's disk and its password is
read from an environment variable named here; a PKCS#11 token is named by module, token and key label.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.signatures.report import VERDICT_LABELS, Report, Verdict


class TrustedCertificate(models.Model):
    """A CA certificate the verifier trusts (a root anchor) or may use to build a chain (an intermediate).

    The deployment loads Vietnam's national root CA (NEAC) and the licensed CAs from a folder
    (`manage.py load_trust_store`); an administrator may add or deactivate one in the admin. Deactivating,
    not deleting, keeps the history of what was trusted when.
    """

    class Kind(models.TextChoices):
        ROOT = "root", _("CA gốc (điểm tin cậy)")
        INTERMEDIATE = "intermediate", _("CA trung gian")

    class Source(models.TextChoices):
        FOLDER = "folder", _("Nạp từ thư mục")
        ADMIN = "admin", _("Quản trị viên thêm")

    fingerprint_sha256 = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    subject = models.CharField(_("chủ thể"), max_length=1000)
    issuer = models.CharField(_("tổ chức cấp"), max_length=1000)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    der = models.BinaryField(_("chứng thư (DER)"))
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("nguồn"), max_length=20, choices=Source.choices)
    active = models.BooleanField(_("đang dùng"), default=True)
    added_at = models.DateTimeField(_("thêm lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("chứng thư CA tin cậy")
        verbose_name_plural = _("kho chứng thư CA tin cậy")
        ordering = ["kind", "subject"]

    def __str__(self) -> str:
        return self.subject


class RevocationCacheEntry(models.Model):
    """A fetched CRL or OCSP response, kept until its nextUpdate.

    In the database rather than in memory so it survives restarts and every worker shares it.
    `key` is the CRL's URL, or "ocsp:<responder URL>:<issuer key hash>:<serial>" for an OCSP response.
    """

    class Kind(models.TextChoices):
        CRL = "crl", "CRL"
        OCSP = "ocsp", "OCSP"

    key = models.CharField(max_length=1000, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.CharField(max_length=1000)
    der = models.BinaryField()
    fetched_at = models.DateTimeField()
    next_update = models.DateTimeField()

    class Meta:
        verbose_name = _("dữ liệu thu hồi đã tải")
        verbose_name_plural = _("dữ liệu thu hồi đã tải")

    def __str__(self) -> str:
        return self.key


class AgencySigningKey(models.Model):
    """A key an agency signs with: its seal (holder empty), or a leader's personal key (holder set)."""

    class Kind(models.TextChoices):
        PKCS12 = "pkcs12", _("Tệp PKCS#12 (.p12, .pfx)")
        PKCS11 = "pkcs11", _("Thiết bị ký số PKCS#11 (HSM, USB token)")

    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="signing_keys")
    # Empty: the agency's own seal (con dấu số). Set: the personal key of one of its leaders.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="signing_keys"
    )
    kind = models.CharField(_("loại khóa"), max_length=8, choices=Kind.choices, default=Kind.PKCS12)
    label = models.CharField(_("tên gọi"), max_length=200, blank=True)
    p12_path = models.CharField(_("đường dẫn tệp PKCS#12 trên máy chủ"), max_length=500, blank=True)
    # The name of the environment variable holding the password (PKCS#12) or PIN (PKCS#11), never the value.
    password_env = models.CharField(_("biến môi trường chứa mật khẩu"), max_length=100, blank=True)
    pkcs11_module = models.CharField(_("thư viện PKCS#11"), max_length=500, blank=True)
    pkcs11_token = models.CharField(_("nhãn thiết bị (token)"), max_length=200, blank=True)
    pkcs11_key_label = models.CharField(_("nhãn khóa"), max_length=200, blank=True)
    certificate_pem = models.TextField(blank=True)
    subject = models.CharField(_("chủ thể chứng thư"), max_length=500, blank=True)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500, blank=True)
    serial = models.CharField(max_length=80, blank=True)
    fingerprint_sha256 = models.CharField(_("dấu vân tay SHA-256"), max_length=64, blank=True)
    not_before = models.DateTimeField(_("hiệu lực từ"), null=True, blank=True)
    not_after = models.DateTimeField(_("hiệu lực đến"), null=True, blank=True)
    active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["agency", "-active", "-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "holder", "active"], name="signing_key_lookup")]
        verbose_name = _("khóa ký số của cơ quan")
        verbose_name_plural = _("khóa ký số của cơ quan")

    def __str__(self) -> str:
        return self.label or self.subject or f"{self.kind} #{self.pk}"


class RevocationGround(models.TextChoices):
    """Why an issued document was revoked, as anyone verifying it may be told (R-RES-2)."""

    ERROR = "error", _("Văn bản có sai sót về nội dung hoặc thể thức")
    REPLACED = "replaced", _("Văn bản đã được thay thế bằng văn bản khác")
    NOT_COMPLIANT = "not_compliant", _("Văn bản được ban hành không đúng quy định")
    AUTHORITY = "authority", _("Theo quyết định của cơ quan có thẩm quyền")


class IssuedDocument(models.Model):
    """A sealed document motcua issued, as stored: what the public verification page looks up (R-RES-3).

    Holds no personal data: what it says is what anyone holding the document may be told.
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
        RESULT = "result", _("Kết quả giải quyết thủ tục hành chính")
        CERTIFIED_COPY = "certified_copy", _("Bản sao điện tử được chứng thực từ bản chính")

    # Random, unguessable: printed as the QR code's link /xac-thuc/<token>/.
    token = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="issued_documents"
    )
    dossier_code = models.CharField(max_length=60, blank=True)
    document_code = models.CharField(max_length=60, blank=True)  # e.g. the result's <dossier code>-KQ1
    # The decision (receipt) or result row the document belongs to, to serve the sealed bytes from then on.
    decision = models.ForeignKey(
        "workflow.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="issued_documents"
    )
    result = models.ForeignKey(
        "workflow.ResultDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="issued_documents",
    )
    stored_file = models.ForeignKey("dossiers.StoredFile", on_delete=models.PROTECT, related_name="+")
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seal_key = models.ForeignKey(AgencySigningKey, on_delete=models.PROTECT, related_name="+")
    # The leader who signed it personally besides the seal, if any (an official's name, not personal data).
    leader_name = models.CharField(max_length=200, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The leader's own words: for the agency and the applicant, never shown on the public page.
    revoked_reason = models.TextField(blank=True)
    # What the public verification page says of why (R-RES-2): one of a few plain grounds, nothing personal.
    revoked_ground = models.CharField(max_length=16, blank=True, choices=RevocationGround.choices)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("văn bản đã ban hành")
        verbose_name_plural = _("văn bản đã ban hành")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document_code or self.dossier_code}"


class SignatureVerification(models.Model):
    """One verification of the signatures in one stored file, kept unchanged as evidence (R-SIG-1, R-SIG-4).

    Keyed by the file's bytes (content-addressed StoredFile), not by the dossier: the same bytes verified
    again later make a new row, and every row stays. `report` holds the whole Report with the certificates,
    CRLs and OCSP responses the verdict rested on, so it can be re-proved years later.
    """

    stored_file = models.ForeignKey("dossiers.StoredFile", on_delete=models.PROTECT, related_name="+")
    # For a detached signature (.p7s): the file it signs; NULL for a PDF or XML that carries its signature.
    detached_content = models.ForeignKey(
        "dossiers.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("thời điểm kiểm tra"))
    format = models.CharField(max_length=8)
    verdict = models.CharField(
        _("kết luận"), max_length=16, choices=[(v.value, label) for v, label in VERDICT_LABELS.items()]
    )
    report = models.JSONField()
    # Who caused it: the applicant uploading, or the official asking for a fresh check.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["stored_file", "-verified_at", "-id"]
        indexes = [models.Index(fields=["stored_file", "-verified_at"], name="sigver_file_latest")]
        verbose_name = _("kết quả kiểm tra chữ ký số")
        verbose_name_plural = _("kết quả kiểm tra chữ ký số")

    def __str__(self) -> str:
        return f"{self.stored_file_id} {self.verdict} {self.verified_at:%Y-%m-%d %H:%M}"

    @property
    def parsed(self) -> Report:
        return Report.from_json(self.report)

    @property
    def is_valid(self) -> bool:
        return self.verdict == Verdict.VALID
