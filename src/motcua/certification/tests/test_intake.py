"""Paper dossiers taken at the counter enter the same flow as online ones (R-CERT-2)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from pypdf import PdfReader

from motcua.audit.models import AuditEvent
from motcua.certification.models import Capture
from motcua.certification.services import CertificationError, Person, counter_intake
from motcua.certification.tests.conftest import scan_image, scan_pdf
from motcua.dossiers import storage
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.identity.models import OfficialRole, User
from motcua.identity.tests.factories import OfficialFactory

NEW_PERSON = Person(citizen_id="001085004321", full_name="Phạm Thị Dung", phone="0987654321")


def intake(official, agency, procedure, person, scans=None, **kwargs):
    return counter_intake(
        official=official,
        agency=agency,
        person=person,
        procedure=procedure,
        form_data={"dien_thoai": "0987654321", "ghi_chu": "Nộp tại quầy"},
        scans=scans
        if scans is not None
        else {"don": [("don-1.pdf", [scan_pdf("DON-P1")]), ("don-2.jpg", [scan_image("JPEG")])]},
        submission_key=uuid.uuid4().hex,
        **kwargs,
    )


def test_intake_for_a_new_person_creates_a_counter_account_and_a_submitted_dossier_R_CERT_2(
    agency, receptionist, procedure, sealed
):
    result = intake(receptionist, agency, procedure, NEW_PERSON)

    dossier = result.acknowledgement.dossier
    applicant = User.objects.get(citizen_id="001085004321")
    assert result.account_created
    assert applicant.registered_by == receptionist and not applicant.has_usable_password()
    assert dossier.applicant == applicant
    assert dossier.status == Dossier.Status.SUBMITTED and dossier.reference
    assert dossier.form_data["ho_ten"] == "Phạm Thị Dung"  # prefilled from the new account (R-ONCE-1)
    (dossier_file,) = dossier.files.all()
    pages = PdfReader(storage.blob_path(dossier_file.stored_file.sha256)).pages
    assert len(pages) == 2 and "DON-P1" in pages[0].extract_text()  # page for page, in order
    (capture,) = Capture.objects.filter(dossier=dossier)
    assert (capture.captured_by, capture.pages, capture.stored_file) == (
        receptionist,
        2,
        dossier_file.stored_file,
    )
    assert [s["name"] for s in capture.sources] == ["don-1.pdf", "don-2.jpg"]
    assert sealed[0]["official"] == receptionist  # the capture is signed by the official who made it
    submitted = DossierEvent.objects.get(dossier=dossier, kind=DossierEvent.Kind.SUBMITTED)
    assert submitted.actor == receptionist and submitted.data["channel"] == "counter"
    audit = AuditEvent.objects.get(action="dossier.counter_intake")
    assert audit.actor_id == receptionist.pk and audit.data["account_created"] is True


def test_intake_for_an_existing_account_uses_it_and_can_accept_at_once(
    agency, receptionist, procedure, citizen, sealed
):
    result = intake(receptionist, agency, procedure, Person(citizen_id=citizen.citizen_id), accept_now=True)

    dossier = result.acknowledgement.dossier
    assert not result.account_created and result.accepted
    assert dossier.applicant == citizen
    assert dossier.status == Dossier.Status.PROCESSING and dossier.code


@pytest.mark.parametrize("roles", [[OfficialRole.Role.SPECIALIST], [OfficialRole.Role.LEADER]])
def test_only_one_stop_officials_of_the_agency_take_dossiers_at_the_counter(
    agency, other_receptionist, procedure, sealed, roles
):
    for official in (OfficialFactory(agency=agency, roles=roles), other_receptionist):
        with pytest.raises(CertificationError) as caught:
            intake(official, agency, procedure, NEW_PERSON)
        assert caught.value.problems[0].code == "forbidden"
    assert not Dossier.objects.exists() and not User.objects.filter(citizen_id="001085004321").exists()


def test_bad_scans_are_rejected_with_every_reason_and_nothing_is_kept(
    agency, receptionist, procedure, sealed
):
    with pytest.raises(CertificationError) as caught:
        intake(
            receptionist,
            agency,
            procedure,
            NEW_PERSON,
            scans={
                "don": [("a.pdf", [b"%PDF-1.4 broken"]), ("b.txt", [b"text"])],
                "giay_to_khac": [("c.png", [b""])],
            },
        )
    codes = [(p.field, p.code) for p in caught.value.problems]
    assert codes == [
        ("component.don", "unreadable"),
        ("component.don", "wrong_type"),
        ("component.giay_to_khac", "empty"),
    ]
    assert not Dossier.objects.exists() and not User.objects.filter(citizen_id="001085004321").exists()
    assert sealed == []


def test_missing_component_and_form_problems_come_back_and_no_account_is_left(
    agency, receptionist, procedure, sealed
):
    with pytest.raises(CertificationError) as caught:
        counter_intake(
            official=receptionist,
            agency=agency,
            person=NEW_PERSON,
            procedure=procedure,
            form_data={},
            scans={},
            submission_key=uuid.uuid4().hex,
        )
    fields = {p.field for p in caught.value.problems}
    assert {"component.don", "form.dien_thoai"} <= fields
    assert not User.objects.filter(citizen_id="001085004321").exists()


def test_a_new_person_needs_a_valid_citizen_id_and_a_name(agency, receptionist, procedure, sealed):
    with pytest.raises(CertificationError) as caught:
        intake(receptionist, agency, procedure, Person(citizen_id="12345"))
    assert [p.field for p in caught.value.problems] == ["person.citizen_id"]
    with pytest.raises(CertificationError) as caught:
        intake(receptionist, agency, procedure, Person(citizen_id="001085004321"))
    assert [p.field for p in caught.value.problems] == ["person.full_name"]


BIRTH_DATE_FIELD = {
    "key": "ngay_sinh",
    "type": "date",
    "label": "Ngày sinh",
    "required": True,
    "prefill": "identity.date_of_birth",
}


def with_birth_date_field(procedure):
    procedure.eform_schema = {"fields": [*procedure.eform_schema["fields"], BIRTH_DATE_FIELD]}
    procedure.save()
    return procedure


def test_a_new_persons_details_fill_the_eform_fields_an_account_would_R_ONCE_1(
    agency, receptionist, procedure, sealed
):
    """What the official typed as the person's details is what the e-form carries; an e-form copy of them
    sent anyway is not used (the page shows those fields read-only)."""
    person = Person(
        citizen_id="001085004321", full_name="  Phạm   Thị Dung ", date_of_birth=dt.date(1985, 3, 4)
    )
    result = counter_intake(
        official=receptionist,
        agency=agency,
        person=person,
        procedure=with_birth_date_field(procedure),
        form_data={"ho_ten": "Tên khác", "ngay_sinh": "2000-01-01", "dien_thoai": "0987654321"},
        scans={"don": [("don.pdf", [scan_pdf("DON")])]},
        submission_key=uuid.uuid4().hex,
    )

    data = result.acknowledgement.dossier.form_data
    assert (data["ho_ten"], data["so_dinh_danh"], data["ngay_sinh"]) == (
        "Phạm Thị Dung",
        "001085004321",
        "1985-03-04",
    )
    assert data["dien_thoai"] == "0987654321"  # not a person's detail: typed in the e-form


def test_eform_problems_of_fields_filled_from_a_new_person_point_to_the_persons_details(
    agency, receptionist, procedure, sealed
):
    with_birth_date_field(procedure)
    with pytest.raises(CertificationError) as caught:
        intake(receptionist, agency, procedure, NEW_PERSON)  # no date of birth, the e-form needs one
    assert [p.field for p in caught.value.problems] == ["person.date_of_birth"]
    assert not User.objects.filter(citizen_id="001085004321").exists()

    unreadable = Person(citizen_id="001085004321", full_name="Phạm Thị Dung", date_of_birth_typed="31/02/85")
    with pytest.raises(CertificationError) as caught:
        intake(receptionist, agency, procedure, unreadable)
    (problem,) = caught.value.problems
    assert problem.field == "person.date_of_birth" and "“31/02/85”" in problem.message
