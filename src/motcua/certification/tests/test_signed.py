"""The certified copy and the counter's captures carry valid signatures: the official's and the agency's."""

from __future__ import annotations

import io
import uuid

from cryptography.hazmat.primitives import hashes
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from motcua.certification.models import CertificationSequence, CertifiedCopy
from motcua.certification.services import Person, SealingFailed, counter_intake
from motcua.certification.tests.conftest import scan_pdf
from motcua.certification.tests.test_certify import THREE_PAGES, issue
from motcua.dossiers import storage
from motcua.signatures.models import AgencySigningKey


def fingerprint(demo_pki, name: str) -> bytes:
    return demo_pki[name].certificate.fingerprint(hashes.SHA256())


def signatures_of(data: bytes, demo_pki):
    """(signer fingerprint, intact, valid, trusted) of each embedded signature, in signing order."""
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    root = asn1_x509.Certificate.load(demo_pki["root-ca"].certificate.public_bytes(Encoding.DER))
    others = [
        asn1_x509.Certificate.load(demo_pki[n].certificate.public_bytes(Encoding.DER))
        for n in ("intermediate-ca",)
    ]
    found = []
    for signature in PdfFileReader(io.BytesIO(data)).embedded_signatures:
        context = ValidationContext(
            trust_roots=[root], other_certs=others, allow_fetching=False, revocation_mode="soft-fail"
        )
        status = validate_pdf_signature(signature, signer_validation_context=context)
        found.append((signature.signer_cert.sha256, status.intact, status.valid, status.trusted))
    return found


def test_certified_copy_is_signed_by_the_official_and_sealed_by_the_agency_R_CERT_1(
    agency, receptionist, signing_keys, demo_pki
):
    copy = issue(receptionist, agency, THREE_PAGES)

    data = storage.blob_path(copy.copy_file.sha256).read_bytes()
    signed = signatures_of(data, demo_pki)
    assert [s[0] for s in signed] == [
        fingerprint(demo_pki, "official-leader"),
        fingerprint(demo_pki, "agency-seal"),
    ]
    assert all(intact and valid and trusted for _fp, intact, valid, trusted in signed)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "Chứng thực bản sao đúng với bản chính" in text and copy.register_number.split("/")[0] in text


def test_anyone_holding_the_copy_can_check_it_was_certified_and_by_whom_R_RES_3(
    agency, receptionist, signing_keys, client
):
    """The copy is in the register of issued documents: the public page finds it by its bytes."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    copy = issue(receptionist, agency, THREE_PAGES)
    data = storage.blob_path(copy.copy_file.sha256).read_bytes()

    response = client.post(
        reverse("portal:verify"), {"tep": SimpleUploadedFile("ban-sao.pdf", data, "application/pdf")}
    )

    text = response.content.decode()
    assert 'data-outcome="match"' in text
    assert agency.name in text and copy.register_number in text
    assert copy.applicant_name not in text and copy.applicant_id_number not in text  # no personal data


def test_capture_at_the_counter_is_signed_by_the_official_who_made_it_R_CERT_2(
    agency, receptionist, procedure, signing_keys, demo_pki
):
    result = counter_intake(
        official=receptionist,
        agency=agency,
        person=Person(citizen_id="001085004321", full_name="Phạm Thị Dung"),
        procedure=procedure,
        form_data={"dien_thoai": "0987654321"},
        scans={"don": [("don.pdf", [scan_pdf("DON")])]},
        submission_key=uuid.uuid4().hex,
    )

    (dossier_file,) = result.acknowledgement.dossier.files.all()
    signed = signatures_of(storage.blob_path(dossier_file.stored_file.sha256).read_bytes(), demo_pki)
    assert signed[0][0] == fingerprint(demo_pki, "official-leader")
    assert all(intact and valid for _fp, intact, valid, _trusted in signed)


def test_official_without_a_personal_key_is_told_and_nothing_is_recorded(agency, receptionist, signing_keys):
    AgencySigningKey.objects.filter(holder=receptionist).update(active=False)

    try:
        issue(receptionist, agency, THREE_PAGES)
    except SealingFailed as error:
        message = error.problems[0].message
    else:
        raise AssertionError("issued without the official's signature")

    assert "khóa ký số cá nhân" in message and "Chưa có gì được ghi nhận" in message
    assert not CertifiedCopy.objects.exists()
    assert CertificationSequence.objects.filter(last__gt=0).count() == 0
