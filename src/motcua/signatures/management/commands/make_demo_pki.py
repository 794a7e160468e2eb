from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from motcua.signatures import pki


class Command(BaseCommand):
    help = (
        "Tạo bộ chứng thư số thử nghiệm (CA gốc, CA trung gian, người ký hợp lệ, bị thu hồi, hết hạn, "
        "sai mục đích sử dụng, SHA-1, RSA 1024 bit, con dấu cơ quan) để chạy thử và kiểm thử chữ ký số. "
        "Không dùng cho giao dịch thật."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--out", type=Path, default=None, help=_("thư mục ghi; mặc định là MOTCUA_PKI_DIR")
        )
        parser.add_argument(
            "--base-url",
            default=None,
            help=_("địa chỉ gốc của CRL và OCSP ghi trong chứng thư; mặc định là MOTCUA_PKI_BASE_URL"),
        )
        parser.add_argument("--force", action="store_true", help=_("tạo lại kể cả khi thư mục đã có đủ tệp"))

    def handle(
        self, *args, out: Path | None = None, base_url: str | None = None, force: bool = False, **options
    ):
        folder = Path(out or settings.MOTCUA_PKI_DIR)
        if pki.is_complete(folder) and not force:
            self.stdout.write(
                _(
                    "Bộ chứng thư thử nghiệm đã có đủ trong %(folder)s; không tạo lại (dùng --force để tạo lại)."
                )
                % {"folder": folder}
            )
            if not (folder / "mau").is_dir():
                self._samples(folder)
            return
        demo = pki.build_demo_pki(base_url=base_url or settings.MOTCUA_PKI_BASE_URL)
        written = pki.write_demo_pki(demo, folder)
        self.stdout.write(
            _("Đã tạo bộ chứng thư thử nghiệm trong %(folder)s (%(count)d tệp):")
            % {"folder": folder, "count": len(written)}
        )
        for name, purpose in pki.END_ENTITIES.items():
            self.stdout.write(f"  {name}: {purpose}")
        self.stdout.write(
            _("Mật khẩu các tệp .p12: %(password)s. CRL và OCSP ghi trong chứng thư trỏ tới %(url)s.")
            % {"password": pki.P12_PASSWORD, "url": demo.base_url}
        )
        self._samples(folder)

    def _samples(self, folder: Path) -> None:
        from motcua.signatures.testing import DEMO_SAMPLES, write_demo_samples

        write_demo_samples(folder)
        self.stdout.write(_("Tệp PDF mẫu để thử tải lên (trong %(folder)s):") % {"folder": folder / "mau"})
        for name, (_signer, purpose) in DEMO_SAMPLES.items():
            self.stdout.write(f"  {name}: {purpose}")
