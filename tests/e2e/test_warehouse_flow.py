"""The personal data warehouse end to end, in real browsers, through real pages only (issue 5): a citizen on a
phone submits a dossier with a land-use certificate and agrees to keep its verified copy; the receptionist
accepts it; the copy is in the citizen's warehouse, and the application form (not consented) is not. The same
citizen starts another procedure that asks for the same kind of document and reuses it with one click; the
receptionist sees where it came from; the citizen sees that the receptionist used it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import make_pdf
from motcua.dossiers.models import Dossier
from tests.e2e.pages import assert_accessible, decide, log_in, open_from_queue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def start(page, live_server, procedure) -> None:
    page.goto(live_server.url + f"/thu-tuc/{procedure.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(procedure.name)
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()
    page.wait_for_url(re.compile(r"/ho-so/[0-9a-f-]+/soan/$"))
    assert_accessible(page)
    page.get_by_label("Số điện thoại").fill("0912345678")


def upload(page, component: str, path) -> None:
    page.get_by_label(f"Chọn tệp cho “{component}”").set_input_files(str(path))
    page.get_by_role("button", name=f"Tải lên tệp cho “{component}”").click()
    expect(page.get_by_text(f"Đã tải lên tệp “{path.name}”.")).to_be_visible()


def test_a_verified_copy_is_kept_with_consent_and_reused_with_one_click(
    live_server, page, tmp_path, citizen, receptionist, building_permit, business_registration, desk
):
    """R-WH-2, R-PRIV-1, R-PRIV-2, R-ONCE-1: what an agency verified is not asked for again, with consent,
    and every use of it is shown to its owner."""
    form = tmp_path / "don.pdf"
    form.write_bytes(make_pdf("Đơn đề nghị"))
    land = tmp_path / "so-do.pdf"
    land.write_bytes(make_pdf("Giấy chứng nhận quyền sử dụng đất AB 123456"))

    # 1. The citizen submits the first dossier and ticks the box to keep the land certificate.
    page.goto(live_server.url + "/dang-nhap/")
    log_in(page, citizen.username)
    start(page, live_server, building_permit)
    upload(page, "Đơn đề nghị", form)
    upload(page, "Giấy tờ về đất", land)
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/kiem-tra/$"))
    assert_accessible(page)
    consent = page.get_by_role("group", name="Lưu vào Kho dữ liệu của bạn (không bắt buộc)")
    expect(consent.get_by_role("checkbox")).to_have_count(2)  # the land certificate, and the result
    consent.get_by_label(re.compile("Tôi đồng ý lưu “Giấy tờ về đất”")).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url(re.compile(r"/da-nop/$"))
    first = Dossier.objects.get(applicant=citizen)  # read only

    # Nothing is in the warehouse before an official has verified it.
    page.get_by_role("link", name="Kho dữ liệu").click()
    expect(page.get_by_text("Kho dữ liệu của bạn chưa có giấy tờ nào.")).to_be_visible()

    # 2. The receptionist checks and accepts it.
    desk_r = desk(receptionist)
    open_from_queue(desk_r, "Chờ tiếp nhận", first.reference)
    decide(desk_r, "Tiếp nhận hồ sơ", "Đã tiếp nhận hồ sơ. Mã hồ sơ:")
    first.refresh_from_db()

    # 3. The verified copy is in the citizen's warehouse, with who verified it; the form is not.
    page.reload()
    assert_accessible(page)
    cards = page.locator(".card")
    expect(cards).to_have_count(1)
    expect(cards).to_contain_text("Giấy tờ về đất")
    expect(cards).to_contain_text("Đã xác minh")
    expect(cards).to_contain_text(f"khi tiếp nhận hồ sơ {first.code}")
    page.get_by_role("link", name="Sự đồng ý của tôi").click()
    assert_accessible(page)
    expect(page.get_by_text("Tôi đồng ý lưu “Giấy tờ về đất”")).to_be_visible()

    # 4. Another procedure asks for the same kind of document: one click, no upload.
    start(page, live_server, business_registration)
    page.get_by_role("button", name="Dùng giấy tờ này cho “Giấy tờ về địa điểm”").click()
    expect(page.get_by_text("Đã dùng “Giấy tờ về đất” từ Kho dữ liệu.")).to_be_visible()
    expect(page.locator("#component-dia_diem .file-name").first).to_have_text("so-do.pdf")
    upload(page, "Đơn đề nghị", form)
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url(re.compile(r"/kiem-tra/$"))
    # Already verified: the box for it is not offered again, only the one for the result.
    expect(page.get_by_role("checkbox")).to_have_count(1)
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url(re.compile(r"/da-nop/$"))
    second = Dossier.objects.exclude(pk=first.pk).get(applicant=citizen)

    # 5. The receptionist sees where the reused file came from and opens it.
    open_from_queue(desk_r, "Chờ tiếp nhận", second.reference)
    provenance = desk_r.locator(".provenance")
    expect(provenance).to_contain_text("Lấy từ Kho dữ liệu của người nộp")
    expect(provenance).to_contain_text(f"khi tiếp nhận hồ sơ {first.code}")
    expect(provenance).to_contain_text(receptionist.display_name)

    # 6. The citizen sees who used the document, from which agency, for which dossier.
    page.goto(live_server.url + "/kho-du-lieu/nhat-ky/")
    assert_accessible(page)
    entry = page.locator(".card").first
    expect(entry).to_contain_text(receptionist.display_name)
    expect(entry).to_contain_text(second.agency.name)
    expect(entry).to_contain_text(second.reference)
