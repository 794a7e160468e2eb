"""The automatic technical check of a dossier (R-ACK-1): components, files and the e-form.

Every function here returns problems rather than raising, so the applicant sees all of them at once.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from motcua.dossiers import sniff

# What pypdf raises on a broken or hostile PDF: beyond its own error, whatever a malformed object tree trips.
PDF_ERRORS = (
    PdfReadError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    RecursionError,
    OSError,
)
MAX_IMAGE_PIXELS = 60_000_000  # a scanned A3 page at 600 dpi is ~35 MP; beyond this it is a bomb


@dataclass(frozen=True)
class Problem:
    """One thing the applicant must fix. `field` is "form.<path>", "component.<code>" or "file.<id>"."""

    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


def megabytes(n: int) -> str:
    return number_format(round(n / (1024 * 1024), 1), decimal_pos=1, use_l10n=True, force_grouping=True)


def check_pdf(path: Path) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(str(path), strict=False)
            if reader.is_encrypted:
                return _(
                    "Tệp PDF này được đặt mật khẩu nên cơ quan không mở được. "
                    "Hãy lưu lại tệp không đặt mật khẩu rồi tải lên lại."
                )
            if len(reader.pages) == 0:
                return _("Tệp PDF không có trang nào. Hãy kiểm tra lại tệp rồi tải lên lại.")
            reader.pages[0].mediabox  # noqa: B018 - touching the first page proves the page tree parses
    except PDF_ERRORS:
        return _("Tệp PDF bị hỏng hoặc không đọc được. Hãy xuất lại tệp PDF rồi tải lên lại.")
    return None


def check_image(path: Path) -> str | None:
    unreadable = _("Ảnh bị hỏng hoặc không đọc được. Hãy chụp hoặc quét lại rồi tải lên lại.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return _(
                        "Ảnh có kích thước quá lớn (%(w)s × %(h)s điểm ảnh). Hãy giảm độ phân giải rồi tải lên lại."
                    ) % {
                        "w": width,
                        "h": height,
                    }
                image.verify()
            with Image.open(path) as image:
                image.load()  # verify() does not decode pixel data; a truncated file fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return _("Ảnh có kích thước quá lớn. Hãy giảm độ phân giải rồi tải lên lại.")
    except (OSError, SyntaxError, ValueError, Image.UnidentifiedImageError):
        return unreadable
    return None


CONTENT_CHECKS = {
    "application/pdf": check_pdf,
    "image/jpeg": check_image,
    "image/png": check_image,
}


def check_file(
    *,
    component,
    original_name: str,
    size: int,
    content_type: str,
    path: Path,
    content_checked: bool = False,
) -> list[str]:
    """Problems with one file for one component: empty, too large, wrong type, unreadable.

    `content_checked`: the bytes already passed their content check (they are stored, and stored bytes
    never change), so only what depends on the component is checked again.
    """
    if size == 0:
        return [
            _("Tệp “%(name)s” rỗng (0 byte). Hãy chọn đúng tệp rồi tải lên lại.") % {"name": original_name}
        ]
    problems = []
    if size > component.max_size_bytes:
        problems.append(
            _(
                "Tệp “%(name)s” có dung lượng %(size)s MB, vượt quá mức tối đa %(max)s MB. Hãy nén hoặc chia nhỏ tệp."
            )
            % {"name": original_name, "size": megabytes(size), "max": component.max_size_mb}
        )
    accepted = sniff.accepted_types(component.accepted_formats)
    if content_type not in accepted:
        problems.append(
            _(
                "Tệp “%(name)s” có nội dung là %(actual)s, không phải định dạng được chấp nhận (%(formats)s). "
                "Hãy chọn tệp đúng định dạng."
            )
            % {
                "name": original_name,
                "actual": sniff.label(content_type),
                "formats": ", ".join(f.upper() for f in component.accepted_formats),
            }
        )
        return problems
    content_check = None if content_checked else CONTENT_CHECKS.get(content_type)
    if content_check is not None:
        problem = content_check(path)
        if problem:
            problems.append(problem)
    return problems
