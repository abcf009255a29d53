"""HTML screens for audits (design.md "Web UI"): the audits in scope, and one page per
audit that is the consultant's workspace, the enterprise's status page and the
authority's read-only view, depending on `workflow.can_work_on`.

Thin: each write view parses a form, calls one service of `audits.services` or
`audits.workflow`, and translates its errors: ValidationError → form errors (400),
StateConflict → an alert with the unmet reasons (409), RowErrors → the pasted rows with
their errors (400), PermissionDenied → the 403 page. An audit outside the user's scope
is a 404, and so is anything of it reached through another audit. Writes are the
workers' (`can_work_on`): an authority gets 403 on every write but the comment.

htmx makes the tables faster to edit (a row becomes its form and back); every form also
works as a plain post that redirects to the page, or shows it again with the errors.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from accounts.choices import Role
from core.forms import add_service_errors
from core.paging import IdsFirstPaginator
from core.roles import role_required
from core.views import submit
from core.xlsx import export_requested, export_response

from . import events, services, workflow
from .choices import Aspect, AuditState, CostClass, Deadline, Indicator, OptionStatus
from .engagement import engagement_warnings
from .filters import AuditFilter
from .forms import (
    AuditFilterForm,
    BalanceForm,
    CommentForm,
    DocumentForm,
    EngagementForm,
    FocusForm,
    OptionBulkForm,
    OptionForm,
    OptionMoveForm,
    TargetForm,
    TeamForm,
    TransitionForm,
    benefit_formset,
)
from .models import Audit, Balance, Document, Option, OptionBenefit, Target
from .selectors import enterprise_timeline

# Experts read the audits of the review rounds they sit on (Audit.objects.for_user).
ALL_AUDIT_ROLES = (Role.ADMIN, Role.AUTHORITY, Role.CONSULTANT, Role.ENTERPRISE, Role.EXPERT)
# Roles that may do an audit's work (the API's write roles): an authority never does, so
# it gets 403 before its scope is looked at; a worker learns per audit (can_work_on).
WORKER_ROLES = (Role.ADMIN, Role.CONSULTANT, Role.ENTERPRISE)
PAGE_SIZE = 50

# The main path through the states, for the progress bar (cancelled is off it).
PHASES = [state for state in AuditState if state != AuditState.CANCELLED]
# What the bulk paste form explains: its columns and the codes it accepts.
BULK_HELP = {
    "bulk_columns": services.BULK_COLUMNS,
    "aspects": Aspect.choices,
    "cost_classes": CostClass.choices,
    "indicators": Indicator.choices,
}


def _detail_url(audit, anchor: str = "") -> str:
    url = reverse("audit-detail", args=[audit.pk])
    return f"{url}#{anchor}" if anchor else url


def _scoped_audit(request, pk) -> Audit:
    # The header, timeline, team and option thresholds read these on every page.
    return get_object_or_404(
        Audit.objects.for_user(request.user)
        .select_related(
            "enterprise__region",
            "enterprise__industry",
            "consultancy",
            "team_leader",
            "list_entry__key_list",
            "list_entry__disclosure",
        )
        .prefetch_related("team"),
        pk=pk,
    )


def _worker_audit(request, pk) -> Audit:
    """The audit, for the enterprise and its engaged firm only (authorities read)."""
    audit = _scoped_audit(request, pk)
    workflow.require_worker(request.user, audit)
    return audit


# --- the list --------------------------------------------------------------------------


@role_required(*ALL_AUDIT_ROLES)
def audit_list(request):
    user = request.user
    scoped = Audit.objects.for_user(user)
    filters = AuditFilterForm(request.GET or None, user=user, audits=scoped)
    # Enterprise and firm are on every row (the list's year is the audit's own).
    audits = AuditFilter(
        request.GET, queryset=scoped.select_related("enterprise", "consultancy").with_pending()
    ).qs.order_by("start_due", "pk")
    today = timezone.localdate()
    if export_requested(request):
        return export_response(
            request,
            name="audits",
            title=_("Audits"),
            header=[
                _("Enterprise"),
                _("Unified social credit code"),
                _("Round"),
                _("Year"),
                _("State"),
                _("Consulting firm"),
                _("Start due"),
                _("Report due"),
                _("Acceptance due"),
                _("Overdue"),
            ],
            items=audits,
            row=lambda audit: [
                audit.enterprise.name,
                audit.enterprise.credit_code,
                audit.round,
                audit.year,
                audit.get_state_display(),
                audit.consultancy.name if audit.consultancy else "",
                audit.start_due,
                audit.report_due,
                audit.acceptance_due,
                ", ".join(str(Deadline(kind).label) for kind in audit.overdue_kinds(today)),
            ],
        )
    page = IdsFirstPaginator(audits, PAGE_SIZE).get_page(request.GET.get("page"))
    for audit in page:
        audit.overdue = audit.overdue_kinds(today)
    return render(request, "audits/audit_list.html", {"filters": filters, "page": page})


# --- the page of one audit -------------------------------------------------------------


def _phases(audit) -> list[dict]:
    current = PHASES.index(audit.state) if audit.state in PHASES else -1
    return [
        {
            "state": state,
            "label": state.label,
            "status": "done" if i < current else "current" if i == current else "todo",
        }
        for i, state in enumerate(PHASES)
    ]


def _timeline(audit, today) -> list[dict]:
    """The enterprise dashboard's deadlines, plus the next compulsory round."""
    entry = audit.list_entry
    disclosed = entry is not None and hasattr(entry, "disclosure")  # select_related
    timeline = enterprise_timeline(audit, disclosed=disclosed, today=today)
    if audit.next_round_due:
        waiting = audit.state == AuditState.COMPLETED and not any(
            item["status"] == "next" for item in timeline
        )
        timeline.append(
            {
                "kind": Deadline.NEXT_ROUND.value,
                "label": Deadline.NEXT_ROUND.label,
                "due": audit.next_round_due,
                "status": "next" if waiting else "open",
            }
        )
    return timeline


