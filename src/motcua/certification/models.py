"""The certification register (sổ chứng thực) and the record of paper captured at the counter (R-CERT-*).

A certified electronic copy is an entry of the agency's yearly register: numbered without gaps, with the
original it was compared against, who certified it and for whom, the captured scan and the signed copy.
A capture records who digitised which paper component of a dossier received at the counter.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def register_number(number: int, year: int) -> str:
    return f"{number}/{year}/SCT-BS"


class CertificationSequence(models.Model):
    """The last certification number of an agency in a year, taken under a row lock (like R-CODE-2)."""

    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="certification_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}: {self.last}"


class CertifiedCopy(models.Model):
    """One entry of the certification register: an electronic copy certified against its original (R-CERT-1)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "catalog.Agency", verbose_name=_("cơ quan chứng thực"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số chứng thực"))
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện chứng thực"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The applicant's account when they have one; the name and ID number as typed at the counter always.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người yêu cầu"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certified_copies",
    )
    applicant_name = models.CharField(_("người yêu cầu chứng thực"), max_length=255)
    applicant_id_number = models.CharField(_("số giấy tờ tùy thân"), max_length=20)
    # The original presented at the counter.
    document_title = models.CharField(_("tên giấy tờ, văn bản"), max_length=255)
    document_issuer = models.CharField(_("cơ quan cấp"), max_length=255)
    document_number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    original_pages = models.PositiveSmallIntegerField(_("số trang bản chính"))
    # The scan as assembled page for page (unsigned) and the certified copy as issued (signed and sealed).
    captured_file = models.ForeignKey(
        "dossiers.StoredFile", on_delete=models.PROTECT, related_name="+", verbose_name=_("bản chụp")
    )
    copy_file = models.ForeignKey(
        "dossiers.StoredFile",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bản sao chứng thực"),
    )
    # The scans as uploaded, in order: [{"name", "sha256", "content_type", "pages"}].
    sources = models.JSONField(default=list)
    received_at = models.DateTimeField(_("thời điểm nhận yêu cầu"))
    due_at = models.DateTimeField(_("hạn trả"))
    issued_at = models.DateTimeField(_("thời điểm chứng thực"))

    class Meta:
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "number"], name="certified_copy_number_unique")
        ]
        indexes = [models.Index(fields=["applicant", "-issued_at"], name="certified_copy_applicant")]
        verbose_name = _("bản sao chứng thực điện tử")
        verbose_name_plural = _("sổ chứng thực bản sao điện tử")

    def __str__(self) -> str:
        return self.register_number

    @property
    def register_number(self) -> str:
        """ "12/2026/SCT-BS": the number in the agency's register of the year (book volume = year)."""
        return register_number(self.number, self.year)

    @property
    def file_name(self) -> str:
        return f"ban-sao-chung-thuc-{self.year}-{self.number:05d}.pdf"


class Capture(models.Model):
    """A paper component digitised page for page at the counter, and who did it (R-CERT-2)."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="captures")
    component = models.ForeignKey("catalog.Component", on_delete=models.PROTECT, related_name="+")
    stored_file = models.ForeignKey("dossiers.StoredFile", on_delete=models.PROTECT, related_name="+")
    captured_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    captured_at = models.DateTimeField()
    pages = models.PositiveSmallIntegerField()
    sources = models.JSONField(default=list)

    class Meta:
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.component_id} ({self.pages})"
