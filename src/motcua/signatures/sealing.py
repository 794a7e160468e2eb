"""Sealing what the agency issues: PAdES signatures with a visible block and, when configured, a timestamp.

`seal_pdf(pdf, agency=…, purpose=…)` signs with the agency's active seal key (R-RES-1); with `leader=` the
leader's personal signature goes on first, the seal on top, each in its own incremental update, so the
result carries both and the seal covers the leader's signature.

Choices:
- RSA-PSS with SHA-256 (R-SIG-2 asks PSS for new RSA signatures). pyHanko, EU DSS and Acrobat DC verify
  RSASSA-PSS in CMS; some older readers do not. MOTCUA_SEAL_RSA_PSS=0 falls back to PKCS#1 v1.5 (still
  SHA-256), should a receiving system refuse PSS.
- The visible block follows Decree 30/2020's picture of an organisation's digital signature: top right of
  the first page, the organisation's name and the signing time with its offset. It is drawn by reportlab
  in Liberation Serif (the forms' font, with every Vietnamese glyph) and imported as a static appearance,
  which spares pyHanko's OpenType and QR extras (fontTools, uharfbuzz, qrcode) as new dependencies. The
  seal's block carries the QR code of the public verification page (R-FORM-3, R-RES-3).
- An RFC 3161 timestamp from MOTCUA_TSA_URL when set; a TSA that does not answer fails the sealing with a
  clear message rather than issuing a document without the timestamp the deployment asked for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.keys.internal import (
    translate_pyca_cryptography_cert_to_asn1,
    translate_pyca_cryptography_key_to_asn1,
)
from pyhanko.pdf_utils.content import PdfContent
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.layout import BoxConstraints
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from motcua.documents.pdf import FONT
from motcua.signatures.aio import run_sync
from motcua.signatures.models import AgencySigningKey

CM = 72 / 2.54
SEAL_BOX = (7.4 * CM, 1.55 * CM)  # width, height of the seal's visible block
LEADER_BOX = (6.0 * CM, 1.55 * CM)
TOP_GAP, RIGHT_GAP, BETWEEN = 0.25 * CM, 1.5 * CM, 0.2 * CM
TSA_TIMEOUT = 10  # seconds

PURPOSES = {
    "receipt": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "result": "Kết quả giải quyết thủ tục hành chính",
    "certified_copy": "Bản sao điện tử chứng thực từ bản chính",
}


class SealingError(Exception):
    """The document could not be signed; the message says why and what to do, in Vietnamese."""


@dataclass(frozen=True)
class CertificateInfo:
    certificate_pem: str
    subject: str
    issuer: str
    serial: str
    fingerprint_sha256: str
    not_before: dt.datetime
    not_after: dt.datetime


def certificate_info(certificate: x509.Certificate) -> CertificateInfo:
    return CertificateInfo(
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        subject=certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(),
        serial=format(certificate.serial_number, "x"),
        fingerprint_sha256=hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )


def _password(key: AgencySigningKey) -> bytes | None:
    if not key.password_env:
        return None
    value = os.environ.get(key.password_env)
    if value is None:
        raise SealingError(
            _(
                "Máy chủ chưa có mật khẩu của khóa ký số “%(key)s”: biến môi trường %(env)s chưa được đặt. "
                "Hãy báo quản trị hệ thống đặt biến này rồi khởi động lại dịch vụ."
            )
            % {"key": key, "env": key.password_env}
        )
    return value.encode()


def read_pkcs12(data: bytes, password: bytes | None) -> tuple[Any, x509.Certificate, list[x509.Certificate]]:
    """The key, certificate and chain in a PKCS#12 file; SealingError when it cannot be opened."""
    try:
        private_key, certificate, chain = pkcs12.load_key_and_certificates(data, password)
    except (ValueError, TypeError):
        raise SealingError(
            _("Không mở được tệp PKCS#12: sai mật khẩu hoặc tệp hỏng. Hãy kiểm tra tệp và mật khẩu.")
        ) from None
    if private_key is None or certificate is None:
        raise SealingError(_("Tệp PKCS#12 không chứa khóa bí mật và chứng thư số. Hãy xuất lại tệp."))
    return private_key, certificate, list(chain)


