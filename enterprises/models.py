import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.choices import Role
from core import workdays
from core.credit_code import validate_credit_code
from core.i18n import localized
from core.regions import province_code, region_prefix

from .choices import (
    AmendmentAction,
    Category,
    DischargeMode,
    EntryStatus,
    IndustryLevel,
    ListStatus,
    OpenAudit,
    RegionLevel,
)


class Region(models.Model):
    """A GB/T 2260 administrative division. Retired codes stay (design.md pitfalls)."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    level = models.CharField(_("level"), max_length=8, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    retired = models.BooleanField(_("retired"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)

    @property
    def prefix(self) -> str:
        return region_prefix(self.code)

    @property
    def province_code(self) -> str:
        return province_code(self.code)


class Industry(models.Model):
    """A GB/T 4754-2017 section (A–T) or division (two digits)."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=128)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=8, choices=IndustryLevel.choices)
    section = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="divisions",
        verbose_name=_("section"),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class EnterpriseQuerySet(models.QuerySet):
    def for_user(self, user):
        """Enterprises `user` may see (design.md "Roles and scoping").

        Consultants see the enterprises whose audits their firm is engaged for;
        experts reach enterprises only through the reviews they sit on.
        """
        role = getattr(user, "role", None)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.AUTHORITY and user.scope_prefix:
            return self.filter(region__code__startswith=user.scope_prefix)
        if role == Role.ENTERPRISE and user.enterprise_id:
            return self.filter(pk=user.enterprise_id)
        # The audits (and their review rounds) of the apps above, reached by their
        # reverse relations.
        if role == Role.CONSULTANT and user.organization_id:
            return self.filter(
                pk__in=Enterprise.objects.filter(
                    audits__consultancy_id=user.organization_id
                ).values("pk")
            )
        if role == Role.EXPERT:
            return self.filter(
                pk__in=Enterprise.objects.filter(audits__reviews__panel__expert=user).values("pk")
            )
        return self.none()

    def counts(self) -> dict:
        """How many, and how many of them SMEs (by the same rule as `Enterprise.is_sme`,
        in SQL: NULL never matches), in one pass."""
        sme = (
            models.Q(employees__lt=SME_MAX_EMPLOYEES)
            | models.Q(annual_sales__lt=SME_MAX_ANNUAL_SALES)
            | models.Q(total_assets__lt=SME_MAX_TOTAL_ASSETS)
        )
        return self.aggregate(
            enterprise_count=models.Count("pk"), sme_count=models.Count("pk", filter=sme)
        )


# SME thresholds (domain.md §1): under any one of these makes an enterprise an SME.
SME_MAX_EMPLOYEES = 2000
SME_MAX_ANNUAL_SALES = Decimal("300000000")
SME_MAX_TOTAL_ASSETS = Decimal("400000000")


