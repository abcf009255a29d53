"""Key-enterprise lists: drafting, publishing, amending, disclosing (domain.md §1).

Every write to a list goes through here; the API and the HTML views only translate.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from audits.choices import AuditState
from audits.models import Audit, overdue_q
from cpaudit.errors import StateConflict
from cpaudit.files import check_upload
from cpaudit.services import require_role
from reporting.notifications import bilingual
from reporting.services import notify, notify_each

from .choices import AmendmentAction, Category, EntryStatus, ListStatus
from .models import (
    DisclosedPollutant,
    EmissionDisclosure,
    Enterprise,
    KeyEnterpriseList,
    ListAmendment,
    ListEntry,
    ProvincePolicy,
)


def require_province_officer(actor, province_code: str) -> None:
    """Creating and publishing a list is the province's business (a city proposes)."""
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    if actor.role == Role.AUTHORITY and actor.scope_prefix != province_code[:2]:
        raise PermissionDenied(_("Only the provincial authority may do this."))


def clean_categories(values) -> list[str]:
    values = [value.strip() for value in values if value and value.strip()]
    unknown = [value for value in values if value not in Category.values]
    if unknown:
        raise ValidationError({"categories": _("Unknown category: %(values)s.")
                               % {"values": ", ".join(unknown)}})
    if not values:
        raise ValidationError({"categories": _("Give at least one category.")})
    return values


def _require_draft(key_list: KeyEnterpriseList) -> None:
    if not key_list.is_draft:
        raise StateConflict(
            _("The list is published; change it by an amendment."),
            unmet=[_("The list must be a draft.")],
        )


def _check_enterprise(actor, key_list, enterprise: Enterprise) -> None:
    if enterprise.region_id[:2] != key_list.province_id[:2]:
        raise ValidationError({"enterprise": _(
            "This enterprise is registered in another province.")})
    if not actor.in_scope(enterprise.region_id):
        raise ValidationError({"enterprise": _("This enterprise is outside your jurisdiction.")})


def _check_entry(actor, key_list, entry: ListEntry) -> None:
    if entry.key_list_id != key_list.pk:
        raise ValidationError({"entry": _("The entry belongs to another list.")})
    if not actor.in_scope(entry.enterprise.region_id):
        raise PermissionDenied(_("This entry is outside your jurisdiction."))


@transaction.atomic
def key_list_create(*, actor, province, year: int, title: str = "") -> KeyEnterpriseList:
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    if actor.role == Role.AUTHORITY and actor.scope_prefix[:2] != province.code[:2]:
        raise ValidationError({"region": _("This province is outside your jurisdiction.")})
    require_province_officer(actor, province.code)
    if province.level != "province":
        raise ValidationError({"region": _("A key-enterprise list belongs to a province.")})
    key_list = KeyEnterpriseList(
        province=province, year=year, created_by=actor,
        # Lists are official documents: the default title is the usual Chinese one,
        # whatever the language of the officer's screen.
        title=title or f"{province.name_zh}{year}年清洁生产审核重点企业名单",
    )
    key_list.full_clean()
    key_list.save()
    return key_list


@transaction.atomic
def key_list_update(*, actor, key_list: KeyEnterpriseList, title: str) -> KeyEnterpriseList:
    require_province_officer(actor, key_list.province_id)
    key_list = KeyEnterpriseList.objects.select_for_update().get(pk=key_list.pk)
    _require_draft(key_list)
    key_list.title = title
    key_list.full_clean()
    key_list.save(update_fields=["title"])
    return key_list


@transaction.atomic
def key_list_delete(*, actor, key_list: KeyEnterpriseList) -> None:
    require_province_officer(actor, key_list.province_id)
    key_list = KeyEnterpriseList.objects.select_for_update().get(pk=key_list.pk)
    _require_draft(key_list)
    key_list.delete()


