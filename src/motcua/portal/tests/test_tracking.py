"""Public tracking page /tra-cuu/ (R-TRK-1): status by code for anyone, the timeline with a second factor,
no personal data ever, and limits against enumerating codes."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierEvent, DossierFile, StoredFile
from motcua.dossiers.tests.factories import DossierFactory
from motcua.dossiers.tracking import LOOKUPS, WRONG_PHONE, WRONG_PHONE_PER_DOSSIER, tracking_url
from motcua.identity.tests.factories import CitizenFactory
from motcua.portal.templatetags.portal import moment

pytestmark = pytest.mark.django_db

CODE = "000.00.31.H26-261123-0007"
REFERENCE = "261123-K7QX2M"


@pytest.fixture
def applicant(db):
    return CitizenFactory(
        full_name="Phạm Thị Hồng Nhung",
        citizen_id="001190004567",
        username="001190004567",
        phone="0983 246 813",
        email="nhung.pham@example.vn",
        address="Số 9 phố Kim Mã, Ba Đình",
    )


@pytest.fixture
def accepted(procedure, applicant):
    """A dossier in processing, accepted three days ago, due in two days; with files and a timeline."""
    now = timezone.now()
    dossier = DossierFactory(
        submitted=True,
        procedure=procedure,
        applicant=applicant,
        reference=REFERENCE,
        form_data={"ten_tre": "Phạm Minh Khôi", "noi_sinh": {"street": "Số 5 ngõ 12 Đội Cấn"}},
        submitted_at=now - dt.timedelta(days=3, hours=1),
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        status=Dossier.Status.PROCESSING,
        stage=Dossier.Stage.SPECIALIST,
        code=CODE,
        accepted_at=now - dt.timedelta(days=3),
        due_at=now + dt.timedelta(days=2),
        original_due_at=now + dt.timedelta(days=2),
    )
    stored = StoredFile.objects.create(sha256="ab" * 32, size=1234, content_type="application/pdf")
    DossierFile.objects.create(
        dossier=dossier,
        component=procedure.components.first(),
        stored_file=stored,
        original_name="giay-chung-sinh-Khoi.pdf",
    )
    for kind, ago, data in [
        (DossierEvent.Kind.CREATED, 4, {}),
        (DossierEvent.Kind.SUBMITTED, 3.1, {"reference": REFERENCE}),
        (DossierEvent.Kind.ACCEPTED, 3, {"note": "Cán bộ Lê Văn Tâm nhận hồ sơ của Phạm Thị Hồng Nhung"}),
    ]:
        DossierEvent.objects.create(
            dossier=dossier, kind=kind, at=now - dt.timedelta(days=ago), data=data, actor=None
        )
    dossier.refresh_from_db()
    return dossier


def personal_data(dossier: Dossier) -> list[str]:
    """Everything on the page that would say who applied or what they sent."""
    applicant = dossier.applicant
    return [
        applicant.full_name,
        applicant.citizen_id,
        applicant.phone,
        applicant.phone.replace(" ", ""),
        applicant.email,
        applicant.address,
        "Phạm Minh Khôi",
        "Đội Cấn",
        "giay-chung-sinh-Khoi.pdf",
        "Lê Văn Tâm",
        str(dossier.public_id),
    ]


def page_of(response) -> str:
    return response.content.decode()


def test_anyone_sees_status_stage_and_appointment_by_dossier_code_without_personal_data(accepted):
    """R-TRK-1: code, procedure, agency, status, stage, times, appointment, on time; nothing personal."""
    response = Client().get("/tra-cuu/", {"ma": CODE})

    assert response.status_code == 200
    page = page_of(response)
    for shown in [
        CODE,
        "Thủ tục đăng ký khai sinh",
        "Ủy ban nhân dân phường Ba Đình",
        "Đang giải quyết",
        "Thẩm định, xử lý",
        moment(accepted.submitted_at),
        moment(accepted.accepted_at),
        moment(accepted.due_at),
        "Trong hạn",
    ]:
        assert shown in page, shown
    for secret in personal_data(accepted):
        assert secret not in page, secret
    assert "Diễn biến" not in page.replace("Xem diễn biến", "")  # the timeline needs the second factor
    assert 'name="dien_thoai"' in page


@pytest.mark.parametrize("typed", [CODE.lower(), f"  {CODE}  ", "000.00.31.H26 - 261123 - 0007"])
def test_the_qr_code_link_and_sloppy_typing_find_the_dossier(accepted, typed):
    """R-TRK-1: the QR code leads to /tra-cuu/?ma=<code>; case and spaces do not matter."""
    response = Client().get("/tra-cuu/", {"ma": typed})
    assert response.status_code == 200
    assert "Đang giải quyết" in page_of(response)


def test_before_acceptance_the_reference_finds_the_dossier(procedure, applicant):
    """R-TRK-1: no dossier code yet; the reference from the acknowledgement works."""
    DossierFactory(submitted=True, procedure=procedure, applicant=applicant, reference=REFERENCE)

    response = Client().get(f"/tra-cuu/?ma={REFERENCE}")

    page = page_of(response)
    assert response.status_code == 200
    assert "Mã tra cứu" in page and REFERENCE in page
    assert "Đang chờ tiếp nhận" in page and "Chưa tiếp nhận" in page
    assert "Chưa có, sẽ hẹn khi hồ sơ được tiếp nhận" in page
    assert applicant.full_name not in page


def test_the_reference_still_finds_the_dossier_after_acceptance(accepted):
    page = page_of(Client().get("/tra-cuu/", {"ma": REFERENCE}))
    assert CODE in page and "Mã hồ sơ" in page


def test_a_draft_is_never_found(procedure, applicant):
    DossierFactory(procedure=procedure, applicant=applicant, reference=REFERENCE)
    assert Client().get("/tra-cuu/", {"ma": REFERENCE}).status_code == 404


def normalised(response, typed: str) -> str:
    """The page without what legitimately differs between two answers: the echo of the input (in the form
    and in the header's links back to this page) and the CSRF tokens."""
    page = page_of(response).replace(typed, "[ma]")
    page = re.sub(r'name="next" value="[^"]*"', "", page)
    page = re.sub(r"\?next=[^\"]*", "", page)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


@pytest.mark.parametrize(
    "typed",
    [
        "000.00.31.H26-261123-9999",  # well formed, nobody has it
        "261123-ZZZZZZ",
        "abc<script>",
        "'; DROP TABLE dossiers_dossier; --",
        "ma\x00hoso",
        "Đ" * 90,
        "000.00.31.H26-261123-0007-",
    ],
)
def test_unknown_and_malformed_codes_get_the_same_answer(accepted, typed):
    """R-TRK-1: whether a code is malformed or merely unknown cannot be told from the answer."""
    reference = Client().get("/tra-cuu/", {"ma": "000.00.31.H26-261123-0008"})
    response = Client().get("/tra-cuu/", {"ma": typed})

    assert response.status_code == reference.status_code == 404
    assert "Không tìm thấy hồ sơ" in page_of(response)
    shown = typed.replace("\x00", "").strip()[:100]
    assert normalised(response, _escaped(shown)) == normalised(reference, "000.00.31.H26-261123-0008")


def _escaped(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))


