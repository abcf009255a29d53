"""Read queries and read-side rules of the audits app."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Case, Count, DateField, F, Q, Value, When
from django.db.models.functions import Coalesce, Least
from django.utils.translation import gettext as _

from enterprises.models import Region

from .choices import BEFORE_REPORT, CLOSED, AuditState, Deadline
from .models import OVERDUE_RULES, Audit, overdue_q
from .workflow import REVIEW_MOVES, available_transitions


def enterprise_timeline(audit, *, disclosed: bool, today) -> list[dict]:
    """The enterprise's deadlines by date (design.md "Web UI"): each `done`, `overdue`
    (by the same rule as `Audit.overdue_kinds`), `next` (the first one still ahead) or
    `open`."""
    state = audit.state
    cancelled = state == AuditState.CANCELLED
    overdue = set(audit.overdue_kinds(today))
    done = {
        Deadline.START: state != AuditState.NOT_STARTED and not cancelled,
        Deadline.DISCLOSURE: disclosed,
        Deadline.REPORT: state not in BEFORE_REPORT and not cancelled,
        Deadline.ACCEPTANCE: state in (AuditState.UNDER_ACCEPTANCE, AuditState.COMPLETED),
    }
    deadlines = [(kind, getattr(audit, kind.field), finished) for kind, finished in done.items()]
    timeline = []
    for kind, due, finished in sorted((d for d in deadlines if d[1]), key=lambda d: d[1]):
        status = "done" if finished else "overdue" if kind in overdue else "open"
        timeline.append({"kind": kind.value, "label": kind.label, "due": due, "status": status})
    if not cancelled:
        ahead = [item for item in timeline if item["status"] == "open"]
        if ahead:
            ahead[0]["status"] = "next"
    return timeline


# --- the dashboards' work (issue 17) ---------------------------------------------------

# "Due soon" on the deadline board and in the audit list's deadline filter.
DUE_SOON_DAYS = 30
# Audits per page of the consultant's work queue: each row runs its checklist's guards
# (a few queries), so the page stays short and its cost does not grow with the firm.
QUEUE_PAGE_SIZE = 10
# Sorts audits that owe no deadline now (under review, waiting) after every dated one.
_NO_DEADLINE = datetime.date(9999, 12, 31)


def _next_owed_due():
    """The earliest date among the deadlines the audit still owes (OVERDUE_RULES), as
    SQL; _NO_DEADLINE when it owes none. Coalesce first: PostgreSQL's LEAST skips NULLs,
    SQLite's returns NULL."""
    return Least(
        *[
            Coalesce(
                Case(When(rule.owed(), then=F(rule.field))),
                Value(_NO_DEADLINE),
                output_field=DateField(),
            )
            for rule in OVERDUE_RULES
        ]
    )


def next_deadline(audit, today) -> dict | None:
    """The first deadline the audit still owes, with the days left (negative once it
    has passed, `days_overdue` then); `list_entry__disclosure` selected."""
    owed = [
        (getattr(audit, rule.field), rule.kind)
        for rule in OVERDUE_RULES
        if getattr(audit, rule.field) and rule.owed_by(audit)
    ]
    if not owed:
        return None
    due, kind = min(owed)
    days_left = (due - today).days
    return {
        "kind": kind,
        "label": Deadline(kind).label,
        "due": due,
        "days_left": days_left,
        "days_overdue": max(0, -days_left),
        "overdue": days_left < 0,
    }


def next_step(audit) -> dict:
    """What stands between the audit and its next phase: the unmet reasons of the
    forward move of its checklist (workflow.available_transitions), or that a review's
    conclusion moves it on."""
    moves = available_transitions(audit)
    if not moves:
        return {"to": None, "label": "", "waiting": False, "missing": []}
    forward = moves[0]
    return {
        "to": forward["to"],
        "label": AuditState(forward["to"]).label,
        "waiting": audit.state in REVIEW_MOVES,
        "missing": [] if audit.state in REVIEW_MOVES else forward["unmet"],
    }