class Enterprise(models.Model):
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        validators=[validate_credit_code],
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("region")
    )
    industry = models.ForeignKey(
        Industry,
        on_delete=models.PROTECT,
        related_name="enterprises",
        verbose_name=_("industry"),
    )
    # The four-digit GB/T 4754 class within the division, where known: the audit cycle
    # of some industries is set by class (e.g. electroplating, 3360).
    industry_class = models.CharField(
        _("industry class"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("A four-digit GB/T 4754 class code."))],
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    employees = models.PositiveIntegerField(
        pgettext_lazy("headcount", "employees"), null=True, blank=True
    )
    annual_sales = models.DecimalField(
        _("annual sales (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    total_assets = models.DecimalField(
        _("total assets (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    # Retired rather than deleted once its audits are on the record (issue 11): hidden
    # from new lists, kept with every audit it had.
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            # Serves the authority scope and the `region` filter: region_id LIKE '32%'.
            models.Index(
                fields=["region"],
                name="enterprise_region_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.industry_class and not self.industry_class.startswith(self.industry_id or ""):
            raise ValidationError(
                {"industry_class": _("The class lies within the industry (division) given.")}
            )

    @property
    def industry_code(self) -> str:
        """The most precise GB/T 4754 code known: the class, else the division."""
        return self.industry_class or self.industry_id

    @property
    def is_sme(self) -> bool | None:
        """SME when under any threshold (domain.md §1); None when nothing is known."""
        known = [
            (self.employees, SME_MAX_EMPLOYEES),
            (self.annual_sales, SME_MAX_ANNUAL_SALES),
            (self.total_assets, SME_MAX_TOTAL_ASSETS),
        ]
        known = [(value, limit) for value, limit in known if value is not None]
        if not known:
            return None
        return any(value < limit for value, limit in known)


def in_industries(industry_code: str, codes) -> bool:
    """Whether an industry (a GB/T 4754 code at any level) lies in one of `codes`."""
    return any(industry_code.startswith(code) for code in codes)


def _months(day: datetime.date, months: int) -> datetime.date:
    return day + relativedelta(months=months)


def _period(day: datetime.date, months: int, working_days: int | None) -> datetime.date:
    """A deadline `months` after `day`, or `working_days` working days after it where
    the province counts in working days (Shandong: 45), holidays and adjusted
    workdays included (core.workdays)."""
    if working_days:
        return workdays.after(day, working_days).day
    return _months(day, months)


def working_days_field(label):
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text=_("Counted in working days instead of months when given."),
    )


class ProvincePolicy(models.Model):
    """A province's figures for the deadlines, cycles and cost classes (domain.md §1,
    §4). Pass marks belong to the scoring sheets (assessments.ScoringSheet).

    The row without a province is the national default; a province's own row, when
    there is one, replaces it. Lists keep a copy of the figures they were published
    with, and audits store their deadlines, so a later edit changes only what is
    published afterwards.
    """

    province = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": "province"},
        verbose_name=_("province"),
        help_text=_("Empty for the national default."),
    )
    start_months = models.PositiveSmallIntegerField(_("start the audit within (months)"), default=2)
    start_working_days = working_days_field(_("start the audit within (working days)"))
    # The steps around the audit (domain.md §7, §8): the enterprise registers on the
    # platform (basic data and a contact person), then files (报备) the consultancy
    # contract and the audit plan, which the authority accepts or returns.
    registration_months = models.PositiveSmallIntegerField(
        _("register on the platform within (months)"), default=1
    )
    registration_working_days = working_days_field(
        _("register on the platform within (working days)")
    )
    filing_months = models.PositiveSmallIntegerField(
        _("file the contract and audit plan within (months)"), default=2
    )
    filing_working_days = working_days_field(
        _("file the contract and audit plan within (working days)")
    )
    filing_is_start = models.BooleanField(
        _("the accepted filing starts the audit"),
        default=False,
        help_text=_(
            "The date the filing is accepted meets the start deadline (Wuhan); otherwise "
            "the move to planning does."
        ),
    )
    filing_required_to_start = models.BooleanField(
        _("planning needs an accepted filing"), default=False
    )
    release_working_days = models.PositiveSmallIntegerField(
        _("release the report to the panel (working days before the meeting)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    report_months = models.PositiveSmallIntegerField(
        _("submit the audit report within (months)"), default=12
    )
    disclosure_months = models.PositiveSmallIntegerField(
        _("disclose emissions within (months)"), default=1
    )
    acceptance_months = models.PositiveSmallIntegerField(
        _("apply for acceptance within (months after a passed assessment)"), default=12
    )
    cycle_heavy_metal_years = models.PositiveSmallIntegerField(
        _("audit cycle in heavy-metal industries (years)"), default=2
    )
    cycle_overcapacity_years = models.PositiveSmallIntegerField(
        _("audit cycle in over-capacity industries (years)"), default=3
    )
    cycle_default_years = models.PositiveSmallIntegerField(
        _("audit cycle otherwise (years)"), default=5
    )
    heavy_metal_industries = models.JSONField(
        _("heavy-metal industries (GB/T 4754 codes)"), default=list, blank=True
    )
    overcapacity_industries = models.JSONField(
        _("over-capacity industries (GB/T 4754 codes)"), default=list, blank=True
    )
    no_low_cost_max_investment = models.DecimalField(
        _("largest investment of a no/low-cost option (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("100000"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("province policy")
        verbose_name_plural = _("province policies")
        constraints = [
            # One row per province and one national default (province NULL).
            models.UniqueConstraint(
                Coalesce("province", Value("000000")), name="policy_one_per_province"
            ),
        ]

    def __str__(self):
        return str(self.province or _("National default"))

    @classmethod
    def for_province(cls, province_code: str) -> "ProvincePolicy":
        """The province's own policy, or the national default (one query)."""
        policies = cls.objects.filter(Q(province_id=province_code) | Q(province__isnull=True))
        return sorted(policies, key=lambda p: p.province_id is None)[0]

    INDUSTRY_LISTS = ("heavy_metal_industries", "overcapacity_industries")
    FIGURES = (
        "start_months",
        "start_working_days",
        "registration_months",
        "registration_working_days",
        "filing_months",
        "filing_working_days",
        "filing_is_start",
        "filing_required_to_start",
        "release_working_days",
        "report_months",
        "disclosure_months",
        "acceptance_months",
        "cycle_heavy_metal_years",
        "cycle_overcapacity_years",
        "cycle_default_years",
        "heavy_metal_industries",
        "overcapacity_industries",
        "no_low_cost_max_investment",
    )

    def figures(self) -> dict:
        """The figures as plain JSON, as a published list keeps them."""
        return {
            name: (str(value) if isinstance(value := getattr(self, name), Decimal) else value)
            for name in self.FIGURES
        }

    def deadlines(self, published_on: datetime.date, *, exceeds_standards: bool) -> dict:
        """Deadlines counted from publication (domain.md §1)."""
        return {
            "start_due": _period(published_on, self.start_months, self.start_working_days),
            "registration_due": _period(
                published_on, self.registration_months, self.registration_working_days
            ),
            "filing_due": _period(published_on, self.filing_months, self.filing_working_days),
            "report_due": _months(published_on, self.report_months),
            "disclosure_due": (
                _months(published_on, self.disclosure_months) if exceeds_standards else None
            ),
        }

    def acceptance_due(self, assessed_on: datetime.date) -> datetime.date:
        return _months(assessed_on, self.acceptance_months)

    def cycle_years(self, *, toxic_hazardous: bool, industry_code: str) -> int:
        """Years to the next compulsory round: `toxic_hazardous` enterprises every 2 years
        in heavy-metal industries, 3 in over-capacity ones; at most 5 otherwise. The
        lists hold GB/T 4754 codes at any level (a division "32", a class "3360"), matched
        by prefix against the enterprise's most precise code (its class, else its
        division)."""
        if toxic_hazardous and in_industries(industry_code, self.heavy_metal_industries):
            return self.cycle_heavy_metal_years
        if toxic_hazardous and in_industries(industry_code, self.overcapacity_industries):
            return self.cycle_overcapacity_years
        return self.cycle_default_years


class PolicyVersion(models.Model):
    """Every saved version of a province's policy (or the national default), with who
    saved it: an edit keeps the figures that were in force before it (issue 11)."""

    policy = models.ForeignKey(
        ProvincePolicy,
        on_delete=models.CASCADE,
        related_name="versions",
        verbose_name=_("province policy"),
    )
    figures = models.JSONField(_("figures"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    saved_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["saved_at", "id"]
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")

    def __str__(self):
        return f"{self.policy} {self.saved_at:%Y-%m-%d %H:%M}"


class KeyEnterpriseListQuerySet(models.QuerySet):
    def for_user(self, user):
        """Authorities see their province's lists, drafts included (a city proposes
        entries to the province's draft); everyone else the published lists."""
        role = getattr(user, "role", None)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.AUTHORITY and user.scope_prefix:
            return self.filter(province_id=province_code(user.scope_prefix))
        if role is None:
            return self.none()
        return self.published()

    def published(self):
        return self.filter(status=ListStatus.PUBLISHED)


class KeyEnterpriseList(models.Model):
    """A province's key-enterprise list for one year (domain.md §1)."""

    # The compulsory audits began with the 2003 law (domain.md "Why it exists").
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2003), MaxValueValidator(2100)]
    )
    province = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="key_lists",
        limit_choices_to={"level": "province"},
        verbose_name=_("province"),
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ListStatus.choices, default=ListStatus.DRAFT
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    policy = models.JSONField(_("policy figures at publication"), default=dict, blank=True)

    objects = KeyEnterpriseListQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "province_id"]
        verbose_name = _("key-enterprise list")
        verbose_name_plural = _("key-enterprise lists")
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="one_list_per_province_year"),
            models.CheckConstraint(
                condition=Q(status=ListStatus.DRAFT, published_on__isnull=True)
                | Q(status=ListStatus.PUBLISHED, published_on__isnull=False),
                name="list_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == ListStatus.DRAFT


class ListEntryQuerySet(models.QuerySet):
    def for_user(self, user):
        """Authorities: entries of enterprises in their region (a city officer touches
        only its city's entries). Others: the published entries, as the public sees them;
        enterprises also their own."""
        role = getattr(user, "role", None)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.AUTHORITY and user.scope_prefix:
            return self.filter(enterprise__region__code__startswith=user.scope_prefix)
        if role is None:
            return self.none()
        return self.filter(key_list__status=ListStatus.PUBLISHED)

    def active(self):
        return self.filter(status=EntryStatus.ACTIVE)


class ListEntry(models.Model):
    key_list = models.ForeignKey(
        KeyEnterpriseList, on_delete=models.CASCADE, related_name="entries", verbose_name=_("list")
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="list_entries",
        verbose_name=_("enterprise"),
    )
    exceeds_standards = models.BooleanField(Category.EXCEEDS_STANDARDS.label, default=False)
    toxic_hazardous = models.BooleanField(Category.TOXIC_HAZARDOUS.label, default=False)
    energy_intensive = models.BooleanField(Category.ENERGY_INTENSIVE.label, default=False)
    reason = models.TextField(_("reason"), blank=True)
    # When the enterprise still has an audit open from an earlier list: publishing
    # continues it (this entry points at it) or, where the authority chooses, cancels it
    # with `closing_reason` before the new one opens (audits.publishing).
    open_audit = models.CharField(
        _("an audit still open"),
        max_length=10,
        choices=OpenAudit.choices,
        default=OpenAudit.CONTINUE,
    )
    closing_reason = models.TextField(_("why the open audit is cancelled"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.ACTIVE
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ListEntryQuerySet.as_manager()

    class Meta:
        ordering = ["key_list", "enterprise__region_id", "enterprise__name", "id"]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        constraints = [
            models.UniqueConstraint(
                fields=["key_list", "enterprise"],
                condition=Q(status=EntryStatus.ACTIVE),
                name="entry_once_per_list",
            ),
            models.CheckConstraint(
                condition=Q(exceeds_standards=True)
                | Q(toxic_hazardous=True)
                | Q(energy_intensive=True),
                name="entry_has_a_category",
            ),
        ]

    def __str__(self):
        return f"{self.key_list} · {self.enterprise}"

    @property
    def categories(self) -> list[str]:
        return [c.value for c in Category if getattr(self, c.value)]

    @categories.setter
    def categories(self, values) -> None:
        for category in Category:
            setattr(self, category.value, category.value in values)

    def get_categories_display(self) -> list[str]:
        return [str(c.label) for c in Category if getattr(self, c.value)]


class ListAmendment(models.Model):
    """A change to a published list, kept as its history (domain.md §1)."""

    key_list = models.ForeignKey(
        KeyEnterpriseList,
        on_delete=models.CASCADE,
        related_name="amendments",
        verbose_name=_("list"),
    )
    entry = models.ForeignKey(
        ListEntry, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("entry")
    )
    action = models.CharField(_("action"), max_length=10, choices=AmendmentAction.choices)
    reason = models.TextField(_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("list amendment")
        verbose_name_plural = _("list amendments")

    def __str__(self):
        return f"{self.get_action_display()}: {self.entry.enterprise}"


class EmissionDisclosureQuerySet(models.QuerySet):
    def for_user(self, user):
        """Disclosures are public once submitted; every row here is submitted."""
        return self.all()


class EmissionDisclosure(models.Model):
    """The public disclosure of an `exceeds_standards` enterprise (domain.md §1)."""

    entry = models.OneToOneField(
        ListEntry, on_delete=models.PROTECT, related_name="disclosure", verbose_name=_("entry")
    )
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    address = models.CharField(_("address"), max_length=300)
    document = models.FileField(_("supporting document"), upload_to="disclosures/%Y/")
    document_sha256 = models.CharField(_("SHA-256"), max_length=64)
    document_content_type = models.CharField(_("content type"), max_length=100)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(
        pgettext_lazy("time submitted", "submitted"), auto_now_add=True
    )

    objects = EmissionDisclosureQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("emission disclosure")
        verbose_name_plural = _("emission disclosures")

    def __str__(self):
        return str(self.entry.enterprise)


def _ratio_over(value, limit):
    if value is None or not limit:
        return None
    return max(Decimal("0"), (value / limit - 1) * 100).quantize(Decimal("0.1"))


class DisclosedPollutant(models.Model):
    disclosure = models.ForeignKey(
        EmissionDisclosure,
        on_delete=models.CASCADE,
        related_name="pollutants",
        verbose_name=_("disclosure"),
    )
    pollutant = models.CharField(_("pollutant"), max_length=60)
    discharge_mode = models.CharField(
        _("discharge mode"), max_length=12, choices=DischargeMode.choices
    )
    concentration = models.DecimalField(_("concentration"), max_digits=14, decimal_places=4)
    concentration_unit = models.CharField(_("unit"), max_length=20, default="mg/L")
    total_emitted_t = models.DecimalField(_("total emitted (t/a)"), max_digits=14, decimal_places=4)
    standard = models.CharField(_("applicable standard"), max_length=120)
    standard_limit = models.DecimalField(_("standard limit"), max_digits=14, decimal_places=4)
    quota_t = models.DecimalField(
        _("total-load quota (t/a)"), max_digits=14, decimal_places=4, null=True, blank=True
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("disclosed pollutant")
        verbose_name_plural = _("disclosed pollutants")

    def __str__(self):
        return self.pollutant

    @property
    def concentration_exceedance_pct(self):
        """How far the concentration is over the standard limit, in per cent (0 if not)."""
        return _ratio_over(self.concentration, self.standard_limit)

    @property
    def quota_exceedance_pct(self):
        return _ratio_over(self.total_emitted_t, self.quota_t)
