"""Deadline reminders (issue 6 item 4): 30 and 7 days before each due date and once it
has passed, to the enterprise and its consultancy; the authorities in scope are told what
became overdue; each reminder exactly once, however often the run repeats."""

import datetime
import io
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone, translation

from accounts.choices import Role
from audits import publishing
from audits.choices import AuditState
from audits.models import Audit
from cpaudit.celery import app as celery_app
from enterprises import services as lists
from enterprises.choices import EntryStatus, ListStatus
from enterprises.models import KeyEnterpriseList, ListEntry
from notifications.models import Notification
from reporting import tasks
from reporting.models import ReminderLog
from reporting.reminders import send_deadline_reminders, stage
from tests.support.audits import engaged_audit
from tests.support.cast import enterprise, make_cast, user
from tests.support.matrix import assert_constant_queries, count_queries
from tests.support.worker import celery_worker_process  # noqa: F401  (fixture)

TODAY = datetime.date(2026, 6, 1)
FAR = TODAY + datetime.timedelta(days=300)
KINDS = ("deadline_ahead", "deadline_passed", "deadlines_overdue")
PARTIES = ["consultant", "enterprise_user"]
SUPERVISORS = ["city_officer", "province_officer"]  # Nanjing's EPB and Jiangsu's


def day(offset: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=offset)


def due_audit(cast, state=None, **deadlines) -> Audit:
    """The Nanjing enterprise's audit (cast.firm engaged) with `deadlines`; every other
    deadline, of it and of the Suzhou audit on the same list, far away."""
    audit = engaged_audit(cast, published_on=datetime.date(2026, 3, 1))
    Audit.objects.update(start_due=FAR, report_due=FAR, disclosure_due=FAR, acceptance_due=None)
    Audit.objects.filter(pk=audit.pk).update(**deadlines, **({"state": state} if state else {}))
    return Audit.objects.get(pk=audit.pk)


def reminders():
    return Notification.objects.filter(kind__in=KINDS).select_related("recipient")


def received(**filters) -> list[tuple]:
    return sorted((n.recipient.username, n.kind) for n in reminders().filter(**filters))


def logged() -> list[tuple]:
    return sorted(ReminderLog.objects.values_list("deadline", "due_on", "days_before"))


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """One run of the service on a given day, its mails sent (after commit, eagerly)."""

    def run(today):
        with django_capture_on_commit_callbacks(execute=True):
            return send_deadline_reminders(today=today)

    return run


def test_stages_by_days_left():
    due = TODAY
    assert [
        stage(due, due - datetime.timedelta(days=n)) for n in (31, 30, 8, 7, 1, 0, -1, -40)
    ] == [None, 30, 30, 7, 7, 7, 0, 0]


def test_30_day_7_day_and_passed_reminders_go_once_each_to_the_right_people(cast, run):
    due = day(30)
    due_audit(cast, start_due=due)

    assert run(day(-1)) == 0  # 31 days ahead: nothing yet
    assert run(TODAY) == 1
    assert received() == [(name, "deadline_ahead") for name in PARTIES]
    assert len(mail.outbox) == 2
    note = reminders().get(recipient=cast.user("enterprise_user"))
    assert note.text == (
        "Reminder: “Start the audit” for the audit of Jinling Paper Co. "
        "(round 1) is due by 2026-07-01."
    )
    assert note.url == "/dashboard/"

    assert run(TODAY) == 0  # the same day again
    assert run(day(22)) == 0  # 8 days left: still the 30-day stage, sent
    assert reminders().count() == 2 and len(mail.outbox) == 2

    assert run(day(23)) == 1  # 7 days left
    assert run(day(30)) == 0  # the due date itself: still the 7-day stage, sent
    assert reminders().count() == 4 and len(mail.outbox) == 4

    assert run(day(31)) == 1  # passed
    assert received(kind="deadline_passed") == [(name, "deadline_passed") for name in PARTIES]
    assert received(kind="deadlines_overdue") == [
        (name, "deadlines_overdue") for name in SUPERVISORS
    ]
    officer_note = reminders().get(recipient=cast.user("city_officer"))
    assert officer_note.text == (
        "Deadlines passed in your region since the last reminders "
        "(1): Jinling Paper Co. (round 1): Start the audit, due "
        "2026-07-01."
    )
    assert officer_note.url == "/audits/?overdue=true"
    assert run(day(31)) == 0 and run(day(60)) == 0
    assert reminders().count() == 8 and len(mail.outbox) == 8
    assert logged() == [("start", due, 0), ("start", due, 7), ("start", due, 30)]
    # Nobody else heard of it.
    assert not reminders().exclude(recipient__username__in=PARTIES + SUPERVISORS).exists()


