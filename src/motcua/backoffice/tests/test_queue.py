"""The queue of dossiers awaiting check: order, keyset pages, search, states on the working calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.backoffice.selectors import awaiting_check, awaiting_check_counts
from motcua.backoffice.templatetags.backoffice import working_time_left
from motcua.backoffice.tests.conftest import at
from motcua.catalog.tests.factories import ProcedureFactory
from motcua.dossiers.tests.factories import DossierFactory
from motcua.identity.tests.factories import CitizenFactory

MONDAY_10 = at(23, 10)


def refs(page) -> list[str]:
    return [row.dossier.reference for row in page.rows]


def test_the_queue_shows_the_most_urgent_first_and_only_submitted_dossiers_of_the_officials_agencies(
    awaiting, receptionist, other_agency, procedure
):
    """R-PROH-4, R-CHK-1: earliest check deadline first; ties by id; no drafts, no other agency's."""
    late = awaiting(at(24, 9), reference="LATE")
    first = awaiting(at(23, 14), reference="FIRST")
    tie_a = awaiting(at(23, 15), reference="TIE-A")
    tie_b = awaiting(at(23, 15), reference="TIE-B")
    DossierFactory(procedure=procedure)  # a draft
    DossierFactory(submitted=True, procedure=ProcedureFactory(agencies=[other_agency]), reference="FOREIGN")

    page = awaiting_check(official=receptionist, now=MONDAY_10)

    assert tie_a.pk < tie_b.pk
    assert refs(page) == [first.reference, tie_a.reference, tie_b.reference, late.reference]
    assert page.next_after is None


def test_keyset_pages_cover_every_dossier_once_even_with_equal_deadlines(awaiting, receptionist):
    due_times = [at(23, 14), at(23, 15), at(23, 15), at(23, 15), at(24, 8), at(24, 8), at(25, 9)]
    expected = [awaiting(due).reference for due in due_times]

    seen, after, pages = [], None, 0
    while True:
        page = awaiting_check(official=receptionist, after=after, limit=3, now=MONDAY_10)
        seen += refs(page)
        pages += 1
        if page.next_after is None:
            break
        after = page.next_after

    assert seen == expected  # same order, no duplicates, no gaps
    assert pages == 3


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("KHOP-123", ["KHOP-123"]),
        ("khop-123", ["KHOP-123"]),
        (" khop - 123 ", ["KHOP-123"]),
        ("KHOP", []),  # a reference is matched whole
        ("Lê Thị", ["BY-NAME"]),
        ("lê thị", ["BY-NAME"]),
        ("Thị Cúc", ["BY-NAME"]),
        ("lê", ["BY-NAME"]),  # shorter than a trigram: the queue is read in order instead
        ("001185000777", ["BY-ID"]),
        ("001185", []),  # a citizen ID is matched whole
        ("nobody", []),
    ],
)
def test_search_finds_by_reference_applicant_name_or_citizen_id(awaiting, receptionist, query, expected):
    awaiting(at(23, 14), reference="KHOP-123")
    awaiting(at(23, 15), reference="BY-NAME", applicant=CitizenFactory(full_name="Lê Thị Cúc"))
    awaiting(
        at(23, 16),
        reference="BY-ID",
        applicant=CitizenFactory(citizen_id="001185000777", username="001185000777"),
    )

    assert refs(awaiting_check(official=receptionist, q=query, now=MONDAY_10)) == expected


def test_search_finds_a_resubmitted_dossier_by_its_dossier_code(awaiting, receptionist):
    """After a supplement the dossier awaits check again, with the code it got at acceptance (R-CODE-3)."""
    awaiting(at(23, 14), reference="261120-AAAAAA", code="000.00.31.H26-261120-0003")
    awaiting(at(23, 15), reference="261120-BBBBBB")

    found = awaiting_check(official=receptionist, q="000.00.31.h26-261120-0003", now=MONDAY_10)

    assert refs(found) == ["261120-AAAAAA"]


