"""Opening and closing audits from key-enterprise lists (domain.md §1, §7): publishing a
list opens one audit per entry, an amendment adds an entry (and its audit) or takes one
off (cancelling its audit, which must not have started), and the carry-over suggestions
name the enterprises that belong on next year's list.

The list's own states change in `enterprises.workflow`, the audit's in
`audits.workflow`; each service here is one transaction over both.
"""

import datetime

from django.db import transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import StateConflict
from enterprises import services as lists
from enterprises import workflow as list_workflow
from enterprises.choices import OpenAudit
from enterprises.models import (
    Enterprise,
    KeyEnterpriseList,
    ListAmendment,
    ListEntry,
    ProvincePolicy,
)
from notifications.messages import bilingual
from notifications.services import notify, notify_each

from . import workflow
from .choices import CLOSED, AuditState, Deadline, ReviewKind
from .models import OVERDUE_RULES, Audit, Carryover, overdue_q


def _next_rounds(enterprise_ids) -> dict[int, int]:
    last = dict(
        Audit.objects.filter(enterprise_id__in=enterprise_ids)
        .values_list("enterprise_id")
        .annotate(last=Max("round"))
    )
    return {pk: last.get(pk, 0) + 1 for pk in enterprise_ids}


def _open_audits(entries, policy: ProvincePolicy, day: datetime.date, actor) -> list[Audit]:
    """An audit per entry, with deadlines counted from `day` (domain.md §1). An enterprise
    with an audit still open from an earlier list (one open audit per enterprise) has it
    continued: the entry points at it (`Carryover`); or, where the authority chose so on
    the entry, that audit is cancelled with the reason and a new one opens. The audits
    the entries now answer to, new and continued."""
    open_by_enterprise = {
        audit.enterprise_id: audit
        # the names the notifications give, in the same query.
        for audit in Audit.objects.select_for_update(of=("self",))
        .select_related("list_entry__enterprise")
        .filter(enterprise_id__in=[entry.enterprise_id for entry in entries])
        .exclude(state__in=CLOSED)
    }
    blocked = [
        entry.enterprise.name
        for entry in entries
        if entry.open_audit == OpenAudit.CLOSE
        and entry.enterprise_id in open_by_enterprise
        and AuditState.CANCELLED
        not in workflow.LIST_MOVES.get(open_by_enterprise[entry.enterprise_id].state, ())
    ]
    if blocked:
        raise StateConflict(
            _("An open audit under review cannot be cancelled."),
            unmet=[
                _("%(enterprise)s: the audit is under review; continue it instead.")
                % {"enterprise": name}
                for name in blocked
            ],
        )
    fresh, carried, continued = [], [], []
    for entry in entries:
        current = open_by_enterprise.get(entry.enterprise_id)
        if current is None:
            fresh.append(entry)
        elif entry.open_audit == OpenAudit.CLOSE:
            workflow.audit_cancel(audit=current, actor=actor, reason=entry.closing_reason)
            fresh.append(entry)
        else:
            carried.append(Carryover(audit=current, entry=entry))
            continued.append(current)
    Carryover.objects.bulk_create(carried)
    rounds = _next_rounds([entry.enterprise_id for entry in fresh])
    audits = Audit.objects.bulk_create(
        [
            Audit(
                enterprise_id=entry.enterprise_id,
                list_entry=entry,
                round=rounds[entry.enterprise_id],
                **policy.deadlines(day, exceeds_standards=entry.exceeds_standards),
            )
            for entry in fresh
        ]
    )
    for audit, entry in zip(audits, fresh, strict=True):
        audit.list_entry = entry
    return audits + continued


def _notify_listed(key_list, audits, kind: str, extra: dict | None = None) -> None:
    users = User.objects.filter(
        enterprise_id__in=[audit.enterprise_id for audit in audits], is_active=True
    )
    by_enterprise: dict[int, list] = {}
    for user in users:
        by_enterprise.setdefault(user.enterprise_id, []).append(user)
    province = bilingual(key_list.province.name_zh, key_list.province.name_en)
    listed, disclose = [], []
    for audit in audits:
        recipients = by_enterprise.get(audit.enterprise_id, [])
        if not recipients:
            continue
        params = {
            "enterprise": audit.list_entry.enterprise.name,
            "year": key_list.year,
            "province": province,
            "start_due": audit.start_due.isoformat(),
            "report_due": audit.report_due.isoformat(),
            **(extra or {}),
        }
        listed.append((recipients, params))
        if audit.disclosure_due:
            disclose.append(
                (recipients, {**params, "disclosure_due": audit.disclosure_due.isoformat()})
            )
    notify_each(kind=kind, url=reverse("dashboard"), messages=listed)
    notify_each(kind="list_disclosure_due", url=reverse("dashboard"), messages=disclose)


