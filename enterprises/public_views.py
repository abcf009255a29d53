"""Public pages (no login, domain.md "People": public): the published key-enterprise
lists and the emission disclosures; and the enterprise's disclosure form."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.choices import Role
from cpaudit.decorators import role_required
from cpaudit.errors import StateConflict

from . import lists
from .choices import EntryStatus, ListStatus
from .models import EmissionDisclosure, KeyEnterpriseList, ListEntry
from .public_forms import (
    DisclosureForm,
    PollutantFormSet,
    PublicListFilterForm,
    PublicSearchForm,
    add_service_errors,
)

PAGE_SIZE = 50


def _enterprise_search(value: str, path: str = "enterprise") -> Q:
    """Name (any part) or unified social credit code (any part, stored in capitals)."""
    return (Q(**{f"{path}__name__icontains": value})
            | Q(**{f"{path}__credit_code__contains": value.replace(" ", "").upper()}))


def public_keylist_list(request):
    """Published lists by province and year; with a search, the enterprises found on
    them instead."""
    form = PublicListFilterForm(request.GET or None)
    filters = form.filters()
    search = form.search()
    if search:
        entries = ListEntry.objects.active().filter(
            _enterprise_search(search), key_list__status=ListStatus.PUBLISHED)
        if "province" in filters:
            entries = entries.filter(key_list__province_id=filters["province"])
        if "year" in filters:
            entries = entries.filter(key_list__year=filters["year"])
        # The enterprise and its list (with the province) are on every row.
        entries = entries.select_related(
            "enterprise__region", "key_list__province").order_by(
            "-key_list__year", "key_list__province_id", "enterprise__name", "id")
        page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        key_lists = KeyEnterpriseList.objects.published().filter(**filters)
        # The province name and the entry count are on every row, in the same query.
        key_lists = key_lists.select_related("province").annotate(
            entry_count=Count("entries", filter=Q(entries__status=EntryStatus.ACTIVE))
        ).order_by("-year", "province_id", "id")  # Meta.ordering is dropped with GROUP BY
        page = Paginator(key_lists, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/keylist_list.html",
                  {"form": form, "page": page, "search": search, "public_tab": "lists"})


def public_keylist_detail(request, pk):
    """A published list's active entries; a draft list does not exist for the public."""
    key_list = get_object_or_404(
        KeyEnterpriseList.objects.published().select_related("province"), pk=pk)
    form = PublicSearchForm(request.GET or None)
    search = form.search()
    entries = key_list.entries.active()
    if search:
        entries = entries.filter(_enterprise_search(search))
    # Region, industry and the disclosure link are on every row.
    entries = entries.select_related(
        "enterprise__region", "enterprise__industry", "disclosure")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/keylist_detail.html", {
        "key_list": key_list, "form": form, "page": page, "search": search,
        "public_tab": "lists"})


def _disclosures(user):
    # Enterprise, list and province on every row; the pollutants in one more query.
    return (EmissionDisclosure.objects.for_user(user)
            .select_related("entry__enterprise__region", "entry__key_list__province")
            .prefetch_related("pollutants"))


def public_disclosure_list(request):
    form = PublicSearchForm(request.GET or None)
    search = form.search()
    disclosures = _disclosures(request.user)
    if search:
        disclosures = disclosures.filter(_enterprise_search(search, "entry__enterprise"))
    page = Paginator(disclosures, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "public/disclosure_list.html", {
        "form": form, "page": page, "search": search, "public_tab": "disclosures"})


def _plain(value: Decimal | None) -> str | None:
    """The stored figure without its padding zeros: 120.0000 → 120, 0.0350 → 0.035."""
    return None if value is None else format(value.normalize(), "f")


def public_disclosure_detail(request, pk):
    disclosure = get_object_or_404(_disclosures(request.user), pk=pk)
    for pollutant in disclosure.pollutants.all():
        pollutant.figures = {name: _plain(getattr(pollutant, name)) for name in (
            "concentration", "standard_limit", "total_emitted_t", "quota_t")}
    return render(request, "public/disclosure_detail.html",
                  {"disclosure": disclosure, "public_tab": "disclosures"})


def public_disclosure_document(request, pk):
    disclosure = get_object_or_404(EmissionDisclosure.objects.for_user(request.user), pk=pk)
    try:
        handle = disclosure.document.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True,
                        content_type=disclosure.document_content_type,
                        filename=disclosure.document.name.rsplit("/", 1)[-1])


@role_required(Role.ENTERPRISE, Role.ADMIN)
def disclosure_create(request, entry_pk):
    """An `exceeds_standards` enterprise discloses its emissions (domain.md §1).
    An enterprise reaches only its own entries; another's is a 404."""
    entries = ListEntry.objects.for_user(request.user)
    if request.user.role == Role.ENTERPRISE:
        entries = entries.filter(enterprise_id=request.user.enterprise_id)
    entry = get_object_or_404(
        entries.select_related("enterprise", "key_list__province", "disclosure", "audit"),
        pk=entry_pk)
    status, conflict = 200, None
    if request.method == "POST":
        form = DisclosureForm(request.POST, request.FILES)
        formset = PollutantFormSet(request.POST, prefix="pollutants")
        if form.is_valid() and formset.is_valid():
            try:
                disclosure = lists.disclosure_submit(
                    actor=request.user, entry=entry,
                    legal_representative=form.cleaned_data["legal_representative"],
                    address=form.cleaned_data["address"],
                    document=form.cleaned_data["document"], pollutants=formset.rows())
            except ValidationError as error:
                add_service_errors(form, formset, error)
                status = 400
            except StateConflict as error:
                status, conflict = 409, error
            else:
                messages.success(request, _("The disclosure was submitted and is public now."))
                return redirect("public-disclosure-detail", pk=disclosure.pk)
        else:
            status = 400
    else:
        form = DisclosureForm(initial={"address": entry.enterprise.address})
        formset = PollutantFormSet(prefix="pollutants")
    return render(request, "public/disclosure_form.html", {
        "entry": entry, "existing": getattr(entry, "disclosure", None), "form": form,
        "formset": formset, "conflict": conflict}, status=status)
