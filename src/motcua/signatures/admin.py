"""Signing keys and the register of issued documents in the admin, for the platform's operators.

Keys are installed by signatures.services.signing_key_install (the install_signing_key command), which opens
the file with its password and audits; here they are shown and can be switched off, never edited. The
register is read-only: a document is revoked by services.document_revoke, which audits (R-RES-2).
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from motcua.signatures.models import AgencySigningKey, IssuedDocument
from motcua.signatures.sealing import SealingError
from motcua.signatures.services import signing_key_deactivate


@admin.register(AgencySigningKey)
class AgencySigningKeyAdmin(admin.ModelAdmin):
    list_display = ["agency", "holder", "kind", "subject", "not_after", "active"]
    list_filter = ["active", "kind"]
    search_fields = ["agency__code", "agency__name", "subject", "fingerprint_sha256"]
    list_select_related = ["agency", "holder"]
    readonly_fields = [f.name for f in AgencySigningKey._meta.fields]
    actions = ["deactivate"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Ngừng dùng các khóa đã chọn"))
    def deactivate(self, request, queryset):
        for key in queryset.select_related("agency"):
            try:
                signing_key_deactivate(key=key, actor=request.user)
            except SealingError as error:
                self.message_user(request, str(error), messages.ERROR)


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(admin.ModelAdmin):
    list_display = ["issued_at", "kind", "agency", "dossier_code", "document_code", "revoked_at"]
    list_filter = ["kind", "agency"]
    search_fields = ["token", "dossier_code", "document_code", "sha256"]
    list_select_related = ["agency"]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
