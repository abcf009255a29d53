"""The reports upward and their states (issue 16, item 1; domain.md §5, §8): a city or a
province prepares its progress report or annual summary as of a day, submits it (the
figures frozen then, from the history: reporting.as_of), and the authority one level up
receives it or returns it with a comment; a returned report is submitted again. Each
move is a history row with its actor, time and comment, in the same transaction."""

import datetime
import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from accounts.choices import Role
from accounts.models import User
from core.errors import StateConflict
from core.regions import province_code
from core.tasks import enqueue_on_commit
from enterprises.choices import RegionLevel
from notifications.messages import bilingual, translated
from notifications.services import notify
from reporting.as_of import summary_as_of

from .choices import ReportKind, ReportState
from .models import SupervisionPolicy, UpwardReport, UpwardReportTransition, default_as_of
from .selectors import firm_rows

RENDER_TASK = "supervision.tasks.render_upward_report"

MOVES = {
    "submit": ({ReportState.DRAFT, ReportState.RETURNED}, ReportState.SUBMITTED),
    "receive": ({ReportState.SUBMITTED}, ReportState.RECEIVED),
    "return": ({ReportState.SUBMITTED}, ReportState.RETURNED),
}


# --- who may ------------------------------------------------------------------------------


def can_prepare(actor, region_id: str) -> bool:
    """The region's own authority (or an admin) prepares and submits its report."""
    role = getattr(actor, "role", None)
    return role == Role.ADMIN or (
        role == Role.AUTHORITY and actor.organization.region_id == region_id
    )


def require_preparer(actor, region_id: str) -> None:
    if not can_prepare(actor, region_id):
        raise PermissionDenied(_("Only the region's own authority prepares its reports."))


def can_receive(actor, report: UpwardReport) -> bool:
    """The authority one level up (a city's province), or an admin."""
    role = getattr(actor, "role", None)
    parent = report.recipient_region_id
    return role == Role.ADMIN or (
        role == Role.AUTHORITY and parent is not None and actor.organization.region_id == parent
    )


def require_receiver(actor, report: UpwardReport) -> None:
    if not can_receive(actor, report):
        raise PermissionDenied(_("Only the authority one level up receives or returns it."))


# --- the moves ----------------------------------------------------------------------------


def _move(report: UpwardReport, name: str, *, actor, comment: str = "") -> None:
    sources, target = MOVES[name]
    if report.state not in sources:
        raise StateConflict(
            _("A report that is “%(state)s” cannot be %(move)s.")
            % {"state": report.get_state_display(), "move": MOVE_LABELS[name]},
            unmet=[_("The report is “%(state)s”.") % {"state": report.get_state_display()}],
        )
    UpwardReportTransition.objects.create(
        report=report, from_state=report.state, to_state=target, actor=actor, comment=comment
    )
    report.state = target


MOVE_LABELS = {
    "submit": pgettext_lazy("state", "submitted"),
    "receive": _("received"),
    "return": _("returned"),
}


def _clean_as_of(kind: str, year: int, as_of: datetime.date | None) -> datetime.date:
    as_of = as_of or default_as_of(kind, year)
    if as_of.year != year:
        raise ValidationError({"as_of": _("The figures of a year's report stand on a day of it.")})
    return as_of


@transaction.atomic
def upward_report_create(
    *, actor, region, kind: str, year: int, as_of: datetime.date | None = None, note: str = ""
) -> UpwardReport:
    """A draft report of `region` (a city or a province) for `year`, its due day from the
    province's supervision policy."""
    require_preparer(actor, region.code)
    if region.level not in (RegionLevel.CITY, RegionLevel.PROVINCE):
        raise ValidationError({"region": _("Cities and provinces report upward.")})
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Choose a kind of report.")})
    as_of = _clean_as_of(kind, year, as_of)
    if UpwardReport.objects.filter(region=region, kind=kind, year=year).exists():
        raise ValidationError({"kind": _("This report of the year is already prepared.")})
    policy = SupervisionPolicy.for_province(province_code(region.code))
    return UpwardReport.objects.create(
        region=region,
        kind=kind,
        year=year,
        as_of=as_of,
        due_on=policy.due_on(kind, year),
        note=note,
        prepared_by=actor,
    )


