from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.signatures import pki
from motcua.signatures.pkiserver import PKIServices


class Command(BaseCommand):
    help = (
        "Chạy máy chủ thử nghiệm phục vụ CRL, OCSP, chứng thư CA và dấu thời gian (TSA) của bộ chứng thư "
        "thử nghiệm trong MOTCUA_PKI_DIR (tạo bộ chứng thư nếu chưa có). Không dùng cho giao dịch thật."
    )

    def add_arguments(self, parser):
        base = urlsplit(settings.MOTCUA_PKI_BASE_URL)
        parser.add_argument(
            "--host",
            default=base.hostname or "127.0.0.1",
            help=_("địa chỉ lắng nghe; mặc định lấy từ MOTCUA_PKI_BASE_URL"),
        )
        parser.add_argument(
            "--port",
            type=int,
            default=base.port or 80,
            help=_("cổng lắng nghe; mặc định lấy từ MOTCUA_PKI_BASE_URL"),
        )

    def handle(self, *args, host: str, port: int, **options):
        try:
            services = PKIServices(host, port)  # bind first: the certificates name this address
        except OSError as error:
            raise CommandError(
                _(
                    "Không mở được cổng %(host)s:%(port)s (%(error)s). Chọn cổng khác bằng --port và đặt MOTCUA_PKI_BASE_URL cho khớp."
                )
                % {"host": host, "port": port, "error": error.strerror or error}
            ) from error
        folder = settings.MOTCUA_PKI_DIR
        if not pki.is_complete(folder):
            call_command(
                "make_demo_pki", "--out", str(folder), "--base-url", services.base_url, stdout=self.stdout
            )
        demo = pki.load_demo_pki(folder)
        if demo.base_url != services.base_url:
            self.stderr.write(
                _(
                    "Chú ý: chứng thư trong %(folder)s trỏ tới %(built)s, không phải %(url)s; trình kiểm tra sẽ "
                    "không tìm thấy CRL và OCSP. Tạo lại bằng: manage.py make_demo_pki --force --base-url %(url)s"
                )
                % {"folder": folder, "built": demo.base_url, "url": services.base_url}
            )
        services.load(demo, folder)
        self.stdout.write(
            _(
                "Máy chủ chứng thư thử nghiệm đang chạy tại %(url)s (CRL, OCSP, chứng thư CA); TSA: %(tsa)s. Ctrl+C để dừng."
            )
            % {"url": services.base_url, "tsa": services.tsa_url}
        )
        try:
            services.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            services.stop()