def _moves(audit) -> list[dict]:
    """The phase checklist: each move from here with its unmet conditions."""
    by_review = audit.state in workflow.REVIEW_MOVES
    return [
        move | {"label": AuditState(move["to"]).label, "by_review": by_review}
        for move in workflow.available_transitions(audit)
    ]


def _option_labels() -> dict:
    """The choice labels an option row shows, translated once for the page: a model's
    get_FOO_display hashes (and so translates) every choice of its field at each call,
    which for a few hundred rows was most of the workspace's time."""
    return {
        name: {value: str(label) for value, label in choices.choices}
        for name, choices in (
            ("aspect", Aspect),
            ("cost_class", CostClass),
            ("status", OptionStatus),
            ("indicator", Indicator),
        )
    }


def _decorate_option(option, threshold, labels=None) -> None:
    labels = labels or _option_labels()
    option.warnings = [] if threshold is None else services.cost_class_warnings(option, threshold)
    option.irr_pct = None if option.irr is None else option.irr * 100
    option.deletable = option.status == OptionStatus.PROPOSED
    option.aspect_label = labels["aspect"].get(option.aspect, option.aspect)
    option.cost_class_label = labels["cost_class"].get(option.cost_class, option.cost_class)
    option.status_label = labels["status"].get(option.status, option.status)
    benefits = [
        (labels["indicator"].get(b.indicator, b.indicator), b.expected, b.actual, b.indicator)
        for b in option.benefits.all()
    ]
    # (label, figure, indicator): the page shows each figure with its indicator's places.
    option.expected_benefits = [(label, e, i) for label, e, _a, i in benefits if e is not None]
    option.actual_benefits = [(label, a, i) for label, _e, a, i in benefits if a is not None]
    option.has_benefits = bool(benefits)


def _page_options(audit) -> list[Option]:
    # Benefits of every row in one more query; option.audit is this audit (no query).
    options = list(audit.options.prefetch_related("benefits"))
    threshold = services.option_threshold(options[0]) if options else None
    labels = _option_labels()
    for option in options:
        _decorate_option(option, threshold, labels)
    return options


