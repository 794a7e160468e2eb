from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """The one-stop forms rendered to PDF, XLSX and CSV; no models."""

    name = "motcua.documents"
    label = "documents"
