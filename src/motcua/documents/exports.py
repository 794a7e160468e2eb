"""The tracking book (form 07, R-FORM-1) as a spreadsheet: XLSX to read and sort, CSV for other tools."""

from __future__ import annotations

import csv
import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from motcua.documents.forms import TrackingBook, TrackingRow
from motcua.documents.text import local, short, tracking_book_subtitle

COLUMNS = (
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Tên tổ chức, cá nhân",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Trả kết quả",
    "Phương thức nhận kết quả",
    "Ghi chú",
)
WIDTHS = (6, 28, 40, 26, 34, 28, 17, 17, 17, 22, 24)
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _values(row: TrackingRow) -> list[object]:
    return [
        row.entry_number,
        row.dossier_code,
        row.procedure_name,
        row.applicant_name,
        row.applicant_contact,
        row.lead_agency,
        row.received_at,
        row.due_at,
        row.returned_at,
        row.result_delivery,
        row.note,
    ]


def tracking_book_xlsx(book: TrackingBook) -> bytes:
    """Return the tracking book as an XLSX workbook: a title block, then one row per dossier."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = "Sổ theo dõi hồ sơ"
    sheet.append([book.header.unit.name.upper()])
    sheet.append(["SỔ THEO DÕI HỒ SƠ"])
    sheet.append([tracking_book_subtitle(book)])
    sheet.append([])
    sheet.append(list(COLUMNS))
    header_row = sheet.max_row
    for cell in (sheet["A1"], sheet["A2"], *sheet[header_row]):
        cell.font = Font(bold=True)
    for row in book.rows:
        sheet.append([_excel_value(value) for value in _values(row)])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text: "=…" in an applicant's name is not a formula
            elif isinstance(cell.value, dt.datetime):
                cell.number_format = "dd/mm/yyyy hh:mm"
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    for letter, width in zip("ABCDEFGHIJK", WIDTHS, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.auto_filter.ref = f"A{header_row}:K{sheet.max_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _excel_value(value: object) -> object:
    # Excel has no time zones: write Vietnam's wall-clock time.
    return local(value).replace(tzinfo=None) if isinstance(value, dt.datetime) else value


def tracking_book_csv(book: TrackingBook) -> bytes:
    """Return the tracking book as CSV in UTF-8 with a BOM, so Excel shows the Vietnamese right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in book.rows:
        writer.writerow([_csv_value(value) for value in _values(row)])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_value(value: object) -> object:
    if isinstance(value, dt.datetime):
        return short(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # keep a spreadsheet from running text as a formula (CSV injection)
    return "" if value is None else value
