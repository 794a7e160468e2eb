"""Certified electronic copies from originals (R-CERT-1, R-CERT-2): register, due time, the copy itself."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from motcua.audit.models import AuditEvent
from motcua.certification import services
from motcua.certification.models import CertificationSequence, CertifiedCopy
from motcua.certification.services import CertificationError, Original, SealingFailed, certified_copy_issue
from motcua.certification.tests.conftest import scan_image, scan_pdf
from motcua.dossiers import storage
from motcua.identity.models import OfficialRole
from motcua.identity.tests.factories import OfficialFactory
from motcua.worktime.selectors import calendar_for

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DIPLOMA = Original(
    title="Bằng tốt nghiệp đại học", issuer="Trường Đại học Bách khoa Hà Nội", number="A 123456", pages=3
)


def issue(official, agency, scans, applicant=None, original=DIPLOMA, **kwargs):
    return certified_copy_issue(
        official=official,
        agency=agency,
        applicant=applicant,
        applicant_name=kwargs.pop("applicant_name", "Lê Văn Cường"),
        applicant_id_number=kwargs.pop("applicant_id_number", "001090099999"),
        original=original,
        scans=[(name, [data]) for name, data in scans],
        **kwargs,
    )


def copy_text(copy: CertifiedCopy) -> list[str]:
    reader = PdfReader(storage.blob_path(copy.copy_file.sha256))
    return [page.extract_text() for page in reader.pages]


THREE_PAGES = [("trang-1-2.pdf", scan_pdf("PAGE-ONE", "PAGE-TWO")), ("trang-3.pdf", scan_pdf("PAGE-THREE"))]


# -- due time (R-CERT-1) ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.datetime(2026, 12, 2, 9, 0, tzinfo=HCM), dt.datetime(2026, 12, 2, 17, 0, tzinfo=HCM)),
        (dt.datetime(2026, 12, 2, 15, 0, tzinfo=HCM), dt.datetime(2026, 12, 2, 17, 0, tzinfo=HCM)),
        (dt.datetime(2026, 12, 2, 15, 1, tzinfo=HCM), dt.datetime(2026, 12, 3, 17, 0, tzinfo=HCM)),
        (
            dt.datetime(2026, 12, 4, 16, 0, tzinfo=HCM),
            dt.datetime(2026, 12, 7, 17, 0, tzinfo=HCM),
        ),  # Fri → Mon
        (
            dt.datetime(2026, 12, 5, 10, 0, tzinfo=HCM),
            dt.datetime(2026, 12, 7, 17, 0, tzinfo=HCM),
        ),  # Saturday
        (dt.datetime(2026, 12, 2, 19, 0, tzinfo=HCM), dt.datetime(2026, 12, 3, 17, 0, tzinfo=HCM)),  # evening
    ],
)
def test_copy_is_due_same_day_or_next_working_day_after_15h_R_CERT_1(db, received, due):
    """R-CERT-1: same day; received after 15:00, the next working day (Friday afternoon → Monday)."""
    calendar = calendar_for(around=received.date())
    assert services.certification_due(received, calendar) == due


# -- issuing -----------------------------------------------------------------------------------------------


def test_copy_keeps_every_page_in_order_and_ends_with_the_statement_R_CERT_1_R_CERT_2(
    agency, receptionist, sealed
):
    """R-CERT-2: complete, page for page, in order; R-CERT-1: the statement and the register number."""
    copy = issue(receptionist, agency, THREE_PAGES)

    pages = copy_text(copy)
    assert len(pages) == 4
    for number, label in enumerate(["PAGE-ONE", "PAGE-TWO", "PAGE-THREE"], start=1):
        assert label in pages[number - 1]
        assert f"Trang {number}/3" in pages[number - 1]
        assert "Số chứng thực: 1, quyển số" in pages[number - 1]
    statement = pages[-1]
    assert "Chứng thực bản sao đúng với bản chính" in statement
    assert f"Số chứng thực: 1, quyển số {copy.year}-SCT/BS" in statement
    assert receptionist.display_name in statement
    assert "Bằng tốt nghiệp đại học" in statement and "Lê Văn Cường" in statement
    assert copy.register_number == f"1/{copy.year}/SCT-BS"
    assert copy.certified_by == receptionist
    assert [s["name"] for s in copy.sources] == ["trang-1-2.pdf", "trang-3.pdf"]
    assert sealed and sealed[0]["official"] == receptionist and sealed[0]["agency"] == agency


def test_images_become_one_page_each_in_order(agency, receptionist, sealed):
    copy = issue(
        receptionist,
        agency,
        [
            ("1.jpg", scan_image("JPEG")),
            ("2.png", scan_image("PNG", (800, 500))),
            ("3.pdf", scan_pdf("LAST")),
        ],
    )
    pages = PdfReader(storage.blob_path(copy.copy_file.sha256)).pages
    assert len(pages) == 4
    assert float(pages[1].mediabox.width) > float(pages[1].mediabox.height)  # the wide scan is landscape
    assert "LAST" in pages[2].extract_text()


def test_register_numbers_follow_on_per_agency_and_year(
    agency, other_agency, receptionist, other_receptionist, sealed, give_key
):
    give_key(other_agency)
    give_key(other_agency, other_receptionist)
    first = issue(receptionist, agency, THREE_PAGES)
    second = issue(receptionist, agency, THREE_PAGES)
    elsewhere = issue(other_receptionist, other_agency, THREE_PAGES)
    assert (first.number, second.number, elsewhere.number) == (1, 2, 1)


def test_issuance_is_audited(agency, receptionist, sealed):
    copy = issue(receptionist, agency, THREE_PAGES)
    event = AuditEvent.objects.get(action="certified_copy.issued")
    assert event.actor_id == receptionist.pk
    assert event.data["register_number"] == copy.register_number
    assert event.data["copy_sha256"] == copy.copy_file.sha256


def test_applicant_with_an_account_is_named_from_it_and_notified(agency, receptionist, citizen, sealed):
    copy = issue(
        receptionist, agency, THREE_PAGES, applicant=citizen, applicant_name="", applicant_id_number=""
    )
    assert (copy.applicant, copy.applicant_name, copy.applicant_id_number) == (
        citizen,
        "Nguyễn Văn An",
        "001090012345",
    )
    assert citizen.inbox.filter(subject__contains=copy.register_number).exists()


@pytest.mark.parametrize("roles", [[OfficialRole.Role.SPECIALIST], []])
def test_only_one_stop_officials_and_leaders_of_the_agency_certify(
    agency, other_agency, sealed, roles, give_key
):
    official = OfficialFactory(agency=agency, roles=roles)
    stranger = OfficialFactory(agency=other_agency)
    for who in (official, stranger):
        with pytest.raises(CertificationError) as caught:
            issue(who, agency, THREE_PAGES)
        assert caught.value.problems[0].code == "forbidden"
    assert not CertifiedCopy.objects.exists()
    leader = OfficialFactory(agency=agency, roles=[OfficialRole.Role.LEADER])
    give_key(agency, leader)
    assert issue(leader, agency, THREE_PAGES).number == 1


def test_bad_scans_and_missing_details_are_all_reported_at_once(agency, receptionist, sealed):
    with pytest.raises(CertificationError) as caught:
        issue(
            receptionist,
            agency,
            [
                ("hong.pdf", b"%PDF-1.7 not really a pdf"),
                ("trong.png", b""),
                ("ghi-chu.txt", b"hello"),
                ("cut.jpg", scan_image("JPEG")[:200]),
                ("ok.pdf", scan_pdf("ONE")),
            ],
            original=Original(title="", issuer="", number="", pages=None),
            applicant_name="",
            applicant_id_number="?",
        )
    codes = [(p.field, p.code) for p in caught.value.problems]
    assert ("scans", "unreadable") in codes
    assert ("scans", "empty") in codes
    assert ("scans", "wrong_type") in codes
    assert sum(1 for c in codes if c == ("scans", "unreadable")) == 2
    assert {
        "applicant_name",
        "applicant_id_number",
        "document_title",
        "document_issuer",
        "original_pages",
    } <= {field for field, _code in codes}
    assert all(p.message for p in caught.value.problems)
    assert not CertifiedCopy.objects.exists()
    assert not CertificationSequence.objects.exists()


def test_a_missing_page_is_caught_before_anything_is_signed_R_CERT_2(agency, receptionist, sealed):
    with pytest.raises(CertificationError) as caught:
        issue(receptionist, agency, THREE_PAGES[:1])
    assert [p.code for p in caught.value.problems] == ["page_count"]
    assert "3 trang" in caught.value.problems[0].message and "2 trang" in caught.value.problems[0].message
    assert sealed == []


def test_failed_seal_consumes_no_number_and_leaves_no_entry(agency, receptionist, monkeypatch, signing_keys):
    def broken(**kwargs):
        raise RuntimeError("token not present")

    real = services.document_issue
    monkeypatch.setattr(services, "document_issue", broken)
    with pytest.raises(SealingFailed) as caught:
        issue(receptionist, agency, THREE_PAGES)
    assert "Chưa có gì được ghi nhận" in caught.value.problems[0].message
    assert not CertifiedCopy.objects.exists()
    assert not AuditEvent.objects.filter(action="certified_copy.issued").exists()

    monkeypatch.setattr(services, "document_issue", real)
    assert issue(receptionist, agency, THREE_PAGES).number == 1  # the number was given back


# -- the applicant's warehouse (R-WH-1, R-PRIV-1) ---------------------------------------------------------


def test_a_copy_enters_the_warehouse_when_the_applicant_agreed_at_the_counter_R_WH_1(
    agency, receptionist, citizen, sealed
):
    """R-WH-1, R-PRIV-1: certified copies are kept in the warehouse, with the consent the official recorded."""
    from motcua.warehouse.models import Consent, Document

    copy = issue(receptionist, agency, THREE_PAGES, applicant=citizen, keep_in_warehouse=True)

    document = Document.objects.get(owner=citizen)
    assert document.provenance == Document.Provenance.CERTIFIED_COPY
    assert document.stored_file == copy.copy_file
    assert (document.title, document.number, document.issuer) == (
        DIPLOMA.title,
        DIPLOMA.number,
        DIPLOMA.issuer,
    )
    assert (document.agency, document.verified_by) == (agency, receptionist)
    consent = Consent.objects.get(owner=citizen)
    assert consent.certified_copy == copy and consent.recorded_by == receptionist
    assert DIPLOMA.title in consent.wording


def test_a_copy_stays_out_of_the_warehouse_without_consent_or_account(agency, receptionist, citizen, sealed):
    from motcua.warehouse.models import Document

    issue(receptionist, agency, THREE_PAGES, applicant=citizen)
    issue(receptionist, agency, THREE_PAGES, keep_in_warehouse=True)  # no account: nowhere to keep it
    assert not Document.objects.exists()