@transaction.atomic
def entry_save(*, actor, key_list: KeyEnterpriseList, enterprise: Enterprise, categories,
               reason: str = "", entry: ListEntry | None = None) -> ListEntry:
    """Add an enterprise to a draft list, or change its entry. A city authority
    proposes entries for its own city only."""
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    key_list = KeyEnterpriseList.objects.select_for_update().get(pk=key_list.pk)
    _require_draft(key_list)
    _check_enterprise(actor, key_list, enterprise)
    if entry is not None:
        _check_entry(actor, key_list, entry)
    categories = clean_categories(categories)
    duplicate = ListEntry.objects.active().filter(key_list=key_list, enterprise=enterprise)
    if entry is not None:
        duplicate = duplicate.exclude(pk=entry.pk)
    if duplicate.exists():
        raise ValidationError({"enterprise": _("This enterprise is already on the list.")})
    if entry is None:
        entry = ListEntry(key_list=key_list, proposed_by=actor)
    entry.enterprise = enterprise
    entry.categories = categories
    entry.reason = reason
    entry.save()
    return entry


@transaction.atomic
def entry_delete(*, actor, entry: ListEntry) -> None:
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    key_list = KeyEnterpriseList.objects.select_for_update().get(pk=entry.key_list_id)
    _require_draft(key_list)
    _check_entry(actor, key_list, entry)
    entry.delete()


def _next_rounds(enterprise_ids) -> dict[int, int]:
    last = dict(
        Audit.objects.filter(enterprise_id__in=enterprise_ids)
        .values_list("enterprise_id").annotate(last=Max("round"))
    )
    return {pk: last.get(pk, 0) + 1 for pk in enterprise_ids}


def _open_audits(entries, policy: ProvincePolicy, day: datetime.date) -> list[Audit]:
    rounds = _next_rounds([entry.enterprise_id for entry in entries])
    return Audit.objects.bulk_create([
        Audit(enterprise_id=entry.enterprise_id, list_entry=entry,
              round=rounds[entry.enterprise_id],
              **policy.deadlines(day, exceeds_standards=entry.exceeds_standards))
        for entry in entries
    ])


def _notify_listed(key_list, audits, kind: str, extra: dict | None = None) -> None:
    users = User.objects.filter(
        enterprise_id__in=[audit.enterprise_id for audit in audits], is_active=True)
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
            "enterprise": audit.list_entry.enterprise.name, "year": key_list.year,
            "province": province, "start_due": audit.start_due.isoformat(),
            "report_due": audit.report_due.isoformat(), **(extra or {}),
        }
        listed.append((recipients, params))
        if audit.disclosure_due:
            disclose.append((recipients,
                             {**params, "disclosure_due": audit.disclosure_due.isoformat()}))
    notify_each(kind=kind, url=reverse("dashboard"), messages=listed)
    notify_each(kind="list_disclosure_due", url=reverse("dashboard"), messages=disclose)


@transaction.atomic
def key_list_publish(*, actor, key_list: KeyEnterpriseList,
                     published_on: datetime.date | None = None) -> KeyEnterpriseList:
    """Freeze the list, stamp `published_on`, open one audit per entry with deadlines
    from the province policy (domain.md §1), and tell the enterprises.

    The row lock makes a second, concurrent publish wait and then find the list
    published: one success, one conflict, one audit per entry.
    """
    require_province_officer(actor, key_list.province_id)
    key_list = (KeyEnterpriseList.objects.select_for_update()
                .select_related("province").get(pk=key_list.pk))
    entries = list(key_list.entries.active().select_related("enterprise"))
    unmet = []
    if not key_list.is_draft:
        unmet.append(_("The list is already published."))
    if not entries:
        unmet.append(_("The list has no entries."))
    if unmet:
        raise StateConflict(_("The list cannot be published."), unmet=unmet)
    published_on = published_on or timezone.localdate()
    policy = ProvincePolicy.for_province(key_list.province_id)
    key_list.status = ListStatus.PUBLISHED
    key_list.published_on = published_on
    key_list.published_by = actor
    key_list.policy = policy.figures()
    key_list.save(update_fields=["status", "published_on", "published_by", "policy"])
    audits = _open_audits(entries, policy, published_on)
    for audit, entry in zip(audits, entries, strict=True):
        audit.list_entry = entry
    _notify_listed(key_list, audits, "list_published")
    return key_list