def test_the_last_four_phone_digits_show_the_timeline_without_its_data(accepted):
    """R-TRK-1: the second factor adds event kinds and times; never what the events carry."""
    response = Client().get("/tra-cuu/", {"ma": CODE, "dien_thoai": "6813"})

    page = page_of(response)
    assert response.status_code == 200
    assert "Diễn biến" in page
    assert "Nộp hồ sơ thành công" in page and "Đã tiếp nhận hồ sơ" in page
    assert "Tạo hồ sơ nháp" not in page  # drafting is not part of the public story
    for secret in personal_data(accepted):
        assert secret not in page, secret


def test_the_phone_number_in_the_form_also_serves_as_second_factor(accepted):
    """R-TRK-1: an organisation's account may have no phone; the one given in the form counts."""
    Dossier.objects.filter(pk=accepted.pk).update(form_data={"phone": "+84 24 3825 4321"})
    page = page_of(Client().get("/tra-cuu/", {"ma": CODE, "dien_thoai": "4321"}))
    assert "Đã tiếp nhận hồ sơ" in page


def test_a_wrong_second_factor_says_so_and_shows_no_timeline(accepted):
    """R-TRK-1: the status stays visible; the timeline does not."""
    response = Client().get("/tra-cuu/", {"ma": CODE, "dien_thoai": "1111"})

    page = page_of(response)
    assert response.status_code == 200
    assert "4 số cuối điện thoại không khớp" in page
    assert "Đang giải quyết" in page and "Đã tiếp nhận hồ sơ" not in page


@pytest.mark.parametrize("typed", ["56", "5678a", "０５６７", "12345"])
def test_a_phone_that_is_not_four_digits_is_explained_and_not_counted(accepted, typed):
    """R-TRK-1: a typing mistake costs no attempt of the stricter limit."""
    client = Client()
    for _ in range(WRONG_PHONE.count + 1):
        response = client.get("/tra-cuu/", {"ma": CODE, "dien_thoai": typed})
    assert response.status_code == 200
    assert "Hãy nhập đúng 4 chữ số cuối của số điện thoại" in page_of(response)
    assert "Đã tiếp nhận hồ sơ" not in page_of(response)


