"""dossier_track (R-TRK-1): the public view of a dossier, whether its appointment is kept, the limits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from motcua.dossiers.models import Dossier
from motcua.dossiers.selectors import dossier_for_tracking
from motcua.dossiers.tests.factories import DossierFactory
from motcua.dossiers.tracking import LATE, LOOKUPS, ON_TIME, TrackingLimited, dossier_track

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=HANOI)
DUE = dt.datetime(2026, 11, 27, 16, 0, tzinfo=HANOI)
CODE = "000.00.31.H26-261123-0001"


def day(n: int) -> dt.datetime:
    return DUE + dt.timedelta(days=n)


@pytest.fixture
def make(procedure, citizen):
    def make(**fields) -> Dossier:
        dossier = DossierFactory(
            submitted=True, procedure=procedure, applicant=citizen, reference="261123-AAAAAA"
        )
        Dossier.objects.filter(pk=dossier.pk).update(**fields)
        return dossier

    return make


@pytest.mark.parametrize(
    ("fields", "now", "expected"),
    [
        ({"status": "submitted"}, NOW, (None, None)),
        ({"status": "processing", "due_at": DUE, "original_due_at": DUE}, NOW, (ON_TIME, "Trong hạn")),
        ({"status": "processing", "due_at": DUE, "original_due_at": DUE}, day(1), (LATE, "Đã quá ngày hẹn trả kết quả")),
        (
            {"status": "processing", "due_at": day(3), "original_due_at": DUE},
            NOW,
            (LATE, "Trễ hẹn, đã hẹn lại ngày trả kết quả"),
        ),
        ({"status": "result_ready", "due_at": DUE, "result_ready_at": day(-1)}, day(5), (ON_TIME, "Đúng hẹn")),
        ({"status": "done", "due_at": DUE, "result_ready_at": day(1), "ended_at": day(2)}, day(5), (LATE, "Trễ hẹn")),
        ({"status": "rejected", "due_at": DUE, "ended_at": day(-2)}, day(5), (ON_TIME, "Đúng hẹn")),
        ({"status": "withdrawn", "due_at": DUE, "ended_at": day(-2)}, day(5), (None, None)),
        (
            {"status": "result_ready", "due_at": day(2), "original_due_at": DUE, "result_ready_at": day(1)},
            day(5),
            (LATE, "Trễ hẹn"),
        ),
    ],
)  # fmt: skip
def test_whether_the_appointment_is_kept(make, fields, now, expected):
    """R-TRK-1 (and R-TRK-2: an appointment moved by an apology counts late)."""
    make(code=CODE, **fields)
    tracking = dossier_track(code=CODE, client="test", now=now)
    assert tracking is not None
    assert (tracking.timeliness, tracking.timeliness_label) == expected


def test_the_public_view_holds_no_personal_data_at_all(make, citizen):
    """R-TRK-1: not even a field that could hold it; each field is listed here on purpose."""
    make(code=CODE, status="processing", stage="approval", due_at=DUE, form_data={"phone": "0900000000"})
    tracking = dossier_track(code=CODE, client="test", now=NOW)
    assert tracking is not None
    assert {f.name for f in dataclasses.fields(tracking)} == {
        "code",
        "is_dossier_code",
        "procedure_code",
        "procedure_name",
        "agency_code",
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
    values = " ".join(str(v) for v in dataclasses.astuple(tracking))
    for secret in (citizen.full_name, citizen.citizen_id, citizen.phone, "0900000000"):
        assert secret not in values
    assert tracking.stage_label == "Phê duyệt"


def test_malformed_codes_cost_no_query_and_find_nothing(make, django_assert_num_queries):
    make(code=CODE, status="processing")
    with django_assert_num_queries(0):
        for typed in ["", "x" * 41, "<b>", "ma\x00", "Đ-1", "-261123"]:
            assert dossier_for_tracking(code=typed) is None
    with django_assert_num_queries(1):
        assert dossier_for_tracking(code=f" {CODE.lower()} ") is not None


def test_the_lookup_limit_counts_every_lookup_found_or_not(make):
    make(code=CODE, status="processing")
    for n in range(LOOKUPS.count):
        dossier_track(code=f"nope-{n}", client="203.0.113.1")
    with pytest.raises(TrackingLimited) as limited:
        dossier_track(code=CODE, client="203.0.113.1")
    assert not limited.value.wrong_phone
    assert 0 < limited.value.retry_after <= LOOKUPS.window
