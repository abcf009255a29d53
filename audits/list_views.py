"""The key-enterprise list screens (authorities; design.md "Web UI"): the lists, a list
with its entries, the import, publishing and amending. They live here, with the audits,
because publishing and amending a list open and cancel audits (`audits.publishing`);
drafting is `enterprises.services`, the import `enterprises.imports`.

Thin: each view parses a form and calls one service through `core.views.submit`, which
turns ValidationError into form errors (400), StateConflict into an alert with the unmet
reasons (409) and RowErrors into a table of row errors (400); PermissionDenied is the 403
page. A list or an entry outside the user's scope is a 404.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_POST

from accounts.choices import Role
from core.files import XLSX
from core.regions import province_code
from core.roles import role_required
from core.views import Outcome, submit
from core.xlsx import export_requested, export_response
from enterprises import services as lists
from enterprises.choices import AmendmentAction, EntryStatus
from enterprises.forms import (
    AmendmentAddForm,
    AmendmentRemoveForm,
    EntryForm,
    ImportForm,
    KeyListCreateForm,
    KeyListFilterForm,
    PublishForm,
)
from enterprises.imports import import_columns, key_list_import, template_workbook
from enterprises.models import KeyEnterpriseList, ListAmendment, ListEntry, ProvincePolicy
from enterprises.views import own_province

from . import publishing

LIST_ROLES = (Role.ADMIN, Role.AUTHORITY)


def _scoped_list(request, pk) -> KeyEnterpriseList:
    return get_object_or_404(
        KeyEnterpriseList.objects.for_user(request.user).select_related("province", "published_by"),
        pk=pk,
    )


def _province_only(request, key_list):
    """The draft's entries are the province's to edit and import (domain.md §1: a city
    proposes, the province publishes): anyone else, a city officer above all, gets 403
    on the form as on its submission, with the way to propose instead."""
    if lists.is_province_officer(request.user, key_list.province_id):
        return None
    return render(request, "audits/keylist_province_only.html", {"key_list": key_list}, status=403)


def _scoped_entry(request, key_list, entry_pk) -> ListEntry:
    # A city officer reaches only its city's entries (ListEntry.objects.for_user).
    return get_object_or_404(
        ListEntry.objects.for_user(request.user)
        .filter(key_list=key_list)
        .select_related("enterprise"),
        pk=entry_pk,
    )


def _detail_url(key_list) -> str:
    return reverse("keylist-detail", args=[key_list.pk])


# --- the lists -------------------------------------------------------------------------


def _create_form(user, data=None) -> KeyListCreateForm:
    taken = set()
    if user.role == Role.AUTHORITY and user.scope_prefix:
        taken = set(
            KeyEnterpriseList.objects.filter(
                province_id=province_code(user.scope_prefix)
            ).values_list("year", flat=True)
        )
    return KeyListCreateForm(data, ask_province=user.role == Role.ADMIN, taken_years=taken)


def _can_create(user) -> bool:
    return user.role == Role.ADMIN or (
        bool(user.scope_prefix) and lists.is_province_officer(user, user.scope_prefix)
    )


def _render_list(request, create_form, *, status=200):
    filters = KeyListFilterForm(request.GET or None)
    # entry_count on every row, in the same query.
    key_lists = (
        KeyEnterpriseList.objects.for_user(request.user)
        .select_related("province")
        .annotate(entry_count=Count("entries", filter=Q(entries__status=EntryStatus.ACTIVE)))
    )
    if filters.is_valid():
        if filters.cleaned_data["year"]:
            key_lists = key_lists.filter(year=filters.cleaned_data["year"])
        if filters.cleaned_data["status"]:
            key_lists = key_lists.filter(status=filters.cleaned_data["status"])
    key_lists = key_lists.order_by("-year", "province_id", "-pk")
    if export_requested(request):
        return export_response(
            request,
            name="key-lists",
            title=_("Key-enterprise lists"),
            header=[
                _("Year"),
                pgettext("a province, not its level", "Province"),
                _("Title"),
                _("Status"),
                _("Published on"),
                _("Entries"),
            ],
            items=key_lists,
            row=lambda k: [
                k.year,
                k.province.name,
                k.title,
                k.get_status_display(),
                k.published_on,
                k.entry_count,
            ],
        )
    page = Paginator(key_lists, 50).get_page(request.GET.get("page"))
    can_create = _can_create(request.user)
    return render(
        request,
        "audits/keylist_list.html",
        {
            "filters": filters,
            "page": page,
            "create_form": create_form if can_create else None,
            "can_edit_policy": can_create,
        },
        status=status,
    )


@role_required(*LIST_ROLES)
def keylist_list(request):
    return _render_list(request, _create_form(request.user))


@role_required(*LIST_ROLES)
@require_POST
def keylist_create(request):
    form = _create_form(request.user, request.POST)
    outcome = submit(
        request,
        form,
        lambda data: lists.key_list_create(
            actor=request.user,
            province=data.get("province") or own_province(request.user),
            year=data["year"],
            title=data["title"],
        ),
        success=_("The draft list was created."),
    )
    if outcome.ok:
        return redirect(_detail_url(outcome.result))
    return _render_list(request, form, status=400)


# --- one list --------------------------------------------------------------------------


def _entry_initial(request, suggestions) -> dict:
    """The add form pre-filled from a carry-over suggestion (?enterprise=<pk>)."""
    wanted = request.GET.get("enterprise", "")
    for suggestion in suggestions:
        if str(suggestion["enterprise"].pk) == wanted:
            return {
                "enterprise": suggestion["enterprise"].pk,
                "reason": "; ".join(suggestion["reasons"]),
            }
    return {"enterprise": wanted} if wanted.isdigit() else {}


def _render_detail(
    request,
    key_list,
    *,
    entry_form=None,
    amend_add_form=None,
    amend_remove_form=None,
    conflict=None,
    status=200,
):
    user = request.user
    can_amend = lists.is_province_officer(user, key_list.province_id)
    # enterprise, its region and industry, and the audit are on every row.
    entries = (
        ListEntry.objects.for_user(user)
        .filter(key_list=key_list)
        .select_related("enterprise__region", "enterprise__industry", "audit", "carryover")
    )
    if export_requested(request):
        return _export_entries(request, key_list, entries)
    context = {
        "key_list": key_list,
        "conflict": conflict,
        "can_publish": can_amend and key_list.is_draft,
        # Editing and importing the draft's entries are the province's.
        "can_edit_entries": can_amend and key_list.is_draft,
        "page": Paginator(entries, 100).get_page(request.GET.get("page")),
    }
    if key_list.is_draft:
        suggestions = publishing.carry_over_suggestions(key_list=key_list, actor=user)
        context["suggestions"] = suggestions
        context["entry_form"] = entry_form or EntryForm(
            initial=_entry_initial(request, suggestions),
            user=user,
            key_list=key_list,
            auto_id="entry-%s",
        )
    else:
        # the entry's enterprise and the officer's name on every row.
        context["amendments"] = ListAmendment.objects.filter(
            key_list=key_list, entry__in=ListEntry.objects.for_user(user)
        ).select_related("entry__enterprise", "actor")
        if can_amend:
            context["amend_add_form"] = amend_add_form or AmendmentAddForm(
                user=user, key_list=key_list
            )
            context["amend_remove_form"] = amend_remove_form or AmendmentRemoveForm(
                user=user, key_list=key_list
            )
    return render(request, "audits/keylist_detail.html", context, status=status)


def _export_entries(request, key_list, entries):
    """The entries the page lists, with the columns of the list's stage."""
    header = [
        _("Enterprise"),
        _("Unified social credit code"),
        _("Region"),
        _("Industry"),
        _("Categories"),
    ]
    if key_list.is_draft:
        header.append(_("Reason"))
    else:
        header += [
            _("Status"),
            _("Audit"),
            _("State"),
            _("Start due"),
            _("Report due"),
            _("Disclosure due"),
        ]

    def row(entry):
        values = [
            entry.enterprise.name,
            entry.enterprise.credit_code,
            entry.enterprise.region.name,
            entry.enterprise.industry.name if entry.enterprise.industry else "",
            ", ".join(str(label) for label in entry.get_categories_display()),
        ]
        if key_list.is_draft:
            return [*values, entry.reason]
        audit = getattr(entry, "audit", None)  # select_related; None without one
        return [
            *values,
            entry.get_status_display(),
            audit.pk if audit else None,
            audit.get_state_display() if audit else "",
            audit.start_due if audit else None,
            audit.report_due if audit else None,
            audit.disclosure_due if audit else None,
        ]

    return export_response(
        request,
        name=f"key-list-{key_list.year}-{key_list.province_id}",
        title=_("Entries"),
        header=header,
        items=entries,
        row=row,
    )


