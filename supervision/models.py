"""Supervision (issue 16; domain.md §5–§8): the reports authorities send one level up,
the urges and penalties of enforcement, the registry of consulting firms, and the
policy figures they follow."""

import datetime
import uuid

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import OrganizationKind, Role
from audits.models import Audit
from core.files import EXTENSIONS
from core.models import StateChange
from core.regions import region_prefix

from .choices import OutsideIndustry, PenaltyGround, ReportKind, ReportState

MONTH_DAY = RegexValidator(
    r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", _("A day of the year as MM-DD, e.g. 06-30.")
)


def _day(month_day: str, year: int) -> datetime.date:
    month, day = (int(part) for part in month_day.split("-"))
    return datetime.date(year, month, min(day, 28) if month == 2 and day > 28 else day)


class SupervisionPolicy(models.Model):
    """A province's supervision figures; the row without a province is the national
    default, a province's own row replaces it (as enterprises.ProvincePolicy). Defaults:
    progress by 30 June and 15 December, the annual summary by 15 March of the next year
    (Hubei 2026); engaging a firm outside its industries warns; penalised firms public."""

    province = models.ForeignKey(
        "enterprises.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": "province"},
        verbose_name=_("province"),
        help_text=_("Empty for the national default."),
    )
    progress_h1_due = models.CharField(
        _("first half-year progress due (MM-DD)"),
        max_length=5,
        default="06-30",
        validators=[MONTH_DAY],
    )
    progress_h2_due = models.CharField(
        _("second half-year progress due (MM-DD)"),
        max_length=5,
        default="12-15",
        validators=[MONTH_DAY],
    )
    annual_due = models.CharField(
        _("annual summary due, the next year (MM-DD)"),
        max_length=5,
        default="03-15",
        validators=[MONTH_DAY],
    )
    outside_industry = models.CharField(
        _("engaging a firm outside its registered industries"),
        max_length=6,
        choices=OutsideIndustry.choices,
        default=OutsideIndustry.WARN,
    )
    publish_penalised_firms = models.BooleanField(
        _("publish the penalised consulting firms"), default=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("supervision policy")
        verbose_name_plural = _("supervision policies")
        constraints = [
            models.UniqueConstraint(
                Coalesce("province", Value("000000")), name="supervision_policy_one_per_province"
            ),
        ]

    def __str__(self):
        return str(self.province or _("National default"))

    @classmethod
    def for_province(cls, province_code: str) -> "SupervisionPolicy":
        """The province's own policy, or the national default (one query); the default's
        figures, unsaved, should its row be missing."""
        policies = cls.objects.filter(Q(province_id=province_code) | Q(province__isnull=True))
        return min(policies, key=lambda p: p.province_id is None, default=None) or cls()

    def due_on(self, kind: str, year: int) -> datetime.date:
        """When the report of `kind` for `year` is due."""
        if kind == ReportKind.PROGRESS_H1:
            return _day(self.progress_h1_due, year)
        if kind == ReportKind.PROGRESS_H2:
            return _day(self.progress_h2_due, year)
        return _day(self.annual_due, year + 1)


def default_as_of(kind: str, year: int) -> datetime.date:
    """The day a report's figures stand on unless the preparer names another: the end of
    the half-year (30 June), the second report's due day, the end of the year."""
    return {
        ReportKind.PROGRESS_H1: datetime.date(year, 6, 30),
        ReportKind.PROGRESS_H2: datetime.date(year, 12, 15),
        ReportKind.ANNUAL: datetime.date(year, 12, 31),
    }[kind]


class UpwardReportQuerySet(models.QuerySet):
    def for_user(self, user):
        """An authority sees its own region's reports, and the reports its lower levels
        have sent (not their drafts); admins all; other roles none."""
        role = getattr(user, "role", None)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.AUTHORITY and user.scope_prefix:
            own = user.organization.region_id
            return self.filter(
                Q(region_id=own)
                | (Q(region__code__startswith=user.scope_prefix) & ~Q(state=ReportState.DRAFT))
            )
        return self.none()


def report_path(report, filename):
    return f"upward-reports/{report.pk}/{uuid.uuid4().hex}.pdf"


class UpwardReport(models.Model):
    """A progress report or annual summary of one region for one year, its figures as of
    a day (reporting.as_of), frozen when submitted to the authority one level up."""

    region = models.ForeignKey(
        "enterprises.Region",
        on_delete=models.PROTECT,
        related_name="upward_reports",
        verbose_name=_("region"),
    )
    kind = models.CharField(_("report"), max_length=12, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    as_of = models.DateField(_("figures as of"))
    due_on = models.DateField(_("due on"))
    state = models.CharField(
        _("state"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    figures = models.JSONField(_("figures"), null=True, blank=True, editable=False)
    note = models.TextField(_("note"), blank=True)
    return_comment = models.TextField(_("why it was returned"), blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=report_path, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = UpwardReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "kind", "region_id", "id"]
        verbose_name = _("report upward")
        verbose_name_plural = _("reports upward")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind", "year"], name="upward_report_once_a_period"
            ),
        ]

    def __str__(self):
        return f"{self.region_id} · {self.get_kind_display()} · {self.year}"

    @property
    def recipient_region_id(self) -> str | None:
        """The region one level up (a city's province); None above a province."""
        return self.region.parent_id

    @property
    def is_late(self) -> bool:
        """Sent after its due day, or still not sent after it."""
        if self.submitted_on:
            return self.submitted_on > self.due_on
        return timezone.localdate() > self.due_on

    @property
    def is_frozen(self) -> bool:
        return self.state in (ReportState.SUBMITTED, ReportState.RECEIVED)


class UpwardReportTransition(StateChange):
    report = models.ForeignKey(
        UpwardReport,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("report"),
    )
    from_state = models.CharField(_("from"), max_length=10, choices=ReportState.choices)
    to_state = models.CharField(_("to"), max_length=10, choices=ReportState.choices)

    class Meta(StateChange.Meta):
        verbose_name = _("report state change")
        verbose_name_plural = _("report state changes")


class UrgeQuerySet(models.QuerySet):
    def for_user(self, user):
        """Visible with the audit it urges."""
        return self.filter(audit__in=Audit.objects.for_user(user))


class Urge(models.Model):
    """An urge notice (催办) sent by an authority about an overdue audit to the enterprise
    and its consulting firm: the date, the officer, the text, the deadlines it was about."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="urges", verbose_name=_("audit")
    )
    text = models.TextField(_("text"))
    overdue = models.JSONField(_("deadlines overdue"), default=list)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    objects = UrgeQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("urge notice")
        verbose_name_plural = _("urge notices")

    def __str__(self):
        return f"{self.audit} · {self.sent_at:%Y-%m-%d}"


class PenaltyQuerySet(models.QuerySet):
    def for_user(self, user):
        """Authorities: penalties of enterprises and firms in their region; admins all;
        an enterprise or a firm its own."""
        role = getattr(user, "role", None)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.AUTHORITY and user.scope_prefix:
            return self.filter(
                Q(enterprise__region__code__startswith=user.scope_prefix)
                | Q(consultancy__region__code__startswith=user.scope_prefix)
            )
        if role == Role.ENTERPRISE and user.enterprise_id:
            return self.filter(enterprise_id=user.enterprise_id)
        if role == Role.CONSULTANT and user.organization_id:
            return self.filter(consultancy_id=user.organization_id)
        return self.none()


def penalty_path(penalty, filename):
    return f"penalties/{uuid.uuid4().hex}.{penalty.document_extension}"


class Penalty(models.Model):
    """A penalty decision against an enterprise or a consulting firm (domain.md §8: for
    not auditing, faking the audit or not reporting; ¥50,000–500,000; the firm named),
    with its legal basis, amount, date and the decision's document."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="penalties",
        verbose_name=_("enterprise"),
    )
    consultancy = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="penalties",
        limit_choices_to={"kind": OrganizationKind.CONSULTANCY},
        verbose_name=_("consulting firm"),
    )
    audit = models.ForeignKey(
        Audit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="penalties",
        verbose_name=_("audit"),
    )
    ground = models.CharField(_("ground"), max_length=14, choices=PenaltyGround.choices)
    legal_basis = models.TextField(_("legal basis"))
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    decided_on = models.DateField(_("decided on"))
    document = models.FileField(_("decision document"), upload_to=penalty_path, blank=True)
    document_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    document_content_type = models.CharField(_("content type"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    objects = PenaltyQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("penalty")
        verbose_name_plural = _("penalties")
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False, consultancy__isnull=True)
                | Q(enterprise__isnull=True, consultancy__isnull=False),
                name="penalty_against_one_party",
            ),
        ]

    def __str__(self):
        return f"{self.party} · {self.decided_on}"

    @property
    def party(self):
        return self.enterprise or self.consultancy

    @property
    def document_extension(self) -> str:
        return EXTENSIONS.get(self.document_content_type, "bin")

    @property
    def region_id(self) -> str:
        return self.party.region_id


