"""Working-calendar data that the `holidays` package cannot know: government swaps and agency overrides."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """One day whose working status differs from the default (R-CAL-2).

    `agency` empty: a national rule (a government notice); set: an override for that agency only.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")  # a holiday, a compensatory day or a weekday swapped off
        WORKING_DAY = "working_day", _("Ngày làm việc")  # e.g. a Saturday swapped into a working day

    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    agency = models.ForeignKey(
        "catalog.Agency",
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_days",
    )
    note = models.CharField(_("căn cứ"), max_length=255, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["date", "agency"], name="calendar_day_unique_per_agency"),
            models.UniqueConstraint(
                fields=["date"], condition=models.Q(agency__isnull=True), name="calendar_day_unique_national"
            ),
        ]
        verbose_name = _("ngày điều chỉnh lịch làm việc")
        verbose_name_plural = _("ngày điều chỉnh lịch làm việc")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"


class CalendarSnapshot(models.Model):
    """The exact calendar a deadline was computed with, stored once per distinct content (by its hash)."""

    fingerprint = models.CharField(max_length=64, unique=True)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.fingerprint[:12]