def _require_published(key_list) -> None:
    if key_list.is_draft:
        raise StateConflict(_("A draft list is edited directly, not amended."),
                            unmet=[_("The list must be published.")])


@transaction.atomic
def amendment_add(*, actor, key_list: KeyEnterpriseList, enterprise: Enterprise, categories,
                  reason: str) -> ListAmendment:
    """Add an enterprise to a published list. Its audit's deadlines count from today."""
    require_province_officer(actor, key_list.province_id)
    key_list = (KeyEnterpriseList.objects.select_for_update()
                .select_related("province").get(pk=key_list.pk))
    _require_published(key_list)
    _check_enterprise(actor, key_list, enterprise)
    categories = clean_categories(categories)
    if not reason.strip():
        raise ValidationError({"reason": _("An amendment needs a reason.")})
    if key_list.entries.active().filter(enterprise=enterprise).exists():
        raise ValidationError({"enterprise": _("This enterprise is already on the list.")})
    entry = ListEntry(key_list=key_list, enterprise=enterprise, reason=reason, proposed_by=actor)
    entry.categories = categories
    entry.save()
    amendment = ListAmendment.objects.create(
        key_list=key_list, entry=entry, action=AmendmentAction.ADD, reason=reason, actor=actor)
    audits = _open_audits([entry], ProvincePolicy.for_province(key_list.province_id),
                          timezone.localdate())
    audits[0].list_entry = entry
    _notify_listed(key_list, audits, "list_entry_added", {"reason": reason})
    return amendment


@transaction.atomic
def amendment_remove(*, actor, entry: ListEntry, reason: str) -> ListAmendment:
    """Take an enterprise off a published list; its audit is cancelled if it has not
    started. A started audit goes on, so such an entry cannot be removed."""
    key_list = KeyEnterpriseList.objects.select_for_update().select_related("province").get(
        pk=entry.key_list_id)
    require_province_officer(actor, key_list.province_id)
    _require_published(key_list)
    if not reason.strip():
        raise ValidationError({"reason": _("An amendment needs a reason.")})
    entry = ListEntry.objects.select_for_update().select_related("enterprise").get(pk=entry.pk)
    if entry.status != EntryStatus.ACTIVE:
        raise StateConflict(_("This entry was already removed."),
                            unmet=[_("The entry must be on the list.")])
    audit = Audit.objects.select_for_update().filter(list_entry=entry).first()
    if audit and audit.state not in (AuditState.NOT_STARTED, AuditState.CANCELLED):
        raise StateConflict(
            _("The audit has started; the entry cannot be removed."),
            unmet=[_("The audit is in the state “%(state)s”.") % {
                "state": audit.get_state_display()}])
    entry.status = EntryStatus.REMOVED
    entry.save(update_fields=["status"])
    if audit:
        audit.state = AuditState.CANCELLED
        audit.save(update_fields=["state", "updated_at"])
    amendment = ListAmendment.objects.create(
        key_list=key_list, entry=entry, action=AmendmentAction.REMOVE, reason=reason,
        actor=actor)
    notify(
        recipients=User.objects.filter(enterprise=entry.enterprise, is_active=True),
        kind="list_entry_removed",
        params={"enterprise": entry.enterprise.name, "year": key_list.year,
                "province": bilingual(key_list.province.name_zh, key_list.province.name_en),
                "reason": reason},
        url=reverse("dashboard"),
    )
    return amendment


