"""The trust store (anchors and intermediates, as data) and the revocation cache."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
