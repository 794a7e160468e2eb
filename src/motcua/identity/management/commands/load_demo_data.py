"""Create the demo accounts (idempotent) and print their logins. Run load_catalog first."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import Agency
from motcua.identity import services
from motcua.identity.models import OfficialRole, User

DEMO_PASSWORD = "motcua-demo"  # noqa: S105 -- printed on purpose: demo accounts only
BA_DINH = "000.00.31.H26"  # Ủy ban nhân dân phường Ba Đình
SO_TU_PHAP = "000.00.13.H26"  # Sở Tư pháp thành phố Hà Nội
R = OfficialRole.Role

CITIZENS = [
    {
        "citizen_id": "001090012345",  # Hà Nội (001), male born in the 1900s (0), 1990
        "full_name": "Nguyễn Văn An",
        "date_of_birth": dt.date(1990, 3, 15),
        "phone": "0912345678",
        "email": "an.nguyen@example.com",
    },
    {
        "citizen_id": "079195001234",  # Hồ Chí Minh (079), female born in the 1900s (1), 1995
        "full_name": "Trần Thị Bình",
        "date_of_birth": dt.date(1995, 8, 20),
        "phone": "0987654321",
        "email": "binh.tran@example.com",
    },
]
ORGANISATIONS = [
    {
        "enterprise_code": "0112345676",  # Hà Nội (01), check digit per stdnum.vn.mst
        "name": "Công ty TNHH Dịch vụ Minh Phát",
        "representative": "Lê Minh Phát",
        "email": "lienhe@minhphat.example.com",
        "phone": "02437654321",
    },
]
OFFICIALS = [
    ("tiepnhan.badinh", "Phạm Thu Hà", BA_DINH, [R.RECEPTIONIST], "Bộ phận Một cửa"),
    ("chuyenvien.badinh", "Hoàng Văn Nam", BA_DINH, [R.SPECIALIST], "Phòng Văn hóa - Xã hội"),
    ("lanhdao.badinh", "Đỗ Thị Lan", BA_DINH, [R.LEADER], ""),
    ("tiepnhan.sotuphap", "Vũ Thị Mai", SO_TU_PHAP, [R.RECEPTIONIST], "Bộ phận Một cửa"),
    ("lanhdao.sotuphap", "Bùi Quang Huy", SO_TU_PHAP, [R.LEADER], ""),
]


class Command(BaseCommand):
    help = "Tạo các tài khoản dùng thử (chạy lại nhiều lần vẫn an toàn) và in thông tin đăng nhập."

    def handle(self, *args, **options):
        agencies = {agency.code: agency for agency in Agency.objects.filter(code__in=[BA_DINH, SO_TU_PHAP])}
        missing = sorted({BA_DINH, SO_TU_PHAP} - set(agencies))
        if missing:
            raise CommandError(
                _(
                    "Chưa có cơ quan %(codes)s. Chạy load_catalog trước: "
                    "python manage.py load_catalog src/motcua/catalog/demo"
                )
                % {"codes": ", ".join(missing)},
                returncode=1,
            )
        with transaction.atomic():
            for citizen in CITIZENS:
                if not User.objects.filter(username=citizen["citizen_id"]).exists():
                    services.citizen_create(**citizen, password=DEMO_PASSWORD)
            for organisation in ORGANISATIONS:
                if not User.objects.filter(username=organisation["enterprise_code"]).exists():
                    services.organisation_account_create(**organisation, password=DEMO_PASSWORD)
            for username, full_name, code, roles, department in OFFICIALS:
                if not User.objects.filter(username=username).exists():
                    services.official_create(
                        username=username,
                        full_name=full_name,
                        agency=agencies[code],
                        roles=list(roles),
                        email=f"{username}@example.com",
                        password=DEMO_PASSWORD,
                        department=department,
                    )
            if not User.objects.filter(username="admin").exists():
                User.objects.create_superuser(
                    username="admin",
                    password=DEMO_PASSWORD,
                    email="admin@example.com",
                    full_name="Quản trị hệ thống",
                    kind=User.Kind.OFFICIAL,
                )
        self.print_logins()

    def print_logins(self) -> None:
        usernames = (
            [c["citizen_id"] for c in CITIZENS]
            + [o["enterprise_code"] for o in ORGANISATIONS]
            + [o[0] for o in OFFICIALS]
            + ["admin"]
        )
        users = User.objects.select_related("organisation", "agency").prefetch_related("official_roles")
        by_username = {user.username: user for user in users.filter(username__in=usernames)}
        rows = [(_("Tên đăng nhập"), _("Loại tài khoản"), _("Tên"), _("Cơ quan"))]
        for username in usernames:
            user = by_username[username]
            if user.is_superuser:
                kind = _("Quản trị hệ thống")
            elif user.kind == User.Kind.OFFICIAL:
                kind = ", ".join(str(role.get_role_display()) for role in user.official_roles.all())
            else:
                kind = str(user.get_kind_display())
            rows.append((username, kind, user.display_name, user.agency.name if user.agency else ""))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for n, row in enumerate(rows):
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
            if n == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
        self.stdout.write("")
        self.stdout.write(
            _("Mật khẩu chung của mọi tài khoản dùng thử: %(password)s") % {"password": DEMO_PASSWORD}
        )
