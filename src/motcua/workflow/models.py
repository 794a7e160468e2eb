"""The one-stop process: decisions on a dossier, its processing steps (the control sheet), consultations,
results, and the sequences that number codes and forms without gaps.

The dossier's own status, stage and dates live on dossiers.Dossier; every change to them and to these rows
goes through workflow.services, one function per transition.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DossierCodeSequence(models.Model):
    """The last dossier number issued by an agency on one day (R-CODE-1, R-CODE-2).

    Incremented under a row lock in the accepting transaction, so a rolled-back acceptance gives its number
    back and the day's sequence has neither gaps nor duplicates.
    """

    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "day"], name="dossier_code_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.last}"


class FormNumberSequence(models.Model):
    """The last number of a form kind (PBS, PTC, PXL, …) issued by an agency in a year (R-FORM-1)."""

    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    symbol = models.CharField(max_length=8)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "symbol"], name="form_number_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year} {self.symbol}: {self.last}"


class Decision(models.Model):
    """A decision recorded on a dossier, with the form it produces (R-FORM-1)."""

    class Kind(models.TextChoices):
        # Context "decision": Vietnamese names the decision and its button alike; English needs a noun here
        # ("Dossier accepted", a heading on the citizen's page) and a verb on the button ("Accept the dossier").
        ACCEPT = "accept", pgettext_lazy("decision", "Tiếp nhận hồ sơ")
        SUPPLEMENT = "supplement", _("Yêu cầu bổ sung, hoàn thiện hồ sơ")
        REFUSE = "refuse", pgettext_lazy("decision", "Từ chối tiếp nhận")
        REJECT = "reject", _("Không đủ điều kiện giải quyết")
        APOLOGY = "apology", pgettext_lazy("decision", "Xin lỗi và hẹn lại ngày trả kết quả")
        SUSPEND = "suspend", pgettext_lazy("decision", "Tạm dừng tính thời hạn")
        RESUME = "resume", pgettext_lazy("decision", "Tiếp tục tính thời hạn")
        WITHDRAW = "withdraw", _("Dừng giải quyết theo yêu cầu")
        CLOSE = "close", _("Đóng hồ sơ do không bổ sung")

    # The form each decision produces and the symbol of its number (TT03 Annex I).
    FORMS = {
        "accept": ("01", ""),
        "supplement": ("02", "PBS"),
        "refuse": ("03", "PTC"),
        "reject": ("03", "PTC"),
        "apology": ("04", "PXL"),
        "withdraw": ("05", ""),
    }

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    # "Số: 12/PBS" — the form's number in the agency's yearly sequence of that symbol; blank if none.
    number = models.CharField(max_length=32, blank=True)
    # The dossier revision the decision was taken on.
    revision = models.PositiveSmallIntegerField(default=1)
    reason = models.TextField(blank=True)
    # Supplement: [{"target": "component.<code>" | "form.<key>", "label": …, "note": …}]; per-component
    # check marks of acceptance; refusal's competent agency; apology's dates.
    data = models.JSONField(default=dict, blank=True)
    # A supplement request beyond the first needs a legal basis and is counted in reports (R-SUP-2).
    is_repeat = models.BooleanField(default=False)
    legal_basis = models.TextField(blank=True)
    # Supplement: when the applicant answered, and when an unanswered request closes the dossier (R-SUP-6).
    answered_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["kind", "answered_at", "closes_at"], name="decision_open_supplements")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()

    @property
    def has_form(self) -> bool:
        """Whether the decision produced one of the forms 01-05 (R-FORM-1)."""
        return self.kind in self.FORMS


class ProcessingStep(models.Model):
    """One step of an accepted dossier's processing: a row of the control sheet, form 06 (R-PROC-2, R-PROC-3)."""

    class Kind(models.TextChoices):
        SPECIALIST = "specialist", _("Thẩm định, xử lý")
        APPROVAL = "approval", _("Phê duyệt")
        RESULT = "result", _("Ban hành kết quả")
        RETURN = "return", _("Trả kết quả")

    class Outcome(models.TextChoices):
        EARLY = "early", _("Trước hạn")
        ON_TIME = "on_time", _("Đúng hạn")
        LATE = "late", _("Quá hạn")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="steps")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    role = models.CharField(max_length=20)  # identity.OfficialRole.Role
    department = models.CharField(max_length=255, blank=True)
    budget_hours = models.DecimalField(max_digits=7, decimal_places=2)
    giver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    handed_over_at = models.DateTimeField(null=True, blank=True)
    # While the clock is paused waiting for the applicant (a fee, an answer) as the rules allow (R-PROC-6).
    suspended_at = models.DateTimeField(null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["dossier", "order", "id"]
        indexes = [
            models.Index(fields=["assignee", "handed_over_at", "due_at"], name="step_assignee_open"),
            models.Index(fields=["kind", "handed_over_at", "due_at"], name="step_kind_open"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} #{self.order} {self.kind}"

    @property
    def is_open(self) -> bool:
        return self.handed_over_at is None


class Consultation(models.Model):
    """A request for the opinion of another agency (liên thông, R-PROC-4), with its own deadline."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="consultations")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="consultations")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField()
    question = models.TextField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.agency_id}"


class ResultDocument(models.Model):
    """An electronic result attached by the specialist, coded `<dossier code>-KQ<n>` (R-CODE-5).

    `stored_file` is what is served: the draft as attached, then the leader-signed draft, then the sealed
    result once issued (R-RES-1); `draft_file` keeps the file as the specialist attached it.
    """

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="results")
    code = models.CharField(max_length=60, unique=True)
    stored_file = models.ForeignKey("dossiers.StoredFile", on_delete=models.PROTECT, related_name="+")
    draft_file = models.ForeignKey(
        "dossiers.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The leader who signed the result with their personal key on approving it, if they did.
    leader_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    original_name = models.CharField(max_length=255)
    attached_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attached_at = models.DateTimeField()

    class Meta:
        ordering = ["dossier", "id"]

    def __str__(self) -> str:
        return self.code


class DeadlineAlert(models.Model):
    """An alert already sent about one dossier revision, so the periodic sweep never repeats it (R-CHK-3)."""

    class Kind(models.TextChoices):
        NEW = "new", _("Hồ sơ mới chờ tiếp nhận")
        CHECK_DUE_SOON = "check_due_soon", _("Sắp hết hạn kiểm tra")
        CHECK_OVERDUE = "check_overdue", _("Quá hạn kiểm tra")
        APOLOGY_NEEDED = "apology_needed", _("Sắp quá hạn trả kết quả")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="deadline_alerts")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    revision = models.PositiveSmallIntegerField()
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "kind", "revision"], name="deadline_alert_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} r{self.revision}"
