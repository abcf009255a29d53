"""Supervision's pages (issue 16): reports upward (list, prepare, detail with submit,
receive and return, the XLSX and PDF), the overdue audits to urge, penalties, the
consulting firms and each firm's record, and the public list of penalised firms.
Authorities and admins; other roles 403; an object outside the caller's scope 404."""

import datetime

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_POST

from accounts import services as accounts
from accounts.choices import Role
from accounts.models import AccountChange, Auditor, User
from assessments.compliance import TITLES as SIGNAL_TITLES
from audits.choices import AuditState, Deadline
from audits.models import Audit
from core.roles import role_required
from core.views import submit
from core.xlsx import export_requested, export_response
from enterprises import services as enterprises
from enterprises.models import Enterprise, Region
from reporting.statistics import COLUMN_LABELS, ROW_COLUMNS

from . import exports, services, workflow
from .choices import ReportState
from .forms import (
    AuditorForm,
    CommentForm,
    EnterpriseForm,
    PenaltyForm,
    RegistrationForm,
    ReturnForm,
    StaffAccountForm,
    StaffEditForm,
    UpwardReportForm,
    UrgeForm,
)
from .models import ConsultancyRegistration, Penalty, UpwardReport
from .selectors import (
    EXPIRY_WARNING_DAYS,
    firm_for,
    firm_record,
    firm_rows,
    firms_for,
    overdue_audits,
    public_penalised_firms,
)

SUPERVISORS = (Role.ADMIN, Role.AUTHORITY)


def _export(request, name: str, header: list, rows: list):
    """`?export=xlsx`: the rows the page shows, as a spreadsheet (core.xlsx: headings in
    the reader's language, numbers and dates as such, bounded); None otherwise."""
    if not export_requested(request):
        return None
    return export_response(request, name=name, title=name, header=header, items=rows)


# --- reports upward ------------------------------------------------------------------------


def _own_region(user):
    if user.role == Role.AUTHORITY:
        return user.organization.region
    return None


@role_required(*SUPERVISORS)
def upward_report_list(request):
    reports = list(
        UpwardReport.objects.for_user(request.user)
        .select_related("region", "prepared_by")
        .order_by("-year", "kind", "region_id")
    )
    own = _own_region(request.user)
    region = own or Region.objects.filter(code=request.GET.get("region") or "").first()
    form = UpwardReportForm(request.POST or None) if region else None
    if request.method == "POST" and form is not None:
        outcome = submit(
            request,
            form,
            lambda data: workflow.upward_report_create(actor=request.user, region=region, **data),
            success=_("The report was prepared as a draft."),
        )
        if outcome.ok:
            return redirect("upward-report-detail", outcome.result.pk)
        status = outcome.status
    else:
        status = 200
    exported = _export(
        request,
        "upward-reports",
        [
            _("Region"),
            _("Report"),
            _("Year"),
            _("Figures as of"),
            _("Due on"),
            _("State"),
            _("Late"),
            _("Submitted on"),
        ],
        [
            [
                r.region.name,
                r.get_kind_display(),
                r.year,
                r.as_of,
                r.due_on,
                r.get_state_display(),
                _("yes") if r.is_late else _("no"),
                r.submitted_on,
            ]
            for r in reports
        ],
    )
    if exported:
        return exported
    context = {
        "own": [r for r in reports if own is None or r.region_id == own.code],
        "received": [r for r in reports if own is not None and r.region_id != own.code],
        "form": form,
        "region": region,
    }
    return render(request, "supervision/upward_report_list.html", context, status=status)


def _report(request, pk) -> UpwardReport:
    return get_object_or_404(
        UpwardReport.objects.for_user(request.user).select_related("region", "prepared_by"),
        pk=pk,
    )


def _figures(request, report) -> dict:
    return report.figures or workflow.figures_for(actor=request.user, report=report)


def _report_context(request, report, **extra) -> dict:
    figures = _figures(request, report)
    return {
        "report": report,
        "figures": figures,
        "summary": exports.summary_rows(figures),
        "columns": [COLUMN_LABELS[key] for key in ROW_COLUMNS],
        "by_city": exports.breakdown_rows(figures["by_city"]),
        "by_industry": exports.breakdown_rows(figures["by_industry"]),
        "benefits": exports.benefit_rows(figures),
        "firm_columns": list(exports.firm_labels().values()),
        "firms": exports.firm_rows(figures.get("consultancies", [])),
        "history": report.transitions.select_related("actor"),
        "can_prepare": workflow.can_prepare(request.user, report.region_id),
        "can_receive": workflow.can_receive(request.user, report),
        "comment_form": extra.pop("comment_form", CommentForm()),
        "return_form": extra.pop("return_form", ReturnForm()),
        "states": ReportState,
        **extra,
    }