def carry_over_suggestions(*, key_list: KeyEnterpriseList, actor) -> list[dict]:
    """Enterprises of the province that belong on next year's list, each with why
    (domain.md §7): an audit overdue today, a failed review not yet re-applied for, or a
    next round falling due in the list's year. Those already on the list, or outside the
    actor's scope (a city officer sees its city's), are left out."""
    from assessments.models import Review
    from assessments.services import failed_rounds

    today = timezone.localdate()
    prefix = key_list.province_id[:2]
    listed = key_list.entries.active().values("enterprise_id")
    failed = Review.objects.filter(result="failed").values("audit_id")
    audits = list(
        Audit.objects.for_user(actor).filter(enterprise__region__code__startswith=prefix)
        .exclude(enterprise_id__in=listed)
        .filter(overdue_q(today) | Q(next_round_due__year=key_list.year) | Q(pk__in=failed))
        .select_related("enterprise", "list_entry__key_list")
        .order_by("enterprise__name", "round")
    )
    failures = failed_rounds(audits)
    suggestions: dict[int, dict] = {}
    for audit in audits:
        reasons = []
        if review := failures.get(audit.pk):
            reasons.append(_("round %(round)s: the %(review)s failed on %(date)s")
                           % {"round": audit.round, "review": review.get_kind_display().lower(),
                              "date": review.concluded_on})
        for kind in audit.overdue_kinds(today):
            reasons.append({
                "start": _("round %(round)s: the audit was due to start on %(date)s"),
                "report": _("round %(round)s: the audit report was due on %(date)s"),
                "acceptance": _("round %(round)s: acceptance was due on %(date)s"),
            }[kind] % {"round": audit.round, "date": getattr(audit, f"{kind}_due")})
        if audit.next_round_due and audit.next_round_due.year == key_list.year:
            reasons.append(_("round %(round)s: the next round falls due on %(date)s")
                           % {"round": audit.round, "date": audit.next_round_due})
        if reasons:
            suggestions.setdefault(audit.enterprise_id, {
                "enterprise": audit.enterprise, "reasons": []})["reasons"].extend(reasons)
    return list(suggestions.values())


@transaction.atomic
def disclosure_submit(*, actor, entry: ListEntry, legal_representative: str, address: str,
                      document, pollutants: list[dict]) -> EmissionDisclosure:
    """An `exceeds_standards` enterprise discloses its major pollutant emissions
    (domain.md §1). Public once submitted; submitted once."""
    require_role(actor, Role.ENTERPRISE, Role.ADMIN)
    if actor.role == Role.ENTERPRISE and actor.enterprise_id != entry.enterprise_id:
        raise PermissionDenied(_("Only the listed enterprise discloses its emissions."))
    entry = ListEntry.objects.select_for_update().select_related("key_list").get(pk=entry.pk)
    unmet = []
    if entry.key_list.is_draft:
        unmet.append(_("The list is not published yet."))
    if not entry.exceeds_standards:
        unmet.append(_("Only enterprises listed for exceeding standards disclose."))
    if entry.status != EntryStatus.ACTIVE:
        unmet.append(_("The entry was removed from the list."))
    if EmissionDisclosure.objects.filter(entry=entry).exists():
        unmet.append(_("The disclosure was already submitted."))
    if unmet:
        raise StateConflict(_("This disclosure cannot be submitted."), unmet=unmet)
    if not pollutants:
        raise ValidationError({"pollutants": _("Disclose at least one major pollutant.")})
    content_type, sha256 = check_upload(document, field="document")
    rows = [DisclosedPollutant(**row) for row in pollutants]
    for row in rows:  # before anything (the file) is written
        row.full_clean(exclude=["disclosure"])
    disclosure = EmissionDisclosure(
        entry=entry, legal_representative=legal_representative, address=address,
        document=document, document_sha256=sha256, document_content_type=content_type,
        submitted_by=actor,
    )
    disclosure.full_clean()
    disclosure.save()
    for row in rows:
        row.disclosure = disclosure
    DisclosedPollutant.objects.bulk_create(rows)
    return disclosure


@transaction.atomic
def policy_save(*, actor, province_code: str | None, **figures) -> ProvincePolicy:
    """Admins edit any policy; a provincial authority its own province's, which starts
    as a copy of the national default."""
    if province_code is None:
        require_role(actor, Role.ADMIN)
    else:
        require_province_officer(actor, province_code)
    policy = ProvincePolicy.objects.select_for_update().filter(province_id=province_code).first()
    if policy is None:
        base = ProvincePolicy.for_province("000000")
        policy = ProvincePolicy(province_id=province_code,
                                **{name: getattr(base, name) for name in ProvincePolicy.FIGURES})
    for name, value in figures.items():
        if name not in ProvincePolicy.FIGURES:
            raise ValueError(name)
        setattr(policy, name, value)
    policy.updated_by = actor
    policy.full_clean()
    policy.save()
    return policy
