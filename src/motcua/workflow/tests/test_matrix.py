"""The state × action × role matrix (R-PROH-6, R-PROH-4): the buttons an official sees are exactly the
transitions allowed for their role and the dossier's state, and every other transition is refused with a
reason and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.dossiers.models import Dossier
from motcua.workflow import services
from motcua.workflow.services import SupplementItem, WorkflowError

ITEM = [SupplementItem("form.dien_thoai", "Số điện thoại không đúng; hãy ghi số đang dùng.")]


def _to_state(state, dossier, receptionist, specialist, leader, pdf):
    if state == "submitted":
        return
    if state == "supplement_requested":
        services.request_supplement(dossier=dossier, official=receptionist, items=ITEM)
        return
    if state == "refused":
        services.refuse(dossier=dossier, official=receptionist, reason="Không thuộc thẩm quyền của phường.")
        return
    services.accept(dossier=dossier, official=receptionist)
    if state == "specialist_unassigned":
        return
    services.assign(dossier=dossier, official=leader, assignee=specialist)
    if state == "specialist_assigned":
        return
    if state == "suspended":
        services.suspend(
            dossier=dossier, official=specialist, ground="fee", reason="Chờ nộp lệ phí trực tuyến."
        )
        return
    services.attach_result(dossier=dossier, official=specialist, original_name="kq.pdf", chunks=[pdf])
    services.submit_for_approval(dossier=dossier, official=specialist)
    if state == "approval":
        return
    services.approve(dossier=dossier, official=leader)
    if state == "result":
        return
    services.issue_result(dossier=dossier, official=specialist)
    if state == "result_ready":
        return
    services.return_result(dossier=dossier, official=receptionist)
    assert state == "done"


# What each role may do in each state, written out by hand from D45 Art. 11-12 and D118 Chapter III.
EXPECTED = {
    "submitted": {"receptionist": {"accept", "request_supplement", "refuse"}},
    "supplement_requested": {},
    "refused": {},
    "specialist_unassigned": {
        "receptionist": {"request_supplement"},
        "specialist": {"assign"},
        "leader": {"assign", "reject", "apologise", "suspend"},
    },
    "specialist_assigned": {
        "receptionist": {"request_supplement"},
        "specialist": {"consult", "attach_result", "submit_for_approval", "reject", "suspend"},
        "leader": {"assign", "reject", "apologise", "suspend"},
    },
    # R-PROC-6: while the clock is paused the work waits; only resuming, rejecting or a supplement request.
    "suspended": {
        "receptionist": {"request_supplement"},
        "specialist": {"reject", "resume"},
        "leader": {"reject", "resume"},
    },
    "approval": {
        "receptionist": {"request_supplement"},
        "leader": {"approve", "send_back", "reject", "apologise", "suspend"},
    },
    "result": {
        "receptionist": {"request_supplement", "issue_result"},
        "specialist": {"issue_result"},
        "leader": {"reject", "apologise", "suspend"},
    },
    "result_ready": {"receptionist": {"return_result"}},
    "done": {},
}


def _call(action, dossier, official, specialist, other_agency, pdf):
    calls = {
        "accept": lambda: services.accept(dossier=dossier, official=official),
        "request_supplement": lambda: services.request_supplement(
            dossier=dossier, official=official, items=ITEM, legal_basis="Luật Hộ tịch, Điều 16, khoản 2."
        ),
        "refuse": lambda: services.refuse(
            dossier=dossier, official=official, reason="Không thuộc thẩm quyền."
        ),
        "assign": lambda: services.assign(dossier=dossier, official=official, assignee=specialist),
        "consult": lambda: services.consult(
            dossier=dossier, official=official, agency=other_agency, question="Xin ý kiến về nội dung này."
        ),
        "attach_result": lambda: services.attach_result(
            dossier=dossier, official=official, original_name="kq.pdf", chunks=[pdf]
        ),
        "submit_for_approval": lambda: services.submit_for_approval(dossier=dossier, official=official),
        "approve": lambda: services.approve(dossier=dossier, official=official),
        "send_back": lambda: services.send_back(dossier=dossier, official=official, note="Cần sửa lại."),
        "issue_result": lambda: services.issue_result(dossier=dossier, official=official),
        "return_result": lambda: services.return_result(dossier=dossier, official=official),
        "reject": lambda: services.reject(
            dossier=dossier, official=official, reason="Không đủ điều kiện theo luật."
        ),
        "suspend": lambda: services.suspend(
            dossier=dossier, official=official, ground="fee", reason="Chờ nộp lệ phí trực tuyến."
        ),
        "resume": lambda: services.resume(dossier=dossier, official=official),
        "apologise": lambda: services.apologise(
            dossier=dossier,
            official=official,
            reason="Cần xác minh thêm thông tin.",
            new_due_at=(dossier.due_at or dossier.submitted_at) + dt.timedelta(days=30),
        ),
    }
    assert set(calls) == set(services.ACTIONS)
    return calls[action]()


@pytest.mark.parametrize("state", list(EXPECTED))
def test_allowed_actions_are_exactly_the_matrix_and_everything_else_is_refused_R_PROH_6(
    state, submitted, receptionist, specialist, leader, other_receptionist, other_agency, pdf_bytes
):
    _to_state(state, submitted, receptionist, specialist, leader, pdf_bytes)
    submitted.refresh_from_db()
    actors = {
        "receptionist": receptionist,
        "specialist": specialist,
        "leader": leader,
        "other_agency": other_receptionist,  # R-PROH-4: never anything on another agency's dossier
    }
    for name, official in actors.items():
        assert set(services.allowed_actions(submitted, official)) == EXPECTED[state].get(name, set()), name

    before = Dossier.objects.values().get(pk=submitted.pk)
    for name, official in actors.items():
        for action in sorted(set(services.ACTIONS) - EXPECTED[state].get(name, set())):
            with pytest.raises(WorkflowError) as error:
                _call(action, submitted, official, specialist, other_agency, pdf_bytes)
            assert error.value.problems[0].message, (name, action)
    assert Dossier.objects.values().get(pk=submitted.pk) == before
