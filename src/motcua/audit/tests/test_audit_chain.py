"""The audit log is an append-only hash chain; any alteration is detected (R-AUD-1)."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from motcua.audit import selectors
from motcua.audit.models import AuditEvent, AuditHead
from motcua.audit.selectors import events_for, verify_chain
from motcua.audit.services import GENESIS_HASH, audit_record
from motcua.identity.models import User

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger and row locks exist only on PostgreSQL (set DATABASE_URL=postgres://…)",
)


def record_three() -> list[AuditEvent]:
    return [
        audit_record(actor=None, action="dossier.submit", object_type="dossier", object_id=7, data={"n": 1}),
        audit_record(actor=None, action="dossier.accept", object_type="dossier", object_id=7, data={"n": 2}),
        audit_record(actor=None, action="dossier.submit", object_type="dossier", object_id=8, data={"n": 3}),
    ]


def tamper(sql: str, params: list) -> None:
    """Change the table behind the application's back, as someone with database access could.

    On PostgreSQL the append-only trigger is switched off for this test's transaction only.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def test_each_event_links_to_the_previous_one_and_the_chain_verifies():
    """R-AUD-1: each entry links to the previous by hash."""
    first, second, third = record_three()

    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert verify_chain() == selectors.VerifyResult(ok=True, checked=3, first_broken_id=None, reason="")


def test_an_empty_log_verifies():
    assert verify_chain().ok
    assert verify_chain().checked == 0


def test_the_acting_user_is_recorded_by_id_and_name():
    user = User.objects.create_user(username="001090012345", full_name="Nguyễn Văn An", password="x")

    event = audit_record(actor=user, action="profile.view", object_type="user", object_id=user.pk)

    assert (event.actor_id, event.actor_label) == (user.pk, "Nguyễn Văn An")
    assert event.object_id == str(user.pk)
    assert verify_chain().ok


def test_dates_and_decimals_in_data_are_stored_as_text_and_still_verify():
    audit_record(
        actor=None,
        action="payment.receive",
        object_type="payment",
        object_id="P-1",
        data={"amount": Decimal("200000"), "on": dt.date(2025, 7, 1), "note": "Lệ phí"},
    )

    event = AuditEvent.objects.get()
    assert event.data == {"amount": "200000", "on": "2025-07-01", "note": "Lệ phí"}
    assert verify_chain().ok


def test_a_given_time_in_another_zone_is_kept_to_the_microsecond_and_verifies():
    at = dt.datetime(2025, 7, 1, 14, 30, 5, 123456, tzinfo=dt.timezone(dt.timedelta(hours=7)))

    audit_record(actor=None, action="dossier.submit", object_type="dossier", object_id=1, at=at)

    assert AuditEvent.objects.get().at == at
    assert verify_chain().ok


def test_a_naive_time_is_refused_because_its_hash_could_not_be_checked_later():
    with pytest.raises(ValueError, match="aware"):
        audit_record(actor=None, action="a", object_type="t", object_id=1, at=dt.datetime(2025, 7, 1, 8, 0))  # noqa: DTZ001

    assert not AuditEvent.objects.exists()


def test_verification_reads_across_chunks(monkeypatch):
    monkeypatch.setattr(selectors, "CHUNK_SIZE", 2)
    for n in range(5):
        audit_record(actor=None, action="x", object_type="t", object_id=n)

    assert verify_chain().checked == 5