def _option_totals(audit, options=None) -> dict:
    """Investment and, per indicator, the expected and actual benefits across options.
    The benefits are one aggregate query; the investment is summed from the rows the
    page has already loaded (or by one more aggregate when it has not)."""
    sums = OptionBenefit.objects.filter(option__audit=audit).aggregate(
        **{
            f"{kind}_{value}": Sum(kind, filter=Q(indicator=value))
            for value in Indicator.values
            for kind in ("expected", "actual")
        }
    )
    if options is None:
        investment = audit.options.aggregate(total=Sum("investment"))["total"]
    else:
        investment = sum((option.investment for option in options), Decimal(0))
    return {
        "investment": investment or Decimal(0),
        "benefits": [
            {
                "indicator": value,
                "label": Indicator(value).label,
                "expected": sums[f"expected_{value}"],
                "actual": sums[f"actual_{value}"],
            }
            for value in Indicator.values
            if sums[f"expected_{value}"] is not None or sums[f"actual_{value}"] is not None
        ],
    }


def _permissions(user, audit) -> dict:
    """What the page offers: the services' own rules (audits.workflow)."""
    return {
        "can_work": workflow.can_work_on(user, audit),
        "editable": workflow.can_edit(user, audit),
        "can_engage": workflow.can_engage(user, audit),
        "can_upload": workflow.can_upload(user, audit),
        "can_comment": workflow.can_comment(user, audit),
    }


def _documents(user, audit) -> list[Document]:
    # Scoped: an expert sees neither the files nor their titles before the release.
    documents = list(
        Document.objects.for_user(user)
        .filter(audit=audit)
        .select_related("uploaded_by", "option", "superseded_by")
    )
    for document in documents:
        document.audit = audit  # the rule below reads its state
        document.removable = workflow.can_delete_document(user, document)
    return documents


def _detail_context(request, audit, conflict=None, **forms) -> dict:
    user = request.user
    today = timezone.localdate()
    allowed = _permissions(user, audit)
    options = _page_options(audit)
    context = {
        "audit": audit,
        "conflict": conflict,
        "today": today,
        **allowed,
        "phases": _phases(audit),
        "timeline": _timeline(audit, today),
        "overdue": [Deadline(kind).overdue_label for kind in audit.overdue_kinds(today)],
        "history": audit.transitions.select_related("actor"),
        "moves": _moves(audit),
        "team": [
            {"auditor": auditor, "expired": not auditor.is_valid_on(today)}
            for auditor in audit.team.all()
        ],
        "targets": audit.targets.all(),
        "balances": audit.balances.prefetch_related("flows"),  # totals per balance
        "options": options,
        "totals": _option_totals(audit, options),
        # who uploaded, for which option, and the later version, on every row.
        "documents": _documents(user, audit),
        # The audit's record, oldest first, each line in the reader's language.
        "events": events.timeline(audit, user),  # with supervision's urges and penalties
        "comments": audit.comments.select_related("author"),
        # The assessment and acceptance rounds the user may open (an expert: those whose
        # panel they sit on), in one query; through the audit's reverse relation, whose
        # manager is the review app's own, scope included.
        "reviews": audit.reviews.for_user(user).order_by("applied_on", "id"),
        **BULK_HELP,
    }
    if allowed["can_work"]:
        context["transition_form"] = TransitionForm()
    if allowed["editable"]:
        context.update(
            {
                "team_form": TeamForm(audit=audit),
                "focus_form": FocusForm(audit=audit),
                "target_form": TargetForm(),
                "balance_form": BalanceForm(),
                "option_form": OptionForm(),
                "benefit_formset": benefit_formset(),
                "bulk_form": OptionBulkForm(),
                "move_form": OptionMoveForm(audit=audit),
            }
        )
    if allowed["can_engage"]:
        context["engagement_form"] = EngagementForm(audit=audit)
    if allowed["can_upload"]:
        context["document_form"] = DocumentForm(audit=audit)
    if allowed["can_comment"]:
        context["comment_form"] = CommentForm()
    # A firm engaged outside its registered industries (the checks of audits.engagement).
    context["engagement_warnings"] = engagement_warnings(audit=audit, consultancy=audit.consultancy)
    context.update(forms)
    # The options ticked for a move that was refused stay ticked.
    move = context.get("move_form")
    chosen = move.data.getlist("options") if move is not None and move.is_bound else []
    context["chosen"] = {int(pk) for pk in chosen if pk.isdigit()}
    return context


