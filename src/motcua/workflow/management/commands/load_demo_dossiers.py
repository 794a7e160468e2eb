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
from motcua.warehouse.services import consents_give
from motcua.workflow import services

BIRTH_REGISTRATION = "1.001193"
BUILDING_PERMIT = "1.009974"
BUILDING_ANSWERS = {
    "chu_dau_tu_ho_ten": "Nguyễn Văn An",
    "chu_dau_tu_so_dinh_danh": "001090012345",
    "dien_thoai": "0912345678",
    "dia_chi_lien_he": {"province": 1, "commune": 4, "street": "12 phố Đội Cấn"},
    "dia_diem_xay_dung": {"province": 1, "commune": 4, "street": "Ngõ 5 phố Đội Cấn"},
    "so_thua_dat": "125",
    "to_ban_do": "18",
    "dien_tich_lo_dat": "62.5",
    "dien_tich_xay_dung": "55",
    "tong_dien_tich_san": "220",
    "so_tang": "4",
    "chieu_cao": "15.2",
    "thoi_gian_hoan_thanh": "8",
    "cam_doan": "on",
}
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
        consents_give(
            dossier=dossiers[7], owner=citizen, result=True
        )  # the birth certificate goes to the warehouse
        services.submit_for_approval(dossier=dossiers[7], official=specialist)
        services.approve(dossier=dossiers[7], official=leader)
        services.issue_result(dossier=dossiers[7], official=specialist)
        dossiers.append(self._building_permit(citizen, agency, receptionist))
        self.stdout.write(_("Đã tạo %(n)s hồ sơ mẫu ở các trạng thái khác nhau.") % {"n": len(dossiers)})

    def _building_permit(self, citizen: User, agency, receptionist: User) -> Dossier:
        """A building permit dossier whose land-use certificate the citizen agreed to keep: accepted, so its
        verified copy is in the warehouse and offered for one-click reuse (e.g. in Đăng ký hộ kinh doanh)."""
        ack = submission_create(
            applicant=citizen,
            submission_key=f"demo-{uuid.uuid4().hex}",
            procedure=Procedure.objects.get(code=BUILDING_PERMIT),
            agency=agency,
            form_data=BUILDING_ANSWERS,
            files=[
                ("giay_to_dat", "giay-chung-nhan-qsdd.pdf", [_pdf("Giấy chứng nhận quyền sử dụng đất")]),
                ("ban_ve_thiet_ke", "ban-ve-thiet-ke.pdf", [_pdf("Bản vẽ thiết kế")]),
            ],
        )
        consents_give(dossier=ack.dossier, owner=citizen, component_codes=["giay_to_dat"])
        services.accept(dossier=ack.dossier, official=receptionist)
        return ack.dossier
