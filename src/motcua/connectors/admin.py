"""Read-only views of the connectors' evidence for administrators (R-PRIV-2): nothing here can be changed."""

from __future__ import annotations

from django.contrib import admin

from motcua.connectors.models import ConnectorExchange, SourceErrorReport


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ConnectorExchange)
class ConnectorExchangeAdmin(ReadOnly):
    list_display = ("at", "connector", "outcome", "http_status", "purpose", "key", "actor", "duration_ms")
    list_filter = ("connector", "outcome")
    search_fields = ("=request_id", "=key", "=dossier_public_id", "procedure_code")
    date_hierarchy = "at"


@admin.register(SourceErrorReport)
class SourceErrorReportAdmin(ReadOnly):
    list_display = ("at", "connector", "field_key", "dossier", "reported_by")
    list_filter = ("connector",)
