"""Writes to enterprises, key-enterprise lists and their entries, disclosures and the
province policy (domain.md §1). Publishing a list and amending a published one open and
cancel audits: those are `audits.publishing`'s; the list's own states change in
`enterprises.workflow`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.choices import Role
from core.credit_code import normalize
from core.errors import StateConflict
from core.files import check_upload
from core.roles import has_role, require_role

from .choices import AmendmentAction, Category, EntryStatus, OpenAudit
from .models import (
    DisclosedPollutant,
    EmissionDisclosure,
    Enterprise,
    Industry,
    KeyEnterpriseList,
    ListAmendment,
    ListEntry,
    PolicyVersion,
    ProvincePolicy,
)

# --- enterprises ----------------------------------------------------------------------

ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "region",
    "industry",
    "industry_class",
    "address",
    "employees",
    "annual_sales",
    "total_assets",
    "active",
)


def _check_region(actor, enterprise: Enterprise) -> None:
    if not actor.in_scope(enterprise.region_id):
        raise ValidationError({"region": _("This region is outside your jurisdiction.")})


@transaction.atomic
def enterprise_create(*, actor, **fields) -> Enterprise:
    """Register an enterprise. Authorities only within their region (design.md)."""
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    fields["credit_code"] = normalize(fields.get("credit_code", ""))
    enterprise = Enterprise(**fields)
    _check_region(actor, enterprise)
    enterprise.full_clean()
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, **fields) -> Enterprise:
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if "credit_code" in fields:
        fields["credit_code"] = normalize(fields["credit_code"])
    for name, value in fields.items():
        if name not in ENTERPRISE_FIELDS:
            raise ValueError(name)
        setattr(enterprise, name, value)
    _check_region(actor, enterprise)
    enterprise.full_clean()
    enterprise.save()
    return enterprise


@transaction.atomic
def enterprise_delete(*, actor, enterprise: Enterprise) -> None:
    """An enterprise with an audit on the record is not deleted (409 naming the audits);
    it is retired (`active: false`). Other references (users, list entries) are
    protected by the database, which the API also answers with 409."""
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    audits = list(enterprise.audits.order_by("round").values_list("pk", "round"))
    if audits:
        raise StateConflict(
            _("The enterprise has audits on the record; retire it instead."),
            unmet=[
                _("Audit %(id)s (round %(round)s).") % {"id": pk, "round": number}
                for pk, number in audits
            ],
        )
    enterprise.delete()


# --- key lists: drafting --------------------------------------------------------------


def is_province_officer(actor, province_code: str) -> bool:
    """Creating, publishing and amending a list, and its policy, are the province's
    business (domain.md §1: a city proposes, the province publishes)."""
    return has_role(actor, Role.ADMIN) or (
        has_role(actor, Role.AUTHORITY) and actor.scope_prefix == province_code[:2]
    )


def require_province_officer(actor, province_code: str) -> None:
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    if not is_province_officer(actor, province_code):
        raise PermissionDenied(_("Only the provincial authority may do this."))


def clean_categories(values) -> list[str]:
    values = [value.strip() for value in values if value and value.strip()]
    unknown = [value for value in values if value not in Category.values]
    if unknown:
        raise ValidationError(
            {"categories": _("Unknown category: %(values)s.") % {"values": ", ".join(unknown)}}
        )
    if not values:
        raise ValidationError({"categories": _("Give at least one category.")})
    return values


def draft_conflict(key_list: KeyEnterpriseList) -> StateConflict | None:
    """What a write to the list's entries meets when it is not a draft any more."""
    if key_list.is_draft:
        return None
    return StateConflict(
        _("The list is published; change it by an amendment."),
        unmet=[_("The list must be a draft.")],
    )


def require_draft(key_list: KeyEnterpriseList) -> None:
    if conflict := draft_conflict(key_list):
        raise conflict


def check_enterprise(actor, key_list, enterprise: Enterprise) -> None:
    if enterprise.region_id[:2] != key_list.province_id[:2]:
        raise ValidationError(
            {"enterprise": _("This enterprise is registered in another province.")}
        )
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
        province=province,
        year=year,
        created_by=actor,
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
    require_draft(key_list)
    key_list.title = title
    key_list.full_clean()
    key_list.save(update_fields=["title"])
    return key_list


@transaction.atomic
def key_list_delete(*, actor, key_list: KeyEnterpriseList) -> None:
    require_province_officer(actor, key_list.province_id)
    key_list = KeyEnterpriseList.objects.select_for_update().get(pk=key_list.pk)
    require_draft(key_list)
    key_list.delete()


