from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from motcua.catalog.models import Agency
from motcua.identity.models import OfficialRole, User
from motcua.signatures.issuing import signing_key_install
from motcua.signatures.models import AgencySigningKey
from motcua.signatures.pki import P12_PASSWORD
from motcua.signatures.sealing import SealingError

DEMO_PASSWORD_ENV = "MOTCUA_DEMO_KEY_PASSWORD"  # noqa: S105 - the name of a variable, not a password


class Command(BaseCommand):
    help = (
        "Cài khóa ký số (tệp PKCS#12) cho cơ quan: con dấu số của cơ quan, hoặc khóa cá nhân của một lãnh đạo "
        "(--holder). Mật khẩu đọc từ biến môi trường (--password-env), không lưu vào cơ sở dữ liệu. "
        "--demo: cài con dấu thử nghiệm (agency-seal) cho mọi cơ quan và khóa official-leader cho mọi lãnh đạo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--p12", type=Path, help=_("tệp .p12 / .pfx"))
        parser.add_argument("--password-env", default="", help=_("tên biến môi trường chứa mật khẩu"))
        parser.add_argument("--agency", action="append", default=[], help=_("mã cơ quan (có thể lặp lại)"))
        parser.add_argument("--all-agencies", action="store_true", help=_("cài cho mọi cơ quan"))
        parser.add_argument("--holder", default="", help=_("tên đăng nhập của lãnh đạo giữ khóa cá nhân"))
        parser.add_argument("--demo", action="store_true", help=_("cài khóa của bộ chứng thư thử nghiệm"))

    def handle(self, *args, **options):
        if options["demo"]:
            return self._demo()
        if not options["p12"] or not options["password_env"]:
            raise CommandError(_("Cần --p12 và --password-env (hoặc --demo)."))
        try:
            p12 = options["p12"].read_bytes()
        except OSError:
            raise CommandError(_("Không đọc được tệp %(path)s.") % {"path": options["p12"]}) from None
        holder = None
        if options["holder"]:
            holder = User.objects.filter(username=options["holder"]).first()
            if holder is None:
                raise CommandError(_("Không có tài khoản %(name)s.") % {"name": options["holder"]})
        agencies = list(
            Agency.objects.all()
            if options["all_agencies"]
            else Agency.objects.filter(code__in=options["agency"])
        )
        if not agencies:
            raise CommandError(_("Hãy chọn cơ quan bằng --agency MÃ hoặc --all-agencies."))
        for agency in agencies:
            self._install(agency, p12, options["password_env"], holder)

    def _install(self, agency: Agency, p12: bytes, password_env: str, holder: User | None) -> None:
        try:
            key = signing_key_install(agency=agency, p12=p12, password_env=password_env, holder=holder)
        except SealingError as error:
            raise CommandError(f"{agency.code}: {error}") from None
        self.stdout.write(f"{agency.code}: {key.subject} ({key.fingerprint_sha256[:16]}…)")

    def _demo(self) -> None:
        import os

        os.environ.setdefault(DEMO_PASSWORD_ENV, P12_PASSWORD)
        folder = Path(settings.MOTCUA_PKI_DIR)
        try:
            seal = (folder / "agency-seal.p12").read_bytes()
            personal = (folder / "official-leader.p12").read_bytes()
        except OSError:
            raise CommandError(_("Chưa có bộ chứng thư thử nghiệm; hãy chạy make_demo_pki trước.")) from None
        for agency in Agency.objects.order_by("code"):
            if not AgencySigningKey.objects.filter(agency=agency, holder=None, active=True).exists():
                self._install(agency, seal, DEMO_PASSWORD_ENV, None)
        leaders = OfficialRole.objects.filter(role=OfficialRole.Role.LEADER).select_related("agency", "user")
        for role in leaders:
            if not AgencySigningKey.objects.filter(
                agency=role.agency, holder=role.user, active=True
            ).exists():
                self._install(role.agency, personal, DEMO_PASSWORD_ENV, role.user)
