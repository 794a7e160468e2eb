"""The counter's pages in the back office and the applicant's copies in the portal."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.certification.models import CertifiedCopy
from motcua.certification.tests.conftest import scan_pdf
from motcua.certification.tests.test_certify import DIPLOMA, THREE_PAGES, issue
from motcua.dossiers.models import Dossier, DossierFile
from motcua.dossiers.services import draft_create
from motcua.identity.models import OfficialRole
from motcua.identity.tests.factories import OfficialFactory


def pdf_upload(name: str, *labels: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, scan_pdf(*labels), content_type="application/pdf")


def certify_post(**overrides):
    data = {
        "applicant_id_number": "001090012345",
        "applicant_name": "",
        "document_title": DIPLOMA.title,
        "document_issuer": DIPLOMA.issuer,
        "document_number": DIPLOMA.number,
        "original_pages": "3",
        # Chosen in another order: put in page order by their names.
        "scans": [
            pdf_upload("trang-10.pdf", "PAGE-THREE"),
            pdf_upload("trang-2.pdf", "PAGE-ONE", "PAGE-TWO"),
        ],
    }
    data.update(overrides)
    return data


def test_official_certifies_a_copy_from_the_counter_page(client, receptionist, citizen, sealed):
    client.force_login(receptionist)
    assert client.get(reverse("backoffice:certification_new")).status_code == 200

    response = client.post(reverse("backoffice:certification_new"), certify_post())

    copy = CertifiedCopy.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("backoffice:certification_detail", kwargs={"public_id": copy.public_id})
    assert copy.applicant == citizen  # the ID number typed matched an account
    assert [s["name"] for s in copy.sources] == ["trang-2.pdf", "trang-10.pdf"]
    page = client.get(response.url)
    assert copy.register_number in page.content.decode()
    download = client.get(reverse("backoffice:certification_download", kwargs={"public_id": copy.public_id}))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    register = client.get(reverse("backoffice:certification_register"))
    assert copy.register_number in register.content.decode()


def test_the_box_ticked_at_the_counter_puts_the_copy_in_the_warehouse_R_PRIV_1(
    client, receptionist, citizen, sealed
):
    """R-PRIV-1: the official records the consent the person gives at the counter; the citizen sees both."""
    from motcua.warehouse.models import Document

    client.force_login(receptionist)
    assert 'name="keep_in_warehouse"' in client.get(reverse("backoffice:certification_new")).content.decode()
    client.post(reverse("backoffice:certification_new"), certify_post(keep_in_warehouse="1"))
    document = Document.objects.get(owner=citizen)
    client.force_login(citizen)
    assert DIPLOMA.title in client.get("/kho-du-lieu/").content.decode()
    consents = client.get("/kho-du-lieu/dong-y/").content.decode()
    assert (
        document.consent.certified_copy.register_number in consents and receptionist.display_name in consents
    )


def test_certify_page_shows_every_problem_and_keeps_what_was_typed(client, receptionist, sealed):
    client.force_login(receptionist)
    response = client.post(
        reverse("backoffice:certification_new"),
        certify_post(
            applicant_id_number="", document_issuer="", scans=[SimpleUploadedFile("x.txt", b"hello")]
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Có 4 điều cần sửa" in body  # name, ID number, issuer, the text file
    assert "x.txt" in body
    assert DIPLOMA.title in body  # kept
    assert not CertifiedCopy.objects.exists()


def test_counter_pages_are_for_one_stop_officials_only(client, citizen, agency, sealed):
    specialist = OfficialFactory(agency=agency, roles=[OfficialRole.Role.SPECIALIST])
    for user in (citizen, specialist):
        client.force_login(user)
        assert client.get(reverse("backoffice:certification_new")).status_code == 403
        assert client.get(reverse("backoffice:counter_intake")).status_code == 403


def test_official_of_another_agency_does_not_see_the_entry(
    client, receptionist, other_receptionist, agency, sealed
):
    copy = issue(receptionist, agency, THREE_PAGES)
    client.force_login(other_receptionist)
    url = reverse("backoffice:certification_detail", kwargs={"public_id": copy.public_id})
    assert client.get(url).status_code == 404
    assert (
        copy.register_number not in client.get(reverse("backoffice:certification_register")).content.decode()
    )


def test_queues_nav_links_to_the_counter_pages(client, receptionist):
    client.force_login(receptionist)
    body = client.get(reverse("backoffice:queue")).content.decode()
    assert reverse("backoffice:counter_intake") in body
    assert reverse("backoffice:certification_register") in body


def test_applicant_sees_their_copy_and_attaches_it_to_a_draft_with_one_click(
    client, receptionist, citizen, other_citizen, agency, procedure, sealed
):
    copy = issue(receptionist, agency, THREE_PAGES, applicant=citizen)
    draft = draft_create(applicant=citizen, procedure=procedure)
    client.force_login(citizen)

    listing = client.get(reverse("portal:certified_copies")).content.decode()
    assert copy.register_number in listing
    edit = client.get(reverse("portal:dossier_edit", kwargs={"public_id": draft.public_id})).content.decode()
    assert "Dùng bản sao này" in edit
    response = client.post(
        reverse("portal:dossier_use_copy", kwargs={"public_id": draft.public_id}),
        {"use_copy": f"don:{copy.public_id}"},
    )

    assert response.status_code == 302
    attached = DossierFile.objects.get(dossier=draft)
    assert attached.stored_file == copy.copy_file  # no re-upload: the same stored bytes
    assert attached.component.code == "don"
    download = client.get(reverse("portal:certified_copy", kwargs={"public_id": copy.public_id}))
    assert download.status_code == 200

    client.logout()
    client.force_login(other_citizen)
    assert (
        "Bạn chưa có bản sao chứng thực điện tử nào"
        in client.get(reverse("portal:certified_copies")).content.decode()
    )
    assert (
        client.get(reverse("portal:certified_copy", kwargs={"public_id": copy.public_id})).status_code == 404
    )
    other_draft = draft_create(applicant=other_citizen, procedure=procedure)
    refused = client.post(
        reverse("portal:dossier_use_copy", kwargs={"public_id": other_draft.public_id}),
        {"use_copy": f"don:{copy.public_id}"},
    )
    assert refused.status_code == 200 and "Không tìm thấy bản sao" in refused.content.decode()
    assert not DossierFile.objects.filter(dossier=other_draft).exists()


def test_counter_intake_in_two_steps(client, receptionist, agency, procedure, sealed):
    client.force_login(receptionist)
    url = reverse("backoffice:counter_intake")
    assert client.get(url).status_code == 200
    step_two = client.post(url, {"step": "1", "citizen_id": "001085004321", "procedure": procedure.code})
    body = step_two.content.decode()
    assert step_two.status_code == 200 and "Chưa có tài khoản" in body
    key = body.split('name="submission_key" value="')[1].split('"')[0]

    response = client.post(
        url,
        {
            "step": "2",
            "citizen_id": "001085004321",
            "procedure": procedure.code,
            "submission_key": key,
            "person.full_name": "Phạm Thị Dung",
            "dien_thoai": "0987654321",
            "component.don": [pdf_upload("don.pdf", "DON")],
            "accept_now": "1",
        },
    )

    dossier = Dossier.objects.get()
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response.url == reverse("backoffice:dossier_check", kwargs={"public_id": dossier.public_id})
    assert dossier.status == Dossier.Status.PROCESSING and dossier.applicant.full_name == "Phạm Thị Dung"
    page = client.get(response.url).content.decode()
    assert "Số hóa tại quầy" in page and f"quét và ký số bởi {receptionist.display_name}" in page


def test_counter_intake_errors_come_back_on_the_form(client, receptionist, agency, procedure, sealed):
    client.force_login(receptionist)
    url = reverse("backoffice:counter_intake")
    assert client.post(url, {"step": "1", "citizen_id": "12", "procedure": ""}).status_code == 400
    response = client.post(
        url,
        {"step": "2", "citizen_id": "001085004321", "procedure": procedure.code, "person.full_name": ""},
    )
    body = response.content.decode()
    assert response.status_code == 400 and "hãy nhập họ và tên" in body
    assert not Dossier.objects.exists()


def test_counter_intake_new_person_details_are_typed_once_and_fill_the_eform(
    client, receptionist, agency, procedure, sealed
):
    """The e-form fields filled from an account are shown read-only from the person's details above, and
    the submitted dossier carries those details (R-ONCE-1); nothing typed is lost on an error."""
    from motcua.certification.tests.test_intake import with_birth_date_field

    with_birth_date_field(procedure)
    client.force_login(receptionist)
    url = reverse("backoffice:counter_intake")
    start = {"step": "1", "citizen_id": "001085004321", "procedure": procedure.code}
    body = client.post(url, start).content.decode()
    assert 'name="person.full_name"' in body and 'name="person.date_of_birth"' in body
    for key in ("ho_ten", "so_dinh_danh", "ngay_sinh"):  # no second copy to type
        assert f'name="{key}"' not in body
    assert body.count("Theo thông tin người nộp ở trên") == 3 and 'name="dien_thoai"' in body

    posted = {
        **start,
        "step": "2",
        "submission_key": body.split('name="submission_key" value="')[1].split('"')[0],
        "person.full_name": "Phạm Thị Dung",
        "person.date_of_birth": "31/02/1985",
        "dien_thoai": "0987654321",
        "ho_ten": "Tên khác",  # an old page's e-form copy: not used
    }
    response = client.post(url, posted)
    body = response.content.decode()
    assert response.status_code == 400 and "Ngày sinh “31/02/1985” không đúng" in body
    assert 'value="31/02/1985"' in body and 'value="0987654321"' in body
    assert '<p class="prefilled-value">Phạm Thị Dung</p>' in body  # the e-form shows the name typed above

    posted |= {"person.date_of_birth": "04/03/1985", "component.don": [pdf_upload("don.pdf", "DON")]}
    response = client.post(url, posted)

    assert response.status_code == 302, response.content.decode()[:3000]
    data = Dossier.objects.get().form_data
    assert (data["ho_ten"], data["so_dinh_danh"], data["ngay_sinh"], data["dien_thoai"]) == (
        "Phạm Thị Dung",
        "001085004321",
        "1985-03-04",
        "0987654321",
    )


def test_counter_intake_for_an_account_shows_its_details_read_only(
    client, receptionist, agency, procedure, citizen, sealed
):
    client.force_login(receptionist)
    body = client.post(
        reverse("backoffice:counter_intake"),
        {"step": "1", "citizen_id": citizen.citizen_id, "procedure": procedure.code},
    ).content.decode()
    assert 'name="ho_ten"' not in body and f'<p class="prefilled-value">{citizen.full_name}</p>' in body
    assert "Lấy từ tài khoản định danh" in body and 'name="person.full_name"' not in body
