"""Give the demo's one-stop officials a queue: dossiers of the demo citizens in every state of the process,
made through the same services a citizen and an official use. Idempotent: does nothing if the demo citizens
already have submitted dossiers. Run load_catalog and load_demo_data first."""

import io
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from pypdf import PdfWriter

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import submission_create
from motcua.identity.models import User
from motcua.workflow import services

BIRTH_REGISTRATION = "1.001193"
ANSWERS = {
    "nguoi_yeu_cau_dien_thoai": "0912345678",
    "quan_he": "cha",
    "tre_gioi_tinh": "nam",
    "tre_ngay_sinh": "2026-10-31",
    "tre_dan_toc": "Kinh",
    "noi_sinh_loai": "co_so_y_te",
    "noi_sinh_co_so_y_te": "Bệnh viện Phụ sản Hà Nội",
    "noi_sinh_dia_chi": {"province": 1, "commune": 4, "street": "929 đường La Thành"},
    "me_ho_ten": "Trần Thị Bình",
    "me_ngay_sinh": "02/03/1995",
    "me_so_dinh_danh": "079195001234",
    "co_thong_tin_cha": "on",
    "cha_ho_ten": "Nguyễn Văn An",
    "cha_ngay_sinh": "15/03/1990",
    "cha_so_dinh_danh": "001090012345",
    "noi_cu_tru": {"province": 1, "commune": 4, "street": "12 phố Đội Cấn"},
    "nhan_ket_qua": "truc_tuyen",
    "cam_doan": "on",
}
CHILDREN = [
    "Nguyễn Minh Khang",
    "Nguyễn Bảo Anh",
    "Nguyễn Gia Huy",
    "Nguyễn Thảo Vy",
    "Nguyễn Đức Minh",
    "Nguyễn Khánh Linh",
    "Nguyễn Quốc Bảo",
    "Nguyễn Ngọc Hân",
]


def _pdf(title: str) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class Command(BaseCommand):
    help = "Tạo hồ sơ mẫu ở mọi trạng thái cho cán bộ demo của phường Ba Đình (chạy sau load_demo_data)."

    def handle(self, *args, **options):
        try:
            citizen = User.objects.get(username="001090012345")
            receptionist = User.objects.get(username="tiepnhan.badinh")
            specialist = User.objects.get(username="chuyenvien.badinh")
            leader = User.objects.get(username="lanhdao.badinh")
            procedure = Procedure.objects.get(code=BIRTH_REGISTRATION)
        except (User.DoesNotExist, Procedure.DoesNotExist):
            raise CommandError(_("Hãy chạy load_catalog và load_demo_data trước.")) from None
        if Dossier.objects.filter(applicant=citizen).exclude(status=Dossier.Status.DRAFT).exists():
            self.stdout.write(_("Đã có hồ sơ mẫu; bỏ qua."))
            return
        agency = receptionist.agency
        dossiers = []
        for child in CHILDREN:
            ack = submission_create(
                applicant=citizen,
                submission_key=f"demo-{uuid.uuid4().hex}",
                procedure=procedure,
                agency=agency,
                form_data={**ANSWERS, "tre_ho_ten": child},
                files=[("giay_chung_sinh", "giay-chung-sinh.pdf", [_pdf(f"Giấy chứng sinh {child}")])],
            )
            dossiers.append(ack.dossier)
        # Four stay awaiting the check; the others go further, as officials would take them.
        services.request_supplement(
            dossier=dossiers[4],
            official=receptionist,
            items=[
                services.SupplementItem(
                    "component.giay_chung_sinh",
                    "Giấy chứng sinh bị mờ phần tên mẹ; hãy chụp hoặc quét lại rõ nét cả trang.",
                )
            ],
        )
        for dossier in dossiers[5:]:
            services.accept(dossier=dossier, official=receptionist)
        services.assign(dossier=dossiers[6], official=leader, assignee=specialist)
        services.assign(dossier=dossiers[7], official=leader, assignee=specialist)
        services.attach_result(
            dossier=dossiers[7],
            official=specialist,
            original_name="giay-khai-sinh.pdf",
            chunks=[_pdf("Giấy khai sinh")],
        )
        services.submit_for_approval(dossier=dossiers[7], official=specialist)
        services.approve(dossier=dossiers[7], official=leader)
        services.issue_result(dossier=dossiers[7], official=specialist)
        self.stdout.write(_("Đã tạo %(n)s hồ sơ mẫu ở các trạng thái khác nhau.") % {"n": len(dossiers)})
