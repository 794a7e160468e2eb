"""Signatures as data: the trust store, the revocation cache and the verifications kept as evidence."""

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
