from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from motcua.identity.models import Delegation, OfficialRole, Organisation, User


class OfficialRoleInline(admin.TabularInline):
    model = OfficialRole
    fk_name = "user"
    extra = 0
    raw_id_fields = ("agency",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "full_name", "kind", "agency", "identity_level", "is_active", "is_staff")
    list_filter = ("kind", "identity_level", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "full_name", "citizen_id", "email", "phone")
    list_select_related = ("agency",)
    raw_id_fields = ("organisation", "agency")
    inlines = (OfficialRoleInline,)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Thông tin tài khoản"),
            {
                "fields": (
                    "kind",
                    "full_name",
                    "citizen_id",
                    "date_of_birth",
                    "email",
                    "phone",
                    "address",
                    "organisation",
                    "agency",
                    "identity_level",
                )
            },
        ),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Thời gian"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "kind", "full_name", "password1", "password2")}),
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("enterprise_code", "name", "representative")
    search_fields = ("enterprise_code", "name")


@admin.register(OfficialRole)
class OfficialRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "agency", "department")
    list_filter = ("role",)
    search_fields = ("user__username", "user__full_name", "agency__code")
    list_select_related = ("user", "agency")
    raw_id_fields = ("user", "agency")


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    """Read-only here: delegations are made by identity.services.delegation_create, which checks and audits."""

    list_display = ("delegator", "delegate", "agency", "role", "starts_on", "ends_on", "reason")
    list_filter = ("role",)
    list_select_related = ("delegator", "delegate", "agency")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