@role_required(*SUPERVISORS)
def upward_report_detail(request, pk):
    report = _report(request, pk)
    return render(
        request, "supervision/upward_report_detail.html", _report_context(request, report)
    )


MOVES = {
    "submit": (workflow.upward_report_submit, CommentForm, _("The report was submitted.")),
    "receive": (workflow.upward_report_receive, CommentForm, _("The report was received.")),
    "return": (workflow.upward_report_return, ReturnForm, _("The report was returned.")),
}


@role_required(*SUPERVISORS)
@require_POST
def upward_report_move(request, pk, move):
    if move not in MOVES:
        raise Http404
    report = _report(request, pk)
    service, form_class, success = MOVES[move]
    form = form_class(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: service(actor=request.user, report=report, comment=data["comment"]),
        success=success,
    )
    if outcome.ok:
        return redirect("upward-report-detail", report.pk)
    forms = {"return_form" if move == "return" else "comment_form": form}
    context = _report_context(request, report, conflict=outcome.conflict, **forms)
    return render(request, "supervision/upward_report_detail.html", context, status=outcome.status)


@role_required(*SUPERVISORS)
def upward_report_xlsx(request, pk):
    report = _report(request, pk)
    return exports.xlsx_response(
        exports.report_xlsx(report, _figures(request, report)), f"upward-report-{report.pk}.xlsx"
    )


@role_required(*SUPERVISORS)
def upward_report_pdf(request, pk):
    report = _report(request, pk)
    return exports.download(
        report.pdf, filename=f"upward-report-{report.pk}.pdf", content_type="application/pdf"
    )


# --- urging -------------------------------------------------------------------------------


@role_required(*SUPERVISORS)
def overdue_list(request):
    audits = list(overdue_audits(request.user)[:500])
    rows = [
        {"audit": audit, "overdue": [Deadline(kind).label for kind in audit.overdue_kinds()]}
        for audit in audits
    ]
    exported = _export(
        request,
        "overdue",
        [_("Enterprise"), _("Region"), _("Consulting firm"), _("Overdue"), _("Urge notices")],
        [
            [
                row["audit"].enterprise.name,
                row["audit"].enterprise.region.name,
                row["audit"].consultancy.name if row["audit"].consultancy else "",
                ", ".join(str(label) for label in row["overdue"]),
                row["audit"].urge_count,
            ]
            for row in rows
        ],
    )
    return exported or render(
        request, "supervision/overdue_list.html", {"rows": rows, "form": UrgeForm()}
    )


def _next_url(request, audit) -> str:
    """Where the urge leads back to: the page it came from (this site's only), else the
    audit."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("audit-detail", args=[audit.pk])


@role_required(*SUPERVISORS)
def urge_create(request, pk):
    """GET: the urge form for one audit (the deadline board's way in); POST: send it."""
    audit = get_object_or_404(
        Audit.objects.for_user(request.user).select_related("enterprise"), pk=pk
    )
    services.require_supervisor(request.user, audit.enterprise.region_id)
    if request.method != "POST":
        form, outcome = UrgeForm(), None
    else:
        form = UrgeForm(request.POST)
        outcome = submit(
            request,
            form,
            lambda data: services.urge_send(actor=request.user, audit=audit, text=data["text"]),
            success=_("The urge notice was sent to the enterprise and its consulting firm."),
        )
        if outcome.ok:
            return redirect(_next_url(request, audit))
    return render(
        request,
        "supervision/urge_form.html",
        {
            "audit": audit,
            "form": form,
            "conflict": outcome and outcome.conflict,
            "next": _next_url(request, audit),
            "overdue": [Deadline(kind).label for kind in audit.overdue_kinds()],
        },
        status=outcome.status if outcome else 200,
    )


# --- penalties ----------------------------------------------------------------------------


@role_required(*SUPERVISORS)
def penalty_list(request):
    form = PenaltyForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        firms=firms_for(request.user),
    )
    status = 200
    if request.method == "POST":
        outcome = submit(
            request,
            form,
            lambda data: services.penalty_record(actor=request.user, **data),
            success=_("The penalty decision was recorded."),
        )
        if outcome.ok:
            return redirect("penalty-list")
        status = outcome.status
    penalties = Penalty.objects.for_user(request.user).select_related(
        "enterprise", "consultancy", "audit", "recorded_by"
    )
    if request.method == "GET" and (
        exported := _export(
            request,
            "penalties",
            [_("Decided on"), _("Against"), _("Ground"), _("Amount (yuan)"), _("Legal basis")],
            [
                [p.decided_on, str(p.party), p.get_ground_display(), p.amount, p.legal_basis]
                for p in penalties
            ],
        )
    ):
        return exported
    return render(
        request,
        "supervision/penalty_list.html",
        {"penalties": penalties, "form": form},
        status=status,
    )