def _render_detail(request, audit, *, status=200, conflict=None, **forms):
    return render(
        request,
        "audits/audit_detail.html",
        _detail_context(request, audit, conflict, **forms),
        status=status,
    )


@role_required(*ALL_AUDIT_ROLES)
def audit_detail(request, pk):
    return _render_detail(request, _scoped_audit(request, pk))


# --- workflow --------------------------------------------------------------------------


@role_required(*WORKER_ROLES)
@require_POST
def audit_transition(request, pk):
    audit = _worker_audit(request, pk)
    form = TransitionForm(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: workflow.audit_transition(audit=audit, actor=request.user, **data),
        success=lambda moved: (
            _("The audit moved to “%(state)s”.") % {"state": AuditState(moved.state).label}
        ),
    )
    if outcome.ok:
        return redirect(_detail_url(audit, "checklist"))
    return _render_detail(
        request,
        audit,
        status=outcome.status,
        conflict=outcome.conflict,
        **({} if outcome.conflict else {"transition_form": form}),
    )


UPDATE_SECTIONS = {"engagement": EngagementForm, "team": TeamForm, "focus": FocusForm}
UPDATE_SAVED = {
    "engagement": _lazy("The consulting firm was saved."),
    "team": _lazy("The audit team was saved."),
    "focus": _lazy("The audit focus was saved."),
}


@role_required(*WORKER_ROLES)
@require_POST
def audit_update(request, pk):
    """One of three small forms: the consulting firm (the enterprise's choice), the team
    (auditors of the engaged firm), the audit focus."""
    audit = _worker_audit(request, pk)
    section = request.POST.get("section")
    if section not in UPDATE_SECTIONS:
        return HttpResponseBadRequest(_("Unknown section."))
    form = UPDATE_SECTIONS[section](request.POST, audit=audit)
    outcome = submit(
        request,
        form,
        lambda data: services.audit_update(actor=request.user, audit=audit, **data),
        success=UPDATE_SAVED[section],
    )
    if outcome.ok:
        for warning in outcome.result.engagement_warnings:
            messages.warning(request, warning)
        return redirect(_detail_url(audit, "engagement"))
    return _render_detail(
        request,
        audit,
        status=outcome.status,
        conflict=outcome.conflict,
        **{f"{section}_form": form},
    )


# --- targets ---------------------------------------------------------------------------


def _scoped_child(request, model, audit, child_pk):
    return get_object_or_404(model.objects.for_user(request.user).filter(audit=audit), pk=child_pk)


@role_required(*WORKER_ROLES)
def audit_target_save(request, pk, target_pk=None):
    """Add a target (a post from the page) or edit one (its form as a table row for
    htmx, or as a page)."""
    audit = _worker_audit(request, pk)
    target = _scoped_child(request, Target, audit, target_pk) if target_pk else None
    htmx = bool(request.htmx)
    if request.method != "POST":
        if target is None:
            return redirect(_detail_url(audit, "targets"))
        if htmx and request.GET.get("display"):
            return render(
                request,
                "audits/_target_row.html",
                {"audit": audit, "target": target, "editable": True},
            )
        return _render_target_form(request, audit, target, TargetForm(target=target), htmx)
    form = TargetForm(request.POST, target=target)
    in_row = htmx and target is not None
    outcome = submit(
        request,
        form,
        lambda data: services.target_save(actor=request.user, audit=audit, target=target, **data),
        success=None if in_row else _("The target was saved."),
    )
    if outcome.ok:
        if in_row:
            return render(
                request,
                "audits/_target_row.html",
                {"audit": audit, "target": outcome.result, "editable": True},
            )
        return redirect(_detail_url(audit, "targets"))
    if target is None:
        return _render_detail(
            request, audit, status=outcome.status, conflict=outcome.conflict, target_form=form
        )
    return _render_target_form(
        request, audit, target, form, htmx, conflict=outcome.conflict, status=outcome.status
    )


