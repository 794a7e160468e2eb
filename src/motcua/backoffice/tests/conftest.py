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