def test_the_procedure_filter_keeps_only_that_procedure(awaiting, receptionist, agency):
    other = ProcedureFactory(agencies=[agency])
    awaiting(at(23, 14), reference="MINE")
    DossierFactory(submitted=True, procedure=other, reference="OTHER")

    assert refs(awaiting_check(official=receptionist, procedure_code=other.code, now=MONDAY_10)) == ["OTHER"]


@pytest.mark.parametrize(
    ("now", "due", "state", "text"),
    [
        # Same morning: 1 h 30 min left, inside 2 working hours.
        (at(23, 10), at(23, 11, 30), "due_soon", "còn 1 giờ 30 phút làm việc"),
        # Across lunch: 10:00 -> 13:30 is 2 working hours (11:30-13:00 does not count).
        (at(23, 10), at(23, 13, 30), "due_soon", "còn 2 giờ làm việc"),
        (at(23, 10), at(23, 14), "ok", "còn 2 giờ 30 phút làm việc"),
        # Friday 16:00 -> Monday 08:30: 64 hours on the clock, but only 2 working hours.
        (at(27, 16), at(30, 8, 30), "due_soon", "còn 2 giờ làm việc"),
        # Tuesday 24/11 is a day off (Ngày Văn hóa Việt Nam): Monday 10:00 -> Wednesday 10:00 is 8 hours.
        (at(23, 10), at(25, 10), "ok", "còn 8 giờ làm việc"),
        (at(23, 10), at(23, 9, 30), "overdue", "quá hạn 30 phút làm việc"),
        # Due at 11:30, seen during lunch: no working time has passed since, yet it is late.
        (at(23, 12), at(23, 11, 30), "overdue", "quá hạn"),
    ],
)
def test_due_soon_and_overdue_are_counted_in_working_time(awaiting, receptionist, now, due, state, text):
    """R-CHK-1, R-CHK-3: the 8-working-hour check; due soon at 2 working hours or less; overdue once past."""
    awaiting(due)

    [row] = awaiting_check(official=receptionist, now=now).rows

    assert row.state == state
    assert working_time_left(row.remaining) == text


def test_the_counts_match_the_states_of_the_rows(awaiting, receptionist):
    """R-CHK-3: the page header counts due-soon and overdue checks on the same working calendar."""
    for due in [at(23, 9), at(23, 11), at(23, 13, 30), at(23, 14), at(24, 10)]:
        awaiting(due)

    counts = awaiting_check_counts(official=receptionist, now=MONDAY_10)
    states = [row.state for row in awaiting_check(official=receptionist, now=MONDAY_10).rows]

    assert (counts.total, counts.overdue, counts.due_soon) == (5, 1, 2)
    assert states == ["overdue", "due_soon", "due_soon", "ok", "ok"]


def test_a_citizen_has_an_empty_queue(awaiting, citizen):
    awaiting(at(23, 14))

    assert awaiting_check(official=citizen, now=MONDAY_10).rows == []
    assert awaiting_check_counts(official=citizen, now=MONDAY_10).total == 0


def count_queries(django_assert_num_queries, receptionist, expected: int) -> None:
    with django_assert_num_queries(expected):
        page = awaiting_check(official=receptionist, limit=50, now=MONDAY_10)
        for row in page.rows:  # what the page shows of each row
            _ = (row.dossier.procedure.name, row.dossier.agency.name, row.dossier.applicant.display_name)


@pytest.mark.parametrize("rows", [5, 30])
def test_the_queue_costs_the_same_queries_for_5_or_30_rows(
    awaiting, receptionist, django_assert_num_queries, rows
):
    """The official's agencies, the page itself, and one calendar per agency on the page: 3 queries."""
    for i in range(rows):
        awaiting(at(23, 14) + dt.timedelta(minutes=i))

    count_queries(django_assert_num_queries, receptionist, 3)
