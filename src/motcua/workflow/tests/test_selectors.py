"""The officials' work queues: who sees which row (R-PROH-4), most urgent first, keyset pages, filters, and a
constant number of queries per page whatever its size."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from motcua.catalog.tests.factories import AgencyFactory, ProcedureFactory
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import DossierFactory
from motcua.identity.models import OfficialRole
from motcua.identity.tests.factories import CitizenFactory, OfficialFactory
from motcua.workflow import selectors
from motcua.workflow.models import Consultation, ProcessingStep
from motcua.workflow.selectors import QueueFilters

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
Role = OfficialRole.Role
Kind = ProcessingStep.Kind


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in the week of Monday 23/11/2026 (Tuesday 24/11 is a day off)."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=HANOI)


NOW = at(25, 10)


def refs(page) -> list[str]:
    return [row.dossier.reference for row in page.rows]


@pytest.fixture
def processing(procedure):
    """make(ref, step_due, kind=…, assignee=…, closed=…, **dossier fields): a dossier in processing whose
    open step (or closed one, with closed=True) is of `kind`, due at `step_due`."""
    counter = iter(range(1, 10_000))

    def make(reference, step_due, *, kind=Kind.SPECIALIST, assignee=None, closed=False, **fields):
        fields.setdefault("procedure", procedure)
        fields.setdefault("due_at", step_due + dt.timedelta(days=3))
        dossier = DossierFactory(
            submitted=True,
            status=Dossier.Status.PROCESSING,
            reference=reference,
            code=f"CODE-{next(counter):04d}",
            **fields,
        )
        ProcessingStep.objects.create(
            dossier=dossier,
            order=1,
            kind=kind,
            role=Role.LEADER if kind == Kind.APPROVAL else Role.SPECIALIST,
            budget_hours=Decimal(8),
            assignee=assignee,
            received_at=step_due - dt.timedelta(hours=8),
            due_at=step_due,
            handed_over_at=step_due if closed else None,
        )
        return dossier

    return make


@pytest.fixture
def foreign_procedure(other_agency):
    return ProcedureFactory(agencies=[other_agency])


def test_my_work_holds_my_steps_and_the_unassigned_ones_my_roles_may_take(
    processing, foreign_procedure, receptionist, specialist, leader, agency
):
    colleague = OfficialFactory(agency=agency, roles=[Role.SPECIALIST])
    processing("MINE", at(25, 14), assignee=specialist)
    processing("FREE", at(25, 9))
    processing("FREE-RESULT", at(26, 9), kind=Kind.RESULT)
    processing("COLLEAGUE", at(25, 8), assignee=colleague)
    processing("APPROVAL", at(25, 8), kind=Kind.APPROVAL)
    processing("DONE-BY-ME", at(23, 8), assignee=specialist, closed=True)
    processing("FOREIGN", at(25, 8), procedure=foreign_procedure)

    assert refs(selectors.my_work(official=specialist, now=NOW)) == ["FREE", "MINE", "FREE-RESULT"]
    # A leader takes nothing himself but sees what waits to be assigned.
    assert refs(selectors.my_work(official=leader, now=NOW)) == ["FREE"]
    assert refs(selectors.my_work(official=receptionist, now=NOW)) == []
    filtered = selectors.my_work(official=specialist, filters=QueueFilters(status=Kind.RESULT), now=NOW)
    assert refs(filtered) == ["FREE-RESULT"]


def test_approval_waits_for_the_agencys_leaders_only(processing, foreign_procedure, specialist, leader):
    processing("TO-APPROVE", at(25, 15), kind=Kind.APPROVAL)
    processing("APPROVED", at(25, 9), kind=Kind.APPROVAL, closed=True)
    processing("FOREIGN", at(25, 9), kind=Kind.APPROVAL, procedure=foreign_procedure)

    assert refs(selectors.awaiting_approval(official=leader, now=NOW)) == ["TO-APPROVE"]
    assert refs(selectors.awaiting_approval(official=specialist, now=NOW)) == []


def test_results_to_return_are_for_the_one_stop(procedure, foreign_procedure, receptionist, leader):
    ready = {"submitted": True, "status": Dossier.Status.RESULT_READY}
    DossierFactory(procedure=procedure, reference="LATER", due_at=at(27, 9), **ready)
    DossierFactory(procedure=procedure, reference="SOONER", due_at=at(26, 9), **ready)
    DossierFactory(procedure=procedure, reference="DONE", due_at=at(23, 9), submitted=True, status="done")
    DossierFactory(procedure=foreign_procedure, reference="FOREIGN", due_at=at(23, 9), **ready)

    assert refs(selectors.awaiting_return(official=receptionist, now=NOW)) == ["SOONER", "LATER"]
    assert refs(selectors.awaiting_return(official=leader, now=NOW)) == []


def test_overdue_lists_late_processing_and_late_checks_longest_first_R_CHK_3(
    processing, procedure, foreign_procedure, receptionist, specialist, leader
):
    processing("LATE-RESULT", at(25, 8), due_at=at(23, 16))
    processing("ON-TIME", at(25, 8), due_at=at(27, 16))
    DossierFactory(submitted=True, procedure=procedure, reference="LATE-CHECK", check_due_at=at(23, 9))
    DossierFactory(submitted=True, procedure=procedure, reference="CHECK-OK", check_due_at=at(25, 16))
    DossierFactory(submitted=True, procedure=foreign_procedure, reference="FOREIGN", check_due_at=at(23, 8))

    page = selectors.overdue(official=leader, now=NOW)

    assert refs(page) == ["LATE-CHECK", "LATE-RESULT"]
    assert [row.state for row in page.rows] == ["overdue", "overdue"]
    assert page.rows[0].remaining < dt.timedelta(0)
    assert refs(selectors.overdue(official=receptionist, now=NOW)) == ["LATE-CHECK", "LATE-RESULT"]
    assert refs(selectors.overdue(official=specialist, now=NOW)) == []
    only_checks = selectors.overdue(official=leader, filters=QueueFilters(status="submitted"), now=NOW)
    assert refs(only_checks) == ["LATE-CHECK"]


def test_a_consultation_waits_at_the_consulted_agency_only_R_PROH_4(
    processing, receptionist, specialist, other_agency, other_receptionist
):
    consulted = OfficialFactory(agency=other_agency, roles=[Role.SPECIALIST])
    third = OfficialFactory(agency=AgencyFactory(), roles=[Role.SPECIALIST, Role.LEADER])
    dossier = processing("ASKED", at(25, 14), assignee=specialist)
    for answered in (None, at(24, 9)):
        Consultation.objects.create(
            dossier=dossier,
            agency=other_agency,
            requested_by=specialist,
            requested_at=at(23, 9),
            due_at=at(25, 9),
            question="Xin ý kiến.",
            answered_at=answered,
        )

    page = selectors.consultations_to_answer(official=consulted, now=NOW)

    assert refs(page) == ["ASKED"]
    assert page.rows[0].consultation.answered_at is None
    for nobody in (third, specialist, other_receptionist):  # a receptionist does not answer for the agency
        assert selectors.consultations_to_answer(official=nobody, now=NOW).rows == []


@pytest.mark.parametrize("queue", ["my_work", "overdue"])
def test_keyset_pages_cover_every_row_once_even_with_equal_deadlines(queue, processing, leader):
    due_times = [at(23, 9), at(23, 10), at(23, 10), at(23, 10), at(23, 14), at(23, 14), at(23, 16)]
    expected = [processing(f"R{i}", due, due_at=due).reference for i, due in enumerate(due_times)]
    list_page = {"my_work": selectors.my_work, "overdue": selectors.overdue}[queue]

    seen, after, pages = [], None, 0
    while True:
        page = list_page(official=leader, after=after, limit=3, now=NOW)
        seen += refs(page)
        pages += 1
        if page.next_after is None:
            break
        after = page.next_after

    assert seen == expected  # same order, no duplicates, no gaps
    assert pages == 3


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (QueueFilters(q="code-0001"), ["BY-CODE"]),
        (QueueFilters(q=" Code-0002 "), ["BY-NAME"]),  # codes and references are matched whole
        (QueueFilters(q="lê thị"), ["BY-NAME"]),
        (QueueFilters(q="001185000777"), ["BY-ID"]),
        (QueueFilters(due_by=dt.date(2026, 11, 25)), ["BY-CODE", "BY-NAME"]),
        (QueueFilters(procedure_code="none"), []),
    ],
)
def test_queues_filter_by_due_date_procedure_and_search_by_code_name_or_citizen_id(
    processing, leader, filters, expected
):
    processing("BY-CODE", at(25, 9))
    processing("BY-NAME", at(25, 16), applicant=CitizenFactory(full_name="Lê Thị Cúc"))
    processing(
        "BY-ID", at(26, 9), applicant=CitizenFactory(citizen_id="001185000777", username="001185000777")
    )

    assert refs(selectors.my_work(official=leader, filters=filters, now=NOW)) == expected


def test_the_procedure_filter(processing, leader, agency):
    other = ProcedureFactory(agencies=[agency])
    processing("MINE", at(25, 9))
    processing("OTHER", at(25, 9), procedure=other)

    filtered = selectors.my_work(official=leader, filters=QueueFilters(procedure_code=other.code), now=NOW)

    assert refs(filtered) == ["OTHER"]


QUEUES = {
    "my_work": (selectors.my_work, "leader"),
    "approval": (selectors.awaiting_approval, "leader"),
    "to_return": (selectors.awaiting_return, "receptionist"),
    "overdue": (selectors.overdue, "leader"),
    "consultations": (selectors.consultations_to_answer, "consulted"),
}


@pytest.mark.parametrize("rows", [5, 30])
@pytest.mark.parametrize("queue", list(QUEUES))
def test_each_queue_costs_three_queries_for_5_or_30_rows(
    queue,
    rows,
    processing,
    procedure,
    receptionist,
    leader,
    specialist,
    other_agency,
    django_assert_num_queries,
):
    """The official's roles, the page itself, and one calendar per agency on the page."""
    consulted = OfficialFactory(agency=other_agency, roles=[Role.SPECIALIST])
    for i in range(rows):
        due = at(23, 9) + dt.timedelta(minutes=i)
        if queue == "to_return":
            DossierFactory(submitted=True, status="result_ready", procedure=procedure, due_at=due)
            continue
        dossier = processing(
            f"Q{i}", due, due_at=due, kind=Kind.APPROVAL if queue == "approval" else Kind.SPECIALIST
        )
        if queue == "consultations":
            Consultation.objects.create(
                dossier=dossier,
                agency=other_agency,
                requested_by=specialist,
                requested_at=due,
                due_at=due,
                question="?",
            )
    list_page, who = QUEUES[queue]
    official = {"leader": leader, "receptionist": receptionist, "consulted": consulted}[who]

    with django_assert_num_queries(3):
        page = list_page(official=official, limit=50, now=NOW)
        for row in page.rows:  # what the page shows of each row
            _ = (row.dossier.procedure.name, row.dossier.applicant.display_name, row.dossier.code)
            if row.step is not None:
                _ = (row.step.assignee, row.step.giver)
            if row.consultation is not None:
                _ = row.consultation.question

    assert len(page.rows) == rows


