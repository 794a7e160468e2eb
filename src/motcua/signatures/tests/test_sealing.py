"""Sealing what the agency issues (R-RES-1): PAdES, visible block, the agency seal's certificate."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature

from motcua.documents.pdf import render_pdf
from motcua.documents.tests.samples import receipt_slip
from motcua.signatures.sealing import seal_pdf

pytestmark = pytest.mark.django_db


def _embedded(data: bytes):
    return PdfFileReader(io.BytesIO(data)).embedded_signatures


def test_sealed_pdf_carries_a_pades_signature_of_the_agency_seal(agency, seal_key, demo_pki):
    """R-RES-1: the agency's seal, PAdES (ETSI.CAdES.detached), intact, with a visible block."""
    sealed = seal_pdf(render_pdf(receipt_slip()), agency=agency, purpose="receipt", token="ABC")
    (signature,) = _embedded(sealed)
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.signer_cert.sha256 == demo_pki["agency-seal"].certificate.fingerprint(
        __import__("cryptography.hazmat.primitives.hashes", fromlist=["SHA256"]).SHA256()
    )
    status = validate_pdf_signature(signature)
    assert status.intact and status.valid
    rect = [float(v) for v in signature.sig_field["/Rect"]]
    assert rect[2] - rect[0] > 100 and rect[3] - rect[1] > 30  # visible, not a zero-size field
