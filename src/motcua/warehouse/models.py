"""The personal electronic data warehouse (Kho quản lý dữ liệu điện tử của tổ chức, cá nhân; R-WH-*, R-PRIV-*).

Each account has one: documents with their type, number, issuer, dates, bytes and provenance (uploaded by the
owner, verified by an agency while checking a dossier, certified copy, result of a dossier). Nothing but the
owner's own uploads enters without a recorded consent (R-PRIV-1); every use of a document by an official is
logged with its purpose, and the owner sees that log (R-PRIV-2).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Consent(models.Model):
    """The owner's consent to keep something of one dossier in their warehouse: what, when, in which words.

    Given at submission, per component (its files, once an official has verified them) and for the result;
    withdrawn by the owner at any time, which also takes out of the warehouse what entered under it.
    """

    class Scope(models.TextChoices):
        COMPONENT = "component", _("Lưu bản đã được xác minh của thành phần hồ sơ")
        RESULT = "result", _("Lưu kết quả giải quyết")
        CERTIFIED_COPY = "certified_copy", _("Lưu bản sao chứng thực điện tử")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("nội dung đồng ý"), max_length=16, choices=Scope.choices)
    # What it is about: a dossier (its component or result), or a certified copy made at the counter.
    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    component = models.ForeignKey(
        "catalog.Component", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    certified_copy = models.ForeignKey(
        "certification.CertifiedCopy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The one-stop official who recorded a consent the person gave in words at the counter; None: given online.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The sentence the owner agreed to, exactly as shown, and its language.
    wording = models.TextField(_("nội dung đã đồng ý"))
    language = models.CharField(max_length=8)
    given_at = models.DateTimeField(_("thời điểm đồng ý"))
    withdrawn_at = models.DateTimeField(_("thời điểm rút lại"), null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier", "scope", "component"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="warehouse_consent_active_unique",
            )
        ]
        indexes = [models.Index(fields=["owner", "-given_at"], name="warehouse_consent_owner")]
        verbose_name = _("sự đồng ý lưu vào kho")
        verbose_name_plural = _("sự đồng ý lưu vào kho")

    def __str__(self) -> str:
        return f"{self.owner_id} {self.scope} {self.dossier_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class Document(models.Model):
    """One document in an owner's warehouse. Its bytes are a StoredFile (content-addressed, never changed)."""

    class Provenance(models.TextChoices):
        UPLOADED = "uploaded", _("Tự tải lên, chưa được xác minh")
        VERIFIED = "verified", _("Đã được cơ quan xác minh khi tiếp nhận hồ sơ")
        CERTIFIED_COPY = "certified_copy", _("Bản sao chứng thực điện tử")
        RESULT = "result", _("Kết quả giải quyết thủ tục hành chính")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="warehouse_documents"
    )
    # A catalog.DocumentType code, matched against Component.document_type for reuse; blank: no known type.
    document_type = models.CharField(_("loại giấy tờ"), max_length=60, blank=True)
    title = models.CharField(_("tên giấy tờ"), max_length=255)
    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    issuer = models.CharField(_("cơ quan cấp"), max_length=255, blank=True)
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    expires_on = models.DateField(_("có giá trị đến"), null=True, blank=True)
    stored_file = models.ForeignKey("dossiers.StoredFile", on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    provenance = models.CharField(_("nguồn gốc"), max_length=16, choices=Provenance.choices)
    # Who vouches for it: the agency that verified or issued it, the dossier it came from, and who did it.
    agency = models.ForeignKey(
        "catalog.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("thời điểm xác minh"), null=True, blank=True)
    # The signature report kept when the document was verified or issued signed.
    signature = models.ForeignKey(
        "signatures.SignatureVerification", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Deleted by the owner or taken out with a withdrawn consent: no longer shown or offered. The row stays,
    # so the access log and the dossiers that used it keep naming what they used.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["owner", "document_type"],
                condition=models.Q(removed_at__isnull=True),
                name="warehouse_document_reuse",
            )
        ]
        verbose_name = _("giấy tờ trong kho")
        verbose_name_plural = _("giấy tờ trong kho")

    def __str__(self) -> str:
        return self.title

    def is_expired(self, on: datetime.date) -> bool:
        return self.expires_on is not None and self.expires_on < on

    @property
    def is_verified(self) -> bool:
        return self.provenance != self.Provenance.UPLOADED


class DocumentUse(models.Model):
    """A dossier file that is a warehouse document reused, not a new upload (R-WH-2)."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="uses")
    dossier_file = models.OneToOneField(
        "dossiers.DossierFile", on_delete=models.CASCADE, related_name="warehouse_use"
    )
    used_at = models.DateTimeField()

    class Meta:
        ordering = ["-used_at", "-id"]

    def __str__(self) -> str:
        return f"{self.document_id} -> {self.dossier_file_id}"


class DocumentAccess(models.Model):
    """An official's read of a warehouse document through a dossier, with its purpose (R-PRIV-2)."""

    class Purpose(models.TextChoices):
        VIEW = "view", _("Xem khi kiểm tra, xử lý hồ sơ")
        FILE = "file", _("Tải tệp về để kiểm tra, xử lý hồ sơ")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="accesses")
    official = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("mục đích"), max_length=8, choices=Purpose.choices)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["document", "-at"], name="warehouse_access_document")]
        verbose_name = _("lượt khai thác giấy tờ")
        verbose_name_plural = _("nhật ký khai thác giấy tờ")

    def __str__(self) -> str:
        return f"{self.official_id} {self.document_id} {self.at:%d/%m/%Y %H:%M}"
