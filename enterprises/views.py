"""The enterprise pages, the province policy, and the public pages (no login,
domain.md "People": public): the published key-enterprise lists and the emission
disclosures; and the enterprise's disclosure form. The key-list screens, which open
audits, are `audits.list_views`.

Thin: each write view parses a form and calls one service through `core.views.submit`.
"""

from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.choices import Role
from core.forms import add_service_errors
from core.regions import province_code
from core.roles import require_role, role_required
from core.views import Outcome, submit
from core.xlsx import export_requested, export_response

from . import services
from .choices import EntryStatus, ListStatus
from .filters import EnterpriseFilter
from .forms import (
    DisclosureForm,
    EnterpriseFilterForm,
    PolicyForm,
    PollutantForm,
    PollutantFormSet,
    PublicListFilterForm,
    PublicSearchForm,
)
from .models import (
    EmissionDisclosure,
    Enterprise,
    KeyEnterpriseList,
    ListEntry,
    ProvincePolicy,
    Region,
)
from .selectors import enterprise_search_q

PAGE_SIZE = 50


def own_province(user) -> Region:
    """An authority's province (a city officer's too: the one its city lies in)."""
    return get_object_or_404(Region, code=province_code(user.scope_prefix), level="province")


# --- enterprises ---------------------------------------------------------------------


@role_required(Role.ADMIN, Role.AUTHORITY)
def enterprise_list(request):
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    enterprises = EnterpriseFilter(
        request.GET,
        # region and industry names are on every row.
        queryset=Enterprise.objects.for_user(request.user).select_related("region", "industry"),
    ).qs
    if export_requested(request):
        return export_response(
            request,
            name="enterprises",
            title=_("Enterprises"),
            header=[
                pgettext("thing", "Name"),
                _("Unified social credit code"),
                _("Region"),
                _("Industry"),
                _("SME"),
            ],
            items=enterprises,
            row=lambda e: [
                e.name,
                e.credit_code,
                e.region.name,
                e.industry.name if e.industry else "",
                "" if e.is_sme is None else _("yes") if e.is_sme else _("no"),
            ],
        )
    page = Paginator(enterprises, 50).get_page(request.GET.get("page"))
    return render(request, "enterprises/enterprise_list.html", {"form": form, "page": page})


@role_required(Role.ADMIN, Role.AUTHORITY, Role.ENTERPRISE)
def enterprise_detail(request, pk):
    enterprise = get_object_or_404(
        Enterprise.objects.for_user(request.user).select_related(
            "region__parent", "industry__section"
        ),
        pk=pk,
    )
    return render(request, "enterprises/enterprise_detail.html", {"enterprise": enterprise})


# --- the province policy ---------------------------------------------------------------


@role_required(Role.ADMIN, Role.AUTHORITY)
def policy_edit(request):
    """An officer edits their province's policy; an admin any province's (?province=)
    or the national default (no parameter)."""
    user = request.user
    if user.role == Role.ADMIN:
        province = None
        if request.GET.get("province"):
            province = get_object_or_404(Region, code=request.GET["province"], level="province")
    else:
        province = own_province(user)
    province_code = province.code if province else None
    # The same rule as policy_save, so that a city officer gets 403 before the form too.
    if province_code is None:
        require_role(user, Role.ADMIN)
    else:
        services.require_province_officer(user, province_code)
    policy = ProvincePolicy.for_province(province_code or "000000")
    if request.method == "POST":
        form = PolicyForm(request.POST, policy=policy)
        outcome = submit(
            request,
            form,
            lambda data: services.policy_save(actor=user, province_code=province_code, **data),
            success=_("The policy was saved. Lists published from now on use the new figures."),
        )
        if outcome.ok:
            return redirect(request.get_full_path())
        status = outcome.status
    else:
        form, status = PolicyForm(policy=policy), 200
    return render(
        request,
        "enterprises/policy_form.html",
        {
            "form": form,
            "policy": policy,
            "province": province,
            "uses_default": province is not None and policy.province_id is None,
            "provinces": (
                Region.objects.filter(level="province") if user.role == Role.ADMIN else None
            ),
        },
        status=status,
    )


# --- public pages ----------------------------------------------------------------------


def public_keylist_list(request):
    """Published lists by province and year; with a search, the enterprises found on
    them instead."""
    form = PublicListFilterForm(request.GET or None)
    filters = form.filters()
    search = form.search()
    if search:
        entries = ListEntry.objects.active().filter(
            enterprise_search_q(search, "enterprise"), key_list__status=ListStatus.PUBLISHED
        )
        if "province" in filters:
            entries = entries.filter(key_list__province_id=filters["province"])
        if "year" in filters:
            entries = entries.filter(key_list__year=filters["year"])
        # The enterprise and its list (with the province) are on every row.
        entries = entries.select_related("enterprise__region", "key_list__province").order_by(
            "-key_list__year", "key_list__province_id", "enterprise__name", "id"
        )
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        key_lists = KeyEnterpriseList.objects.published().filter(**filters)
        # The province name and the entry count are on every row, in the same query.
        key_lists = (
            key_lists.select_related("province")
            .annotate(entry_count=Count("entries", filter=Q(entries__status=EntryStatus.ACTIVE)))
            .order_by("-year", "province_id", "id")
        )  # Meta.ordering is dropped with GROUP BY
        page = Paginator(key_lists, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/keylist_list.html",
        {"form": form, "page": page, "search": search, "public_tab": "lists"},
    )


