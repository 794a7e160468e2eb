from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectorsConfig(AppConfig):
    name = "motcua.connectors"
    verbose_name = _("Kết nối cơ sở dữ liệu")