@role_required(*LIST_ROLES)
def keylist_detail(request, pk):
    return _render_detail(request, _scoped_list(request, pk))


@role_required(*LIST_ROLES)
@require_POST
def keylist_carry_over_all(request, pk):
    """Every carry-over suggestion added to the draft at once."""
    key_list = _scoped_list(request, pk)
    outcome = submit(
        request, None, lambda: publishing.carry_over_add_all(key_list=key_list, actor=request.user)
    )
    if outcome.conflict:
        return _render_detail(request, key_list, conflict=outcome.conflict, status=409)
    if not outcome.ok:
        for error in outcome.errors:
            messages.error(request, error)
        return _render_detail(request, key_list, status=400)
    added, left = outcome.result
    messages.success(
        request,
        ngettext(
            "%(count)d suggested enterprise was added to the list.",
            "%(count)d suggested enterprises were added to the list.",
            len(added),
        )
        % {"count": len(added)},
    )
    if left:
        messages.warning(
            request,
            _(
                "Not on an earlier list, so without categories to take over: %(names)s. "
                "Add each with its categories."
            )
            % {"names": ", ".join(enterprise.name for enterprise in left)},
        )
    return redirect(_detail_url(key_list))


@role_required(*LIST_ROLES)
@require_POST
def keylist_entry_add(request, pk):
    key_list = _scoped_list(request, pk)
    form = EntryForm(request.POST, user=request.user, key_list=key_list, auto_id="entry-%s")
    outcome = submit(
        request,
        form,
        lambda data: lists.entry_save(actor=request.user, key_list=key_list, **data),
        success=lambda entry: (
            _("%(enterprise)s was added to the list.") % {"enterprise": entry.enterprise.name}
        ),
    )
    if outcome.ok:
        return redirect(_detail_url(key_list))
    if outcome.conflict:
        return _render_detail(request, key_list, conflict=outcome.conflict, status=409)
    return _render_detail(request, key_list, entry_form=form, status=400)


