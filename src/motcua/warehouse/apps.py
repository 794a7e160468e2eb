from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarehouseConfig(AppConfig):
    name = "motcua.warehouse"
    verbose_name = _("Kho quản lý dữ liệu điện tử")
