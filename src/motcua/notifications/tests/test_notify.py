"""notify(): the inbox message, the outbox row, and delivery after commit with retries."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from motcua.identity.models import User
from motcua.notifications import services
from motcua.notifications.models import InboxMessage, OutboxMessage
from motcua.notifications.selectors import inbox_for, unread_count
from motcua.notifications.services import inbox_mark_read, notify, outbox_deliver, outbox_deliver_due
from motcua.notifications.tasks import deliver_due_outbox

pytestmark = pytest.mark.django_db

FAILING_BACKEND = "motcua.notifications.tests.test_notify.FailingBackend"
REENTRANT_BACKEND = "motcua.notifications.tests.test_notify.SecondWorkerBackend"


class FailingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server unreachable")


class SecondWorkerBackend(BaseEmailBackend):
    """While the first worker is sending, a second worker tries to deliver the same row."""

    def send_messages(self, email_messages):
        SecondWorkerBackend.seen.append(outbox_deliver(message_id=OutboxMessage.objects.get().pk))
        mail.outbox.extend(email_messages)
        return len(email_messages)

    seen: list[str] = []


@pytest.fixture
def citizen():
    return User.objects.create_user(
        username="001090012345", full_name="Nguyễn Văn An", email="an@example.vn", password="x"
    )


def queue_one(user) -> OutboxMessage:
    """Write a notification without running the after-commit delivery."""
    notify(user=user, subject="Hồ sơ đã được tiếp nhận", body="Hồ sơ của bạn đã được tiếp nhận.")
    return OutboxMessage.objects.get()


def make_due(message: OutboxMessage) -> None:
    """Time passes until the next attempt is due."""
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_notify_fills_the_inbox_and_mails_the_user_after_commit(citizen, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = notify(
            user=citizen, subject="Cần bổ sung hồ sơ", body="Vui lòng bổ sung bản sao.", link="/ho-so/12/"
        )
        assert mail.outbox == []  # nothing leaves before the commit

    assert inbox_for(citizen).get() == message
    assert (message.subject, message.link) == ("Cần bổ sung hồ sơ", "/ho-so/12/")
    [email] = mail.outbox
    assert email.to == ["an@example.vn"]
    assert email.subject == "Cần bổ sung hồ sơ"
    assert "Vui lòng bổ sung bản sao." in email.body
    assert "http://127.0.0.1:8000/ho-so/12/" in email.body
    outbox = OutboxMessage.objects.get()
    assert (outbox.status, outbox.attempts, outbox.last_error) == ("sent", 1, "")
    assert outbox.sent_at is not None


def test_a_user_without_email_gets_only_the_inbox_message(django_capture_on_commit_callbacks):
    user = User.objects.create_user(username="079195001234", password="x")

    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, subject="Có kết quả", body="Hồ sơ đã có kết quả.")

    assert inbox_for(user).count() == 1
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_nothing_is_sent_when_the_transaction_rolls_back_and_it_is_sent_once_one_commits(citizen):
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user=citizen, subject="Hồ sơ đã được tiếp nhận", body="…")
        raise RuntimeError("the acceptance failed")

    assert not InboxMessage.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert mail.outbox == []

    with transaction.atomic():
        notify(user=citizen, subject="Hồ sơ đã được tiếp nhận", body="…")
        assert mail.outbox == []

    assert [email.to for email in mail.outbox] == [["an@example.vn"]]


def test_a_failed_send_stays_pending_with_backoff_and_a_later_run_sends_it(citizen, settings):
    message = queue_one(citizen)
    settings.EMAIL_BACKEND = FAILING_BACKEND

    before = timezone.now()
    assert outbox_deliver(message_id=message.pk) == "pending"

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "SMTP server unreachable" in message.last_error
    assert message.next_attempt_at >= before + timedelta(minutes=2)
    assert outbox_deliver_due() == {"sent": 0, "pending": 0, "failed": 0}  # not due yet

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_due(message)
    assert outbox_deliver_due() == {"sent": 1, "pending": 0, "failed": 0}

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 2, "")
    assert len(mail.outbox) == 1


def test_the_wait_doubles_after_each_failure():
    delays = [services.retry_delay(attempts) for attempts in range(1, 12)]

    assert delays[:4] == [timedelta(minutes=m) for m in (2, 4, 8, 16)]
    assert max(delays) == timedelta(hours=6)


def test_a_message_that_fails_eight_times_is_marked_failed(citizen, settings):
    message = queue_one(citizen)
    settings.EMAIL_BACKEND = FAILING_BACKEND

    outcomes = []
    for _attempt in range(services.MAX_ATTEMPTS):
        make_due(message)
        outcomes.append(outbox_deliver(message_id=message.pk))

    assert outcomes == ["pending"] * 7 + ["failed"]
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 8)
    make_due(message)
    assert outbox_deliver(message_id=message.pk) == "skipped"


def test_a_row_being_sent_cannot_be_claimed_by_a_second_worker(citizen, settings):
    message = queue_one(citizen)
    settings.EMAIL_BACKEND = REENTRANT_BACKEND
    SecondWorkerBackend.seen = []

    assert outbox_deliver(message_id=message.pk) == "sent"

    assert SecondWorkerBackend.seen == ["skipped"]
    assert len(mail.outbox) == 1
    assert outbox_deliver(message_id=message.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_row_abandoned_by_a_dead_worker_is_sent_after_its_lease(citizen):
    message = queue_one(citizen)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", attempts=1, next_attempt_at=timezone.now() + services.SENDING_LEASE
    )
    assert outbox_deliver_due()["sent"] == 0

    make_due(message)

    assert outbox_deliver_due()["sent"] == 1
    assert len(mail.outbox) == 1


def test_the_due_outbox_task_and_command_send_what_is_due(citizen, capsys):
    queue_one(citizen)
    notify(user=citizen, subject="Thứ hai", body="…")

    deliver_due_outbox.enqueue()
    assert len(mail.outbox) == 2

    call_command("deliver_outbox")
    assert "Đã gửi: 0." in capsys.readouterr().out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel workers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_parallel_workers_send_a_message_only_once():
    message = OutboxMessage.objects.create(
        channel="email",
        recipient="an@example.vn",
        subject="Một lần",
        body="…",
        next_attempt_at=timezone.now(),
    )
    workers = 6
    start = threading.Barrier(workers)
    outcomes: list[str] = []

    def work() -> None:
        try:
            start.wait()
            outcomes.append(outbox_deliver(message_id=message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["sent"] + ["skipped"] * (workers - 1)
    assert len(mail.outbox) == 1


def test_unread_count_and_mark_read(citizen):
    first = notify(user=citizen, subject="Một", body="…")
    notify(user=citizen, subject="Hai", body="…")
    assert unread_count(citizen) == 2

    inbox_mark_read(user=citizen, message_id=first.pk)
    inbox_mark_read(user=citizen, message_id=first.pk)

    assert unread_count(citizen) == 1
    assert [m.subject for m in inbox_for(citizen)] == ["Hai", "Một"]


def test_a_user_cannot_mark_someone_elses_message(citizen):
    other = User.objects.create_user(username="079195001234", password="x")
    message = notify(user=other, subject="Riêng", body="…")

    with pytest.raises(InboxMessage.DoesNotExist):
        inbox_mark_read(user=citizen, message_id=message.pk)

    assert unread_count(other) == 1