@role_required(*SUPERVISORS)
def penalty_document(request, pk):
    penalty = get_object_or_404(Penalty.objects.for_user(request.user), pk=pk)
    return exports.download(
        penalty.document,
        filename=f"penalty-{penalty.pk}.{penalty.document_extension}",
        content_type=penalty.document_content_type,
    )


# --- the registry and the firms' records ------------------------------------------------


@role_required(*SUPERVISORS)
def firm_list(request):
    registered = {
        registration.organization_id: registration
        for registration in ConsultancyRegistration.objects.prefetch_related("industries")
    }
    rows = [
        record | {"registration": registered.get(record["id"])}
        for record in firm_rows(user=request.user)
        if record["id"] is not None
    ]
    listed = {row["id"] for row in rows}
    # Firms seated in the region with no audit there yet.
    idle = list(firms_for(request.user).exclude(pk__in=listed).order_by("name"))
    labels = exports.firm_labels()
    exported = _export(
        request,
        "consulting-firms",
        [_("Consulting firm"), _("Registered industries"), *labels.values()],
        [
            [
                row["name"],
                ", ".join(row["registration"].industry_codes) if row["registration"] else "",
                *[row[key] for key in labels],
            ]
            for row in rows
        ]
        + [
            [
                firm.name,
                "",
                *[0 if key in ("audits", "urges", "penalties") else None for key in labels],
            ]
            for firm in idle
        ],
    )
    return exported or render(request, "supervision/firm_list.html", {"rows": rows, "idle": idle})


@role_required(*SUPERVISORS)
def firm_detail(request, pk):
    firm = firm_for(request.user, pk)
    registration = ConsultancyRegistration.objects.filter(organization=firm).first()
    initial = (
        {"industries": registration.industries.all(), "region": registration.region}
        if registration
        else {"region": firm.region_id}
    )
    form = RegistrationForm(request.POST or None, initial=initial, user=request.user)
    status = 200
    if request.method == "POST":
        outcome = submit(
            request,
            form,
            lambda data: services.registration_save(actor=request.user, organization=firm, **data),
            success=_("The registration was saved."),
        )
        if outcome.ok:
            return redirect("firm-detail", firm.pk)
        status = outcome.status
    record = firm_record(user=request.user, firm=firm)
    context = {
        "firm": firm,
        "record": record,
        "states": [(AuditState(state).label, n) for state, n in record["audits_by_state"].items()],
        "signals": [(SIGNAL_TITLES.get(code, code), n) for code, n in record["signals"].items()],
        "form": form,
    }
    return render(request, "supervision/firm_detail.html", context, status=status)


# --- public -------------------------------------------------------------------------------


def public_penalties(request):
    """No login: the penalty decisions against consulting firms, where the province's
    policy publishes them (Beijing 2017: the consultancy named)."""
    penalties = public_penalised_firms().order_by("-decided_on", "-id")[:200]
    return render(
        request,
        "supervision/public_penalties.html",
        {"penalties": penalties, "public_tab": "penalties"},
    )


# --- authorities manage their region (item 4, in part) ---------------------------------


@role_required(*SUPERVISORS)
def enterprise_edit(request, pk=None):
    """Register an enterprise of the region, or change one (404 outside the region)."""
    enterprise = get_object_or_404(Enterprise.objects.for_user(request.user), pk=pk) if pk else None
    form = EnterpriseForm(request.POST or None, instance=enterprise, user=request.user)
    status = 200
    if request.method == "POST":
        outcome = submit(
            request,
            form,
            lambda data: (
                enterprises.enterprise_update(actor=request.user, enterprise=enterprise, **data)
                if enterprise
                else enterprises.enterprise_create(actor=request.user, **data)
            ),
            success=_("The enterprise was saved."),
        )
        if outcome.ok:
            return redirect("enterprise-detail", outcome.result.pk)
        status = outcome.status
    return render(
        request,
        "supervision/enterprise_form.html",
        {"form": form, "enterprise": enterprise},
        status=status,
    )


@role_required(*SUPERVISORS)
def auditor_list(request):
    """The certified auditors of the firms and enterprises of the region, the expired and
    those expiring within 90 days flagged; a new one registered here."""
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
    auditors = list(
        Auditor.objects.for_user(request.user)
        .select_related("organization", "enterprise")
        .order_by("valid_until", "name")
    )
    for auditor in auditors:
        auditor.expired = auditor.valid_until < today
        auditor.expiring = today <= auditor.valid_until <= soon
    exported = _export(
        request,
        "auditors",
        [
            pgettext("person", "Name"),
            _("Certificate"),
            _("Level"),
            _("Employer"),
            _("Issued on"),
            _("Valid until"),
            _("Expires within 90 days"),
        ],
        [
            [
                a.name,
                a.certificate_no,
                a.get_level_display(),
                str(a.organization or a.enterprise),
                a.issued_on,
                a.valid_until,
                _("yes") if a.expiring else _("no"),
            ]
            for a in auditors
        ],
    )
    if exported and request.method == "GET":
        return exported
    return _auditor_form(request, None, auditors=auditors)