def test_the_counts_of_the_navigation_match_the_queues_in_four_queries(
    processing, procedure, leader, receptionist, django_assert_num_queries
):
    processing("FREE", at(25, 9))
    processing("LATE", at(25, 9), due_at=at(23, 16))
    processing("APPROVE", at(25, 9), kind=Kind.APPROVAL)
    DossierFactory(submitted=True, procedure=procedure, check_due_at=at(23, 9))
    DossierFactory(submitted=True, procedure=procedure, status="result_ready", due_at=at(27, 9))

    with django_assert_num_queries(4):
        counts = selectors.queue_counts(official=leader, now=NOW)

    assert counts.counts == {
        "awaiting_check": 1,
        "my_work": len(selectors.my_work(official=leader, now=NOW).rows),
        "approval": 1,
        "to_return": 0,  # not a leader's queue
        "overdue": len(selectors.overdue(official=leader, now=NOW).rows),
        "consultations": 0,
    }
    assert counts.counts["my_work"] == 2 and counts.counts["overdue"] == 2
    # Each official sees the queues of their roles only.
    assert [name for name, _n in counts.visible()] == [
        "awaiting_check",
        "my_work",
        "approval",
        "overdue",
        "consultations",
    ]
    receptionist_queues = selectors.queue_counts(official=receptionist, now=NOW).visible()
    assert receptionist_queues == [("awaiting_check", 1), ("to_return", 1), ("overdue", 2)]
