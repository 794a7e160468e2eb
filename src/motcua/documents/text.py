"""How the forms write dates, times, numbers and the system's name."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from motcua.documents.forms import Header, TrackingBook

SYSTEM_NAME = "Hệ thống thông tin giải quyết TTHC motcua"
VIETNAM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(moment: dt.datetime) -> dt.datetime:
    """Return a timezone-aware moment in Vietnam's time; a naive one is a programming error."""
    if moment.tzinfo is None:
        raise ValueError("forms print timezone-aware datetimes only")
    return moment.astimezone(VIETNAM_TZ)


def when(moment: dt.datetime) -> str:
    """Return "14 giờ 30 phút, ngày 28/11/2026", as the forms ask for hour, minute and date."""
    at = local(moment)
    return f"{at:%H} giờ {at:%M} phút, ngày {at:%d/%m/%Y}"


def short(moment: dt.datetime | None) -> str:
    """Return "14:30 28/11/2026" for table cells, or nothing."""
    return "" if moment is None else f"{local(moment):%H:%M %d/%m/%Y}"


def place_and_date(place: str, date: dt.date) -> str:
    """Return "Hà Nội, ngày 05 tháng 01 năm 2027": day below 10 and months 1, 2 take a leading zero."""
    month = f"{date.month:02d}" if date.month <= 2 else str(date.month)
    return f"{place}, ngày {date.day:02d} tháng {month} năm {date.year}"


def number_line(header: Header, symbol: str) -> str:
    """Return "Số: 12/PBS-TTPVHCC", with dots where the number is still to be written."""
    suffix = "-".join(part for part in (symbol, header.unit.abbreviation) if part)
    return "Số: " + "/".join(part for part in (header.number or "……", suffix) if part)


def tracking_book_subtitle(book: TrackingBook) -> str:
    """Return "Lĩnh vực: Hộ tịch; Quyển số: 03; Từ ngày 01/11/2026 đến ngày 30/11/2026"."""
    parts = []
    if book.field_name:
        parts.append(f"Lĩnh vực: {book.field_name}")
    if book.volume:
        parts.append(f"Quyển số: {book.volume}")
    parts.append(f"Từ ngày {book.period_start:%d/%m/%Y} đến ngày {book.period_end:%d/%m/%Y}")
    return "; ".join(parts)
