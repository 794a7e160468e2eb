"""The one-stop process end to end, in real browsers, through real pages only: a citizen on a phone submits
a dossier; at the agency's desks the receptionist asks for a supplement, the citizen replaces the file, the
receptionist sees what changed and accepts it, the leader assigns it, the specialist attaches the result and
submits it, the leader approves, the specialist issues the result and the receptionist returns it; the
citizen downloads the result and reads the story of the dossier on its page.

Each person has a browser of their own (a context: own cookies, own login). Only the accounts and the
procedure are made by the test; the dossier moves only by what people do on the pages.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import make_pdf
from motcua.dossiers.models import Dossier
from tests.e2e.pages import assert_accessible, decide, log_in, open_from_queue, pdf_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_dossier_goes_from_submission_to_the_returned_result(
    live_server, page, tmp_path, citizen, procedure, agency, receptionist, specialist, leader, desk
):
    """R-CHK-1, R-SUP-1, R-SUP-4, R-CODE-1, R-FORM-1, R-PROC-3, R-WH-3: every step done by a person on a
    page, each seeing what they must do and what was done."""
    first_file = tmp_path / "don-de-nghi.pdf"
    first_file.write_bytes(make_pdf("Đơn chưa ký"))
    signed_file = tmp_path / "don-de-nghi-da-ky.pdf"
    signed_file.write_bytes(make_pdf("Đơn đã ký"))
    result_file = tmp_path / "giay-chung-nhan.pdf"
    result_file.write_bytes(make_pdf("Giấy chứng nhận"))

    # 1. The citizen, on a phone, finds the procedure, fills the e-form, uploads the form and submits.
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Đăng nhập").click()
    log_in(page, citizen.username)
    page.get_by_role("link", name="Dịch vụ công trực tuyến").click()
    page.get_by_label("Bạn cần làm thủ tục gì?").fill(procedure.name)
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name=procedure.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(procedure.name)
    page.get_by_role("button", name="Nộp hồ sơ trực tuyến").click()

    page.wait_for_url(re.compile(r"/ho-so/[0-9a-f-]+/soan/$"))
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Soạn hồ sơ")).to_be_visible()
    expect(page.get_by_text(citizen.full_name)).to_be_visible()  # prefilled from the identity account
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Ghi chú").fill("Xin cấp bản điện tử.")
    page.get_by_label("Chọn tệp cho “Đơn đề nghị”").set_input_files(str(first_file))
    page.get_by_role("button", name="Tải lên tệp cho “Đơn đề nghị”").click()
    expect(page.get_by_text("Đã tải lên tệp “don-de-nghi.pdf”.")).to_be_visible()
    page.get_by_role("button", name="Tiếp tục").click()

    page.wait_for_url(re.compile(r"/kiem-tra/$"))
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Kiểm tra lại trước khi nộp")).to_be_visible()
    expect(page.get_by_text("0912345678")).to_be_visible()
    page.get_by_role("button", name="Nộp hồ sơ").click()

    page.wait_for_url(re.compile(r"/da-nop/$"))
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Đã gửi thành công")).to_be_visible()
    dossier = Dossier.objects.get(applicant=citizen)  # read only: the dossier moves by the pages alone
    expect(page.get_by_text(dossier.reference)).to_be_visible()
    dossier_url = page.url.replace("/da-nop/", "/")

    # 2. The receptionist finds it awaiting the check, marks the form "not ok" and asks for a supplement.
    desk_r = desk(receptionist)
    expect(desk_r.get_by_role("heading", name="Hồ sơ chờ tiếp nhận")).to_be_visible()
    open_from_queue(desk_r, "Chờ tiếp nhận", dossier.reference)
    expect(desk_r.get_by_role("heading", level=1)).to_have_text(procedure.name)
    expect(desk_r.get_by_text(f"Mã tra cứu {dossier.reference}")).to_be_visible()
    expect(desk_r.get_by_role("heading", name="Kiểm tra và quyết định")).to_be_visible()
    form_mark = desk_r.get_by_role("group", name="Đơn đề nghị (bắt buộc)")
    form_mark.get_by_label("Chưa đạt").check()
    guidance = "Đơn chưa có chữ ký của người đề nghị; hãy ký vào đơn rồi quét và tải lại."
    desk_r.get_by_label("Ghi chú, hướng dẫn bổ sung: Đơn đề nghị").fill(guidance)
    decide(desk_r, "Gửi yêu cầu bổ sung", "Đã gửi yêu cầu bổ sung hồ sơ")
    expect(desk_r.locator(".tag-status-supplement_requested")).to_have_text("Chờ bổ sung")
    expect(desk_r.locator(".supplement-items")).to_contain_text(guidance)

    # 3. The citizen reads the request on the dossier page, replaces the file and sends the supplement.
    page.goto(dossier_url)
    assert_accessible(page)
    expect(page.get_by_text("Cần bổ sung", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Yêu cầu bổ sung, hoàn thiện hồ sơ")).to_be_visible()
    expect(page.locator(".supplement-items")).to_contain_text(guidance)
    page.get_by_role("link", name="Bổ sung hồ sơ", exact=True).click()

    page.wait_for_url(re.compile(r"/bo-sung/$"))
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Bổ sung hồ sơ", exact=True)).to_be_visible()
    expect(page.get_by_text(f"Cơ quan yêu cầu: {guidance}")).to_be_visible()
    page.get_by_role("button", name="Xoá tệp don-de-nghi.pdf").click()
    new_file = page.get_by_label("Chọn tệp cho “Đơn đề nghị”")  # "Thêm tệp khác" while a file is there
    expect(new_file).to_be_visible()
    expect(page.get_by_text("don-de-nghi.pdf")).to_have_count(0)
    new_file.set_input_files(str(signed_file))
    page.get_by_role("button", name="Tải lên tệp cho “Đơn đề nghị”").click()
    expect(page.get_by_role("link", name="don-de-nghi-da-ky.pdf")).to_be_visible()
    page.get_by_role("button", name="Tiếp tục").click()

    page.wait_for_url(re.compile(r"/bo-sung/kiem-tra/$"))
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Kiểm tra lại trước khi gửi bổ sung")).to_be_visible()
    expect(page.locator(".supplement-items")).to_contain_text("Đã sửa")
    expect(page.get_by_text("don-de-nghi-da-ky.pdf")).to_be_visible()
    page.get_by_role("button", name="Gửi hồ sơ bổ sung").click()

    page.wait_for_url(re.compile(r"/da-bo-sung/$"))
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Đã gửi hồ sơ bổ sung")).to_be_visible()
    expect(page.get_by_text(dossier.reference)).to_be_visible()

    # 4. The receptionist sees it again, with what changed, and accepts it: the dossier gets its code.
    open_from_queue(desk_r, "Chờ tiếp nhận", dossier.reference)
    expect(desk_r.get_by_text("lần nộp thứ 2")).to_be_visible()
    changes = desk_r.get_by_role("region", name="Những gì thay đổi từ lần nộp 1 sang lần nộp 2")
    expect(changes).to_be_visible()
    expect(changes.locator("del")).to_have_text("don-de-nghi.pdf")
    expect(changes.locator("ins")).to_have_text("don-de-nghi-da-ky.pdf")
    expect(changes.get_by_text("được yêu cầu")).to_be_visible()
    desk_r.get_by_role("group", name="Đơn đề nghị (bắt buộc)").get_by_label("Đạt", exact=True).check()
    decide(desk_r, "Tiếp nhận hồ sơ", "Đã tiếp nhận hồ sơ. Mã hồ sơ:")
    dossier.refresh_from_db()
    assert re.fullmatch(rf"{re.escape(agency.code)}-\d{{6}}-\d{{4}}", dossier.code)  # R-CODE-1
    expect(desk_r.get_by_role("status")).to_contain_text(f"Mã hồ sơ: {dossier.code}")
    expect(desk_r.get_by_role("heading", level=1)).to_have_text(procedure.name)
    expect(desk_r.locator(".tag-status-processing")).to_have_text("Đang giải quyết")
    code_row = desk_r.locator(".summary-list > div", has=desk_r.get_by_text("Mã hồ sơ", exact=True))
    expect(code_row.locator("dd")).to_contain_text(dossier.code)
    with desk_r.expect_download() as receipt:
        desk_r.get_by_role("link", name="Tải giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)").click()
    assert receipt.value.suggested_filename == f"mau-01-{dossier.code}.pdf"
    assert pdf_of(receipt.value).startswith(b"%PDF-")

    # 5. The leader assigns it; the specialist attaches the result and submits it; the leader approves;
    # the specialist issues the result; the receptionist returns it.
    desk_l = desk(leader)
    open_from_queue(desk_l, "Việc của tôi", dossier.code)
    desk_l.get_by_label("Chuyên viên xử lý").select_option(label=specialist.display_name)
    decide(desk_l, "Phân công", f"Đã phân công {specialist.display_name} xử lý hồ sơ.")

    desk_s = desk(specialist)
    open_from_queue(desk_s, "Việc của tôi", dossier.code)
    expect(desk_s.get_by_role("heading", name="Việc bạn có thể làm")).to_be_visible()
    desk_s.get_by_label("Tệp kết quả (PDF, tối đa 50 MB)").set_input_files(str(result_file))
    decide(desk_s, "Đính kèm", f"Đã đính kèm kết quả {dossier.code}-KQ")
    expect(desk_s.locator("#results")).to_contain_text("giay-chung-nhan.pdf")
    decide(desk_s, "Trình phê duyệt", "Đã trình lãnh đạo phê duyệt.")

    open_from_queue(desk_l, "Chờ phê duyệt", dossier.code)
    expect(desk_l.locator("#results")).to_contain_text("giay-chung-nhan.pdf")
    decide(desk_l, "Phê duyệt", "Đã phê duyệt. Hồ sơ chuyển sang bước ban hành kết quả.")

    open_from_queue(desk_s, "Việc của tôi", dossier.code)
    decide(desk_s, "Ban hành kết quả", "Đã ban hành kết quả. Hồ sơ chờ Bộ phận Một cửa trả kết quả.")

    open_from_queue(desk_r, "Chờ trả kết quả", dossier.code)
    expect(desk_r.locator(".tag-status-result_ready")).to_have_text("Đã có kết quả")
    decide(desk_r, "Trả kết quả", "Đã trả kết quả cho người nộp. Hồ sơ đã hoàn thành.")
    expect(desk_r.locator(".tag-status-done")).to_have_text("Đã trả kết quả")
    # The control sheet (form 06): every hand-over, who did it, and whether it was on time.
    sheet = desk_r.locator("table.sheet tbody tr")
    expect(sheet).to_have_count(4)
    for row, (step, actor) in enumerate(
        [
            ("1. Thẩm định, xử lý", specialist),
            ("2. Phê duyệt", leader),
            ("3. Ban hành kết quả", specialist),
            ("4. Trả kết quả", receptionist),
        ]
    ):
        expect(sheet.nth(row).locator("td").first).to_have_text(step)
        expect(sheet.nth(row)).to_contain_text(f"bởi {actor.display_name}")
        expect(sheet.nth(row).locator(".tag")).to_have_text(re.compile("Trước hạn|Đúng hạn|Quá hạn"))
    with desk_r.expect_download() as control_sheet:
        desk_r.get_by_role("link", name="Tải phiếu kiểm soát (Mẫu 06, PDF)").click()
    assert control_sheet.value.suggested_filename == f"mau-06-{dossier.code}.pdf"
    assert pdf_of(control_sheet.value).startswith(b"%PDF-")

    # 6. The citizen sees the result returned, downloads it and reads the dossier's story.
    page.get_by_role("navigation", name="Trình đơn tài khoản").get_by_role(
        "link", name="Hồ sơ của tôi"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hồ sơ của tôi")
    card = page.locator(".card", has=page.get_by_role("link", name=procedure.name))
    expect(card).to_contain_text(f"Mã hồ sơ {dossier.code}")
    expect(card.get_by_text("Đã trả kết quả", exact=True)).to_be_visible()
    card.get_by_role("link", name=f"Tải kết quả {procedure.name}").click()
    page.wait_for_url(dossier_url + "#ket-qua")
    assert_accessible(page)
    expect(page.get_by_text(f"Mã hồ sơ {dossier.code}")).to_be_visible()
    expect(page.get_by_text("Đã trả kết quả", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Đã trả kết quả lúc .+\. Hồ sơ đã hoàn thành\.$"))).to_be_visible()
    with page.expect_download() as result:
        page.locator("#ket-qua").get_by_role("link", name="giay-chung-nhan.pdf").click()
    assert pdf_of(result.value) == result_file.read_bytes()
    with page.expect_download() as receipt:
        page.get_by_role("link", name="Tải giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF)").click()
    assert pdf_of(receipt.value).startswith(b"%PDF-")
    # The timeline ("Diễn biến") tells the story in order.
    timeline = page.locator("ol.timeline > li")
    story = [
        "Nộp hồ sơ thành công",
        "Yêu cầu bổ sung hồ sơ",
        "Đã nộp bổ sung",
        "Đã tiếp nhận hồ sơ",
        "Đã có kết quả",
        "Đã trả kết quả",
    ]
    for kind in story:
        expect(timeline.filter(has_text=kind)).to_have_count(1)
    told = timeline.all_inner_texts()
    where = [next(i for i, line in enumerate(told) if kind in line) for kind in story]
    assert where == sorted(where), told
    expect(timeline.filter(has_text="Đã tiếp nhận hồ sơ")).to_contain_text(f"Mã hồ sơ: {dossier.code}")
    # Anyone, without a login, follows the dossier by its code (R-TRK-1): the status, never personal data.
    stranger = page.context.browser.new_context(viewport={"width": 360, "height": 780}, locale="vi-VN")
    anyone = stranger.new_page()
    anyone.goto(f"{live_server.url}/tra-cuu/?ma={dossier.code}")
    expect(anyone.get_by_text("Đã trả kết quả", exact=True).first).to_be_visible()
    expect(anyone.get_by_text(dossier.code).first).to_be_visible()
    assert citizen.full_name not in anyone.content() and citizen.citizen_id not in anyone.content()
    assert_accessible(anyone)
    stranger.close()
