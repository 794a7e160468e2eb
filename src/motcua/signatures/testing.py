"""Make signed files with the demo PKI, for tests of any app (plain functions, no pytest).

`folder` is a directory written by `pki.write_demo_pki` (the `pki_dir` / `pki_services.folder` fixtures);
`signer` one of `pki.SIGNERS` ("signer-citizen", "signer-org", …). Nothing here is used in production.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from lxml import etree
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers, timestamps
from pyhanko.sign.general import load_cert_from_pemder
from pyhanko_certvalidator.registry import SimpleCertificateStore
from reportlab.pdfgen.canvas import Canvas

from motcua.signatures import pki
from motcua.signatures.aio import run_sync

T = TypeVar("T")


def make_pdf(text: str = "Tờ khai mẫu", *, with_form_field: bool = False, padding: int = 0) -> bytes:
    """A one-page PDF; optionally with a fillable text field "ho_ten"; `padding` adds that many bytes."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=True)
    canvas.drawString(72, 760, text.encode("ascii", "replace").decode())
    if with_form_field:
        canvas.acroForm.textfield(name="ho_ten", x=72, y=700, width=300, height=20, value="")
    if padding:
        # an uncompressed comment block so the file reaches a given size (benchmarks)
        canvas.setPageCompression(0)
        for _ in range(padding // 80 + 1):
            canvas.drawString(-1000, -1000, "x" * 70)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def load_signer(folder: Path, signer: str) -> signers.SimpleSigner:
    """A pyHanko signer from the demo PKI's PEM key and certificate, with the CA chain attached."""
    key = serialization.load_pem_private_key((folder / f"{signer}.key.pem").read_bytes(), password=None)
    from asn1crypto import keys as asn1_keys

    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    certificate = load_cert_from_pemder(str(folder / f"{signer}.cer"))
    chain = [load_cert_from_pemder(str(folder / f"{ca}.cer")) for ca in (pki.INTERMEDIATE, pki.ROOT)]
    return signers.SimpleSigner(
        signing_cert=certificate, signing_key=key_info, cert_registry=SimpleCertificateStore.from_certs(chain)
    )


def sign_pdf(
    pdf: bytes,
    folder: Path,
    signer: str = "signer-citizen",
    *,
    field_name: str | None = None,
    tsa_url: str | None = None,
    md_algorithm: str = "sha256",
    certify: bool = False,
) -> bytes:
    """Sign (as an incremental update) with one demo signer; a TSA URL adds an RFC 3161 timestamp."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    existing = len(PdfFileReader(io.BytesIO(pdf)).embedded_signatures)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name or f"Signature{existing + 1}", md_algorithm=md_algorithm, certify=certify
    )
    timestamper = timestamps.HTTPTimeStamper(tsa_url) if tsa_url else None
    out = run_sync(
        signers.async_sign_pdf(writer, meta, signer=load_signer(folder, signer), timestamper=timestamper)
    )
    return out.getvalue()


def fill_form_field(signed_pdf: bytes, value: str = "Nguyen Van An") -> bytes:
    """An incremental update that only fills the text field (allowed after an approval signature)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    for ref in writer.root["/AcroForm"]["/Fields"]:
        field = ref.get_object()
        if field.get("/FT") == "/Tx":
            field["/V"] = generic.TextStringObject(value)
            writer.update_container(field)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def change_content(signed_pdf: bytes, text: str = "Noi dung da bi sua") -> bytes:
    """An incremental update that replaces the first page's content: a change after signing."""
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    stream = generic.StreamObject(stream_data=f"BT /F1 24 Tf 72 700 Td ({text}) Tj ET".encode())
    page["/Contents"] = writer.add_object(stream)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def corrupt_signature(signed_pdf: bytes) -> bytes:
    """Overwrite the start of the last signature's CMS blob with garbage of the same length."""
    matches = list(re.finditer(rb"/Contents\s*<([0-9a-fA-F]+)>", signed_pdf))
    start = matches[-1].start(1)
    return signed_pdf[:start] + b"00ff" * 16 + signed_pdf[start + 64 :]


def shrink_byte_range(
    signed_pdf: bytes, folder: Path, signer: str = "signer-citizen", cut: int = 20
) -> bytes:
    """Re-sign the last signature so its /ByteRange stops `cut` bytes before the end of the file.

    The signature itself is genuine over the bytes it names; the tail of the file is simply not covered.
    """
    match = list(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", signed_pdf))[-1]
    a, b, c, d = (int(x) for x in match.groups())
    old = match.group(0)
    new = f"/ByteRange [{a} {b} {c} {d - cut}]".encode()
    new = new[:-1] + b" " * (len(old) - len(new)) + b"]"
    data = signed_pdf[: match.start()] + new + signed_pdf[match.end() :]
    covered = data[a : a + b] + data[c : c + d - cut]
    contents = list(re.finditer(rb"/Contents\s*<([0-9a-fA-F]+)>", data))[-1]
    capacity = len(contents.group(1))
    blob = sign_cms(covered, folder, signer, detached=True).hex().encode()
    blob = blob + b"0" * (capacity - len(blob))
    return data[: contents.start(1)] + blob + data[contents.end(1) :]


def sign_cms(content: bytes, folder: Path, signer: str = "signer-citizen", *, detached: bool = True) -> bytes:
    """A CMS (CAdES-BES) signature over `content`: the bytes of a .p7s file."""
    signed = run_sync(
        load_signer(folder, signer).async_sign_general_data(io.BytesIO(content), "sha256", detached=detached)
    )
    assert isinstance(signed, cms.ContentInfo)
    return signed.dump()


def _pem_to_der(path: Path) -> bytes:
    return asn1_x509.Certificate.load(load_cert_from_pemder(str(path)).dump()).dump()


def sign_xml(xml: bytes, folder: Path, signer: str = "signer-citizen", *, xades: bool = False) -> bytes:
    """An enveloped XMLDSig (or XAdES-BES) signature over the whole document, certificate in KeyInfo."""
    from signxml import XMLSigner, methods

    root = etree.fromstring(xml)
    key = (folder / f"{signer}.key.pem").read_bytes()
    certs = [(folder / f"{name}.pem").read_bytes().decode() for name in (signer, pki.INTERMEDIATE)]
    if xades:
        from signxml.xades import XAdESSigner

        signed = XAdESSigner().sign(root, key=key, cert=certs)
    else:
        # An Id on the root is referenced by it ("#id"), as many XML formats do (and wrapping attacks exploit).
        reference = f"#{root.get('Id')}" if root.get("Id") else None
        signed = XMLSigner(
            method=methods.enveloped, c14n_algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"
        ).sign(root, key=key, cert=certs, reference_uri=reference)
    return etree.tostring(signed)


def wrap_xml(signed_xml: bytes, forged: bytes) -> bytes:
    """A signature-wrapping attack: the signed element moves into an <Object>, a forged one takes the root's place.

    The signature still verifies over the moved original; an application reading the document root reads
    the forgery.
    """
    original = etree.fromstring(signed_xml)
    ds = "{http://www.w3.org/2000/09/xmldsig#}"
    signature = original.find(f"{ds}Signature")
    assert signature is not None
    original.remove(signature)
    forged_root = etree.fromstring(forged)
    wrapper = etree.SubElement(signature, f"{ds}Object")
    wrapper.append(original)
    forged_root.append(signature)
    return etree.tostring(forged_root)


def cache_crls(demo: pki.DemoPKI, folder: Path) -> None:
    """The demo CRLs in the revocation cache table, as if the engine had fetched them."""
    from motcua.signatures.models import RevocationCacheEntry

    urls = pki.urls(demo.base_url)
    for name, crl, url in (
        (pki.ROOT, demo.root_crl, urls["root_crl"]),
        (pki.INTERMEDIATE, demo.intermediate_crl, urls["intermediate_crl"]),
    ):
        RevocationCacheEntry.objects.create(
            key=url,
            kind="crl",
            url=url,
            der=(folder / f"{name}.crl").read_bytes(),
            fetched_at=now(),
            next_update=crl.next_update_utc,
        )


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# name of the sample -> (demo signer or None for no signature, what a tester learns from it)
DEMO_SAMPLES = {
    "chua-ky.pdf": (None, "Tệp chưa ký số: bị từ chối ở thành phần yêu cầu ký số"),
    "da-ky-hop-le.pdf": ("signer-citizen", "Ký số hợp lệ bởi Nguyễn Văn An (CCCD 001090012345)"),
    "to-chuc-ky.pdf": ("signer-org", "Ký số hợp lệ bởi một tổ chức (mã số thuế)"),
    "ban-sao-chung-thuc.pdf": (
        "agency-seal",
        "Bản sao có con dấu số của cơ quan: đạt yêu cầu bản sao chứng thực",
    ),
    "chung-thu-bi-thu-hoi.pdf": ("signer-revoked", "Chứng thư số đã bị thu hồi: không hợp lệ"),
    "chung-thu-het-han.pdf": ("signer-expired", "Chứng thư số đã hết hạn: không hợp lệ"),
    "khoa-yeu.pdf": ("signer-weak-rsa", "Khóa RSA 1024 bit: không hợp lệ"),
}


def write_demo_samples(folder: Path) -> list[Path]:
    """Sample PDFs signed with the demo PKI in `folder`/mau, for people trying the demo's upload check."""
    out = folder / "mau"
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (signer, purpose) in DEMO_SAMPLES.items():
        pdf = make_pdf(f"Motcua demo: {purpose}")
        data = sign_pdf(pdf, folder, signer) if signer else pdf
        (out / name).write_bytes(data)
        written.append(out / name)
    return written


def call_in_running_loop(function: Callable[[], T]) -> T:
    """Call `function` (sync code) from inside a running event loop, as under Playwright's sync API.

    Runs in a fresh thread, so it works even when the caller's thread already has a loop (the browser tests
    leave one in the main thread). The ORM there needs DJANGO_ALLOW_ASYNC_UNSAFE (as in the browser tests)
    and gets a connection of its own, closed afterwards, so tests using it need `django_db(transaction=True)`.
    """
    from django.db import connections

    async def inside() -> T:
        try:
            return function()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, inside()).result()