def work_queue(user, *, today, page=None):
    """The consultant's (or enterprise's) open audits, most urgent first: by the earliest
    deadline still owed, the audits owing none last. A page of QUEUE_PAGE_SIZE, each
    audit with `deadline` (next_deadline) and `step` (next_step)."""
    audits = (
        Audit.objects.for_user(user)
        .exclude(state__in=CLOSED)
        # The row's enterprise and the disclosure rule's entry; the planning guard reads
        # the team, the pre-assessment guard the targets.
        .select_related("enterprise__region", "list_entry__key_list", "list_entry__disclosure")
        .prefetch_related("team", "targets")
        .with_pending()
        .annotate(next_due=_next_owed_due())
        .order_by("next_due", "pk")
    )
    queue = Paginator(audits, QUEUE_PAGE_SIZE).get_page(page)
    for audit in queue:
        audit.deadline = next_deadline(audit, today)
        audit.step = next_step(audit)
    return queue


def _due_soon_q(rule, today, days) -> Q:
    return rule.owed() & Q(
        **{f"{rule.field}__gte": today, f"{rule.field}__lte": today + datetime.timedelta(days)}
    )


def deadline_q(kind: str, status: str, today, days: int = DUE_SOON_DAYS) -> Q:
    """The audits whose deadline `kind` is `overdue` (passed and still owed) or `soon`
    (owed within `days`): the board's cells and the audit list's deadline filter."""
    for rule in OVERDUE_RULES:
        if rule.kind == kind:
            if status == "overdue":
                return overdue_q(today, kinds=[kind])
            return _due_soon_q(rule, today, days)
    return Q(pk__in=[])


def deadline_choices() -> list[tuple[str, str]]:
    """The audit list's deadline filter: `<kind>_overdue` and `<kind>_soon`."""
    choices = []
    for rule in OVERDUE_RULES:
        label = Deadline(rule.kind).label
        choices.append((f"{rule.kind}_overdue", _("%(deadline)s: overdue") % {"deadline": label}))
        choices.append(
            (
                f"{rule.kind}_soon",
                _("%(deadline)s: due within %(days)s days")
                % {"deadline": label, "days": DUE_SOON_DAYS},
            )
        )
    return choices


def deadline_board(user, *, today, days: int = DUE_SOON_DAYS) -> dict:
    """The authority's deadline board: per city of its scope, how many audits are
    overdue and how many due within `days`, for each deadline kind (OVERDUE_RULES).
    One grouped query of `filter=` counts and one for the cities' names; the totals
    are the sums of the cities."""
    counts = {}
    for rule in OVERDUE_RULES:
        counts[f"{rule.kind}_overdue"] = Count(
            "pk", filter=rule.owed() & Q(**{f"{rule.field}__lt": today})
        )
        counts[f"{rule.kind}_soon"] = Count("pk", filter=_due_soon_q(rule, today, days))
    groups = (
        Audit.objects.for_user(user)
        # The audit's own city code (kept with its enterprise's region): no join to group.
        .values(city=F("city_code"))
        .annotate(**counts)
        .order_by("city")
    )
    kinds = [rule.kind for rule in OVERDUE_RULES]
    rows = [group for group in groups if any(group[key] for key in counts)]
    names = {
        region.code: region.name
        for region in Region.objects.filter(code__in=[row["city"] + "00" for row in rows])
    }
    cities = [
        {
            "prefix": row["city"],
            "name": names.get(row["city"] + "00", row["city"]),
            "cells": [(kind, row[f"{kind}_overdue"], row[f"{kind}_soon"]) for kind in kinds],
        }
        for row in rows
    ]
    totals = [
        (
            kind,
            sum(row[f"{kind}_overdue"] for row in rows),
            sum(row[f"{kind}_soon"] for row in rows),
        )
        for kind in kinds
    ]
    return {
        "kinds": [(kind, Deadline(kind).label) for kind in kinds],
        "cities": cities,
        "totals": totals,
        "days": days,
        "columns": 1 + 2 * len(kinds),
    }


def overdue_audits(user, *, today, limit: int = 10) -> list:
    """Who is overdue: the audits in scope with a deadline passed and still owed, the
    longest overdue first, at most `limit`, each with its `deadline` (next_deadline).
    The few are chosen over the audits' own columns, then read with their joins: the
    database joins `limit` rows, not every overdue audit of the scope."""
    ids = list(
        Audit.objects.for_user(user)
        .filter(overdue_q(today))
        .annotate(next_due=_next_owed_due())
        .order_by("next_due", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    rows = (
        Audit.objects.filter(pk__in=ids)
        .select_related("enterprise__region", "consultancy")
        .with_pending()
        .in_bulk()
    )
    audits = [rows[pk] for pk in ids if pk in rows]  # one deleted in between: skipped
    for audit in audits:
        audit.deadline = next_deadline(audit, today)
    return audits
