"""A citizen, in a real browser on a phone-sized screen: log in, find birth registration, fill the e-form,
upload the birth certificate, check the answers, submit, read the acknowledgement, find it in "my dossiers"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.identity.tests.factories import PASSWORD, CitizenFactory
from motcua.portal.tests.conftest import pdf_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings, tmp_path):
    settings.MOTCUA_STORAGE_DIR = tmp_path / "storage"
    call_command("load_catalog", "src/motcua/catalog/demo", verbosity=0)
    return CitizenFactory(full_name="Nguyễn Thị Mai", date_of_birth=dt.date(1995, 3, 10), female=True)


def test_citizen_submits_birth_registration_and_sees_acknowledgement(live_server, page, demo, tmp_path):
    """R-ACK-2 end to end: the acknowledgement states the reference and the official receipt time."""
    citizen = demo
    certificate = tmp_path / "giay-chung-sinh.pdf"
    certificate.write_bytes(pdf_bytes())

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("Tên đăng nhập").fill(citizen.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Dịch vụ công trực tuyến").click()

    page.get_by_label("Bạn cần làm thủ tục gì?").fill("khai sinh")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="Thủ tục đăng ký khai sinh").click()
    assert page.get_by_text("Giấy chứng sinh (bản chính, chụp hoặc quét)").is_visible()
    page.locator("input[name=agency]").first.check()
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()

    # The e-form: identity data is prefilled, the rest typed in.
    page.wait_for_url(re.compile(r"/ho-so/.+/soan/$"))
    assert page.get_by_text("Lấy từ tài khoản định danh").first.is_visible()
    page.get_by_label("Mẹ", exact=True).check()
    page.get_by_label("Họ, chữ đệm, tên của trẻ").fill("Nguyễn Minh An")
    page.get_by_label("Nam", exact=True).check()
    page.get_by_label("Ngày, tháng, năm sinh của trẻ").fill("2025-11-20")
    page.get_by_label("Dân tộc của trẻ").fill("Kinh")
    clinic = page.get_by_label("Tên cơ sở khám bệnh, chữa bệnh nơi trẻ sinh ra")
    assert not clinic.is_visible()  # shown only when the birth took place in a clinic
    page.get_by_label("Tại cơ sở khám bệnh, chữa bệnh").check()
    clinic.fill("Bệnh viện Phụ sản Hà Nội")
    for address in ("f-noi_sinh_dia_chi", "f-noi_cu_tru"):
        page.locator(f"#{address}-province").select_option(label="Thành phố Hà Nội")
        page.locator(f"#{address}-commune option", has_text="Phường Ba Đình").wait_for(state="attached")
        page.locator(f"#{address}-commune").select_option(label="Phường Ba Đình")
        page.locator(f"#{address}-street").fill("Số 5 ngõ 12 Đội Cấn")
    page.get_by_label("Họ, chữ đệm, tên người mẹ").fill(citizen.full_name)
    page.get_by_label("Ngày sinh của người mẹ").fill(citizen.date_of_birth.isoformat())
    page.get_by_label("Số định danh cá nhân của người mẹ").fill(citizen.citizen_id)
    page.get_by_label("Số bản sao Giấy khai sinh đề nghị cấp").fill("1")
    page.get_by_label("Nhận bản điện tử trong tài khoản").check()
    page.get_by_label(re.compile("^Tôi cam đoan")).check()

    page.get_by_label("Chọn tệp cho “Giấy chứng sinh (bản chính, chụp hoặc quét)”").set_input_files(
        str(certificate)
    )
    page.get_by_role("button", name="Tải lên tệp cho “Giấy chứng sinh (bản chính, chụp hoặc quét)”").click()
    assert page.get_by_text("giay-chung-sinh.pdf").first.is_visible()
    assert page.locator("#f-tre_ho_ten").input_value() == "Nguyễn Minh An"  # kept across the upload

    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/kiem-tra/$"))
    assert page.get_by_text("Số 5 ngõ 12 Đội Cấn, Phường Ba Đình, Thành phố Hà Nội").first.is_visible()
    page.get_by_role("button", name="Nộp hồ sơ").click()

    page.wait_for_url(re.compile(r"/da-nop/$"))
    dossier = Dossier.objects.get(applicant=citizen)
    assert page.get_by_role("heading", name="Đã gửi thành công").is_visible()
    assert page.get_by_text(dossier.reference).is_visible()
    receipt = timezone.localtime(dossier.official_receipt_at).strftime("%H:%M %d/%m/%Y")
    assert page.get_by_text(receipt).first.is_visible()

    page.get_by_role("link", name="Tất cả hồ sơ của tôi").click()
    assert page.get_by_text(dossier.reference).is_visible()
    assert page.get_by_text("Đang chờ tiếp nhận").is_visible()
