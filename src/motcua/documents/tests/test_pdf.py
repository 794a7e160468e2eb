"""The one-stop forms as PDF: what a reader of each printed form sees (R-FORM-1, R-FORM-2, R-FORM-3)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
from dataclasses import replace

import pytest
from pypdf import PdfReader

from motcua.documents.forms import Header, Party, Unit
from motcua.documents.pdf import render_pdf
from motcua.documents.tests import samples
from motcua.documents.text import SYSTEM_NAME, number_line, place_and_date


def text_of(pdf: bytes) -> str:
    """Return the text of every page, with runs of white space made one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


# (sample, title as Annex I names it, number as printed)
FORMS = [
    (samples.receipt_slip, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "Số: 12"),
    (samples.supplement_request, "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "Số: 12/PBS"),
    (samples.refusal, "Phiếu từ chối tiếp nhận giải quyết hồ sơ", "Số: 7/PTC"),
    (samples.apology, "Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết", "Số: 3/PXL"),
    (samples.stop_notice, "Thông báo dừng giải quyết hồ sơ", "Số: 5"),
    (samples.control_sheet, "Phiếu kiểm soát quá trình giải quyết hồ sơ", "Số: 9/PKS"),
    (samples.tracking_book, "Sổ theo dõi hồ sơ", "Số: 1/STD"),
]


@pytest.mark.parametrize(("sample", "title", "number"), FORMS, ids=[form[0].__name__ for form in FORMS])
def test_r_form_1_each_form_carries_unit_header_motto_number_place_date_and_title(sample, title, number):
    pdf = render_pdf(sample())
    text = text_of(pdf)

    assert "ỦY BAN NHÂN DÂN PHƯỜNG BA ĐÌNH" in text
    assert "BỘ PHẬN MỘT CỬA PHƯỜNG BA ĐÌNH" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert number in text
    assert "Hà Nội, ngày 28 tháng 11 năm 2026" in text
    assert title.upper() in text
    assert PdfReader(io.BytesIO(pdf)).metadata.title == title


def test_r_form_2_receipt_slip_carries_every_field():
    text = text_of(render_pdf(samples.receipt_slip()))

    expected = [
        "Mã hồ sơ: 000.00.00.H26-261128-0001",  # dossier code
        "Đơn vị tiếp nhận: Bộ phận Một cửa phường Ba Đình",  # receiving unit
        "Tiếp nhận hồ sơ của: Nguyễn Thị Hoà",  # applicant name
        "Số định danh cá nhân/tổ chức: 001190012345",  # personal/organisation identifier
        "Địa chỉ: Số 1 phố Đội Cấn, phường Ba Đình, Hà Nội",
        "Số điện thoại: 0912345678",
        "Email: hoa@example.vn",
        "Người được ủy quyền nộp hồ sơ: Trần Văn Dũng",  # mandate details
        "Văn bản ủy quyền: Giấy ủy quyền ngày 20/11/2026",
        "Nội dung yêu cầu giải quyết: Đăng ký khai sinh",  # what is requested
        "Thành phần hồ sơ nộp gồm: 1. Tờ khai đăng ký khai sinh 2. Giấy chứng sinh",  # numbered list
        "Số lượng hồ sơ: 01 (bộ)",
        "Thời gian giải quyết hồ sơ theo quy định: 01 ngày làm việc",
        "Thời gian nhận hồ sơ: 14 giờ 30 phút, ngày 28/11/2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 30/11/2026",
        "Đăng ký nhận kết quả tại: Bộ phận Một cửa phường Ba Đình",
        "Vào Sổ theo dõi hồ sơ, Quyển số: 03, Số thứ tự: 125",
        "NGƯỜI NỘP HỒ SƠ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Mã QR tra cứu",  # QR code for tracking
    ]
    missing = [line for line in expected if line not in text]
    assert not missing, f"form 01 lacks {missing}"


def test_r_form_2_receipt_slip_without_mandate_prints_no_delegate():
    text = text_of(render_pdf(samples.receipt_slip(delegate=None, mandate_document="")))

    assert "ủy quyền" not in text
    assert "NGƯỜI NỘP HỒ SƠ (Ký và ghi rõ họ tên) Nguyễn Thị Hoà" in text


def test_r_form_1_supplement_request_lists_what_to_supplement_why_and_whom_to_call():
    text = text_of(render_pdf(samples.supplement_request()))

    assert "Hồ sơ của: Nguyễn Thị Hoà" in text
    assert (
        "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau: 1. Bổ sung bản sao Giấy chứng sinh có chứng thực "
        "2. Ghi rõ quê quán của người mẹ" in text
    )
    assert "Lý do: Bản chụp Giấy chứng sinh bị mờ, không đọc được số hiệu." in text
    assert "bà Phạm Thu Hằng, số điện thoại 024 3823 4567" in text
    assert "NGƯỜI HƯỚNG DẪN (Ký và ghi rõ họ tên) Phạm Thu Hằng" in text


def test_r_form_1_refusal_states_the_reason_and_a_dossier_without_code():
    text = text_of(render_pdf(samples.refusal()))

    assert "Tiếp nhận hồ sơ của: Nguyễn Thị Hoà" in text
    assert "Mã hồ sơ: (chưa cấp)" in text
    assert "không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:" in text
    assert "thuộc thẩm quyền của Ủy ban nhân dân thành phố Hà Nội" in text


def test_r_form_1_apology_gives_the_missed_and_the_new_appointment_signed_by_the_head():
    text = text_of(render_pdf(samples.apology()))

    assert "Kính gửi: Nguyễn Thị Hoà" in text
    assert "Mã số hồ sơ: 000.00.00.H26-261128-0001" in text
    assert "Thời gian hẹn trả kết quả giải quyết hồ sơ: 08 giờ 00 phút, ngày 30/11/2026" in text
    assert "Lý do: Cần xác minh thông tin nơi sinh với bệnh viện." in text
    assert "sẽ được trả vào: 16 giờ 00 phút, ngày 03/12/2026" in text
    assert "xin lỗi" in text
    assert "CHỦ TỊCH (Ký và ghi rõ họ tên) Hoàng Minh Đức" in text


def test_r_form_1_stop_notice_records_the_request_and_the_status_then():
    text = text_of(render_pdf(samples.stop_notice()))

    assert "Vào 09 giờ 15 phút, ngày 29/11/2026" in text
    assert "đề nghị dừng giải quyết hồ sơ" in text
    assert "Lý do đề nghị: Gia đình đã đăng ký khai sinh tại nơi cư trú khác." in text
    assert "hồ sơ ở trạng thái: Đang giải quyết; chưa có quyết định hoặc kết quả giải quyết" in text


def test_r_form_1_control_sheet_has_a_row_per_hand_over_with_its_timeliness():
    text = text_of(render_pdf(samples.control_sheet()))

    assert "Cơ quan phối hợp giải quyết hồ sơ: Công an phường Ba Đình" in text
    for heading in ("Bước xử lý", "Bên giao", "Bên nhận", "Thời gian nhận", "Thời gian giao", "Hạn xử lý"):
        assert heading in text
    assert "Kết quả (trước hạn / đúng hạn / quá hạn)" in text
    assert "Chuyển hồ sơ đến công chức tư pháp - hộ tịch" in text
    assert "Đỗ Thị Giang (Tư pháp - hộ tịch)" in text
    assert "Trước hạn" in text
    assert "Quá hạn Chờ xác minh nơi sinh" in text
    assert "14:45 28/11/2026 16:30 28/11/2026 17:00 28/11/2026" in text


def test_r_form_1_tracking_book_lists_the_dossiers_of_the_period():
    text = text_of(render_pdf(samples.tracking_book()))

    assert "Lĩnh vực: Hộ tịch; Quyển số: 03; Từ ngày 01/11/2026 đến ngày 30/11/2026" in text
    assert "Nhận và trả kết quả" in text
    assert "Phương thức nhận kết quả" in text
    assert "125 000.00.00.H26-261128-0001 Đăng ký khai sinh Nguyễn Thị Hoà" in text
    assert "126 000.00.00.H26-261128-0002 Đăng ký kết hôn Trương Văn Ước" in text
    assert "Dịch vụ bưu chính" in text


def test_r_form_1_a_long_tracking_book_repeats_its_column_headings_on_every_page():
    book = samples.tracking_book()
    row = book.rows[0]
    rows = [replace(row, entry_number=n, dossier_code=f"000.00.00.H26-261128-{n:04d}") for n in range(1, 61)]
    reader = PdfReader(io.BytesIO(render_pdf(replace(book, rows=rows))))

    assert len(reader.pages) > 1
    last = " ".join(reader.pages[-1].extract_text().split())
    assert "Mã hồ sơ" in last
    assert "000.00.00.H26-261128-0060" in last
    assert f"Trang {len(reader.pages)}" in last


@pytest.mark.parametrize(
    "sample", [form[0] for form in FORMS[:6]], ids=[form[0].__name__ for form in FORMS[:6]]
)
def test_r_form_3_printed_form_shows_system_name_code_converter_link_and_qr(sample):
    doc = sample()
    pdf = render_pdf(doc)
    text = text_of(pdf)

    assert SYSTEM_NAME in text
    if doc.dossier_code:  # a refused dossier may have none
        assert "Mã hồ sơ: 000.00.00.H26-261128-0001" in text
    assert "Tra cứu hồ sơ: " + samples.TRACKING_URL in text
    assert "Người chuyển đổi: Lê Văn Cường" in text
    # The QR code is drawn as vector squares: the page with a link has hundreds more of them.
    without_link = render_pdf(replace(doc, header=replace(doc.header, tracking_url="")))
    assert rectangles(pdf) - rectangles(without_link) > 100


def rectangles(pdf: bytes) -> int:
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    return page.get_contents().get_data().count(b" re")


def test_all_text_is_set_in_the_embedded_font_so_vietnamese_prints_anywhere():
    page = PdfReader(io.BytesIO(render_pdf(samples.receipt_slip()))).pages[0]
    fonts_used = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            fonts_used[font["/BaseFont"]] = font

    page.extract_text(visitor_text=visit)

    assert fonts_used
    for name, font in fonts_used.items():
        assert "LiberationSerif" in name
        assert "/FontFile2" in font["/FontDescriptor"].get_object()  # the TrueType font travels inside


def test_the_same_form_gives_the_same_bytes():
    assert render_pdf(samples.control_sheet()) == render_pdf(samples.control_sheet())


def test_decomposed_vietnamese_is_printed_composed():
    typed_on_a_mac = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    slip = samples.receipt_slip(applicant=Party(name=typed_on_a_mac), delegate=None)

    assert "Tiếp nhận hồ sơ của: Nguyễn Thị Hoà" in text_of(render_pdf(slip))


def test_markup_in_user_text_is_printed_as_typed():
    slip = samples.receipt_slip(applicant=Party(name="Công ty A & B <b>Việt</b>"))

    assert "Tiếp nhận hồ sơ của: Công ty A & B <b>Việt</b>" in text_of(render_pdf(slip))


def test_a_naive_datetime_is_refused():
    naive = dt.datetime(2026, 11, 28, 14, 30)  # noqa: DTZ001 - the mistake under test

    with pytest.raises(ValueError, match="timezone-aware"):
        render_pdf(samples.receipt_slip(received_at=naive))


def test_times_are_printed_in_vietnam_time():
    in_utc = dt.datetime(2026, 11, 28, 7, 30, tzinfo=dt.UTC)

    text = text_of(render_pdf(samples.receipt_slip(received_at=in_utc)))

    assert "Thời gian nhận hồ sơ: 14 giờ 30 phút, ngày 28/11/2026" in text


def test_an_unknown_document_is_a_type_error():
    with pytest.raises(TypeError, match="TrackingRow"):
        render_pdf(samples.tracking_book().rows[0])


def test_place_and_date_pads_days_below_10_and_months_1_and_2():
    assert place_and_date("Hà Nội", dt.date(2027, 1, 5)) == "Hà Nội, ngày 05 tháng 01 năm 2027"
    assert place_and_date("Huế", dt.date(2026, 3, 9)) == "Huế, ngày 09 tháng 3 năm 2026"
    assert place_and_date("Hà Nội", dt.date(2026, 11, 28)) == "Hà Nội, ngày 28 tháng 11 năm 2026"


def test_r_form_1_number_takes_the_unit_abbreviation_and_dots_when_unnumbered():
    header = Header(
        unit=Unit(name="Trung tâm", abbreviation="TTPVHCC"), place="Hà Nội", date=dt.date(2026, 1, 1)
    )

    assert number_line(replace(header, number="12"), "PBS") == "Số: 12/PBS-TTPVHCC"
    assert number_line(header, "PBS") == "Số: ……/PBS-TTPVHCC"
    assert number_line(replace(header, unit=Unit(name="Trung tâm")), "") == "Số: ……"
