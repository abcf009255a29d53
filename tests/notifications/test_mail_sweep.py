"""Mail lost while Redis was down is sent by the sweep (issue 14, item 4): notifications
still unmailed after the grace period are mailed, each exactly once, by the beat task on
a real worker; a sender at the same time skips the rows being mailed."""

import datetime
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core.tasks import task
from cpaudit.celery import app as celery_app
from notifications.models import Notification
from notifications.services import notifications_mail_sweep, notify, unmailed
from tests.reporting.test_report_worker import private_broker  # noqa: F401  (fixture)
from tests.support.cast import make_cast
from tests.support.lists import published_list
from tests.support.worker import celery_worker_process  # noqa: F401  (fixture)

GRACE = datetime.timedelta(seconds=settings.NOTIFICATION_MAIL_GRACE_SECONDS)


def age(queryset, by=GRACE * 2):
    queryset.update(created_at=F("created_at") - by)


def owed_notice(cast, role="consultant"):
    # Made outside a committing transaction's after-commit hook: nothing mails it.
    return Notification.objects.create(
        recipient=cast.user(role), kind="list_published", params={}, url="/x/"
    )


def test_the_sweep_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-unmailed-notifications"]
    assert entry["task"] == "notifications.tasks.sweep_unmailed_notifications"
    assert entry["schedule"] <= 60
    assert task(entry["task"]).name == entry["task"]


@pytest.mark.django_db
def test_the_sweep_mails_only_what_is_owed_past_the_grace_period(cast):
    old, fresh, done = (owed_notice(cast) for _ in range(3))
    no_address = owed_notice(cast, "expert")
    no_address.recipient.email = ""
    no_address.recipient.save()
    age(Notification.objects.filter(pk__in=[old.pk, done.pk, no_address.pk]))
    Notification.objects.filter(pk=done.pk).update(emailed_at=timezone.now())

    assert notifications_mail_sweep() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [cast.user("consultant").email]
    assert "/x/" in mail.outbox[0].body
    assert set(unmailed().values_list("pk", flat=True)) == {fresh.pk}
    assert notifications_mail_sweep() == 0  # once
    assert notifications_mail_sweep(now=timezone.now() + GRACE * 2) == 1  # fresh, later


@pytest.mark.django_db(transaction=True)
def test_a_sender_at_the_same_time_skips_the_rows_being_mailed():
    """Real row locks on PostgreSQL: while another sender holds some rows (it is sending
    their mail), the sweep mails only the others; none is mailed twice."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    cast = make_cast()
    notices = [owed_notice(cast) for _ in range(4)]
    age(Notification.objects.all())
    held, release = threading.Event(), threading.Event()

    def other_sender():
        with transaction.atomic():
            list(
                Notification.objects.filter(
                    pk__in=[notices[0].pk, notices[1].pk]
                ).select_for_update()
            )
            held.set()
            release.wait(10)
        connection.close()

    thread = threading.Thread(target=other_sender)
    thread.start()
    assert held.wait(10)
    try:
        assert notifications_mail_sweep() == 2
    finally:
        release.set()
        thread.join()
    assert set(unmailed().values_list("pk", flat=True)) == {notices[0].pk, notices[1].pk}
    assert notifications_mail_sweep() == 2
    assert len(mail.outbox) == 4 and not unmailed().exists()


@pytest.mark.broker
def test_mail_lost_while_redis_was_down_is_sent_once_by_the_sweep_on_a_worker(
    transactional_db,
    private_broker,  # noqa: F811
    request,
):
    cast = make_cast()
    private_broker.stop()
    celery_app.conf.task_always_eager = False  # as in full mode
    try:
        published_list(cast, year=2026)
        notify(recipients=[cast.user("consultant")], kind="list_published", params={})
    finally:
        celery_app.conf.task_always_eager = True
    owed = list(unmailed().values_list("recipient__email", flat=True))
    assert len(owed) >= 2 and not Notification.objects.filter(emailed_at__isnull=False).exists()
    age(Notification.objects.all())

    private_broker.start()
    worker = request.getfixturevalue("celery_worker_process")  # on the broker that is back
    celery_app.conf.task_always_eager = False
    # Sent by the project's app, whose broker is the private one (as beat sends it).
    for _ in range(2):  # beat twice: still once each
        celery_app.send_task("notifications.tasks.sweep_unmailed_notifications", queue=worker.queue)
    worker.wait_for(
        lambda: not unmailed().exists(), timeout=120, what="the sweep to mail the notices"
    )
    worker.wait_for(
        lambda: worker.log.read_text().count("sweep_unmailed_notifications") >= 4,
        timeout=120,
        what="both sweeps to finish",
    )
    text = "".join(path.read_text() for path in sorted(worker.mail_dir.iterdir()))
    assert text.count("Subject: ") == len(owed)
    for address in set(owed):
        assert text.count(f"To: {address}") == owed.count(address)
