import datetime as dt
from zoneinfo import ZoneInfo

import pytest

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment in the week of Monday 23/11/2026 (sessions 07:30-11:30, 13:00-17:00;
    Tuesday 24/11 is a day off, Ngày Văn hóa Việt Nam)."""
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=HANOI)


@pytest.fixture
def awaiting(procedure):
    """make(due, **fields): a submitted dossier of `agency` whose check is due at `due`."""
    from motcua.dossiers.tests.factories import DossierFactory

    def make(due: dt.datetime, **fields):
        return DossierFactory(
            submitted=True,
            procedure=procedure,
            submitted_at=due - dt.timedelta(hours=8),
            check_due_at=due,
            **fields,
        )

    return make


# The states of the one-stop process, in order, as the workflow services reach them.
STATES = [
    "submitted",
    "supplement_requested",
    "refused",
    "specialist_unassigned",
    "specialist_assigned",
    "approval",
    "result",
    "result_ready",
    "done",
]


@pytest.fixture
def consulted(other_agency):
    """A specialist of `other_agency` (Sở Tư pháp), the agency a Ba Đình dossier is sent to for an opinion."""
    from motcua.identity.models import OfficialRole
    from motcua.identity.tests.factories import OfficialFactory

    return OfficialFactory(
        agency=other_agency, username="chuyenvien.sotuphap", roles=[OfficialRole.Role.SPECIALIST]
    )


@pytest.fixture
def third_official(db):
    """A specialist and leader of a third agency, which no dossier here concerns (R-PROH-4)."""
    from motcua.catalog.tests.factories import AgencyFactory
    from motcua.identity.models import OfficialRole
    from motcua.identity.tests.factories import OfficialFactory

    return OfficialFactory(
        agency=AgencyFactory(name="Ủy ban nhân dân phường Hoàn Kiếm"),
        username="canbo.hoankiem",
        roles=[OfficialRole.Role.SPECIALIST, OfficialRole.Role.LEADER, OfficialRole.Role.RECEPTIONIST],
    )


@pytest.fixture
def advance(receptionist, specialist, leader, pdf_bytes):
    """advance(dossier, state): take a submitted dossier to `state` (one of STATES) through the services."""
    from motcua.workflow import services
    from motcua.workflow.services import SupplementItem

    def to(dossier, state):
        assert state in STATES
        if state == "submitted":
            return dossier
        if state == "supplement_requested":
            services.request_supplement(
                dossier=dossier,
                official=receptionist,
                items=[SupplementItem("form.dien_thoai", "Số điện thoại không đúng; hãy ghi số đang dùng.")],
            )
        elif state == "refused":
            services.refuse(
                dossier=dossier, official=receptionist, reason="Không thuộc thẩm quyền của phường."
            )
        else:
            services.accept(dossier=dossier, official=receptionist)
            path = ["specialist_assigned", "approval", "result", "result_ready", "done"]
            steps = path[: path.index(state) + 1] if state in path else []
            if "specialist_assigned" in steps:
                services.assign(dossier=dossier, official=leader, assignee=specialist)
            if "approval" in steps:
                services.attach_result(
                    dossier=dossier, official=specialist, original_name="kq.pdf", chunks=[pdf_bytes]
                )
                services.submit_for_approval(dossier=dossier, official=specialist)
            if "result" in steps:
                services.approve(dossier=dossier, official=leader)
            if "result_ready" in steps:
                services.issue_result(dossier=dossier, official=specialist)
            if "done" in steps:
                services.return_result(dossier=dossier, official=receptionist)
        dossier.refresh_from_db()
        return dossier

    return to