def test_reminders_read_in_the_readers_language(cast, run):
    due_audit(cast, report_due=day(-1))
    run(TODAY)
    party = reminders().get(recipient=cast.user("consultant"))
    officer = reminders().get(recipient=cast.user("province_officer"))
    with translation.override("zh-hans"):
        assert "提交审核报告" in party.text and "2026-05-31" in party.text
        assert "提交审核报告" in officer.text
    with translation.override("en"):
        assert "Submit the audit report" in party.text and "提交" not in party.text
    # The mail carries both.
    body = next(m.body for m in mail.outbox if m.to == ["consultant@example.test"])
    assert "提交审核报告" in body and "Submit the audit report" in body


def test_each_deadline_is_reminded_in_the_states_that_owe_it(cast, run):
    audit = due_audit(
        cast,
        state=AuditState.FEASIBILITY,
        start_due=day(5),
        report_due=day(6),
        disclosure_due=day(7),
        acceptance_due=day(8),
    )
    assert run(TODAY) == 2  # report and disclosure; started, not yet assessed
    assert logged() == [("disclosure", day(7), 7), ("report", day(6), 7)]
    Audit.objects.filter(pk=audit.pk).update(state=AuditState.SUSTAINING)
    assert run(TODAY) == 1  # acceptance now (8 days left: the 30-day stage)
    assert ("acceptance", day(8), 30) in logged()


@pytest.mark.parametrize(
    "change",
    [
        "audit_started",
        "submitted_for_assessment",
        "applied_for_acceptance",
        "completed",
        "disclosed",
        "entry_removed_audit_cancelled",
        "entry_removed",
    ],
)
def test_a_deadline_no_longer_owed_is_not_reminded(cast, run, change):
    deadlines = {
        "start_due": day(3),
        "report_due": day(-2),
        "disclosure_due": day(20),
        "acceptance_due": day(-1),
    }
    owed = {
        "audit_started": (AuditState.PLANNING, {"start_due"}),
        "submitted_for_assessment": (AuditState.UNDER_ASSESSMENT, {"start_due", "report_due"}),
        "applied_for_acceptance": (
            AuditState.UNDER_ACCEPTANCE,
            {"start_due", "report_due", "acceptance_due"},
        ),
        # Completed, it owes the disclosure still (below), nothing else.
        "completed": (AuditState.COMPLETED, {"start_due", "report_due", "acceptance_due"}),
        "disclosed": (AuditState.UNDER_ACCEPTANCE, set(deadlines)),
        "entry_removed_audit_cancelled": (None, set(deadlines)),
        "entry_removed": (AuditState.UNDER_ACCEPTANCE, set(deadlines)),
    }
    state, gone = owed[change]
    audit = due_audit(cast, state=state, **{field: deadlines[field] for field in gone})
    if change == "disclosed":
        lists.disclosure_submit(
            actor=cast.user("enterprise_user"),
            entry=audit.list_entry,
            legal_representative="Li Wei",
            address="8 Riverside Road",
            document=SimpleUploadedFile(
                "m.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"
            ),
            pollutants=[
                {
                    "pollutant": "COD",
                    "discharge_mode": "direct",
                    "concentration": Decimal("120"),
                    "total_emitted_t": Decimal("55"),
                    "standard": "GB 3544-2008",
                    "standard_limit": Decimal("100"),
                }
            ],
        )
    elif change == "entry_removed_audit_cancelled":
        publishing.amendment_remove(
            actor=cast.user("province_officer"), entry=audit.list_entry, reason="Closed down"
        )
        assert Audit.objects.get(pk=audit.pk).state == AuditState.CANCELLED
    elif change == "entry_removed":
        ListEntry.objects.filter(pk=audit.list_entry_id).update(status=EntryStatus.REMOVED)
    assert run(TODAY) == 0
    assert not reminders().exists() and not ReminderLog.objects.exists()


