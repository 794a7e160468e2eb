"""Capture paper page for page (R-CERT-2): scans in, one PDF out, every page in the order given.

`store_scans` streams each uploaded scan (PDF, JPEG or PNG) into the content-addressed store and checks it
with the dossiers' own checks (type sniffed from the bytes, PDF parses and is not encrypted, image decodes
and is not a decompression bomb), then counts its pages; every problem of every scan is reported at once.
`assemble` turns the checked scans into one PDF: each PDF page copied as it is, each image on a page of
its own. `stamp` prints a line on every page tying it to its register entry ("page i of n"), and
`statement_page` renders the certification statement (lời chứng).
"""

from __future__ import annotations

import io
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter, Transformation
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from motcua.dossiers import sniff, storage
from motcua.dossiers.checks import CONTENT_CHECKS, PDF_ERRORS, Problem, megabytes

MAX_PAGES = 300  # a thick register or a building permit file; beyond this, split the request
MAX_SCAN_FILES = 100
SCAN_TYPES = ("application/pdf", "image/jpeg", "image/png")


class CaptureError(Exception):
    """Scans that cannot make a faithful copy; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Scan:
    """One uploaded scan, stored and checked."""

    name: str
    sha256: str
    size: int
    content_type: str
    pages: int

    @property
    def path(self) -> Path:
        return storage.blob_path(self.sha256)

    def as_source(self) -> dict[str, object]:
        return {
            "name": self.name,
            "sha256": self.sha256,
            "content_type": self.content_type,
            "pages": self.pages,
        }


def _clean_name(name: str) -> str:
    return (name or "tep").replace("\\", "/").rsplit("/", 1)[-1][:200] or "tep"


def _pdf_pages(path: Path) -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return len(PdfReader(str(path), strict=False).pages)


def store_scans(files: Iterable[tuple[str, Iterable[bytes]]], *, field: str) -> list[Scan]:
    """Store and check the scans of one original or one component, in the order given.

    `files` yields (original name, chunks). CaptureError lists every problem of every file, and the total
    page count when it is too high; `field` names the input the problems belong to.
    """
    scans: list[Scan] = []
    problems: list[Problem] = []
    limit = settings.MOTCUA_MAX_UPLOAD_BYTES
    for index, (original_name, chunks) in enumerate(files):
        name = _clean_name(original_name)
        if index >= MAX_SCAN_FILES:
            problems.append(
                Problem(
                    field,
                    "too_many_files",
                    _("Mỗi lần chỉ nhận tối đa %(max)s tệp. Hãy gộp các trang vào một tệp PDF.")
                    % {"max": MAX_SCAN_FILES},
                )
            )
            break
        try:
            blob = storage.store_chunks(chunks, max_bytes=limit)
        except storage.TooLarge:
            problems.append(
                Problem(
                    field,
                    "too_large",
                    _(
                        "Tệp “%(name)s” vượt quá dung lượng tối đa %(max)s MB. Hãy quét với độ phân giải thấp hơn."
                    )
                    % {"name": name, "max": megabytes(limit)},
                )
            )
            continue
        if blob.size == 0:
            problems.append(
                Problem(
                    field,
                    "empty",
                    _("Tệp “%(name)s” rỗng (0 byte). Hãy quét lại trang này.") % {"name": name},
                )
            )
            continue
        content_type = sniff.sniff(blob.head)
        if content_type not in SCAN_TYPES:
            problems.append(
                Problem(
                    field,
                    "wrong_type",
                    _(
                        "Tệp “%(name)s” có nội dung là %(actual)s. Bản quét phải là tệp PDF, JPG hoặc PNG: "
                        "hãy lưu bản quét theo một trong các định dạng này."
                    )
                    % {"name": name, "actual": sniff.label(content_type)},
                )
            )
            continue
        message = CONTENT_CHECKS[content_type](blob.path)
        pages = 1
        if message is None and content_type == "application/pdf":
            try:
                pages = _pdf_pages(blob.path)
            except PDF_ERRORS:
                message = _("Tệp PDF bị hỏng hoặc không đọc được. Hãy xuất lại tệp PDF rồi tải lên lại.")
        if message:
            problems.append(
                Problem(
                    field, "unreadable", _("Tệp “%(name)s”: %(problem)s") % {"name": name, "problem": message}
                )
            )
            continue
        scans.append(Scan(name, blob.sha256, blob.size, content_type, pages))
    if not scans and not problems:
        problems.append(
            Problem(
                field,
                "required",
                _("Chưa có bản quét nào. Hãy chọn các tệp quét từ bản chính, theo đúng thứ tự trang."),
            )
        )
    total = sum(scan.pages for scan in scans)
    if total > MAX_PAGES:
        problems.append(
            Problem(
                field,
                "too_many_pages",
                _(
                    "Các bản quét có tổng cộng %(pages)s trang, vượt quá %(max)s trang mỗi lần. Hãy chia thành nhiều lần."
                )
                % {"pages": total, "max": MAX_PAGES},
            )
        )
    if problems:
        raise CaptureError(problems)
    return scans


def _image_page(path: Path) -> bytes:
    """One PDF page holding the image, fitted to A4 (turned to landscape for a wide image).

    A JPEG already upright is embedded as it is (no re-encoding); any other image, or a photo whose EXIF says
    it is turned, is embedded losslessly after turning it upright.
    """
    with Image.open(path) as image:
        orientation = image.getexif().get(0x0112, 1) if image.format == "JPEG" else 1
        if image.format == "JPEG" and orientation == 1:
            reader = ImageReader(str(path))
            width, height = image.size
        else:
            upright = ImageOps.exif_transpose(image)
            if upright.mode not in ("RGB", "L", "RGBA", "LA"):
                upright = upright.convert("RGBA" if "transparency" in upright.info else "RGB")
            reader = ImageReader(upright)
            width, height = upright.size
    page = landscape(A4) if width > height else A4
    scale = min(page[0] / width, page[1] / height)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=page, invariant=1)
    drawn_w, drawn_h = width * scale, height * scale
    canvas.drawImage(reader, (page[0] - drawn_w) / 2, (page[1] - drawn_h) / 2, drawn_w, drawn_h, mask="auto")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def assemble(scans: list[Scan]) -> bytes:
    """One PDF of every page of every scan, in order; annotations and actions of PDF scans are left out."""
    writer = PdfWriter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for scan in scans:
            source = (
                str(scan.path)
                if scan.content_type == "application/pdf"
                else io.BytesIO(_image_page(scan.path))
            )
            for page in PdfReader(source, strict=False).pages:
                added = writer.add_page(page)
                for key in ("/Annots", "/AA"):
                    if key in added:
                        del added[key]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def stamp(pdf: bytes, line: str) -> bytes:
    """Print `line` and "Trang i/n" at the foot of every page (where a paper copy gets its seal across pages)."""
    # The font is registered when documents.pdf is imported.
    from motcua.documents.pdf import FONT

    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    total = len(reader.pages)
    text = unicodedata.normalize("NFC", line)
    for number, source in enumerate(reader.pages, start=1):
        page = writer.add_page(source)
        if page.rotation:
            page.transfer_rotation_to_content()  # so the line reads upright on a page scanned sideways
        box = page.mediabox
        width, height = float(box.width), float(box.height)
        overlay = io.BytesIO()
        canvas = Canvas(overlay, pagesize=(width, height), invariant=1)
        canvas.setFont(FONT, 8)
        canvas.setFillGray(1)
        canvas.rect(0.5 * cm, 0.2 * cm, width - 1 * cm, 0.5 * cm, stroke=0, fill=1)
        canvas.setFillGray(0)
        canvas.drawString(0.7 * cm, 0.35 * cm, f"{text} – Trang {number}/{total}")
        canvas.showPage()
        canvas.save()
        over = PdfReader(io.BytesIO(overlay.getvalue())).pages[0]
        page.merge_transformed_page(over, Transformation().translate(float(box.left), float(box.bottom)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def append_pdf(first: bytes, second: bytes) -> bytes:
    writer = PdfWriter()
    for data in (first, second):
        for page in PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
