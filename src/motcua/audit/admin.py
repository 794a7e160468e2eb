from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, so nobody may add, change or delete an event here."""

    list_display = ("id", "at", "actor", "action", "object_type", "object_id")
    # No list_filter or date_hierarchy: their DISTINCT queries scan the whole log.
    search_fields = ("=object_id", "=action", "actor_label")
    show_full_result_count = False  # COUNT(*) over millions of rows on every page is slow

    @admin.display(description=_("người thực hiện"))
    def actor(self, obj: AuditEvent) -> str:
        return obj.actor_label or _("Hệ thống")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
