"""Deadline reminders (issue 6; domain.md §1, §4): a daily run reminds each open audit's
parties (the enterprise's users and its consultancy's) of a deadline 30 and 7 days before
it is due and once it has passed, and tells the supervising authorities what became
overdue.

- A deadline applies while the audit still owes it (`OVERDUE_RULES`): start, report and
  acceptance in their states; the emission disclosure of an `exceeds_standards` entry
  until it is disclosed, whatever the audit's state (issue 12). A cancelled audit (its
  entry taken off the list) owes nothing.
- Stages, by the days left until the due date on the day of the run: 30 to 8 → the
  30-day reminder; 7 to 0 (the due date itself) → the 7-day one; from the day after the
  due date (as `overdue_q`: due < today) → "passed" (`days_before` 0). A run sends the
  stage of its own day only: after missed runs it catches up with that stage and skips
  the stale ones (no 30-day reminder within 7 days, no 7-day one once passed).
- Each reminder sent is a `ReminderLog` row, unique per (audit, deadline, due date,
  stage): a stage goes out once per due date; a moved due date is a new deadline. It is
  logged even when the audit has nobody to tell yet, so a later account gets no stale
  reminders.
- The run is one transaction. On PostgreSQL it first takes a transaction-level advisory
  lock, so a concurrent run waits and then finds this run's rows; only the rows a run
  inserts are notified, and the mails go after commit (`notify_each`).
"""

import datetime
import zlib
from collections import defaultdict
from functools import reduce
from operator import or_
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import User
from audits.choices import AuditState, Deadline
from audits.models import OVERDUE_RULES, Audit
from core.regions import supervising_codes
from notifications.messages import translated
from notifications.services import notify_each

from .models import ReminderLog

AHEAD = (30, 7)  # days before the due date
PASSED = 0  # `days_before` of the reminder that the deadline has passed
# The deadlines reminded of, in the order of the timeline (audits.choices.Deadline).
ORDER = [Deadline.START, Deadline.DISCLOSURE, Deadline.REPORT, Deadline.ACCEPTANCE]
# An authority's notification lists this many overdue deadlines, then "and n more".
LISTED = 20
LOCK_KEY = zlib.crc32(b"reporting.reminders.send_deadline_reminders")


class Reminder(NamedTuple):
    audit: Audit
    deadline: str
    due_on: datetime.date
    days_before: int

    @property
    def key(self) -> tuple:
        return (self.audit.pk, self.deadline, self.due_on, self.days_before)


def stage(due_on: datetime.date, today: datetime.date) -> int | None:
    """The reminder due on `today` for a deadline on `due_on`: 30, 7, PASSED or None."""
    left = (due_on - today).days
    if left < 0:
        return PASSED
    for days in sorted(AHEAD):
        if left <= days:
            return days
    return None


def deadline_rules() -> list[tuple[str, str, Q]]:
    """(deadline, the audit's field, the condition under which the audit still owes it):
    the overdue rules (audits.models.OVERDUE_RULES), the disclosure owed until it is
    made, whatever the audit's state; the steps around the audit (registration, filing)
    are reminded of by procedures."""
    return [(rule.kind, rule.field, rule.owed()) for rule in OVERDUE_RULES if rule.kind in ORDER]


def send_deadline_reminders(*, today: datetime.date | None = None) -> int:
    """Send the reminders due on `today` (default: the local date) that were not sent
    before. Returns how many reminders (audit × deadline × stage) this run sent."""
    today = today or timezone.localdate()
    with transaction.atomic():
        _lock()
        reminders = _due(today)
        if not reminders:
            return 0
        sent = set(
            ReminderLog.objects.filter(audit_id__in={r.audit.pk for r in reminders}).values_list(
                "audit_id", "deadline", "due_on", "days_before"
            )
        )
        new = [r for r in reminders if r.key not in sent]
        ReminderLog.objects.bulk_create(
            [
                ReminderLog(
                    audit=r.audit, deadline=r.deadline, due_on=r.due_on, days_before=r.days_before
                )
                for r in new
            ],
            ignore_conflicts=True,
        )
        _notify_parties(new)
        _notify_supervisors([r for r in new if r.days_before == PASSED])
    return len(new)


