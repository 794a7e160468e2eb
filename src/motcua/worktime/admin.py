from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminDateWidget
from django.utils.translation import gettext_lazy as _

from motcua.worktime.models import CalendarDay, CalendarSnapshot
from motcua.worktime.services import calendar_day_delete, calendar_day_save

WEEKDAYS = (_("Thứ Hai"), _("Thứ Ba"), _("Thứ Tư"), _("Thứ Năm"), _("Thứ Sáu"), _("Thứ Bảy"), _("Chủ nhật"))


class CalendarDayForm(forms.ModelForm):
    # Django's "vi" locale has no DATE_INPUT_FORMATS, so 02/01/2026 would be read as 1 February.
    date = forms.DateField(
        label=_("ngày"), input_formats=["%d/%m/%Y", "%Y-%m-%d"], widget=AdminDateWidget(format="%d/%m/%Y")
    )

    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "agency", "note"]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """Government swaps and agency overrides (R-CAL-2); every change goes through the audited services."""

    form = CalendarDayForm
    list_display = ("date", "weekday", "kind", "agency", "note")
    list_filter = ("kind", ("agency", admin.RelatedOnlyFieldListFilter))
    date_hierarchy = "date"
    search_fields = ("note", "agency__name", "agency__code")
    list_select_related = ("agency",)
    raw_id_fields = ("agency",)

    @admin.display(description=_("thứ"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return str(WEEKDAYS[obj.date.weekday()])

    def save_model(self, request, obj, form, change):
        calendar_day_save(actor=request.user, day=obj)

    def delete_model(self, request, obj):
        calendar_day_delete(actor=request.user, day=obj)

    def delete_queryset(self, request, queryset):
        for day in queryset:
            calendar_day_delete(actor=request.user, day=day)


@admin.register(CalendarSnapshot)
class CalendarSnapshotAdmin(admin.ModelAdmin):
    """Read-only: deadlines cite these snapshots, so they never change."""

    list_display = ("fingerprint", "created_at")
    readonly_fields = ("fingerprint", "data", "created_at")
    search_fields = ("=fingerprint",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