@role_required(*LIST_ROLES)
def keylist_entry_edit(request, pk, entry_pk):
    key_list = _scoped_list(request, pk)
    entry = _scoped_entry(request, key_list, entry_pk)
    if refused := _province_only(request, key_list):
        return refused
    if request.method == "POST":
        form = EntryForm(request.POST, user=request.user, key_list=key_list)
        outcome = submit(
            request,
            form,
            lambda data: lists.entry_save(
                actor=request.user, key_list=key_list, entry=entry, **data
            ),
            success=_("The entry was saved."),
        )
        if outcome.ok:
            return redirect(_detail_url(key_list))
    else:
        form = EntryForm(
            initial={
                "enterprise": entry.enterprise_id,
                "categories": entry.categories,
                "reason": entry.reason,
            },
            user=request.user,
            key_list=key_list,
        )
        outcome = Outcome(ok=True, conflict=lists.draft_conflict(key_list))
    return render(
        request,
        "audits/keylist_entry_form.html",
        {
            "key_list": key_list,
            "entry": entry,
            "form": form,
            "conflict": outcome.conflict,
        },
        status=outcome.status if request.method == "POST" else 200,
    )


@role_required(*LIST_ROLES)
@require_POST
def keylist_entry_delete(request, pk, entry_pk):
    key_list = _scoped_list(request, pk)
    entry = _scoped_entry(request, key_list, entry_pk)
    outcome = submit(
        request,
        None,
        lambda: lists.entry_delete(actor=request.user, entry=entry),
        success=_("%(enterprise)s was removed from the draft.")
        % {"enterprise": entry.enterprise.name},
    )
    if outcome.ok:
        return redirect(_detail_url(key_list))
    return _render_detail(request, key_list, conflict=outcome.conflict, status=409)