@transaction.atomic
def key_list_publish(
    *, actor, key_list: KeyEnterpriseList, published_on: datetime.date | None = None
) -> KeyEnterpriseList:
    """Freeze the list, stamp `published_on`, open one audit per entry with deadlines
    from the province policy (domain.md §1), and tell the enterprises.

    The row lock makes a second, concurrent publish wait and then find the list
    published: one success, one conflict, one audit per entry.
    """
    lists.require_province_officer(actor, key_list.province_id)
    key_list = (
        KeyEnterpriseList.objects.select_for_update().select_related("province").get(pk=key_list.pk)
    )
    entries = list(key_list.entries.active().select_related("enterprise"))
    published_on = published_on or timezone.localdate()
    policy = list_workflow.list_publish(
        actor=actor, key_list=key_list, published_on=published_on, entries=entries
    )
    _notify_listed(key_list, _open_audits(entries, policy, published_on, actor), "list_published")
    return key_list


@transaction.atomic
def amendment_add(
    *, actor, key_list: KeyEnterpriseList, enterprise: Enterprise, categories, reason: str
) -> ListAmendment:
    """Add an enterprise to a published list. Its audit's deadlines count from today."""
    lists.require_province_officer(actor, key_list.province_id)
    key_list = (
        KeyEnterpriseList.objects.select_for_update().select_related("province").get(pk=key_list.pk)
    )
    amendment = lists.entry_amend_add(
        actor=actor, key_list=key_list, enterprise=enterprise, categories=categories, reason=reason
    )
    audits = _open_audits(
        [amendment.entry],
        ProvincePolicy.for_province(key_list.province_id),
        timezone.localdate(),
        actor,
    )
    _notify_listed(key_list, audits, "list_entry_added", {"reason": reason})
    return amendment


@transaction.atomic
def amendment_remove(*, actor, entry: ListEntry, reason: str) -> ListAmendment:
    """Take an enterprise off a published list; its audit is cancelled (a transition,
    with the reason) if it has not started. A started audit goes on, so such an entry
    cannot be removed."""
    key_list = (
        KeyEnterpriseList.objects.select_for_update()
        .select_related("province")
        .get(pk=entry.key_list_id)
    )
    entry = ListEntry.objects.select_for_update().select_related("enterprise").get(pk=entry.pk)
    amendment = list_workflow.entry_remove(
        actor=actor, key_list=key_list, entry=entry, reason=reason
    )
    audit = Audit.objects.select_for_update().filter(list_entry=entry).first()
    if audit and audit.state not in (AuditState.NOT_STARTED, AuditState.CANCELLED):
        raise StateConflict(
            _("The audit has started; the entry cannot be removed."),
            unmet=[
                _("The audit is in the state “%(state)s”.") % {"state": audit.get_state_display()}
            ],
        )
    if audit and audit.state == AuditState.NOT_STARTED:
        workflow.audit_cancel(audit=audit, actor=actor, reason=reason)
    notify(
        recipients=User.objects.filter(enterprise=entry.enterprise, is_active=True),
        kind="list_entry_removed",
        params={
            "enterprise": entry.enterprise.name,
            "year": key_list.year,
            "province": bilingual(key_list.province.name_zh, key_list.province.name_en),
            "reason": reason,
        },
        url=reverse("dashboard"),
    )
    return amendment


def _failed_rounds(audits) -> dict[int, dict]:
    """The latest review round of each of `audits` (per kind) when it failed and was not
    re-applied for: `{audit id: {"kind", "concluded_on"}}`, read through the audits' own
    `reviews` relation (the review app lies above this one)."""
    latest = {}
    rows = (
        Audit.objects.filter(pk__in=[audit.pk for audit in audits], reviews__isnull=False)
        .values_list(
            "pk", "reviews__kind", "reviews__round", "reviews__result", "reviews__concluded_on"
        )
        .order_by("pk", "reviews__kind", "reviews__round")
    )
    for pk, kind, _round, result, concluded_on in rows:
        latest[(pk, kind)] = {"kind": kind, "result": result, "concluded_on": concluded_on}
    return {pk: row for (pk, _kind), row in latest.items() if row["result"] == "failed"}