def test_an_event_whose_data_was_changed_is_named_as_the_first_broken():
    """R-AUD-1: any alteration is detected."""
    _first, second, _third = record_three()

    tamper("UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"n": 99}', second.pk])

    result = verify_chain()
    assert (result.ok, result.first_broken_id, result.checked) == (False, second.pk, 1)
    assert "đã bị sửa" in result.reason


def test_an_event_deleted_from_the_middle_is_detected_at_the_next_event():
    """R-AUD-1: deleting an entry breaks the link of the one after it."""
    first, second, third = record_three()

    tamper("DELETE FROM audit_auditevent WHERE id = %s", [second.pk])

    result = verify_chain()
    assert (result.ok, result.first_broken_id) == (False, third.pk)
    assert f"#{first.pk}" in result.reason
    assert "bị xóa" in result.reason


def test_a_changed_link_is_detected():
    """R-AUD-1: an event re-pointed at another predecessor is detected."""
    _first, second, _third = record_three()

    tamper("UPDATE audit_auditevent SET prev_hash = %s WHERE id = %s", [GENESIS_HASH, second.pk])

    assert verify_chain().first_broken_id == second.pk


def test_a_hash_rewritten_to_match_altered_data_still_breaks_the_next_link():
    _first, second, _third = record_three()

    tamper("UPDATE audit_auditevent SET hash = %s WHERE id = %s", ["f" * 64, second.pk])

    assert verify_chain().first_broken_id == second.pk


def test_events_deleted_from_the_end_are_detected_through_the_head():
    """R-AUD-1: truncating the newest events is detected too."""
    _first, _second, third = record_three()

    tamper("DELETE FROM audit_auditevent WHERE id = %s", [third.pk])

    result = verify_chain()
    assert (result.ok, result.first_broken_id, result.checked) == (False, third.pk, 2)


def test_nothing_is_recorded_when_the_callers_transaction_rolls_back():
    audit_record(actor=None, action="a", object_type="t", object_id=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="b", object_type="t", object_id=2)
        raise RuntimeError("the change failed")

    audit_record(actor=None, action="c", object_type="t", object_id=3)

    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["a", "c"]
    assert verify_chain().ok


def test_the_head_is_recreated_after_the_tables_were_emptied():
    AuditHead.objects.all().delete()

    audit_record(actor=None, action="a", object_type="t", object_id=1)

    assert AuditHead.objects.get().last_event_id == AuditEvent.objects.get().pk
    assert verify_chain().ok


def test_events_for_lists_one_objects_events_oldest_first():
    first, second, _third = record_three()

    assert list(events_for(object_type="dossier", object_id=7)) == [first, second]
    assert list(events_for(object_type="dossier", object_id="9")) == []


def test_verify_audit_reports_an_intact_log(capsys):
    record_three()

    call_command("verify_audit")

    assert "Nhật ký kiểm toán còn nguyên vẹn: 3 sự kiện." in capsys.readouterr().out


def test_verify_audit_names_the_first_broken_event_and_exits_1():
    _first, second, _third = record_three()
    tamper("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["dossier.refuse", second.pk])

    with pytest.raises(CommandError) as excinfo:
        call_command("verify_audit")

    assert excinfo.value.returncode == 1
    assert f"sự kiện #{second.pk}" in str(excinfo.value)


def test_the_admin_shows_events_but_allows_no_add_change_or_delete(admin_client):
    event = audit_record(actor=None, action="dossier.submit", object_type="dossier", object_id=7)

    assert admin_client.get("/admin/audit/auditevent/").status_code == 200
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    assert admin_client.get(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    change_page = admin_client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"action": "x"})
    assert change_page.status_code == 403
    assert verify_chain().ok


@postgres_only
def test_the_database_refuses_to_update_an_event():
    """R-AUD-1: on PostgreSQL the log is append-only at the database level."""
    event = audit_record(actor=None, action="a", object_type="t", object_id=1)

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET action = 'b' WHERE id = %s", [event.pk])


@postgres_only
def test_the_database_refuses_to_delete_an_event():
    """R-AUD-1: on PostgreSQL the log is append-only at the database level."""
    event = audit_record(actor=None, action="a", object_type="t", object_id=1)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_form_one_unbroken_chain():
    """R-AUD-1: writers in parallel transactions are serialised by the head lock."""
    threads_count, per_thread = 6, 15
    start = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            start.wait()
            for n in range(per_thread):
                with transaction.atomic():
                    audit_record(actor=None, action=f"w{worker}", object_type="t", object_id=n)
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    result = verify_chain()
    assert (result.ok, result.checked) == (True, threads_count * per_thread)
