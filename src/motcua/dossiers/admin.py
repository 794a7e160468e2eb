"""Dossiers in the admin are read-only: nobody alters what an applicant submitted (R-PROH-3)."""

from django.contrib import admin

from motcua.dossiers.models import Dossier, DossierEvent, DossierFile, StoredFile


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DossierFileInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierFile
    fields = ["component", "original_name", "stored_file", "uploaded_at"]
    readonly_fields = fields
    extra = 0


class DossierEventInline(ReadOnlyMixin, admin.TabularInline):
    model = DossierEvent
    fields = ["at", "kind", "actor", "data"]
    readonly_fields = fields
    extra = 0


@admin.register(Dossier)
class DossierAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["reference", "code", "procedure", "agency", "status", "submitted_at", "check_due_at"]
    list_filter = ["status", "agency"]
    search_fields = ["reference", "code", "public_id"]
    list_select_related = ["procedure", "agency"]
    inlines = [DossierFileInline, DossierEventInline]
    show_full_result_count = False


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["sha256", "size", "content_type", "created_at"]
    search_fields = ["sha256"]