@pytest.mark.parametrize("state", [AuditState.UNDER_ASSESSMENT, AuditState.COMPLETED])
def test_the_disclosure_is_reminded_until_made_whatever_the_state(cast, run, state):
    due_audit(cast, state=state, disclosure_due=day(-3))
    assert run(TODAY) == 1
    assert logged() == [("disclosure", day(-3), 0)]
    assert received(kind="deadline_passed") == [(n, "deadline_passed") for n in PARTIES]


def test_a_run_after_missed_days_catches_up_with_the_current_stage_only(cast, run):
    due_audit(cast, start_due=day(-10), report_due=day(3))
    assert run(TODAY) == 2
    # The report's 7-day reminder but not its stale 30-day one; the start's passed
    # reminder but neither of its earlier ones.
    assert logged() == [("report", day(3), 7), ("start", day(-10), 0)]
    assert received(kind="deadline_ahead") == [(n, "deadline_ahead") for n in PARTIES]
    assert received(kind="deadline_passed") == [(n, "deadline_passed") for n in PARTIES]
    with translation.override("en"):
        listing = reminders().get(recipient=cast.user("province_officer")).text
    assert "Start the audit, due 2026-05-22" in listing and "report" not in listing
    assert run(TODAY) == 0 and run(day(4)) == 1  # the report passes in turn


def test_a_moved_due_date_is_a_new_deadline(cast, run):
    audit = due_audit(cast, state=AuditState.IMPLEMENTATION, acceptance_due=day(-1))
    assert run(TODAY) == 1
    Audit.objects.filter(pk=audit.pk).update(acceptance_due=day(20))  # e.g. a new round
    assert run(TODAY) == 1
    assert logged() == [("acceptance", day(-1), 0), ("acceptance", day(20), 30)]


def test_authorities_get_one_notification_per_run_listing_their_region_only(cast, run):
    # Nanjing's start and Suzhou's report pass the same day.
    audit = due_audit(cast, start_due=day(-1))
    Audit.objects.exclude(pk=audit.pk).update(report_due=day(-1))
    assert run(TODAY) == 2
    by_officer = {
        n.recipient.username: n.params["count"]
        for n in reminders().filter(kind="deadlines_overdue")
    }
    # The province sees both (in one notification); Nanjing only its own enterprise.
    assert by_officer == {"province_officer": 2, "city_officer": 1}
    text = reminders().get(recipient=cast.user("province_officer")).text
    assert "Jinling Paper Co." in text and "Wujiang Dyeing Co." in text


def test_query_count_does_not_grow_with_the_audits(cast):
    key_list = KeyEnterpriseList.objects.create(
        year=2026,
        province_id="320000",
        title="2026",
        status=ListStatus.PUBLISHED,
        published_on=datetime.date(2026, 3, 1),
    )
    serial = iter(range(100, 1000))

    def grow(n):
        for _ in range(n):
            number = next(serial)
            listed = enterprise(f"Enterprise {number}", "320115", "22", number)
            user(f"staff_{number}", Role.ENTERPRISE, enterprise=listed)
            entry = ListEntry.objects.create(
                key_list=key_list, enterprise=listed, exceeds_standards=True
            )
            # A 30-day, a 7-day and a passed reminder each.
            Audit.objects.create(
                enterprise=listed,
                list_entry=entry,
                consultancy=cast.firm,
                start_due=day(30),
                report_due=day(5),
                disclosure_due=day(-1),
            )

    queries = assert_constant_queries(lambda: send_deadline_reminders(today=TODAY), grow)
    # Savepoint, lock, audits, reminders sent, insert; parties, insert × 2; authorities,
    # insert; release (on PostgreSQL; no lock on SQLite).
    assert queries <= 11
    assert ReminderLog.objects.count() == 20 * 3
    assert count_queries(lambda: send_deadline_reminders(today=TODAY)) <= 5  # nothing due


