"""What officials see of the applicant's signatures (R-SIG-3) and the evidence they can take away (R-SIG-4)."""

import json

import pytest
from django.urls import reverse

from motcua.audit.models import AuditEvent
from motcua.dossiers.services import dossier_file_add, dossier_submit
from motcua.signatures import testing
from motcua.signatures.models import SignatureVerification

pytestmark = pytest.mark.usefixtures("trust_store", "cached_crls")


@pytest.fixture
def submitted(signed_draft, pki_dir):
    for code, name, data in [
        ("don", "don.pdf", testing.make_pdf("Đơn")),
        ("cam_ket", "cam-ket.pdf", testing.sign_pdf(testing.make_pdf("Cam kết"), pki_dir, "signer-citizen")),
    ]:
        dossier_file_add(
            dossier=signed_draft, applicant=signed_draft.applicant, component_code=code, original_name=name,
            chunks=[data],
        )  # fmt: skip
    return dossier_submit(dossier=signed_draft, applicant=signed_draft.applicant).dossier


def test_the_check_page_shows_who_signed_when_and_every_criterion(client, receptionist, submitted):
    """R-SIG-3: verdict, signer with ID number, signing time and the criteria, in Vietnamese."""
    client.force_login(receptionist)

    page = client.get(reverse("backoffice:dossier_check", args=[submitted.public_id])).content.decode()

    start = page.index('id="chu-ky-so"')
    panel = page[start : page.index("</section>", start)]
    assert "Hợp lệ" in panel
    assert "Nguyễn Văn An" in panel and "CCCD:001090012345" in panel
    assert "Tình trạng thu hồi" in panel and "Toàn vẹn dữ liệu" in panel
    assert "không được yêu cầu người nộp xuất trình bản giấy" in panel  # R-PROH-2 reminder
    assert "don.pdf" not in panel  # the unsigned file has no report


def test_the_official_downloads_the_report_with_its_evidence(client, receptionist, submitted):
    """R-SIG-4: the JSON carries the certificates the verdict rested on, so it can be re-proved elsewhere."""
    client.force_login(receptionist)
    signed_file = submitted.files.get(component__code="cam_ket")

    response = client.get(reverse("backoffice:signature_report", args=[submitted.public_id, signed_file.pk]))

    report = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert report["sha256"] == signed_file.stored_file.sha256
    assert report["verdict"] == "valid" and report["evidence"]["certificates"]


def test_an_official_of_another_agency_gets_no_report(client, other_receptionist, submitted):
    """R-PROH-4: the report names the signer; only the dossier's agency reads it."""
    client.force_login(other_receptionist)
    signed_file = submitted.files.get(component__code="cam_ket")

    response = client.get(reverse("backoffice:signature_report", args=[submitted.public_id, signed_file.pk]))

    assert response.status_code == 404


def test_checking_again_keeps_the_earlier_verification_and_records_who_asked(client, receptionist, submitted):
    client.force_login(receptionist)
    before = SignatureVerification.objects.count()

    response = client.post(reverse("backoffice:signature_recheck", args=[submitted.public_id]))

    assert response.status_code == 302
    assert SignatureVerification.objects.count() == before + 1
    assert SignatureVerification.objects.latest("id").requested_by == receptionist
    assert AuditEvent.objects.filter(action="dossier.signatures_rechecked").exists()


def test_the_applicant_sees_the_verdict_beside_the_file(client, submitted):
    client.force_login(submitted.applicant)

    page = client.get(reverse("portal:dossier_detail", args=[submitted.public_id])).content.decode()

    assert "Chữ ký số: Hợp lệ" in page and "Nguyễn Văn An" in page


def test_the_api_gives_the_verdict_of_each_signed_file(client, submitted):
    client.force_login(submitted.applicant)

    files = client.get(f"/api/v1/dossiers/{submitted.public_id}/").json()["files"]

    by_component = {f["component"]: f for f in files}
    assert by_component["cam_ket"]["signature"]["verdict"] == "valid"
    assert by_component["cam_ket"]["signature"]["signatures"][0]["signer_id"] == "CCCD:001090012345"
    assert by_component["don"]["signature"] is None


def test_the_signature_reports_stay_on_the_page_after_acceptance(client, receptionist, submitted):
    """R-SIG-3: the specialist and the leader who decide later see the same reports as the receptionist."""
    from motcua.workflow.services import accept

    accept(dossier=submitted, official=receptionist)
    client.force_login(receptionist)

    page = client.get(reverse("backoffice:dossier_check", args=[submitted.public_id])).content.decode()

    start = page.index('id="chu-ky-so"')
    panel = page[start : page.index("</section>", start)]
    assert "Nguyễn Văn An" in panel and "CCCD:001090012345" in panel