def public_keylist_detail(request, pk):
    """A published list's active entries; a draft list does not exist for the public."""
    key_list = get_object_or_404(
        KeyEnterpriseList.objects.published().select_related("province"), pk=pk
    )
    form = PublicSearchForm(request.GET or None)
    search = form.search()
    entries = key_list.entries.active()
    if search:
        entries = entries.filter(enterprise_search_q(search, "enterprise"))
    # Region, industry, the disclosure and its due date (the audit's) are on every row.
    entries = entries.select_related(
        "enterprise__region", "enterprise__industry", "disclosure", "audit"
    )
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/keylist_detail.html",
        {
            "key_list": key_list,
            "form": form,
            "page": page,
            "search": search,
            "public_tab": "lists",
            "today": timezone.localdate(),
        },
    )


def _disclosures(user):
    # Enterprise, list and province on every row; the pollutants in one more query.
    return (
        EmissionDisclosure.objects.for_user(user)
        .select_related("entry__enterprise__region", "entry__key_list__province")
        .prefetch_related("pollutants")
    )


def public_disclosure_list(request):
    form = PublicSearchForm(request.GET or None)
    search = form.search()
    disclosures = _disclosures(request.user)
    if search:
        disclosures = disclosures.filter(enterprise_search_q(search, "entry__enterprise"))
    page = Paginator(disclosures, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/disclosure_list.html",
        {"form": form, "page": page, "search": search, "public_tab": "disclosures"},
    )


def _plain(value: Decimal | None) -> str | None:
    """The stored figure without its padding zeros: 120.0000 → 120, 0.0350 → 0.035."""
    return None if value is None else format(value.normalize(), "f")


def public_disclosure_detail(request, pk):
    disclosure = get_object_or_404(_disclosures(request.user), pk=pk)
    for pollutant in disclosure.pollutants.all():
        pollutant.figures = {
            name: _plain(getattr(pollutant, name))
            for name in ("concentration", "standard_limit", "total_emitted_t", "quota_t")
        }
    return render(
        request,
        "public/disclosure_detail.html",
        {"disclosure": disclosure, "public_tab": "disclosures"},
    )


def public_disclosure_document(request, pk):
    disclosure = get_object_or_404(EmissionDisclosure.objects.for_user(request.user), pk=pk)
    try:
        handle = disclosure.document.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        content_type=disclosure.document_content_type,
        filename=disclosure.document.name.rsplit("/", 1)[-1],
    )


@role_required(Role.ENTERPRISE, Role.ADMIN)
def disclosure_create(request, entry_pk):
    """An `exceeds_standards` enterprise discloses its emissions (domain.md §1).
    An enterprise reaches only its own entries; another's is a 404."""
    entries = ListEntry.objects.for_user(request.user)
    if request.user.role == Role.ENTERPRISE:
        entries = entries.filter(enterprise_id=request.user.enterprise_id)
    entry = get_object_or_404(
        entries.select_related("enterprise", "key_list__province", "disclosure", "audit"),
        pk=entry_pk,
    )
    outcome = Outcome(ok=True)
    if request.method == "POST":
        form = DisclosureForm(request.POST, request.FILES)
        formset = PollutantFormSet(request.POST, prefix="pollutants")
        # The service names the pollutant rows' fields: their errors go above the table.
        pollutant_errors = formset.non_form_errors().extend
        outcome = submit(
            request,
            form,
            lambda data: services.disclosure_submit(
                actor=request.user, entry=entry, pollutants=formset.rows(), **data
            ),
            formsets=[formset],
            success=_("The disclosure was submitted and is public now."),
            add_errors=lambda form, error: add_service_errors(
                form,
                error,
                fields={
                    field: pollutant_errors
                    for field in ["pollutants", *PollutantForm.Meta.fields]
                    if field not in form.fields
                },
            ),
        )
        if outcome.ok:
            return redirect("public-disclosure-detail", pk=outcome.result.pk)
    else:
        form = DisclosureForm(initial={"address": entry.enterprise.address})
        formset = PollutantFormSet(prefix="pollutants")
    return render(
        request,
        "public/disclosure_form.html",
        {
            "entry": entry,
            "existing": getattr(entry, "disclosure", None),
            "form": form,
            "formset": formset,
            "conflict": outcome.conflict,
        },
        status=outcome.status,
    )
