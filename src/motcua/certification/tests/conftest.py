"""Scans for the certification tests: PDF pages and images whose page number can be read back."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw


def scan_pdf(*labels: str) -> bytes:
    """A PDF with one page per label, the label printed on it (so page order can be read back)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=1)
    for label in labels:
        canvas.setFont("Helvetica", 24)
        canvas.drawString(100, 700, label)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def scan_image(fmt: str = "PNG", size: tuple[int, int] = (400, 560)) -> bytes:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).rectangle((20, 20, 120, 60), fill="black")
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


@pytest.fixture
def sealed(monkeypatch, signing_keys):
    """Real keys for `agency` and `receptionist`; records each document sent to sealing, then seals it."""
    from motcua.signatures import issuing, sealing

    calls: list[dict] = []
    real = sealing.seal_pdf

    def recording(pdf: bytes, *, agency, purpose: str, leader=None, token: str = "") -> bytes:
        calls.append({"agency": agency, "purpose": purpose, "official": leader})
        return real(pdf, agency=agency, purpose=purpose, leader=leader, token=token)

    from motcua.certification import services

    monkeypatch.setattr(services, "seal_pdf", recording)
    monkeypatch.setattr(issuing, "seal_pdf", recording)
    return calls


# -- real keys (the demo PKI) for the tests that check the signatures ---------------------------------------


@pytest.fixture
def signing_keys(agency, receptionist, pki_dir, seal_key, seal_password):
    """`agency` has its seal and `receptionist` a personal key there (the demo PKI's official certificate)."""
    from motcua.signatures.issuing import signing_key_install

    personal = signing_key_install(
        agency=agency,
        holder=receptionist,
        p12=(pki_dir / "official-leader.p12").read_bytes(),
        password_env=seal_password,
    )
    return seal_key, personal


@pytest.fixture
def give_key(pki_dir, seal_password):
    """give_key(agency, holder=None): install the demo seal (no holder) or a personal key at `agency`."""
    from motcua.signatures.issuing import signing_key_install

    def install(agency, holder=None):
        name = "official-leader" if holder is not None else "agency-seal"
        return signing_key_install(
            agency=agency,
            holder=holder,
            p12=(pki_dir / f"{name}.p12").read_bytes(),
            password_env=seal_password,
        )

    return install