def _delete(request, audit, delete, done: str, anchor: str):
    """Run a delete service; a conflict shows the workspace with its reasons (409)."""
    outcome = submit(request, None, delete, success=done)
    if outcome.ok:
        return redirect(_detail_url(audit, anchor))
    return _render_detail(request, audit, status=409, conflict=outcome.conflict)


def _render_target_form(request, audit, target, form, htmx, *, conflict=None, status=200):
    template = "audits/_target_edit_row.html" if htmx else "audits/target_form.html"
    return render(
        request,
        template,
        {"audit": audit, "target": target, "form": form, "conflict": conflict},
        status=status,
    )


@role_required(*WORKER_ROLES)
@require_POST
def audit_target_delete(request, pk, target_pk):
    audit = _worker_audit(request, pk)
    target = _scoped_child(request, Target, audit, target_pk)
    return _delete(
        request,
        audit,
        lambda: services.target_delete(actor=request.user, target=target),
        _("The target was deleted."),
        "targets",
    )


# --- balances --------------------------------------------------------------------------


def _add_flow_errors(form, error: ValidationError) -> None:
    """A flow's own field errors (name, quantity, direction) belong to the flows."""
    add_service_errors(
        form, error, fields={"direction": "flows", "name": "flows", "quantity": "flows"}
    )


@role_required(*WORKER_ROLES)
def audit_balance_save(request, pk, balance_pk=None):
    """Add a balance with its flows (a post from the page), or edit one on its page."""
    audit = _worker_audit(request, pk)
    balance = None
    if balance_pk:
        balance = get_object_or_404(
            Balance.objects.for_user(request.user).filter(audit=audit).prefetch_related("flows"),
            pk=balance_pk,
        )
    if request.method != "POST":
        if balance is None:
            return redirect(_detail_url(audit, "balances"))
        return render(
            request,
            "audits/balance_form.html",
            {"audit": audit, "balance": balance, "form": BalanceForm(balance=balance)},
        )
    form = BalanceForm(request.POST, balance=balance)

    def save(data):
        data = dict(data)
        return services.balance_save(
            actor=request.user, audit=audit, balance=balance, flows=data.pop("flows"), **data
        )

    outcome = submit(
        request, form, save, success=_("The balance was saved."), add_errors=_add_flow_errors
    )
    if outcome.ok:
        return redirect(_detail_url(audit, "balances"))
    if balance is None:
        return _render_detail(
            request, audit, status=outcome.status, conflict=outcome.conflict, balance_form=form
        )
    return render(
        request,
        "audits/balance_form.html",
        {"audit": audit, "balance": balance, "form": form, "conflict": outcome.conflict},
        status=outcome.status,
    )


@role_required(*WORKER_ROLES)
@require_POST
def audit_balance_delete(request, pk, balance_pk):
    audit = _worker_audit(request, pk)
    balance = _scoped_child(request, Balance, audit, balance_pk)
    return _delete(
        request,
        audit,
        lambda: services.balance_delete(actor=request.user, balance=balance),
        _("The balance was deleted."),
        "balances",
    )


# --- options ---------------------------------------------------------------------------


def _scoped_option(request, audit, option_pk) -> Option:
    option = get_object_or_404(
        Option.objects.for_user(request.user).filter(audit=audit).prefetch_related("benefits"),
        pk=option_pk,
    )
    option.audit = audit  # its enterprise gives the cost-class threshold, without a query
    return option


def _option_forms(option, data=None):
    next_statuses = workflow.next_statuses(option) if option else ()
    return (
        OptionForm(data, option=option, next_statuses=next_statuses),
        benefit_formset(data, option=option),
    )