@transaction.atomic
def entry_save(
    *,
    actor,
    key_list: KeyEnterpriseList,
    enterprise: Enterprise,
    categories,
    reason: str = "",
    entry: ListEntry | None = None,
    open_audit: str | None = None,
    closing_reason: str | None = None,
) -> ListEntry:
    """Add an enterprise to a draft list, or change its entry: the province's (a city
    proposes entries, procedures.services.proposal_submit, and the province accepts
    them into its draft). `open_audit` says what publishing does with an audit of the
    enterprise still open from an earlier list: continue it (the default) or cancel it,
    with `closing_reason`, and open a new one."""
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    require_province_officer(actor, key_list.province_id)
    key_list = KeyEnterpriseList.objects.select_for_update().get(pk=key_list.pk)
    require_draft(key_list)
    check_enterprise(actor, key_list, enterprise)
    if not enterprise.active and (entry is None or entry.enterprise_id != enterprise.pk):
        raise ValidationError({"enterprise": _("This enterprise is retired.")})
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
    if open_audit is not None:
        entry.open_audit = open_audit
    if closing_reason is not None:
        entry.closing_reason = closing_reason.strip()
    if entry.open_audit == OpenAudit.CLOSE and not entry.closing_reason:
        raise ValidationError({"closing_reason": _("Give the reason the open audit is cancelled.")})
    entry.full_clean(
        exclude=["key_list", "enterprise", "proposed_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    entry.save()
    return entry


@transaction.atomic
def entry_delete(*, actor, entry: ListEntry) -> None:
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    require_province_officer(actor, entry.key_list.province_id)
    key_list = KeyEnterpriseList.objects.select_for_update().get(pk=entry.key_list_id)
    require_draft(key_list)
    _check_entry(actor, key_list, entry)
    entry.delete()


def entry_amend_add(
    *, actor, key_list: KeyEnterpriseList, enterprise: Enterprise, categories, reason: str
) -> ListAmendment:
    """Put an enterprise on a published list, as an amendment with its reason (the list
    is locked by the caller, `audits.publishing.amendment_add`, which opens its audit)."""
    require_published(key_list)
    check_enterprise(actor, key_list, enterprise)
    categories = clean_categories(categories)
    if not reason.strip():
        raise ValidationError({"reason": _("An amendment needs a reason.")})
    if key_list.entries.active().filter(enterprise=enterprise).exists():
        raise ValidationError({"enterprise": _("This enterprise is already on the list.")})
    entry = ListEntry(key_list=key_list, enterprise=enterprise, reason=reason, proposed_by=actor)
    entry.categories = categories
    entry.save()
    return ListAmendment.objects.create(
        key_list=key_list, entry=entry, action=AmendmentAction.ADD, reason=reason, actor=actor
    )


def require_published(key_list) -> None:
    if key_list.is_draft:
        raise StateConflict(
            _("A draft list is edited directly, not amended."),
            unmet=[_("The list must be published.")],
        )


# --- disclosures and the policy ---------------------------------------------------------


@transaction.atomic
def disclosure_submit(
    *,
    actor,
    entry: ListEntry,
    legal_representative: str,
    address: str,
    document,
    pollutants: list[dict],
) -> EmissionDisclosure:
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
        entry=entry,
        legal_representative=legal_representative,
        address=address,
        document=document,
        document_sha256=sha256,
        document_content_type=content_type,
        submitted_by=actor,
    )
    disclosure.full_clean()
    disclosure.save()
    for row in rows:
        row.disclosure = disclosure
    DisclosedPollutant.objects.bulk_create(rows)
    return disclosure


def clean_industry_codes(codes, *, field: str) -> list[str]:
    """GB/T 4754 codes at any level (issue 12): 2 to 4 digits, of a known division (the
    first two digits), each once; a ValidationError on `field` names the others."""
    if not isinstance(codes, list | tuple):
        raise ValidationError({field: _("Give a list of GB/T 4754 codes.")})
    codes = list(dict.fromkeys(str(code).strip() for code in codes))
    divisions = set(
        Industry.objects.filter(level="division", code__in={c[:2] for c in codes}).values_list(
            "code", flat=True
        )
    )
    unknown = [c for c in codes if not (c.isdigit() and 2 <= len(c) <= 4 and c[:2] in divisions)]
    if unknown:
        raise ValidationError(
            {
                field: _("Not a GB/T 4754 division, group or class code: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            }
        )
    return codes


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
        policy = ProvincePolicy(
            province_id=province_code,
            **{name: getattr(base, name) for name in ProvincePolicy.FIGURES},
        )
    for name, value in figures.items():
        if name not in ProvincePolicy.FIGURES:
            raise ValueError(name)
        if name in ProvincePolicy.INDUSTRY_LISTS:
            value = clean_industry_codes(value, field=name)
        setattr(policy, name, value)
    policy.updated_by = actor
    policy.full_clean()
    policy.save()
    PolicyVersion.objects.create(policy=policy, figures=policy_figures(policy), saved_by=actor)
    return policy


def policy_figures(policy: ProvincePolicy) -> dict:
    """The figures as plain JSON (a version of the policy)."""
    return {
        name: value if isinstance(value, int | list) else str(value)
        for name in ProvincePolicy.FIGURES
        for value in [getattr(policy, name)]
    }