def _locked(report: UpwardReport) -> UpwardReport:
    return UpwardReport.objects.select_for_update().select_related("region").get(pk=report.pk)


@transaction.atomic
def upward_report_update(
    *, actor, report: UpwardReport, as_of: datetime.date | None = None, note: str | None = None
) -> UpwardReport:
    """Change a draft's (or a returned report's) day or note."""
    report = _locked(report)
    require_preparer(actor, report.region_id)
    if report.is_frozen:
        raise StateConflict(_("A submitted report is frozen."))
    if as_of is not None:
        report.as_of = _clean_as_of(report.kind, report.year, as_of)
    if note is not None:
        report.note = note
    report.save(update_fields=["as_of", "note"])
    return report


def figures_for(*, actor, report: UpwardReport) -> dict:
    """The report's figures as of its day, as plain JSON (what submitting freezes)."""
    figures = summary_as_of(user=actor, as_of=report.as_of, region=report.region_id)
    # The firms' records keep no history: they are as they stand when submitted.
    figures["consultancies"] = firm_rows(user=actor, region=report.region_id)
    return json.loads(json.dumps(figures, cls=DjangoJSONEncoder))


def _authorities_of(region_id: str | None):
    if region_id is None:
        return User.objects.none()
    return User.objects.filter(
        role=Role.AUTHORITY, organization__region_id=region_id, is_active=True
    )


@transaction.atomic
def upward_report_submit(*, actor, report: UpwardReport, comment: str = "") -> UpwardReport:
    """Freeze the figures as of the report's day and send it one level up; its PDF is
    rendered in the background."""
    report = _locked(report)
    require_preparer(actor, report.region_id)
    if report.as_of > timezone.localdate():
        raise StateConflict(
            _("The report cannot be submitted before its day."),
            unmet=[_("Its figures stand on %(date)s.") % {"date": report.as_of}],
        )
    _move(report, "submit", actor=actor, comment=comment)
    report.figures = figures_for(actor=actor, report=report)
    report.submitted_on = timezone.localdate()
    report.return_comment = ""
    report.pdf = ""
    report.save(update_fields=["state", "figures", "submitted_on", "return_comment", "pdf"])
    notify(
        recipients=_authorities_of(report.recipient_region_id),
        kind="upward_report_submitted",
        params={
            "region": bilingual(report.region.name_zh, report.region.name_en),
            "report": translated(ReportKind(report.kind).label),
            "year": report.year,
            "as_of": report.as_of.isoformat(),
        },
        url=reverse("upward-report-detail", args=[report.pk]),
    )
    enqueue_on_commit(RENDER_TASK, report.pk, translation.get_language() or "")
    return report


@transaction.atomic
def upward_report_receive(*, actor, report: UpwardReport, comment: str = "") -> UpwardReport:
    report = _locked(report)
    require_receiver(actor, report)
    _move(report, "receive", actor=actor, comment=comment)
    report.save(update_fields=["state"])
    return report


@transaction.atomic
def upward_report_return(*, actor, report: UpwardReport, comment: str) -> UpwardReport:
    """Send it back with what to correct; the region submits it again."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("Say why the report is returned.")})
    report = _locked(report)
    require_receiver(actor, report)
    _move(report, "return", actor=actor, comment=comment)
    report.return_comment = comment
    report.save(update_fields=["state", "return_comment"])
    notify(
        recipients=_authorities_of(report.region_id),
        kind="upward_report_returned",
        params={
            "report": translated(ReportKind(report.kind).label),
            "year": report.year,
            "comment": comment,
        },
        url=reverse("upward-report-detail", args=[report.pk]),
    )
    return report


def reports_to_render() -> list[int]:
    """Frozen reports whose PDF is still missing (a lost task, a broker that was down)."""
    return list(
        UpwardReport.objects.filter(
            state__in=[ReportState.SUBMITTED, ReportState.RECEIVED], pdf=""
        ).values_list("pk", flat=True)
    )