def test_the_daily_task_is_scheduled_and_runs_in_process(cast):
    entry = settings.CELERY_BEAT_SCHEDULE["deadline-reminders"]
    assert entry["task"] == tasks.send_deadline_reminders.name
    assert entry["task"] in celery_app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})
    today = timezone.localdate()
    due_audit(cast, start_due=today - datetime.timedelta(days=2))
    assert tasks.send_deadline_reminders.delay().get() == 1
    assert tasks.send_deadline_reminders.delay().get() == 0
    assert received(kind="deadline_passed") == [(n, "deadline_passed") for n in PARTIES]


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once():
    if connection.vendor != "postgresql":
        pytest.skip("the advisory lock is tested against PostgreSQL (DATABASE_URL)")
    cast = make_cast()
    due_audit(cast, start_due=day(-1), report_due=day(7), disclosure_due=day(30))
    barrier = threading.Barrier(2)
    counts = []

    def send():
        try:
            barrier.wait(timeout=10)
            counts.append(send_deadline_reminders(today=TODAY))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(counts) == [0, 3]
    assert ReminderLog.objects.count() == 3
    assert reminders().filter(kind="deadline_passed").count() == 2
    assert reminders().filter(kind="deadline_ahead").count() == 4
    assert reminders().filter(kind="deadlines_overdue").count() == 2


@pytest.mark.broker
def test_the_task_runs_on_a_real_worker_through_the_broker_once(celery_worker_process):  # noqa: F811
    worker = celery_worker_process
    cast = make_cast()
    today = timezone.localdate()
    # Stages that hold even if the worker's day turned over since.
    due_audit(
        cast,
        start_due=today - datetime.timedelta(days=5),
        report_due=today + datetime.timedelta(days=20),
        disclosure_due=today + datetime.timedelta(days=3),
    )

    def finished(result):
        return lambda: f"[{result.id}] succeeded" in worker.log.read_text()

    first = tasks.send_deadline_reminders.delay()
    worker.wait_for(finished(first), what="the reminder task")
    assert logged() == sorted(
        [
            ("start", today - datetime.timedelta(days=5), 0),
            ("report", today + datetime.timedelta(days=20), 30),
            ("disclosure", today + datetime.timedelta(days=3), 7),
        ]
    )
    assert reminders().count() == 3 * len(PARTIES) + len(SUPERVISORS)
    # The worker mailed them, through a second task it queued after its commit.
    worker.wait_for(
        lambda: not reminders().filter(emailed_at__isnull=True).exists(), what="the reminder mails"
    )

    second = tasks.send_deadline_reminders.delay()
    worker.wait_for(finished(second), what="the second run")
    assert ReminderLog.objects.count() == 3
    assert reminders().count() == 3 * len(PARTIES) + len(SUPERVISORS)
    # The worker logs what the task returned: nothing sent.
    result = worker.log.read_text().split(f"[{second.id}] succeeded")[1].split("\n")[0]
    assert result.endswith(": 0")


# --- without beat: the command and the embedded default's daily run (issue 17) ---------


def test_the_command_sends_the_days_reminders_once(cast):
    from django.core.management import CommandError, call_command

    due_audit(cast, report_due=day(30))
    out = io.StringIO()
    call_command("send_deadline_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert out.getvalue().strip() == "1 reminder(s) sent."
    assert received() == [(role, "deadline_ahead") for role in PARTIES]
    call_command("send_deadline_reminders", "--date", TODAY.isoformat(), stdout=out)
    assert out.getvalue().strip().endswith("0 reminder(s) sent.")
    with pytest.raises(CommandError, match="--date"):
        call_command("send_deadline_reminders", "--date", "June 1st")


def test_the_embedded_default_sends_the_reminders_after_the_first_request_of_a_day(
    cast, client, settings, monkeypatch
):
    from django.core.signals import request_finished

    from reporting import daily

    audit = due_audit(cast, report_due=timezone.localdate() + datetime.timedelta(days=30))
    monkeypatch.setitem(daily._last_run, "day", None)
    settings.DAILY_REMINDERS = True
    daily.connect()
    try:
        client.force_login(cast.user("expert"))
        client.get("/dashboard/")
        assert received() == [(role, "deadline_ahead") for role in PARTIES]
        assert daily._last_run["day"] == timezone.localdate()
        # Later requests of the day run nothing.
        ReminderLog.objects.filter(audit=audit).delete()
        client.get("/dashboard/")
        assert len(received()) == 2 and not ReminderLog.objects.filter(audit=audit).exists()
    finally:
        request_finished.disconnect(dispatch_uid="daily-deadline-reminders")
    assert settings.DAILY_REMINDERS and daily.run_once_a_day() is None
