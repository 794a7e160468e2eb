"""The catalog: agencies, procedures, their components, fees, e-form schemas and the rule sets in force."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleSet(models.Model):
    """A version of the rules that can change by decree (R-* marked configurable), with its effective date.

    Each dossier keeps the rule set it was received under, so an old dossier stays explainable.
    """

    code = models.CharField(_("mã bộ quy tắc"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    effective_from = models.DateField(_("hiệu lực từ"))
    # e.g. {"check_hours": 8, "receipt_outside_hours": "next_session", "same_day_cutoff": "15:00"}
    params = models.JSONField(_("tham số"), default=dict)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("bộ quy tắc")
        verbose_name_plural = _("bộ quy tắc")

    def __str__(self) -> str:
        return f"{self.code} ({self.effective_from:%d/%m/%Y})"


class Agency(models.Model):
    class Level(models.TextChoices):
        CENTRAL = "central", _("Trung ương")
        PROVINCE = "province", _("Cấp tỉnh")
        COMMUNE = "commune", _("Cấp xã")

    code = models.CharField(_("mã định danh cơ quan"), max_length=40, unique=True)
    name = models.CharField(_("tên cơ quan"), max_length=255)
    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province_code = models.PositiveSmallIntegerField(_("mã tỉnh"), null=True, blank=True)
    one_stop_name = models.CharField(_("Bộ phận Một cửa"), max_length=255)
    one_stop_address = models.CharField(_("địa chỉ Bộ phận Một cửa"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")

    def __str__(self) -> str:
        return self.name


class Field(models.Model):
    """The area a procedure belongs to (lĩnh vực)."""

    code = models.CharField(_("mã lĩnh vực"), max_length=40, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)

    class Meta:
        ordering = ["name"]
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")

    def __str__(self) -> str:
        return self.name


class DocumentType(models.Model):
    """A kind of document (loại giấy tờ) that procedures' components ask for and the warehouse keeps (R-WH-2).

    Components name it by `code` (Component.document_type); a warehouse document of the same type satisfies
    the component, so one verified copy serves every later procedure that asks for that kind of document.
    """

    code = models.SlugField(_("mã loại giấy tờ"), max_length=60, unique=True)
    name = models.CharField(_("tên loại giấy tờ"), max_length=255)
    # How long a document of this type stays usable after it is issued (months), when the law limits it,
    # e.g. 6 for a certificate of marital status; None: until its own expiry date, if any.
    validity_months = models.PositiveSmallIntegerField(_("thời hạn sử dụng (tháng)"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("loại giấy tờ")
        verbose_name_plural = _("loại giấy tờ")

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    class OnlineLevel(models.TextChoices):
        FULL = "full", _("Toàn trình")
        PARTIAL = "partial", _("Một phần")

    code = models.CharField(_("mã thủ tục"), max_length=20, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.ForeignKey(
        Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures"
    )
    agencies = models.ManyToManyField(Agency, verbose_name=_("cơ quan thực hiện"), related_name="procedures")
    online_level = models.CharField(_("mức độ trực tuyến"), max_length=16, choices=OnlineLevel.choices)
    # 0 means "in the same working day" (R-RCV-2: after the cut-off, the next working day).
    processing_days = models.PositiveSmallIntegerField(_("thời hạn giải quyết (ngày làm việc)"))
    same_day_cutoff = models.TimeField(_("giờ chốt nhận trong ngày"), null=True, blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    applicants = models.TextField(_("đối tượng thực hiện"), blank=True)
    result_type = models.CharField(_("kết quả"), max_length=500)
    legal_basis = models.TextField(_("căn cứ pháp lý"))
    eform_schema = models.JSONField(_("tờ khai điện tử"), default=dict)
    # The internal process (R-PROC-2), checked by steps.clean_workflow: ordered steps
    # [{"kind", "role", "hours", "department", "name"}] whose hours sum to the processing time.
    # Empty: selectors.workflow_template derives a default from processing_days.
    workflow = models.JSONField(
        _("quy trình nội bộ"),
        default=list,
        blank=True,
        help_text=_(
            "Các bước xử lý theo thứ tự, mỗi bước: kind (specialist, approval, result), role (specialist, "
            "leader, receptionist), hours (số giờ làm việc), department, name. Tổng số giờ bằng thời hạn giải "
            "quyết × 8 (thủ tục trong ngày: tối đa 8); không khai bước trả kết quả. Để [] thì dùng quy trình "
            "mặc định: thẩm định 60%, phê duyệt 20%, ban hành kết quả 20%."
        ),
    )
    popularity = models.PositiveIntegerField(_("thứ tự phổ biến"), default=0)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    # Lower-cased, accent-free copy of code + name + field for accent-insensitive search.
    search_text = models.TextField(editable=False, default="")
    # SHA-256 of the YAML source it was loaded from: load_catalog skips unchanged procedures.
    source_hash = models.CharField(max_length=64, editable=False, default="")

    class Meta:
        ordering = ["-popularity", "name"]
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FeeItem(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fee_items")
    name = models.CharField(_("khoản phí, lệ phí"), max_length=255)
    amount = models.PositiveIntegerField(_("mức thu (đồng)"))
    note = models.TextField(_("miễn, giảm"), blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["procedure", "order", "id"]
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")

    def __str__(self) -> str:
        return f"{self.name}: {self.amount}"


class Component(models.Model):
    """A document of a procedure's dossier (thành phần hồ sơ)."""

    class Signature(models.TextChoices):
        NONE = "none", _("Không yêu cầu")
        APPLICANT_SIGNED = "applicant_signed", _("Người nộp ký số")
        CERTIFIED_COPY = "certified_copy", _("Bản sao chứng thực điện tử")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="components")
    code = models.SlugField(_("mã thành phần"), max_length=60)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    required = models.BooleanField(_("bắt buộc"), default=True)
    copies = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    accepted_formats = models.JSONField(_("định dạng chấp nhận"), default=list)  # ["pdf", "jpg", "png"]
    max_size_mb = models.PositiveSmallIntegerField(_("dung lượng tối đa (MB)"), default=10)
    signature_requirement = models.CharField(
        _("yêu cầu chữ ký số"), max_length=20, choices=Signature.choices, default=Signature.NONE
    )
    document_type = models.CharField(_("loại giấy tờ"), max_length=60, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # A connector (motcua.connectors.registry) whose state database replaces this document: the agency
    # looks it up itself and the applicant is not asked for it (R-ONCE-2); "" = the applicant submits it.
    satisfied_by = models.CharField(_("thay bằng tra cứu từ"), max_length=40, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["procedure", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["procedure", "code"], name="component_code_unique")]
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")

    def __str__(self) -> str:
        return self.name

    @property
    def max_size_bytes(self) -> int:
        return self.max_size_mb * 1024 * 1024
