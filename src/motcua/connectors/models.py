"""What motcua asked state databases, what they answered, and what applicants said was wrong."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConnectorExchange(models.Model):
    """One request to a state system and its answer, kept as evidence (the X-Road lesson; R-PRIV-2).

    The dossier is named by its public id, not a foreign key: a prefill lookup happens before the dossier's
    row exists (outside its transaction), and stays evidence even if that dossier is never saved.
    """

    class Outcome(models.TextChoices):
        FOUND = "found", _("Tìm thấy")
        NOT_FOUND = "not_found", _("Không có dữ liệu")
        UNAVAILABLE = "unavailable", _("Không kết nối được")
        TIMEOUT = "timeout", _("Quá thời gian chờ")
        REFUSED = "refused", _("Bị từ chối xác thực")

    connector = models.CharField(_("nguồn dữ liệu"), max_length=40)
    request_id = models.UUIDField(_("mã yêu cầu"), unique=True)
    purpose = models.CharField(_("mục đích"), max_length=200)
    procedure_code = models.CharField(_("mã thủ tục"), max_length=40, blank=True)
    dossier_public_id = models.UUIDField(null=True, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    key = models.CharField(_("khóa tra cứu"), max_length=64)  # evidence: whose record was read
    fields = models.JSONField(_("thông tin yêu cầu"), default=list)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=16, choices=Outcome.choices)
    response_sha256 = models.CharField(max_length=64, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    detail = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("lượt tra cứu dữ liệu")
        verbose_name_plural = _("lượt tra cứu dữ liệu")

    def __str__(self) -> str:
        return f"{self.connector} {self.request_id} {self.outcome}"


class SourceLookup(models.Model):
    """What a source said about a dossier's applicant, per connector: the snapshot the officials' check
    compares the submitted e-form with (R-CHK-2), or the failure the applicant and officials are told of."""

    class Use(models.TextChoices):
        PREFILL = "prefill", _("Điền sẵn tờ khai")
        CHECK = "check", _("Đối chiếu khi kiểm tra hồ sơ")

    dossier_public_id = models.UUIDField(db_index=True)
    connector = models.CharField(max_length=40)
    use = models.CharField(max_length=16, choices=Use.choices)
    outcome = models.CharField(max_length=16, choices=ConnectorExchange.Outcome.choices)
    data = models.JSONField(default=dict, blank=True)  # attribute -> value, only those asked
    mapped = models.JSONField(default=dict, blank=True)  # e-form key -> attribute
    exchange = models.ForeignKey(
        ConnectorExchange, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.connector} {self.dossier_public_id} {self.outcome}"

    @property
    def found(self) -> bool:
        return self.outcome == ConnectorExchange.Outcome.FOUND


class SourceErrorReport(models.Model):
    """An applicant says a value a source filled in is wrong (R-ONCE-1); the field stays locked."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="+")
    field_key = models.CharField(max_length=60)
    connector = models.CharField(max_length=40)
    source_value = models.JSONField(null=True, blank=True)
    note = models.TextField(_("thông tin đúng theo người nộp"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("phản ánh sai dữ liệu")
        verbose_name_plural = _("phản ánh sai dữ liệu")

    def __str__(self) -> str:
        return f"{self.connector}.{self.field_key} ({self.dossier_id})"