def _lock() -> None:
    """Serialise concurrent runs (PostgreSQL; SQLite serialises writers itself)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _due(today: datetime.date) -> list[Reminder]:
    """The reminder each owed deadline calls for today, from one query: the open audits
    with a deadline at most 30 days ahead whose "passed" reminder is not yet sent."""
    horizon = today + datetime.timedelta(days=max(AHEAD))
    rules = deadline_rules()
    annotations = {}
    for kind, field, owed in rules:
        passed_sent = ReminderLog.objects.filter(
            audit_id=OuterRef("pk"), deadline=kind, due_on=OuterRef(field), days_before=PASSED
        )
        annotations[f"remind_{kind}"] = ExpressionWrapper(
            owed & Q(**{f"{field}__lte": horizon}) & ~Q(Exists(passed_sent)),
            output_field=BooleanField(),
        )
    audits = (
        Audit.objects.exclude(state=AuditState.CANCELLED)
        .annotate(**annotations)
        .filter(reduce(or_, (Q(**{name: True}) for name in annotations)))
        .select_related("enterprise")
        .order_by("pk")
    )
    reminders = []
    for audit in audits:
        for kind, field, _owed in rules:
            if not getattr(audit, f"remind_{kind}"):
                continue
            due_on = getattr(audit, field)
            days = stage(due_on, today)
            if days is not None:
                reminders.append(Reminder(audit, kind, due_on, days))
    return reminders


def _notify_parties(reminders: list[Reminder]) -> None:
    """The enterprise's users and the engaged consultancy's (`audits.workflow.parties`),
    for all the audits in one query; one insert per kind."""
    if not reminders:
        return
    audits = {r.audit.pk: r.audit for r in reminders}.values()
    enterprises = {audit.enterprise_id for audit in audits}
    firms = {audit.consultancy_id for audit in audits if audit.consultancy_id}
    by_enterprise, by_firm = defaultdict(list), defaultdict(list)
    for user in User.objects.filter(
        Q(enterprise_id__in=enterprises) | Q(organization_id__in=firms), is_active=True
    ):
        if user.enterprise_id:
            by_enterprise[user.enterprise_id].append(user)
        if user.organization_id in firms:
            by_firm[user.organization_id].append(user)
    labels = {kind: translated(kind.label) for kind in ORDER}
    ahead, passed = [], []
    for reminder in reminders:
        audit = reminder.audit
        recipients = by_enterprise[audit.enterprise_id] + (
            by_firm[audit.consultancy_id] if audit.consultancy_id else []
        )
        if not recipients:
            continue
        params = {
            "enterprise": audit.enterprise.name,
            "round": audit.round,
            "deadline": labels[reminder.deadline],
            "due": reminder.due_on.isoformat(),
            "days_before": reminder.days_before,
        }
        (passed if reminder.days_before == PASSED else ahead).append((recipients, params))
    url = reverse("dashboard")
    notify_each(kind="deadline_ahead", url=url, messages=ahead)
    notify_each(kind="deadline_passed", url=url, messages=passed)


def supervising_regions(region_code: str) -> set[str]:
    """The regions whose authorities supervise an enterprise in `region_code`: its
    province, city and county (as `assessments.services.supervisors`)."""
    return supervising_codes(region_code)


def _notify_supervisors(passed: list[Reminder]) -> None:
    """One notification per authority listing what became overdue in its region in this
    run (not one per audit: a list's deadline passes for hundreds at once)."""
    if not passed:
        return
    by_region = defaultdict(list)
    for reminder in passed:
        for code in supervising_regions(reminder.audit.enterprise.region_id):
            by_region[code].append(reminder)
    officers = User.objects.filter(
        role=Role.AUTHORITY,
        is_active=True,
        organization__region_id__in=by_region,
    ).annotate(region_code=F("organization__region_id"))
    messages = []
    for officer in officers:
        overdue = sorted(
            by_region[officer.region_code],
            key=lambda r: (
                r.audit.enterprise.name,
                r.audit.round,
                ORDER.index(r.deadline),
                r.audit.pk,
            ),
        )
        messages.append(
            (
                [officer],
                {"count": len(overdue), "audits": translated(lambda o=overdue: _listing(o))},
            )
        )
    notify_each(
        kind="deadlines_overdue", url=reverse("audit-list") + "?overdue=true", messages=messages
    )


def _listing(overdue: list[Reminder]) -> str:
    """The overdue deadlines, in the active language."""
    items = [
        str(
            _("%(enterprise)s (round %(round)s): %(deadline)s, due %(due)s")
            % {
                "enterprise": r.audit.enterprise.name,
                "round": r.audit.round,
                "deadline": Deadline(r.deadline).label,
                "due": r.due_on.isoformat(),
            }
        )
        for r in overdue[:LISTED]
    ]
    if len(overdue) > LISTED:
        items.append(str(_("and %(count)s more") % {"count": len(overdue) - LISTED}))
    return "; ".join(items)