@role_required(*WORKER_ROLES)
def audit_option_save(request, pk, option_pk=None):
    """Add an option (a post from the page) or edit one: GET gives its form as a table
    row (htmx) or a page; POST saves it, along its status chain only (domain.md §2)."""
    audit = _worker_audit(request, pk)
    option = _scoped_option(request, audit, option_pk) if option_pk else None
    htmx = bool(request.htmx)
    if request.method != "POST":
        if option is None:
            return redirect(_detail_url(audit, "options"))
        if htmx and request.GET.get("display"):
            return _render_option_row(request, audit, option)
        form, formset = _option_forms(option)
        return _render_option_form(request, audit, option, form, formset, htmx)
    form, formset = _option_forms(option, request.POST)
    in_row = htmx and option is not None
    outcome = submit(
        request,
        form,
        lambda data: services.option_save(
            actor=request.user, audit=audit, option=option, benefits=formset.benefits(), **data
        ),
        formsets=[formset],
        success=None
        if in_row
        else (lambda saved: _("The option %(code)s was saved.") % {"code": saved.code}),
    )
    if outcome.ok:
        if in_row:
            return _render_option_saved(request, audit, outcome.result.pk)
        return redirect(_detail_url(audit, f"option-{outcome.result.pk}"))
    if option is None:
        return _render_detail(
            request,
            audit,
            status=outcome.status,
            conflict=outcome.conflict,
            option_form=form,
            benefit_formset=formset,
        )
    return _render_option_form(
        request,
        audit,
        option,
        form,
        formset,
        htmx,
        conflict=outcome.conflict,
        status=outcome.status,
    )


def _render_option_form(request, audit, option, form, formset, htmx, *, conflict=None, status=200):
    template = "audits/_option_edit_row.html" if htmx else "audits/option_form.html"
    return render(
        request,
        template,
        {
            "audit": audit,
            "option": option,
            "form": form,
            "benefit_formset": formset,
            "conflict": conflict,
        },
        status=status,
    )


def _render_option_row(request, audit, option):
    _decorate_option(option, services.option_threshold(option))
    return render(
        request, "audits/_option_row.html", {"audit": audit, "option": option, "editable": True}
    )


def _render_option_saved(request, audit, option_pk):
    """The saved row, and out of band the totals row and the phase checklist that the
    change may have moved."""
    option = _scoped_option(request, audit, option_pk)
    _decorate_option(option, services.option_threshold(option))
    return render(
        request,
        "audits/_option_saved.html",
        {
            "audit": audit,
            "option": option,
            "editable": True,
            "can_work": True,
            "totals": _option_totals(audit),
            "moves": _moves(audit),
            "transition_form": TransitionForm(),
        },
    )


@role_required(*WORKER_ROLES)
@require_POST
def audit_option_delete(request, pk, option_pk):
    audit = _worker_audit(request, pk)
    option = _scoped_option(request, audit, option_pk)
    return _delete(
        request,
        audit,
        lambda: services.option_delete(actor=request.user, option=option),
        _("The option %(code)s was deleted.") % {"code": option.code},
        "options",
    )


@role_required(*WORKER_ROLES)
@require_POST
def audit_options_move(request, pk):
    """The options ticked in the table, moved to one status together (all or none)."""
    audit = _worker_audit(request, pk)
    form = OptionMoveForm(request.POST, audit=audit)
    outcome = submit(
        request,
        form,
        lambda data: services.options_move(
            actor=request.user,
            audit=audit,
            options=list(data["options"]),
            status=data["status"],
            reason=data["reason"],
            implemented_on=data["implemented_on"],
        ),
        success=lambda moved: (
            ngettext(
                "%(count)d option moved to “%(status)s”.",
                "%(count)d options moved to “%(status)s”.",
                len(moved),
            )
            % {"count": len(moved), "status": OptionStatus(form.cleaned_data["status"]).label}
        ),
    )
    if outcome.ok:
        return redirect(_detail_url(audit, "options"))
    return _render_detail(
        request, audit, status=outcome.status, conflict=outcome.conflict, move_form=form
    )