@role_required(*SUPERVISORS)
def auditor_edit(request, pk):
    """Change or renew a certificate (404 outside the region)."""
    auditor = get_object_or_404(Auditor.objects.for_user(request.user), pk=pk)
    return _auditor_form(request, auditor)


def _auditor_form(request, auditor, auditors=None):
    form = AuditorForm(request.POST or None, instance=auditor, firms=firms_for(request.user))
    status = 200
    if request.method == "POST":
        outcome = submit(
            request,
            form,
            lambda data: accounts.auditor_save(
                actor=request.user,
                auditor=auditor,
                **{k: v for k, v in data.items() if not (k == "valid_until" and v is None)},
            ),
            success=_("The auditor was saved."),
        )
        if outcome.ok:
            return redirect("auditor-list")
        status = outcome.status
    return render(
        request,
        "supervision/auditor_list.html",
        {"form": form, "auditor": auditor, "auditors": auditors},
        status=status,
    )


# --- the accounts of the region's enterprises and firms (item 4) -----------------------


def staff_accounts(user):
    """The staff accounts the caller manages (accounts.User.objects.for_user: those of
    the enterprises and firms seated in an authority's region)."""
    return (
        User.objects.for_user(user)
        .staff()
        .select_related("enterprise__region", "organization__region")
        .order_by("role", "username")
    )


@role_required(*SUPERVISORS)
def staff_list(request):
    """The enterprise and consultant accounts of the region; a new one created here
    (its owner invited by mail to set a password)."""
    form = StaffAccountForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        outcome = submit(
            request,
            form,
            lambda data: accounts.staff_create(actor=request.user, **data),
            success=_("The account was created and its owner invited to set a password."),
        )
        if outcome.ok:
            return redirect("staff-detail", outcome.result.pk)
        status = outcome.status
    users = staff_accounts(request.user)
    if role := request.GET.get("role"):
        users = users.filter(role=role)
    exported = _export(
        request,
        "accounts",
        [_("Username"), _("Full name"), _("Role"), _("Employer"), _("Email"), _("Active")],
        [
            [
                u.username,
                u.full_name,
                u.get_role_display(),
                str(u.enterprise or u.organization),
                u.email,
                _("yes") if u.is_active else _("no"),
            ]
            for u in users
        ],
    )
    if exported:
        return exported
    return render(
        request,
        "supervision/staff_list.html",
        {"users": users, "form": form},
        status=status,
    )


def _staff(request, pk) -> User:
    return get_object_or_404(staff_accounts(request.user), pk=pk)


def _staff_page(request, account, *, form=None, status=200):
    context = {
        "account": account,
        "form": form
        or StaffEditForm(
            initial={name: getattr(account, name) for name in ("full_name", "email", "phone")}
        ),
        "changes": AccountChange.objects.filter(user=account).select_related("actor"),
    }
    return render(request, "supervision/staff_detail.html", context, status=status)


@role_required(*SUPERVISORS)
def staff_detail(request, pk):
    account = _staff(request, pk)
    if request.method != "POST":
        return _staff_page(request, account)
    form = StaffEditForm(request.POST)
    outcome = submit(
        request,
        form,
        lambda data: accounts.staff_update(actor=request.user, user=account, **data),
        success=_("The account was saved."),
    )
    if outcome.ok:
        return redirect("staff-detail", account.pk)
    return _staff_page(request, account, form=form, status=outcome.status)


STAFF_MOVES = {
    "deactivate": (
        lambda actor, user: accounts.staff_update(actor=actor, user=user, is_active=False),
        gettext_lazy("The account was deactivated."),
    ),
    "reactivate": (
        lambda actor, user: accounts.staff_update(actor=actor, user=user, is_active=True),
        gettext_lazy("The account was reactivated."),
    ),
    "invite": (
        lambda actor, user: accounts.staff_invite(actor=actor, user=user),
        gettext_lazy("A new invitation to set a password was sent."),
    ),
}


@role_required(*SUPERVISORS)
@require_POST
def staff_move(request, pk, move):
    if move not in STAFF_MOVES:
        raise Http404
    account = _staff(request, pk)
    service, success = STAFF_MOVES[move]
    outcome = submit(request, None, lambda: service(request.user, account), success=str(success))
    if outcome.ok:
        return redirect("staff-detail", account.pk)
    form = StaffEditForm({name: getattr(account, name) for name in ("full_name", "email", "phone")})
    form.is_valid()  # bound, to carry the refusal as a form error
    for error in outcome.errors:
        form.add_error(None, error)
    return _staff_page(request, account, form=form, status=400)