def _signer(key: AgencySigningKey) -> signers.Signer:
    """The pyHanko signer of a key, checked to be usable today."""
    now = timezone.now()
    if key.not_after and key.not_after < now:
        raise SealingError(
            _(
                "Chứng thư số của khóa “%(key)s” đã hết hạn ngày %(date)s. "
                "Quản trị cơ quan cần cài khóa mới trước khi ký."
            )
            % {"key": key, "date": timezone.localtime(key.not_after).strftime("%d/%m/%Y")}
        )
    if key.kind == AgencySigningKey.Kind.PKCS11:
        # Configuration is recorded, but this installation ships no PKCS#11 binding (python-pkcs11).
        raise SealingError(
            _(
                "Khóa “%(key)s” nằm trên thiết bị PKCS#11, nhưng máy chủ này chưa cài thư viện PKCS#11 "
                "(python-pkcs11). Hãy báo quản trị hệ thống, hoặc cài khóa dạng tệp PKCS#12."
            )
            % {"key": key}
        )
    try:
        data = Path(key.p12_path).read_bytes()
    except OSError:
        raise SealingError(
            _(
                "Không đọc được tệp khóa ký số “%(key)s” trên máy chủ. "
                "Quản trị cơ quan cần cài lại khóa (tệp .p12)."
            )
            % {"key": key}
        ) from None
    private_key, certificate, chain = read_pkcs12(data, _password(key))
    registry = SimpleCertificateStore()
    registry.register_multiple([translate_pyca_cryptography_cert_to_asn1(c) for c in chain])
    return signers.SimpleSigner(
        signing_cert=translate_pyca_cryptography_cert_to_asn1(certificate),
        signing_key=translate_pyca_cryptography_key_to_asn1(private_key),
        cert_registry=registry,
        prefer_pss=settings.MOTCUA_SEAL_RSA_PSS,
    )


def active_key(agency, holder=None) -> AgencySigningKey:
    """The key the agency signs with (its seal, or `holder`'s personal key); SealingError if none."""
    key = (
        AgencySigningKey.objects.filter(agency=agency, holder=holder, active=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if key is None:
        if holder is None:
            raise SealingError(
                _(
                    "%(agency)s chưa có khóa ký số (con dấu số) nên chưa thể ký văn bản. "
                    "Quản trị cơ quan cần cài khóa ở mục “Khóa ký số”; việc bạn vừa làm chưa được ghi nhận, "
                    "hãy thử lại sau khi có khóa."
                )
                % {"agency": agency.name}
            )
        raise SealingError(
            _(
                "Bạn chưa có khóa ký số cá nhân tại %(agency)s. Hãy bỏ chọn “Ký số cá nhân” để phê duyệt "
                "(kết quả vẫn được đóng dấu số của cơ quan), hoặc nhờ quản trị cơ quan cài khóa cho bạn."
            )
            % {"agency": agency.name}
        )
    return key


# -- the visible block ----------------------------------------------------------------------------------


class _Appearance(PdfContent):
    """A one-page PDF (made by reportlab) imported as the signature's appearance."""

    def __init__(self, pdf: bytes) -> None:
        super().__init__()
        self.pdf = pdf

    def render(self) -> bytes:
        writer = self._ensure_writer
        xobject = writer.import_page_as_xobject(PdfFileReader(io.BytesIO(self.pdf)), page_ix=0)
        name = "/MotcuaSeal"
        self.resources.xobject[name] = xobject
        x1, y1, x2, y2 = xobject.get_object()["/BBox"]
        self.box = BoxConstraints(width=abs(x2 - x1), height=abs(y2 - y1))
        return name.encode() + b" Do"


TEXT = ParagraphStyle("seal", fontName=FONT, fontSize=7.5, leading=9)
SMALL = ParagraphStyle("seal_small", parent=TEXT, fontSize=6, leading=7.5)


def _appearance_pdf(size: tuple[float, float], lines: list[str], url: str = "") -> bytes:
    """Draw the block: a red frame, the QR code of `url` at the left if any, the lines at the right."""
    width, height = size
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=size, invariant=1)
    canvas.setStrokeColorRGB(0.75, 0.1, 0.1)
    canvas.setLineWidth(0.8)
    canvas.rect(0.5, 0.5, width - 1, height - 1)
    left = 4.0
    if url:
        widget = QrCodeWidget(url, barLevel="L")
        x1, y1, x2, y2 = widget.getBounds()
        side = height - 6
        drawing = Drawing(side, side, transform=[side / (x2 - x1), 0, 0, side / (y2 - y1), 0, 0])
        drawing.add(widget)
        renderPDF.draw(drawing, canvas, 3, 3)
        left = side + 6
    paragraphs = [
        Paragraph(line, SMALL if i == len(lines) - 1 and url else TEXT) for i, line in enumerate(lines)
    ]
    y = height - 4
    for paragraph in paragraphs:
        _w, h = paragraph.wrap(width - left - 4, height)
        y -= h
        paragraph.drawOn(canvas, left, y)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _signing_time(at: dt.datetime) -> str:
    """ "14:30:05 28/11/2026 +07:00", as Decree 30/2020 shows the time of an organisation's signature."""
    local = timezone.localtime(at)
    offset = local.strftime("%z")
    return f"{local:%H:%M:%S %d/%m/%Y} {offset[:3]}:{offset[3:]}"


# -- signing ---------------------------------------------------------------------------------------------


def _page_size(writer: IncrementalPdfFileWriter) -> tuple[float, float]:
    page_ref, _resources = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    box = page.get("/CropBox") or page.get("/MediaBox") or [0, 0, 595, 842]
    x1, y1, x2, y2 = (float(v) for v in box)
    return abs(x2 - x1), abs(y2 - y1)


def _timestamper() -> HTTPTimeStamper | None:
    url = settings.MOTCUA_TSA_URL
    return HTTPTimeStamper(url, timeout=TSA_TIMEOUT) if url else None


def _sign_once(
    pdf: bytes,
    *,
    signer: signers.Signer,
    field_name: str,
    box_size: tuple[float, float],
    right_offset: float,
    lines: list[str],
    url: str,
    reason: str,
    location: str,
    at: dt.datetime,
) -> bytes:
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        if writer.prev.encrypted:
            raise SealingError(
                _("Tệp PDF được mã hóa nên không thể ký. Hãy dùng tệp PDF không đặt mật khẩu.")
            )
        page_width, page_height = _page_size(writer)
    except SealingError:
        raise
    except Exception:
        raise SealingError(_("Tệp PDF bị hỏng nên không thể ký. Hãy xuất lại tệp PDF rồi thử lại.")) from None
    width, height = box_size
    x2 = page_width - RIGHT_GAP - right_offset
    y2 = page_height - TOP_GAP
    box = (int(x2 - width), int(y2 - height), int(x2), int(y2))
    style = StaticStampStyle(
        background=_Appearance(_appearance_pdf(box_size, lines, url)), border_width=0, background_opacity=1.0
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        signer=signer,
        timestamper=_timestamper(),
        stamp_style=style,
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name, on_page=0, box=box),
    )
    try:
        out = run_sync(pdf_signer.async_sign_pdf(writer))  # not sign_pdf: it calls asyncio.run
    except SealingError:
        raise
    except Exception as error:
        if settings.MOTCUA_TSA_URL and "imestamp" in f"{type(error).__name__} {error}":
            raise SealingError(
                _(
                    "Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian (%(url)s). "
                    "Văn bản chưa được ký; hãy thử lại sau ít phút."
                )
                % {"url": settings.MOTCUA_TSA_URL}
            ) from error
        raise SealingError(
            _(
                "Không ký được văn bản (%(error)s). Văn bản chưa được ký; hãy thử lại hoặc báo quản trị hệ thống."
            )
            % {"error": type(error).__name__}
        ) from error
    return out.getvalue()


