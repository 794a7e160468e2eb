from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.signatures import services


class Command(BaseCommand):
    help = (
        "Nạp mọi chứng thư CA (.cer, .crt, .der, .pem) trong một thư mục vào kho tin cậy dùng để kiểm tra chữ ký số "
        "(CA gốc quốc gia, các CA được cấp phép; bản chạy thử nạp CA của make_demo_pki). Chạy lại không thay đổi gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help=_("thư mục chứa các tệp chứng thư CA"))

    def handle(self, *args, folder: Path, **options):
        try:
            result = services.trust_store_load_folder(folder=folder)
        except services.TrustStoreError as exc:
            raise CommandError(str(exc)) from exc
        for trusted in result.added:
            self.stdout.write(
                _("Đã thêm %(kind)s: %(subject)s")
                % {"kind": trusted.get_kind_display(), "subject": trusted.subject}
            )
        self.stdout.write(
            _(
                "Kho tin cậy: thêm %(added)d, đã có %(already)d, bỏ qua %(skipped)d tệp/chứng thư không phải CA."
            )
            % {"added": len(result.added), "already": len(result.already), "skipped": len(result.skipped)}
        )
