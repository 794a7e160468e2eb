from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.catalog import eform, services, steps
from motcua.catalog.models import Agency, Component, FeeItem, Field, Procedure, RuleSet


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "effective_from"]
    search_fields = ["code", "name"]


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]

    def save_model(self, request: HttpRequest, obj: Field, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.procedures_reindex(procedures=obj.procedures.all())


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "province_code", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent"]

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.procedures_reindex(procedures=obj.procedures.all())


class ComponentInline(admin.TabularInline):
    model = Component
    extra = 0
    fields = [
        "order",
        "code",
        "name",
        "required",
        "copies",
        "accepted_formats",
        "max_size_mb",
        "signature_requirement",
    ]


class FeeItemInline(admin.TabularInline):
    model = FeeItem
    extra = 0
    fields = ["order", "name", "amount", "note"]


class ProcedureForm(forms.ModelForm):
    class Meta:
        model = Procedure
        fields = [
            "code", "name", "field", "agencies", "online_level", "processing_days", "same_day_cutoff",
            "description", "applicants", "result_type", "legal_basis", "eform_schema", "workflow",
            "popularity", "is_active",
        ]  # fmt: skip

    def clean_eform_schema(self) -> Any:
        schema = self.cleaned_data["eform_schema"]
        problems = eform.validate_schema(schema)
        if problems:
            raise forms.ValidationError(problems)
        return schema

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "workflow" not in cleaned:  # not JSON: its field has said so
            return cleaned
        days = cleaned.get("processing_days")
        workflow, problems = steps.clean_workflow(cleaned["workflow"], processing_days=days)
        if problems:
            self.add_error("workflow", [_step_problem(path, message) for path, message in problems])
        else:
            cleaned["workflow"] = workflow
        return cleaned


def _step_problem(path: tuple[str | int, ...], message: str) -> str:
    """(1, "hours"), "…" → "Bước 2, hours: …": the author counts steps from one in the admin."""
    if not path:
        return message[:1].upper() + message[1:]
    where = _("Bước %(number)s") % {"number": int(path[0]) + 1}
    where += "".join(f", {part}" for part in path[1:])
    return f"{where}: {message}"


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    form = ProcedureForm
    list_display = ["code", "name", "field", "online_level", "processing_days", "popularity", "is_active"]
    list_filter = ["is_active", "online_level", "field", "agencies"]
    search_fields = ["code", "name", "search_text"]
    filter_horizontal = ["agencies"]
    readonly_fields = ["source_hash"]
    inlines = [ComponentInline, FeeItemInline]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        procedure = form.instance
        # Edited by hand: the next load_catalog re-applies its YAML instead of skipping it as unchanged.
        Procedure.objects.filter(pk=procedure.pk).update(source_hash="")
        services.procedures_reindex(procedures=[procedure])