@role_required(*WORKER_ROLES)
def audit_options_bulk(request, pk):
    """Options pasted from a spreadsheet: all rows saved, or none and each row's errors
    shown next to it."""
    audit = _worker_audit(request, pk)
    htmx = bool(request.htmx)
    rows, row_errors, conflict, status = [], [], None, 200
    if request.method == "POST":
        form = OptionBulkForm(request.POST)

        def create(data):
            rows.extend(services.parse_option_text(data["text"]))
            return services.options_bulk_create(actor=request.user, audit=audit, rows=rows)

        outcome = submit(
            request,
            form,
            create,
            success=lambda created: (
                ngettext(
                    "%(count)d option was added.", "%(count)d options were added.", len(created)
                )
                % {"count": len(created)}
            ),
        )
        if outcome.ok:
            if htmx:
                # A reload shows the new rows and the message (a redirect to the same
                # page with an anchor would only scroll).
                return HttpResponseClientRefresh()
            return redirect(_detail_url(audit, "options"))
        row_errors, conflict, status = outcome.row_errors, outcome.conflict, outcome.status
    else:
        form = OptionBulkForm()
    context = {
        "audit": audit,
        "bulk_form": form,
        "conflict": conflict,
        **BULK_HELP,
        "bulk_rows": _rows_with_errors(rows, row_errors),
        "bulk_headings": [
            _column_label(column)
            for column in (_bulk_columns(rows, row_errors) if row_errors else [])
        ],
        "bulk_errors": [e for e in row_errors if not 0 < e["row"] <= len(rows)],
    }
    template = "audits/_options_bulk.html" if htmx else "audits/options_bulk.html"
    return render(request, template, context, status=status)


def _bulk_columns(rows, errors) -> list[str]:
    """The columns of a refused paste, as its rows have them: the six, then the
    economics and benefits it named, then the cells it could not place."""
    keys = {key for row in rows for key in row} | {e["field"] for e in errors}
    columns = [*services.BULK_COLUMNS, *(c for c in services.BULK_ECONOMICS if c in keys)]
    columns += sorted(key for key in keys if key.startswith(services.BENEFIT))
    return [*columns, "columns"] if "columns" in keys else columns


def _column_label(column: str) -> str:
    if column.startswith(services.BENEFIT):
        return Indicator(column.removeprefix(services.BENEFIT)).label
    return column


def _rows_with_errors(rows, errors) -> list[dict]:
    """Each parsed row with the errors of its fields, when there are any."""
    if not errors:
        return []
    columns = _bulk_columns(rows, errors)
    by_row = {}
    for error in errors:
        by_row.setdefault(error["row"], {}).setdefault(error["field"], []).append(error["message"])
    return [
        {
            "number": number,
            "errors": bool(by_row.get(number)),
            "cells": [
                {
                    "field": field,
                    "value": "" if field == "columns" else row.get(field, ""),
                    "errors": by_row.get(number, {}).get(field, []),
                }
                for field in columns
            ],
        }
        for number, row in enumerate(rows, start=1)
    ]


# --- documents and comments ------------------------------------------------------------


@role_required(*WORKER_ROLES)
@require_POST
def audit_document_upload(request, pk):
    audit = _worker_audit(request, pk)
    form = DocumentForm(request.POST, request.FILES, audit=audit)
    outcome = submit(
        request,
        form,
        lambda data: services.document_upload(actor=request.user, audit=audit, **data),
        success=_("The document was uploaded."),
    )
    if outcome.ok:
        return redirect(_detail_url(audit, "documents"))
    return _render_detail(
        request, audit, status=outcome.status, conflict=outcome.conflict, document_form=form
    )


@role_required(*WORKER_ROLES)
@require_POST
def audit_document_delete(request, pk, document_pk):
    audit = _worker_audit(request, pk)
    document = _scoped_child(request, Document, audit, document_pk)
    return _delete(
        request,
        audit,
        lambda: services.document_delete(actor=request.user, document=document),
        _("The document was deleted."),
        "documents",
    )


@role_required(*ALL_AUDIT_ROLES)
@require_POST
def audit_comment(request, pk):
    """Anyone who sees the audit comments on it: authorities supervise, parties reply."""
    audit = _scoped_audit(request, pk)
    form = CommentForm(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: services.comment_add(actor=request.user, audit=audit, text=data["text"]),
        success=_("Your comment was added."),
    )
    if outcome.ok:
        return redirect(_detail_url(audit, "comments"))
    return _render_detail(
        request, audit, status=outcome.status, conflict=outcome.conflict, comment_form=form
    )
