from django.apps import AppConfig


class WorktimeConfig(AppConfig):
    name = "motcua.worktime"
    label = "worktime"
    default_auto_field = "django.db.models.BigAutoField"
