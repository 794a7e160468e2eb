"""Dossiers: drafts, their files, submission and the citizen-visible timeline."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StoredFile(models.Model):
    """A file's bytes, stored once under their SHA-256 (content-addressed); never changed or deleted."""

    sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100)  # sniffed from the content, not the name
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.sha256


class Dossier(models.Model):
    class Status(models.TextChoices):
        """The dossier's life (D45 Art. 11-12, D118 Chapter III); transitions live in workflow.services."""

        DRAFT = "draft", _("Đang soạn")
        SUBMITTED = "submitted", _("Đang chờ tiếp nhận")
        SUPPLEMENT_REQUESTED = "supplement_requested", _("Chờ bổ sung")
        # Context: English names the outcome "Refused" but the official's button "Refuse to accept".
        REFUSED = "refused", pgettext_lazy("outcome", "Từ chối tiếp nhận")
        PROCESSING = "processing", _("Đang giải quyết")
        RESULT_READY = "result_ready", _("Đã có kết quả")
        DONE = "done", _("Đã trả kết quả")
        REJECTED = "rejected", _("Không đủ điều kiện giải quyết")
        WITHDRAWN = "withdrawn", _("Đã dừng theo yêu cầu")
        CLOSED = "closed", _("Đã đóng (không bổ sung)")

    # Statuses in which the dossier has ended: no clock runs and nothing more happens to it.
    FINAL_STATUSES = frozenset({"refused", "done", "rejected", "withdrawn", "closed"})

    class Stage(models.TextChoices):
        """Where an accepted dossier is in its processing (the kind of its current workflow step)."""

        RECEPTION = "reception", _("Tiếp nhận")
        TRANSFER = "transfer", _("Chuyển hồ sơ")
        SPECIALIST = "specialist", _("Thẩm định, xử lý")
        CONSULTATION = "consultation", _("Lấy ý kiến")
        APPROVAL = "approval", _("Phê duyệt")
        RESULT = "result", _("Ban hành kết quả")
        RETURN = "return", _("Trả kết quả")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người nộp"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    agency = models.ForeignKey(
        "catalog.Agency",
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    status = models.CharField(_("trạng thái"), max_length=32, choices=Status.choices, default=Status.DRAFT)
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    # Which fields were prefilled from which source (R-ONCE-1), e.g. {"full_name": "identity"}.
    prefilled = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set once, at submission.
    rule_set = models.ForeignKey(
        "catalog.RuleSet", null=True, blank=True, on_delete=models.PROTECT, related_name="dossiers"
    )
    # NULL until submission: unique among the dossiers that have one.
    reference = models.CharField(_("mã tra cứu"), max_length=20, unique=True, null=True, blank=True)
    submission_key = models.CharField(max_length=100, null=True, blank=True)  # noqa: DJ001 - idempotency key
    submitted_at = models.DateTimeField(_("thời điểm hệ thống nhận"), null=True, blank=True)
    official_receipt_at = models.DateTimeField(_("thời điểm tiếp nhận chính thức"), null=True, blank=True)
    check_due_at = models.DateTimeField(_("hạn kiểm tra, tiếp nhận"), null=True, blank=True)
    calendar = models.ForeignKey(
        "worktime.CalendarSnapshot", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # SHA-256 over the canonical manifest of what was submitted (form data + file hashes): R-ACK-4.
    manifest = models.JSONField(default=dict, blank=True)
    manifest_sha256 = models.CharField(max_length=64, blank=True)
    # Issued by the one-stop official at acceptance (R-CODE-1).
    code = models.CharField(_("mã hồ sơ"), max_length=40, unique=True, null=True, blank=True)
    # While a supplement request is open: what the applicant may change, e.g. ["form.ho_ten", "component.don"]
    # (R-SUP-1); everything else stays as submitted.
    open_targets = models.JSONField(default=list, blank=True)
    # The revision the officials see: 1 at submission, +1 at each supplement (R-SUP-4).
    revision = models.PositiveSmallIntegerField(_("lần nộp"), default=1)
    stage = models.CharField(_("bước xử lý"), max_length=16, choices=Stage.choices, blank=True)
    accepted_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    # The appointment for the result (form 01); moved once by an apology (R-LATE-2), never the original.
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("hẹn trả kết quả ban đầu"), null=True, blank=True)
    result_ready_at = models.DateTimeField(_("thời điểm có kết quả"), null=True, blank=True)
    # When the dossier reached a final status (refused, done, rejected, withdrawn, closed).
    ended_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "submission_key"], name="dossier_submission_key_unique"
            )
        ]
        indexes = [
            models.Index(fields=["applicant", "-created_at"], name="dossier_applicant_recent"),
            models.Index(fields=["agency", "status", "check_due_at"], name="dossier_agency_queue"),
            models.Index(fields=["agency", "status", "due_at"], name="dossier_agency_due"),
            # The queue's search by applicant (backoffice.selectors._search): from the applicants who have
            # the name or citizen ID to their dossiers awaiting check, without reading their other ones.
            models.Index(
                fields=["applicant", "agency"],
                condition=models.Q(status="submitted"),
                name="dossier_awaiting_applicant",
            ),
        ]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")

    def __str__(self) -> str:
        return self.code or self.reference or str(self.public_id)

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_final(self) -> bool:
        return self.status in self.FINAL_STATUSES


class DossierFile(models.Model):
    """A file attached to a dossier for one of its procedure's components."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="files")
    component = models.ForeignKey("catalog.Component", on_delete=models.PROTECT, related_name="+")
    stored_file = models.ForeignKey(StoredFile, on_delete=models.PROTECT, related_name="+")
    original_name = models.CharField(_("tên tệp"), max_length=255)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["component__order", "uploaded_at", "id"]
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")

    def __str__(self) -> str:
        return self.original_name


class DossierEvent(models.Model):
    """One entry of the dossier's timeline, as the applicant sees it."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Tạo hồ sơ nháp")
        SUBMITTED = "submitted", _("Nộp hồ sơ thành công")
        ACCEPTED = "accepted", _("Đã tiếp nhận hồ sơ")
        SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung hồ sơ")
        RESUBMITTED = "resubmitted", _("Đã nộp bổ sung")
        REFUSED = "refused", pgettext_lazy("outcome", "Từ chối tiếp nhận")
        TRANSFERRED = "transferred", _("Chuyển xử lý")
        APOLOGY = "apology", _("Xin lỗi, hẹn lại ngày trả kết quả")
        SUSPENDED = "suspended", _("Tạm dừng tính thời hạn giải quyết")
        RESUMED = "resumed", _("Tiếp tục giải quyết, hẹn trả kết quả mới")
        RESULT_READY = "result_ready", _("Đã có kết quả")
        DONE = "done", _("Đã trả kết quả")
        REJECTED = "rejected", _("Không đủ điều kiện giải quyết")
        WITHDRAWN = "withdrawn", _("Dừng giải quyết theo yêu cầu")
        CLOSED = "closed", _("Đóng hồ sơ do không bổ sung")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%d/%m/%Y %H:%M}"


class DossierRevision(models.Model):
    """What the applicant submitted at one revision, kept unchanged (R-SUP-4, R-PROH-3).

    Revision 1 is the first submission; each supplement adds the next. The manifest names every file by
    its SHA-256, and stored bytes are never changed or deleted, so an earlier revision stays complete.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField()
    manifest = models.JSONField()
    manifest_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["dossier", "number"]
        constraints = [models.UniqueConstraint(fields=["dossier", "number"], name="dossier_revision_unique")]

    def __str__(self) -> str:
        return f"{self.dossier} #{self.number}"
