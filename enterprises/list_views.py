"""HTML screens for key-enterprise lists (authorities; design.md "Web UI").

Thin: each view parses a form, calls one service of `enterprises.lists` or
`enterprises.imports`, and translates its errors: ValidationError → form errors (400),
StateConflict → an alert with the unmet reasons (409), RowErrors → a table of row
errors (400), PermissionDenied → the 403 page. A list or an entry outside the user's
scope is a 404.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.choices import Role
from cpaudit.decorators import role_required
from cpaudit.errors import RowErrors, StateConflict
from cpaudit.services import require_role

from . import lists
from .choices import AmendmentAction, EntryStatus
from .imports import COLUMNS, key_list_import, template_workbook
from .list_forms import (
    AmendmentAddForm,
    AmendmentRemoveForm,
    EntryForm,
    ImportForm,
    KeyListCreateForm,
    KeyListFilterForm,
    PolicyForm,
    PublishForm,
    add_service_errors,
)
from .models import KeyEnterpriseList, ListAmendment, ListEntry, ProvincePolicy, Region

LIST_ROLES = (Role.ADMIN, Role.AUTHORITY)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scoped_list(request, pk) -> KeyEnterpriseList:
    return get_object_or_404(
        KeyEnterpriseList.objects.for_user(request.user).select_related("province",
                                                                        "published_by"),
        pk=pk)


def _scoped_entry(request, key_list, entry_pk) -> ListEntry:
    # A city officer reaches only its city's entries (ListEntry.objects.for_user).
    return get_object_or_404(
        ListEntry.objects.for_user(request.user).filter(key_list=key_list)
        .select_related("enterprise"), pk=entry_pk)


def _own_province(user) -> Region:
    return get_object_or_404(Region, code=user.scope_prefix[:2] + "0000", level="province")


def _is_province_officer(user, province_code: str) -> bool:
    """Whether the user may create, publish and amend this province's lists
    (the services' rule: a city proposes, the province publishes)."""
    try:
        lists.require_province_officer(user, province_code)
    except PermissionDenied:
        return False
    return True


def _draft_conflict(key_list):
    """The conflict a write to a published list meets, to show before anyone tries."""
    try:
        lists._require_draft(key_list)
    except StateConflict as conflict:
        return conflict
    return None


def _detail_url(key_list) -> str:
    return reverse("keylist-detail", args=[key_list.pk])


# --- the lists -------------------------------------------------------------------------


def _create_form(user, data=None) -> KeyListCreateForm:
    return KeyListCreateForm(data, ask_province=user.role == Role.ADMIN)


def _can_create(user) -> bool:
    return user.role == Role.ADMIN or (
        bool(user.scope_prefix) and _is_province_officer(user, user.scope_prefix[:2] + "0000"))


def _render_list(request, create_form, *, status=200):
    filters = KeyListFilterForm(request.GET or None)
    # entry_count on every row, in the same query.
    key_lists = (KeyEnterpriseList.objects.for_user(request.user).select_related("province")
                 .annotate(entry_count=Count("entries",
                                             filter=Q(entries__status=EntryStatus.ACTIVE))))
    if filters.is_valid():
        if filters.cleaned_data["year"]:
            key_lists = key_lists.filter(year=filters.cleaned_data["year"])
        if filters.cleaned_data["status"]:
            key_lists = key_lists.filter(status=filters.cleaned_data["status"])
    key_lists = key_lists.order_by("-year", "province_id", "-pk")
    page = Paginator(key_lists, 50).get_page(request.GET.get("page"))
    can_create = _can_create(request.user)
    return render(request, "enterprises/keylist_list.html", {
        "filters": filters, "page": page, "create_form": create_form if can_create else None,
        "can_edit_policy": can_create,
    }, status=status)


@role_required(*LIST_ROLES)
def keylist_list(request):
    return _render_list(request, _create_form(request.user))


@role_required(*LIST_ROLES)
@require_POST
def keylist_create(request):
    form = _create_form(request.user, request.POST)
    if form.is_valid():
        province = form.cleaned_data.get("province") or _own_province(request.user)
        try:
            key_list = lists.key_list_create(
                actor=request.user, province=province, year=form.cleaned_data["year"],
                title=form.cleaned_data["title"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The draft list was created."))
            return redirect(_detail_url(key_list))
    return _render_list(request, form, status=400)


# --- one list --------------------------------------------------------------------------


def _entry_initial(request, suggestions) -> dict:
    """The add form pre-filled from a carry-over suggestion (?enterprise=<pk>)."""
    wanted = request.GET.get("enterprise", "")
    for suggestion in suggestions:
        if str(suggestion["enterprise"].pk) == wanted:
            return {"enterprise": suggestion["enterprise"].pk,
                    "reason": "; ".join(suggestion["reasons"])}
    return {"enterprise": wanted} if wanted.isdigit() else {}


def _render_detail(request, key_list, *, entry_form=None, amend_add_form=None,
                   amend_remove_form=None, conflict=None, status=200):
    user = request.user
    can_amend = _is_province_officer(user, key_list.province_id)
    # enterprise, its region and industry, and the audit are on every row.
    entries = (ListEntry.objects.for_user(user).filter(key_list=key_list)
               .select_related("enterprise__region", "enterprise__industry", "audit"))
    context = {"key_list": key_list, "conflict": conflict,
               "can_publish": can_amend and key_list.is_draft,
               "page": Paginator(entries, 100).get_page(request.GET.get("page"))}
    if key_list.is_draft:
        suggestions = lists.carry_over_suggestions(key_list=key_list, actor=user)
        context["suggestions"] = suggestions
        context["entry_form"] = entry_form or EntryForm(
            initial=_entry_initial(request, suggestions), user=user, key_list=key_list,
            auto_id="entry-%s")
    else:
        # the entry's enterprise and the officer's name on every row.
        context["amendments"] = (
            ListAmendment.objects.filter(key_list=key_list,
                                         entry__in=ListEntry.objects.for_user(user))
            .select_related("entry__enterprise", "actor"))
        if can_amend:
            context["amend_add_form"] = amend_add_form or AmendmentAddForm(
                user=user, key_list=key_list)
            context["amend_remove_form"] = amend_remove_form or AmendmentRemoveForm(
                user=user, key_list=key_list)
    return render(request, "enterprises/keylist_detail.html", context, status=status)


@role_required(*LIST_ROLES)
def keylist_detail(request, pk):
    return _render_detail(request, _scoped_list(request, pk))


@role_required(*LIST_ROLES)
@require_POST
def keylist_entry_add(request, pk):
    key_list = _scoped_list(request, pk)
    form = EntryForm(request.POST, user=request.user, key_list=key_list, auto_id="entry-%s")
    if form.is_valid():
        try:
            entry = lists.entry_save(actor=request.user, key_list=key_list, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except StateConflict as conflict:
            return _render_detail(request, key_list, conflict=conflict, status=409)
        else:
            messages.success(request, _("%(enterprise)s was added to the list.")
                             % {"enterprise": entry.enterprise.name})
            return redirect(_detail_url(key_list))
    return _render_detail(request, key_list, entry_form=form, status=400)


@role_required(*LIST_ROLES)
def keylist_entry_edit(request, pk, entry_pk):
    key_list = _scoped_list(request, pk)
    entry = _scoped_entry(request, key_list, entry_pk)
    status, conflict = 200, None
    if request.method == "POST":
        form = EntryForm(request.POST, user=request.user, key_list=key_list)
        if form.is_valid():
            try:
                lists.entry_save(actor=request.user, key_list=key_list, entry=entry,
                                 **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            except StateConflict as error:
                conflict = error
            else:
                messages.success(request, _("The entry was saved."))
                return redirect(_detail_url(key_list))
        status = 409 if conflict else 400
    else:
        form = EntryForm(initial={"enterprise": entry.enterprise_id,
                                  "categories": entry.categories, "reason": entry.reason},
                         user=request.user, key_list=key_list)
        conflict = _draft_conflict(key_list)
    return render(request, "enterprises/keylist_entry_form.html", {
        "key_list": key_list, "entry": entry, "form": form, "conflict": conflict,
    }, status=status)


@role_required(*LIST_ROLES)
@require_POST
def keylist_entry_delete(request, pk, entry_pk):
    key_list = _scoped_list(request, pk)
    entry = _scoped_entry(request, key_list, entry_pk)
    try:
        lists.entry_delete(actor=request.user, entry=entry)
    except StateConflict as conflict:
        return _render_detail(request, key_list, conflict=conflict, status=409)
    messages.success(request, _("%(enterprise)s was removed from the draft.")
                     % {"enterprise": entry.enterprise.name})
    return redirect(_detail_url(key_list))


@role_required(*LIST_ROLES)
@require_POST
def keylist_amend(request, pk):
    key_list = _scoped_list(request, pk)
    action = request.POST.get("action")
    if action not in AmendmentAction.values:
        return HttpResponseBadRequest(_("Unknown amendment action."))
    adding = action == AmendmentAction.ADD
    form_class = AmendmentAddForm if adding else AmendmentRemoveForm
    form = form_class(request.POST, user=request.user, key_list=key_list)
    forms = {"amend_add_form" if adding else "amend_remove_form": form}
    if form.is_valid():
        data = form.cleaned_data
        try:
            if adding:
                lists.amendment_add(actor=request.user, key_list=key_list,
                                    enterprise=data["enterprise"],
                                    categories=data["categories"], reason=data["reason"])
            else:
                lists.amendment_remove(actor=request.user, entry=data["entry"],
                                       reason=data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        except StateConflict as conflict:
            return _render_detail(request, key_list, conflict=conflict, status=409, **forms)
        else:
            enterprise = data["enterprise"] if adding else data["entry"].enterprise
            messages.success(request, (
                _("%(enterprise)s was added to the published list.") if adding
                else _("%(enterprise)s was taken off the published list."))
                % {"enterprise": enterprise.name})
            return redirect(_detail_url(key_list))
    return _render_detail(request, key_list, status=400, **forms)


# --- import ----------------------------------------------------------------------------


@role_required(*LIST_ROLES)
def keylist_import(request, pk):
    key_list = _scoped_list(request, pk)
    status, conflict, row_errors = 200, None, []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = key_list_import(actor=request.user, key_list=key_list,
                                         upload=form.cleaned_data["file"])
            except RowErrors as error:
                row_errors = error.errors
            except StateConflict as error:
                conflict = error
            else:
                messages.success(request, _("Imported. Created: %(created)d, updated: %(updated)d.")
                                 % result)
                return redirect(_detail_url(key_list))
        status = 409 if conflict else 400
    else:
        form = ImportForm()
        conflict = _draft_conflict(key_list)
    return render(request, "enterprises/keylist_import.html", {
        "key_list": key_list, "form": form, "conflict": conflict, "row_errors": row_errors,
        "columns": COLUMNS,
    }, status=status)


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
    status, conflict = 200, None
    if request.method == "POST":
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                lists.key_list_publish(actor=request.user, key_list=key_list,
                                       published_on=form.cleaned_data["published_on"])
            except StateConflict as error:
                conflict = error
            else:
                messages.success(request, _("The list was published and its audits opened."))
                return redirect(_detail_url(key_list))
        status = 409 if conflict else 400
    else:
        form = PublishForm()
    return render(request, "enterprises/keylist_publish.html", {
        "key_list": key_list, "form": form, "conflict": conflict,
        "entry_count": key_list.entries.active().count(),
        "policy": ProvincePolicy.for_province(key_list.province_id),
    }, status=status)


# --- province policy -------------------------------------------------------------------


@role_required(*LIST_ROLES)
def policy_edit(request):
    """An officer edits their province's policy; an admin any province's (?province=)
    or the national default (no parameter)."""
    user = request.user
    if user.role == Role.ADMIN:
        province = None
        if request.GET.get("province"):
            province = get_object_or_404(Region, code=request.GET["province"],
                                         level="province")
    else:
        province = _own_province(user)
    province_code = province.code if province else None
    # The same rule as policy_save, so that a city officer gets 403 before the form too.
    if province_code is None:
        require_role(user, Role.ADMIN)
    else:
        lists.require_province_officer(user, province_code)
    policy = ProvincePolicy.for_province(province_code or "000000")
    if request.method == "POST":
        form = PolicyForm(request.POST, policy=policy)
        if form.is_valid():
            try:
                lists.policy_save(actor=user, province_code=province_code, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("The policy was saved. Lists published from now "
                                            "on use the new figures."))
                return redirect(request.get_full_path())
        status = 400
    else:
        form, status = PolicyForm(policy=policy), 200
    return render(request, "enterprises/policy_form.html", {
        "form": form, "policy": policy, "province": province,
        "uses_default": province is not None and policy.province_id is None,
        "provinces": (Region.objects.filter(level="province")
                      if user.role == Role.ADMIN else None),
    }, status=status)
