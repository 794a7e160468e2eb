"""The tracking book (form 07, R-FORM-1) as XLSX and CSV, as a spreadsheet user opens them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import replace

from openpyxl import load_workbook

from motcua.documents.exports import COLUMNS, tracking_book_csv, tracking_book_xlsx
from motcua.documents.tests import samples

BOM = b"\xef\xbb\xbf"


def test_r_form_1_tracking_book_xlsx_opens_with_its_title_columns_and_rows():
    sheet = load_workbook(io.BytesIO(tracking_book_xlsx(samples.tracking_book()))).active

    assert sheet.title == "Sổ theo dõi hồ sơ"
    assert sheet["A1"].value == "BỘ PHẬN MỘT CỬA PHƯỜNG BA ĐÌNH"
    assert sheet["A2"].value == "SỔ THEO DÕI HỒ SƠ"
    assert sheet["A3"].value == "Lĩnh vực: Hộ tịch; Quyển số: 03; Từ ngày 01/11/2026 đến ngày 30/11/2026"
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    assert rows[0] == COLUMNS
    assert rows[1] == (
        125,
        "000.00.00.H26-261128-0001",
        "Đăng ký khai sinh",
        "Nguyễn Thị Hoà",
        "Số 1 phố Đội Cấn; 0912345678",
        "UBND phường Ba Đình",
        dt.datetime(2026, 11, 28, 14, 30),  # noqa: DTZ001 - Excel keeps wall-clock time
        dt.datetime(2026, 11, 30, 8, 0),  # noqa: DTZ001
        dt.datetime(2026, 11, 30, 9, 10),  # noqa: DTZ001
        "Trực tiếp",
        None,
    )
    assert rows[2][:4] == (126, "000.00.00.H26-261128-0002", "Đăng ký kết hôn", "Trương Văn Ước")
    assert rows[2][8] is None  # not returned yet
    assert len(rows) == 3
    assert sheet["G6"].number_format == "dd/mm/yyyy hh:mm"


def test_tracking_book_xlsx_writes_times_in_vietnam_time():
    book = samples.tracking_book()
    in_utc = dt.datetime(2026, 11, 28, 7, 30, tzinfo=dt.UTC)
    book = replace(book, rows=[replace(book.rows[0], received_at=in_utc)])

    sheet = load_workbook(io.BytesIO(tracking_book_xlsx(book))).active

    assert sheet["G6"].value == dt.datetime(2026, 11, 28, 14, 30)  # noqa: DTZ001


def test_r_form_1_tracking_book_csv_has_a_bom_and_vietnamese_text():
    data = tracking_book_csv(samples.tracking_book())

    assert data.startswith(BOM)  # so Excel reads it as UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(COLUMNS)
    assert rows[1] == [
        "125",
        "000.00.00.H26-261128-0001",
        "Đăng ký khai sinh",
        "Nguyễn Thị Hoà",
        "Số 1 phố Đội Cấn; 0912345678",
        "UBND phường Ba Đình",
        "14:30 28/11/2026",
        "08:00 30/11/2026",
        "09:10 30/11/2026",
        "Trực tiếp",
        "",
    ]
    assert rows[2][3] == "Trương Văn Ước"
    assert rows[2][8] == ""
    assert len(rows) == 3


def test_text_that_looks_like_a_formula_stays_text_in_both_exports():
    formula = '=HYPERLINK("https://evil.example/","Xem")'
    book = samples.tracking_book()
    book = replace(book, rows=[replace(book.rows[0], applicant_name=formula)])

    cell = load_workbook(io.BytesIO(tracking_book_xlsx(book))).active["D6"]
    assert (cell.value, cell.data_type) == (formula, "s")
    rows = list(csv.reader(io.StringIO(tracking_book_csv(book).decode("utf-8-sig"))))
    assert rows[1][3] == "'" + formula


def test_an_empty_tracking_book_exports_its_headings():
    book = replace(samples.tracking_book(), rows=[])

    sheet = load_workbook(io.BytesIO(tracking_book_xlsx(book))).active
    assert list(sheet.iter_rows(min_row=5, values_only=True)) == [COLUMNS]
    assert list(csv.reader(io.StringIO(tracking_book_csv(book).decode("utf-8-sig")))) == [list(COLUMNS)]