def test_lookups_are_limited_per_client_address_with_a_clear_429(accepted):
    """R-TRK-1: codes run in sequence, so guessing them is slowed down; others are not affected."""
    client = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(LOOKUPS.count):
        assert client.get("/tra-cuu/", {"ma": f"000.00.31.H26-261123-{n:04d}"}).status_code in (200, 404)

    response = client.get("/tra-cuu/", {"ma": CODE})

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= LOOKUPS.window
    page = page_of(response)
    assert "Bạn đã tra cứu quá nhiều lần" in page and "Hãy thử lại sau" in page
    assert "Đang giải quyết" not in page
    assert Client(REMOTE_ADDR="198.51.100.9").get("/tra-cuu/", {"ma": CODE}).status_code == 200
    # The empty form is not a lookup.
    assert client.get("/tra-cuu/").status_code == 200


def test_wrong_phone_numbers_are_limited_harder_per_client(accepted):
    """R-TRK-1: after a few wrong second factors, only the status remains available to that client."""
    client = Client(REMOTE_ADDR="203.0.113.8")
    for n in range(WRONG_PHONE.count):
        assert client.get("/tra-cuu/", {"ma": CODE, "dien_thoai": f"{n:04d}"}).status_code == 200

    response = client.get("/tra-cuu/", {"ma": CODE, "dien_thoai": "6813"})  # even the right one, now

    assert response.status_code == 429
    assert "Số điện thoại đã bị nhập sai quá nhiều lần" in page_of(response)
    assert "Đã tiếp nhận hồ sơ" not in page_of(response)
    assert client.get("/tra-cuu/", {"ma": CODE}).status_code == 200


def test_wrong_phone_numbers_are_limited_per_dossier_across_addresses(accepted):
    """R-TRK-1: spreading guesses over many addresses does not get through either."""
    for n in range(WRONG_PHONE_PER_DOSSIER.count):
        client = Client(REMOTE_ADDR=f"192.0.2.{n + 1}")
        assert client.get("/tra-cuu/", {"ma": CODE, "dien_thoai": f"{n:04d}"}).status_code == 200

    response = Client(REMOTE_ADDR="192.0.2.200").get("/tra-cuu/", {"ma": CODE, "dien_thoai": "6813"})

    assert response.status_code == 429


def test_the_tracking_answer_is_not_cached(accepted):
    response = Client().get("/tra-cuu/", {"ma": CODE})
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_every_portal_page_links_to_tracking_in_the_header(procedure):
    """R-TRK-1: "Tra cứu hồ sơ" one click from anywhere in the portal."""
    for url in ["/", "/thu-tuc/", "/thu-tuc/1.001193/", "/dang-nhap/"]:
        header = page_of(Client().get(url)).split("</header>")[0]
        assert 'href="/tra-cuu/"' in header, url


def test_the_form_is_labelled_for_screen_readers_and_works_without_javascript(accepted):
    page = page_of(Client().get("/tra-cuu/"))
    assert '<form method="get" action="/tra-cuu/">' in page
    assert '<label for="ma">' in page and 'id="ma"' in page
    assert '<label for="dien_thoai">' in page and 'id="dien_thoai"' in page
    assert 'aria-describedby="ma-hint"' in page
    status = page_of(Client().get("/tra-cuu/", {"ma": CODE}))
    assert status.count('id="ma"') == 1 and status.count('id="dien_thoai"') == 1


def test_the_qr_code_target_of_printed_forms_opens_the_status(accepted, settings):
    """R-TRK-1: tracking_url() is what the QR code carries; /tra-cuu/<code>/ leads there too."""
    settings.SITE_URL = "https://dichvucong.example.gov.vn/"
    target = tracking_url(code=CODE)
    assert target == f"https://dichvucong.example.gov.vn/tra-cuu/?ma={CODE}"

    response = Client().get(target.removeprefix("https://dichvucong.example.gov.vn"))
    assert response.status_code == 200 and CODE in page_of(response)

    redirect = Client().get(f"/tra-cuu/{CODE}/")
    assert redirect.status_code == 302 and redirect["Location"] == f"/tra-cuu/?ma={CODE}"
    assert Client().get(f"/tra-cuu/{CODE}", follow=True).redirect_chain[-1][0] == f"/tra-cuu/?ma={CODE}"
