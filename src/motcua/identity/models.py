"""Accounts: citizens, organisations and officials (with their roles per agency)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    enterprise_code = models.CharField(_("mã số doanh nghiệp"), max_length=14, unique=True)
    name = models.CharField(_("tên tổ chức"), max_length=255)
    representative = models.CharField(_("người đại diện theo pháp luật"), max_length=255)
    address = models.CharField(_("địa chỉ trụ sở"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("tổ chức")
        verbose_name_plural = _("tổ chức")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """One login. `username` is the citizen ID number for citizens, the enterprise code for organisations."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Công dân")
        ORGANISATION = "organisation", _("Tổ chức")
        OFFICIAL = "official", _("Cán bộ, công chức")

    kind = models.CharField(_("loại tài khoản"), max_length=16, choices=Kind.choices, default=Kind.CITIZEN)
    full_name = models.CharField(_("họ và tên"), max_length=255, blank=True)
    citizen_id = models.CharField(
        _("số định danh cá nhân"), max_length=12, unique=True, null=True, blank=True
    )
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("tổ chức"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
    )
    # Officials belong to an agency; their roles there are OfficialRole rows.
    agency = models.ForeignKey(
        "catalog.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
    )
    # Assurance level of the electronic identity used to log in (VNeID level 1 or 2; 0 = local account).
    identity_level = models.PositiveSmallIntegerField(_("mức định danh điện tử"), default=0)
    # Set when a one-stop official created the account for someone who came to the counter in person (R-CERT-2);
    # such an account has no password until its owner signs in with their electronic identity.
    registered_by = models.ForeignKey(
        "self",
        verbose_name=_("cán bộ tạo tài khoản tại quầy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("tài khoản")
        verbose_name_plural = _("tài khoản")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.ORGANISATION and self.organisation_id:
            return self.organisation.name  # type: ignore[union-attr]
        return self.full_name or self.username


class OfficialRole(models.Model):
    class Role(models.TextChoices):
        RECEPTIONIST = "receptionist", _("Cán bộ tiếp nhận (Một cửa)")
        SPECIALIST = "specialist", _("Chuyên viên xử lý")
        LEADER = "leader", _("Lãnh đạo")
        AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="official_roles")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="official_roles")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    department = models.CharField(_("phòng ban"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role", "department"], name="official_role_unique"
            )
        ]
        verbose_name = _("vai trò cán bộ")
        verbose_name_plural = _("vai trò cán bộ")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.agency.code})"


class Delegation(models.Model):
    """A leader's role handed to another official of the agency for a period (ủy quyền, e.g. while on leave).

    While it runs the delegate holds the role at that agency exactly as if it were theirs; every action they
    take is audited under their own name, and the delegation itself is audited.
    """

    delegator = models.ForeignKey(User, on_delete=models.PROTECT, related_name="delegations_given")
    delegate = models.ForeignKey(User, on_delete=models.PROTECT, related_name="delegations_received")
    agency = models.ForeignKey("catalog.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("vai trò"), max_length=20, choices=OfficialRole.Role.choices)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến hết ngày"))
    reason = models.CharField(_("lý do"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["delegate", "starts_on", "ends_on"], name="delegation_active")]
        verbose_name = _("ủy quyền")
        verbose_name_plural = _("ủy quyền")

    def __str__(self) -> str:
        return f"{self.delegator} → {self.delegate} ({self.role}, {self.starts_on}–{self.ends_on})"
