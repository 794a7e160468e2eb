"""Signatures: the verifications kept as evidence."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.signatures.report import VERDICT_LABELS, Report, Verdict


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