def _enforcement(audits) -> tuple[dict, dict]:
    """Urge notices per audit and penalties per enterprise, `(count, latest)` each (two
    queries through the reverse relations of supervision, the room above)."""
    ids = [audit.pk for audit in audits]
    urges = {
        pk: (count, last)
        for pk, count, last in Audit.objects.filter(pk__in=ids, urges__isnull=False)
        .values_list("pk")
        .annotate(count=Count("urges"), last=Max("urges__sent_at"))
        .values_list("pk", "count", "last")
        .order_by()
    }
    penalties = {
        pk: (count, last)
        for pk, count, last in Enterprise.objects.filter(
            pk__in={audit.enterprise_id for audit in audits}, penalties__isnull=False
        )
        .values_list("pk")
        .annotate(count=Count("penalties"), last=Max("penalties__decided_on"))
        .values_list("pk", "count", "last")
        .order_by()
    }
    return urges, penalties


def carry_over_suggestions(*, key_list: KeyEnterpriseList, actor) -> list[dict]:
    """Enterprises of the province that belong on next year's list, each with why
    (domain.md §7): an audit overdue today, a failed review not yet re-applied for, or a
    next round falling due in the list's year, or a penalty decided against the
    enterprise; the urge notices sent about an audit and the penalties are shown beside
    (issue 16). Those already on the list, or outside the actor's scope (a city officer
    sees its city's), are left out."""
    today = timezone.localdate()
    prefix = key_list.province_id[:2]
    listed = key_list.entries.active().values("enterprise_id")
    # The deadlines whose miss carries over (not the steps around the audit).
    carried = [rule.kind for rule in OVERDUE_RULES if rule.carries_over]
    audits = list(
        Audit.objects.for_user(actor)
        .filter(enterprise__region__code__startswith=prefix)
        .exclude(enterprise_id__in=listed)
        .filter(
            overdue_q(today, kinds=carried)
            | Q(next_round_due__year=key_list.year)
            | Q(pk__in=Audit.objects.filter(reviews__result="failed").values("pk"))
            # The urges and penalties of supervision (the room above), by their reverse
            # relations: a penalised enterprise's latest audit belongs on the next list.
            | Q(
                enterprise__in=Audit.objects.filter(enterprise__penalties__isnull=False).values(
                    "enterprise_id"
                )
            )
        )
        .select_related("enterprise", "list_entry__key_list", "list_entry__disclosure")
        .order_by("enterprise__name", "round")
    )
    failures = _failed_rounds(audits)
    urges, penalties = _enforcement(audits)
    suggestions: dict[int, dict] = {}
    for audit in audits:
        reasons = []
        if review := failures.get(audit.pk):
            reasons.append(
                _("round %(round)s: the %(review)s failed on %(date)s")
                % {
                    "round": audit.round,
                    "review": ReviewKind(review["kind"]).label.lower(),
                    "date": review["concluded_on"],
                }
            )
        for kind in [k for k in audit.overdue_kinds(today) if k in carried]:
            reasons.append(
                Deadline(kind).missed
                % {"round": audit.round, "date": getattr(audit, Deadline(kind).field)}
            )
        if audit.next_round_due and audit.next_round_due.year == key_list.year:
            reasons.append(
                Deadline.NEXT_ROUND.missed % {"round": audit.round, "date": audit.next_round_due}
            )
        if audit.pk in urges:
            count, last = urges[audit.pk]
            reasons.append(
                _("round %(round)s: urged %(count)s times, last on %(date)s")
                % {"round": audit.round, "count": count, "date": timezone.localdate(last)}
            )
        if audit.enterprise_id in penalties:
            count, last = penalties.pop(audit.enterprise_id)
            reasons.append(
                _("penalised %(count)s times, last on %(date)s") % {"count": count, "date": last}
            )
        if reasons:
            suggestion = suggestions.setdefault(
                audit.enterprise_id,
                {"enterprise": audit.enterprise, "reasons": [], "categories": []},
            )
            suggestion["reasons"].extend(reasons)
            # The categories of its latest list entry, for adding it as it was listed.
            if audit.list_entry is not None and audit.list_entry.categories:
                suggestion["categories"] = list(audit.list_entry.categories)
    return list(suggestions.values())


@transaction.atomic
def carry_over_add_all(*, key_list: KeyEnterpriseList, actor) -> tuple[list, list]:
    """Every carry-over suggestion added to the draft list at once ("add all"), each
    through `entry_save` with its reasons and the categories of its latest entry. An
    enterprise never listed before has no categories to take over: it is left among the
    suggestions, to be added with its own (returned second, by name)."""
    lists.require_province_officer(actor, key_list.province_id)
    lists.require_draft(key_list)
    added, left = [], []
    for suggestion in carry_over_suggestions(key_list=key_list, actor=actor):
        if not suggestion["categories"]:
            left.append(suggestion["enterprise"])
            continue
        added.append(
            lists.entry_save(
                actor=actor,
                key_list=key_list,
                enterprise=suggestion["enterprise"],
                categories=suggestion["categories"],
                reason="; ".join(suggestion["reasons"]),
            )
        )
    return added, left