def seal_field_name(token: str) -> str:
    """The signature field of the seal names the registry entry, so a modified copy can still be traced."""
    return f"motcua-seal-{token}" if token else "motcua-seal"


def verification_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal:verify_token", kwargs={"token": token})


# What an official's personal signature says they did, by the purpose of the document: a leader approves a
# result; the official who certifies a copy or digitises paper at the counter signs as its maker (R-CERT-1/2).
PERSONAL_ROLES = {
    "result": ("Lãnh đạo", "Phê duyệt kết quả giải quyết thủ tục hành chính"),
    "certified_copy": ("Người thực hiện chứng thực,", "Chứng thực bản sao điện tử từ bản chính"),
}
CAPTURE_ROLE = ("Người thực hiện số hóa,", "Số hóa thành phần hồ sơ giấy tại Bộ phận Một cửa")


def sign_as_leader(pdf: bytes, *, agency, leader, purpose: str = "result") -> bytes:
    """Add an official's personal signature (their key at `agency`) with its visible block: a leader
    approving a result, or the official who certified a copy or digitised paper (by `purpose`)."""
    role, reason = PERSONAL_ROLES.get(purpose, CAPTURE_ROLE)
    key = active_key(agency, holder=leader)
    at = timezone.now()
    return _sign_once(
        pdf,
        signer=_signer(key),
        field_name=f"motcua-leader-{leader.pk}",
        box_size=LEADER_BOX,
        right_offset=SEAL_BOX[0] + BETWEEN,
        lines=[
            f"<b>Ký bởi: {_escape(leader.display_name)}</b>",
            f"{role} {_escape(agency.name)}",
            f"Thời gian ký: {_signing_time(at)}",
        ],
        url="",
        reason=reason,
        location=agency.name,
        at=at,
    )


def seal_pdf(pdf: bytes, *, agency, purpose: str, leader=None, token: str = "") -> bytes:
    """Seal `pdf` with the agency's key (PAdES, visible block, timestamp if configured) (R-RES-1).

    `purpose` is "receipt", "result" or "certified_copy"; `leader`, if given, signs first; `token` is the
    registry entry whose verification page the block's QR code opens (R-FORM-3). SealingError on failure.
    """
    key = active_key(agency)
    signer = _signer(key)
    if leader is not None:
        pdf = sign_as_leader(pdf, agency=agency, leader=leader, purpose=purpose)
    at = timezone.now()
    url = verification_url(token) if token else ""
    lines = [
        f"<b>Ký bởi: {_escape(agency.name.upper())}</b>",
        f"Thời gian ký: {_signing_time(at)}",
    ]
    if url:
        lines.append(f"Xác thực tại: {_escape(url)}")
    return _sign_once(
        pdf,
        signer=signer,
        field_name=seal_field_name(token),
        box_size=SEAL_BOX,
        right_offset=0,
        lines=lines,
        url=url,
        reason=PURPOSES.get(purpose, purpose),
        location=agency.name,
        at=at,
    )
