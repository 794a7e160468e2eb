"""GET /api/v1/tracking/{code}/ (R-TRK-1): the public status in JSON, the same data and limits as the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.factories import DossierFactory
from motcua.dossiers.tracking import LOOKUPS, WRONG_PHONE

pytestmark = pytest.mark.django_db

CODE = "000.00.31.H26-261123-0042"
REFERENCE = "261123-M4RT9Q"
KEYS = {
    "code",
    "is_dossier_code",
    "procedure",
    "procedure_name",
    "agency",
    "agency_name",
    "status",
    "status_label",
    "stage",
    "stage_label",
    "submitted_at",
    "accepted_at",
    "due_at",
    "timeliness",
    "timeliness_label",
    "second_factor",
    "timeline",
}


@pytest.fixture
def dossier(procedure, citizen):
    citizen.phone = "0987 111 222"
    citizen.save(update_fields=["phone"])
    now = timezone.now()
    dossier = DossierFactory(
        submitted=True,
        procedure=procedure,
        applicant=citizen,
        reference=REFERENCE,
        form_data={"ho_ten": "Nguyễn Thị Minh Anh", "ngay_sinh": "1999-04-30"},
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        status=Dossier.Status.PROCESSING,
        stage=Dossier.Stage.TRANSFER,
        code=CODE,
        accepted_at=now - dt.timedelta(hours=5),
        due_at=now + dt.timedelta(days=4),
        original_due_at=now + dt.timedelta(days=4),
    )
    DossierEvent.objects.create(dossier=dossier, kind="submitted", at=now - dt.timedelta(hours=6))
    DossierEvent.objects.create(
        dossier=dossier, kind="accepted", at=now - dt.timedelta(hours=5), data={"official": "Lê Văn Tâm"}
    )
    dossier.refresh_from_db()
    return dossier


def url(code: str) -> str:
    return f"/api/v1/tracking/{code}/"


def secrets_of(dossier: Dossier) -> list[str]:
    applicant = dossier.applicant
    return [
        applicant.full_name,
        applicant.citizen_id,
        applicant.username,
        applicant.email,
        "0987 111 222",
        "Nguyễn Thị Minh Anh",
        "1999-04-30",
        "Lê Văn Tâm",
        str(dossier.public_id),
    ]


def test_anyone_gets_the_public_status_by_code_and_no_personal_data(anonymous, dossier):
    """R-TRK-1: no credentials needed; always the same keys; nothing about the applicant."""
    response = anonymous.get(url(CODE.lower()))

    assert response.status_code == 200
    data = response.json()
    assert set(data) == KEYS
    assert data["code"] == CODE and data["is_dossier_code"] is True
    assert data["procedure"] == "1.001193" and data["agency"] == "000.00.31.H26"
    assert (data["status"], data["status_label"]) == ("processing", "Đang giải quyết")
    assert (data["stage"], data["stage_label"]) == ("transfer", "Chuyển hồ sơ")
    assert (data["timeliness"], data["timeliness_label"]) == ("on_time", "Trong hạn")
    assert data["second_factor"] == "not_given" and data["timeline"] is None
    for secret in secrets_of(dossier):
        assert secret not in response.content.decode(), secret
    assert "no-store" in response["Cache-Control"]


def test_before_acceptance_the_reference_works_and_every_key_is_still_there(anonymous, procedure, citizen):
    DossierFactory(submitted=True, procedure=procedure, applicant=citizen, reference=REFERENCE)

    data = anonymous.get(url(REFERENCE)).json()

    assert set(data) == KEYS
    assert data["code"] == REFERENCE and data["is_dossier_code"] is False
    assert data["status"] == "submitted"
    assert data["stage"] is data["accepted_at"] is data["due_at"] is data["timeliness"] is None


def test_the_phone_digits_add_the_timeline_kinds_and_times_only(anonymous, dossier):
    """R-TRK-1: second factor."""
    data = anonymous.get(url(CODE), {"phone_last4": "1222"}).json()

    assert data["second_factor"] == "verified"
    assert [(e["kind"], e["label"]) for e in data["timeline"]] == [
        ("submitted", "Nộp hồ sơ thành công"),
        ("accepted", "Đã tiếp nhận hồ sơ"),
    ]
    assert all(set(event) == {"kind", "label", "at"} for event in data["timeline"])
    assert "Lê Văn Tâm" not in str(data)


def test_wrong_phone_digits_give_the_status_without_the_timeline(anonymous, dossier):
    data = anonymous.get(url(CODE), {"phone_last4": "9999"}).json()
    assert data["second_factor"] == "mismatch" and data["timeline"] is None
    assert data["status"] == "processing"


def test_phone_digits_that_are_not_four_digits_are_a_400_in_vietnamese(anonymous, dossier):
    response = anonymous.get(url(CODE), {"phone_last4": "12a4"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["errors"] == [
        {
            "field": "phone_last4",
            "code": "invalid",
            "message": "Hãy gửi đúng 4 chữ số cuối của số điện thoại người nộp, ví dụ 5678.",
        }
    ]


@pytest.mark.parametrize(
    "typed", ["000.00.31.H26-261123-0043", "%3Cscript%3E", "a%00b", "x" * 300, "Đơn", "261123-ZZZZZZ"]
)
def test_unknown_and_malformed_codes_answer_the_same_404(anonymous, dossier, typed):
    """R-TRK-1: one answer for both, in the API's error shape."""
    unknown = anonymous.get(url("000.00.31.H26-261123-0099"))
    response = anonymous.get(url(typed))

    assert response.status_code == unknown.status_code == 404
    assert response.json() == unknown.json()
    assert response.json()["code"] == "not_found"


def test_lookups_are_limited_per_address_with_a_429_and_retry_after(anonymous, dossier):
    """R-TRK-1: the same counter as the page: page and API together get LOOKUPS.count lookups."""
    for n in range(LOOKUPS.count - 1):
        anonymous.get(url(f"000.00.31.H26-261123-{n:04d}"))
    assert Client().get("/tra-cuu/", {"ma": CODE}).status_code == 200

    response = anonymous.get(url(CODE))

    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled" and body["status"] == 429
    assert "Hãy thử lại sau" in body["message"]
    assert 0 < int(response["Retry-After"]) <= LOOKUPS.window
    assert anonymous.get(url(CODE), REMOTE_ADDR="198.51.100.20").status_code == 200


def test_wrong_phone_digits_are_limited_harder(anonymous, dossier):
    """R-TRK-1: a few wrong second factors, then 429 for any second factor; the status stays available."""
    for n in range(WRONG_PHONE.count):
        assert anonymous.get(url(CODE), {"phone_last4": f"{n:04d}"}).json()["second_factor"] == "mismatch"

    assert anonymous.get(url(CODE), {"phone_last4": "1222"}).status_code == 429
    assert anonymous.get(url(CODE)).status_code == 200


def test_without_the_trailing_slash_the_api_says_where_to_go(anonymous, dossier):
    response = anonymous.get(f"/api/v1/tracking/{CODE}")
    assert response.status_code == 404
    assert "kết thúc bằng dấu “/”" in response.json()["message"]