class ConsultancyRegistrationQuerySet(models.QuerySet):
    def for_user(self, user):
        """The registry is read by everyone who can log in (an enterprise chooses a firm
        from it); written by authorities of the firm's region and admins."""
        if getattr(user, "role", None) is None:
            return self.none()
        return self.all()


class ConsultancyRegistration(models.Model):
    """A consulting firm's registration: the industries (GB/T 4754 codes, any level) and
    the region it is registered to work in (domain.md §8: Jiangsu registers firms by
    industry and forbids work outside it)."""

    organization = models.OneToOneField(
        "accounts.Organization",
        on_delete=models.CASCADE,
        related_name="registration",
        limit_choices_to={"kind": OrganizationKind.CONSULTANCY},
        verbose_name=_("consulting firm"),
    )
    industries = models.ManyToManyField(
        "enterprises.Industry", related_name="+", verbose_name=_("registered industries")
    )
    region = models.ForeignKey(
        "enterprises.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("registered region"),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ConsultancyRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultancy registration")
        verbose_name_plural = _("consultancy registrations")

    def __str__(self):
        return str(self.organization)

    def covers(self, industry_code: str) -> bool:
        """The enterprise's industry (its code at any level) falls in a registered one."""
        return any(industry_code.startswith(code) for code in self.industry_codes)

    @property
    def industry_codes(self) -> list[str]:
        return [industry.code for industry in self.industries.all()]

    def in_region(self, region_code: str) -> bool:
        return region_code.startswith(region_prefix(self.region_id))