@role_required(*LIST_ROLES)
@require_POST
def keylist_amend(request, pk):
    key_list = _scoped_list(request, pk)
    action = request.POST.get("action")
    if action not in AmendmentAction.values:
        return HttpResponseBadRequest(_("Unknown amendment action."))
    if action == AmendmentAction.ADD:
        form = AmendmentAddForm(request.POST, user=request.user, key_list=key_list)
        forms = {"amend_add_form": form}
        outcome = submit(
            request,
            form,
            lambda data: publishing.amendment_add(
                actor=request.user,
                key_list=key_list,
                enterprise=data["enterprise"],
                categories=data["categories"],
                reason=data["reason"],
            ),
            success=lambda amendment: (
                _("%(enterprise)s was added to the published list.")
                % {"enterprise": amendment.entry.enterprise.name}
            ),
        )
    else:
        form = AmendmentRemoveForm(request.POST, user=request.user, key_list=key_list)
        forms = {"amend_remove_form": form}
        outcome = submit(
            request,
            form,
            lambda data: publishing.amendment_remove(
                actor=request.user, entry=data["entry"], reason=data["reason"]
            ),
            success=lambda amendment: (
                _("%(enterprise)s was taken off the published list.")
                % {"enterprise": amendment.entry.enterprise.name}
            ),
        )
    if outcome.ok:
        return redirect(_detail_url(key_list))
    return _render_detail(
        request, key_list, conflict=outcome.conflict, status=outcome.status, **forms
    )


# --- import ----------------------------------------------------------------------------


@role_required(*LIST_ROLES)
def keylist_import(request, pk):
    key_list = _scoped_list(request, pk)
    if refused := _province_only(request, key_list):
        return refused
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        outcome = submit(
            request,
            form,
            lambda data: key_list_import(
                actor=request.user, key_list=key_list, upload=data["file"]
            ),
            success=lambda result: (
                _("Imported. Created: %(created)d, updated: %(updated)d.") % result
            ),
        )
        if outcome.ok:
            return redirect(_detail_url(key_list))
        status = outcome.status
    else:
        form, status = ImportForm(), 200
        outcome = Outcome(ok=True, conflict=lists.draft_conflict(key_list))
    return render(
        request,
        "audits/keylist_import.html",
        {
            "key_list": key_list,
            "form": form,
            "conflict": outcome.conflict,
            "row_errors": outcome.row_errors,
            "columns": import_columns(),
        },
        status=status,
    )


@role_required(*LIST_ROLES)
def keylist_import_template(request):
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="key-list-template.xlsx"'
    return response


# --- publish ---------------------------------------------------------------------------


@role_required(*LIST_ROLES)
def keylist_publish(request, pk):
    key_list = _scoped_list(request, pk)
    # A city proposes, the province publishes: the confirmation page is the province's too.
    lists.require_province_officer(request.user, key_list.province_id)
    if request.method == "POST":
        form = PublishForm(request.POST)
        outcome = submit(
            request,
            form,
            lambda data: publishing.key_list_publish(
                actor=request.user, key_list=key_list, published_on=data["published_on"]
            ),
            success=_("The list was published and its audits opened."),
        )
        if outcome.ok:
            return redirect(_detail_url(key_list))
        status = outcome.status
    else:
        form, outcome, status = PublishForm(), Outcome(ok=True), 200
    return render(
        request,
        "audits/keylist_publish.html",
        {
            "key_list": key_list,
            "form": form,
            "conflict": outcome.conflict,
            "entry_count": key_list.entries.active().count(),
            "policy": ProvincePolicy.for_province(key_list.province_id),
        },
        status=status,
    )
