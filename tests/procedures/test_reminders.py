"""Each party told what is due: the registration and filing deadlines a week before and
once passed, each once; the meetings' material released on its day; both as the daily
tasks, on a real worker through the broker."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from audits.models import Audit
from notifications.models import Notification
from procedures import services, tasks
from procedures.models import Meeting, StepReminder
from tests.support.audits import engaged_audit
from tests.support.cast import make_cast
from tests.support.reviews import officer, seat_panel, submitted
from tests.support.worker import celery_worker_process  # noqa: F401  (fixture)

from .support import filed

TODAY = datetime.date(2026, 6, 1)


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@pytest.mark.django_db
def test_registration_and_filing_reminders_go_once_to_whom_they_concern(cast):
    audit = engaged_audit(cast, published_on=datetime.date(2026, 5, 1))
    Audit.objects.filter(pk=audit.pk).update(
        registration_due=TODAY + datetime.timedelta(days=3),
        filing_due=TODAY - datetime.timedelta(days=1),
    )
    Audit.objects.exclude(pk=audit.pk).update(registration_due=None, filing_due=None)
    Notification.objects.all().delete()
    assert services.step_reminders(TODAY) == 2
    assert services.step_reminders(TODAY) == 0  # once
    assert kinds(cast.user("enterprise_user")) == ["filing_passed", "registration_soon"]
    # the firm files: the registration is the enterprise's alone
    assert kinds(cast.user("consultant")) == ["filing_passed"]
    # registered and filed: nothing more is owed
    services.registration_save(
        actor=cast.user("enterprise_user"), audit=audit, contact_name="Li", contact_phone="1"
    )
    filed(cast, audit)
    assert services.step_reminders(TODAY + datetime.timedelta(days=10)) == 0
    assert StepReminder.objects.count() == 2


def test_the_daily_tasks_are_scheduled():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["step-reminders"]["task"] == "procedures.tasks.send_step_reminders"
    assert schedule["release-meeting-material"]["task"] == (
        "procedures.tasks.release_meeting_material"
    )


def test_the_release_runs_on_a_real_worker_through_the_broker_once(celery_worker_process):  # noqa: F811
    worker = celery_worker_process
    cast = make_cast()
    review = submitted(cast)
    seat_panel(cast, review)
    meeting = services.meeting_schedule(
        actor=officer(cast),
        review=review,
        held_on=services.workdays.after(timezone.localdate(), 6).day,
        place="Room 3",
    )
    # its release day has come (as the beat finds it on that morning)
    Meeting.objects.filter(pk=meeting.pk).update(release_on=timezone.localdate())

    def finished(result):
        return lambda: f"[{result.id}] succeeded" in worker.log.read_text()

    first = tasks.release_meeting_material.delay()
    worker.wait_for(finished(first), what="the release task")
    released = Notification.objects.filter(kind="meeting_released")
    assert released.count() == 3
    meeting.refresh_from_db()
    assert meeting.released_at is not None
    second = tasks.release_meeting_material.delay()
    worker.wait_for(finished(second), what="the second run")
    assert released.count() == 3
    result = worker.log.read_text().split(f"[{second.id}] succeeded")[1].split("\n")[0]
    assert result.endswith(": 0")
