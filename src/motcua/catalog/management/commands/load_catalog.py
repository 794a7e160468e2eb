"""manage.py load_catalog PATH [PATH ...]: load agencies, fields, rule sets and procedures from YAML."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from motcua.catalog.loader import CatalogError, load_catalog


class Command(BaseCommand):
    help = "Nạp danh mục thủ tục từ tệp YAML hoặc thư mục các tệp *.yaml (chạy lại nhiều lần không sao)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="tệp .yaml hoặc thư mục chứa tệp .yaml")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_catalog(options["paths"])
        except CatalogError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(
                _("Không nạp gì cả: có %(count)s lỗi, hãy sửa rồi chạy lại.") % {"count": len(error.problems)}
            ) from None
        self.stdout.write(report.summary())
