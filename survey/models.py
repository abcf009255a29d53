"""The status survey of an audit (three years of figures), the monitoring figures it is
checked against, and the industry evaluation indicator systems an audit grades itself
by (domain.md §2 phase 2, §4, §7; issue 18)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audits.models import Audit

from .choices import Direction, LineCategory, MonitoringSource

YEARS = 3


def amount(label, **kwargs):
    return models.DecimalField(
        label, max_digits=20, decimal_places=6, null=True, blank=True, **kwargs
    )


class AuditScopedQuerySet(models.QuerySet):
    """Visible exactly when its audit is (Audit.objects.for_user)."""

    audit_path = "audit"

    def for_user(self, user):
        return self.filter(**{f"{self.audit_path}__in": Audit.objects.for_user(user)})


class SurveyQuerySet(AuditScopedQuerySet):
    pass


class Survey(models.Model):
    """The status survey (现状调研) of the three years before the audit."""

    audit = models.OneToOneField(
        Audit, on_delete=models.CASCADE, related_name="survey", verbose_name=_("audit")
    )
    first_year = models.PositiveSmallIntegerField(
        _("first year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    # A year whose intensity moves more than this against its neighbour is questioned.
    intensity_threshold_pct = models.DecimalField(
        _("intensity threshold (%)"),
        max_digits=5,
        decimal_places=2,
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    # Declared emissions and monitored ones may differ by this much.
    monitoring_tolerance_pct = models.DecimalField(
        _("monitoring tolerance (%)"),
        max_digits=5,
        decimal_places=2,
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    reason = models.TextField(_("reason for the change"), blank=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("status survey")
        verbose_name_plural = _("status surveys")

    def __str__(self):
        return f"{self.audit} {self.first_year}–{self.first_year + YEARS - 1}"

    @property
    def years(self) -> list[int]:
        return [self.first_year + i for i in range(YEARS)]


class SurveyLineQuerySet(AuditScopedQuerySet):
    audit_path = "survey__audit"


class SurveyLine(models.Model):
    """One row of the survey: a product, material, energy carrier, pollutant… with its
    unit and one value per year."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="lines", verbose_name=_("status survey")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    category = models.CharField(_("category"), max_length=20, choices=LineCategory.choices)
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=120)
    unit = models.CharField(_("unit"), max_length=40)
    # Energy lines: the carrier (survey/energy.py) and the factor to tce per `unit`,
    # the published one unless the plant gives its measured one.
    carrier = models.CharField(_("energy carrier"), max_length=20, blank=True)
    tce_factor = models.DecimalField(
        _("tce per unit"), max_digits=20, decimal_places=10, null=True, blank=True
    )
    value_1 = amount(_("first year"))
    value_2 = amount(_("second year"))
    value_3 = amount(_("third year"))
    # Why a year moves as it does (a new line, a shutdown): a stated reason answers the
    # intensity question before it is asked.
    reason = models.TextField(_("reason"), blank=True)

    objects = SurveyLineQuerySet.as_manager()

    class Meta:
        ordering = ["survey", "position", "id"]
        verbose_name = _("survey line")
        verbose_name_plural = _("survey lines")

    def __str__(self):
        return f"{self.name} ({self.unit})"

    @property
    def values(self) -> list:
        return [self.value_1, self.value_2, self.value_3]

    @property
    def tce(self) -> list:
        """The yearly values in tce (energy lines with a factor), else Nones."""
        if self.category != LineCategory.ENERGY or self.tce_factor is None:
            return [None] * YEARS
        return [None if v is None else v * self.tce_factor for v in self.values]


class MonitoringImportQuerySet(AuditScopedQuerySet):
    pass


class MonitoringImport(models.Model):
    """An export of the online monitoring system or of the discharge permit's figures,
    imported as it was (file name and checksum), to be set beside the declared
    emissions."""

    audit = models.ForeignKey(
        Audit,
        on_delete=models.CASCADE,
        related_name="monitoring_imports",
        verbose_name=_("audit"),
    )
    source = models.CharField(_("source"), max_length=10, choices=MonitoringSource.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    objects = MonitoringImportQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("monitoring import")
        verbose_name_plural = _("monitoring imports")

    def __str__(self):
        return self.file_name


class MonitoringFigure(models.Model):
    """A pollutant's yearly quantity in an import (the rows of one year summed)."""

    monitoring_import = models.ForeignKey(
        MonitoringImport,
        on_delete=models.CASCADE,
        related_name="figures",
        verbose_name=_("monitoring import"),
    )
    pollutant = models.CharField(_("pollutant"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    quantity = models.DecimalField(_("quantity"), max_digits=20, decimal_places=6)
    unit = models.CharField(_("unit"), max_length=40)

    class Meta:
        ordering = ["monitoring_import", "pollutant", "year"]
        verbose_name = _("monitoring figure")
        verbose_name_plural = _("monitoring figures")
        constraints = [
            models.UniqueConstraint(
                fields=["monitoring_import", "pollutant", "year", "unit"],
                name="monitoring_figure_once",
            )
        ]

    def __str__(self):
        return f"{self.pollutant} {self.year}: {self.quantity} {self.unit}"


industry_code = RegexValidator(r"^\d{2,4}$", _("A GB/T 4754 code of 2 to 4 digits."))


class EvaluationSystem(models.Model):
    """An industry's CP evaluation indicator system (清洁生产评价指标体系), as published:
    two grades (older systems: advanced, CP enterprise) or three (I/II/III), the score
    each grade needs, and the limiting indicators that cap the grade (survey/grading.py)."""

    industry_code = models.CharField(
        _("industry (GB/T 4754)"), max_length=4, validators=[industry_code]
    )
    title = models.CharField(_("title"), max_length=200)
    version = models.CharField(_("version"), max_length=40)
    grades = models.PositiveSmallIntegerField(
        _("grades"), choices=[(2, _("Two grades")), (3, _("Three grades"))], default=3
    )
    # The composite score each grade needs (grade 1 the best).
    score_1 = models.DecimalField(_("score for grade 1"), max_digits=5, decimal_places=2)
    score_2 = models.DecimalField(_("score for grade 2"), max_digits=5, decimal_places=2)
    score_3 = models.DecimalField(
        _("score for grade 3"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    source = models.TextField(_("source"))
    # False when only part of the published table was entered (the source says which).
    complete = models.BooleanField(_("complete"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["industry_code", "title", "version"]
        verbose_name = _("evaluation indicator system")
        verbose_name_plural = _("evaluation indicator systems")
        constraints = [
            models.UniqueConstraint(
                fields=["industry_code", "title", "version"], name="evaluation_system_once"
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.version})"

    def clean(self):
        if self.grades == 3 and self.score_3 is None:
            raise ValidationError({"score_3": _("A three-grade system needs the third score.")})

    def required_score(self, grade: int):
        return getattr(self, f"score_{grade}")


class EvaluationIndicator(models.Model):
    """One indicator of a system: its first-level category and weight, its own weight
    within the category, the benchmark of each grade, and whether it is limiting."""

    system = models.ForeignKey(
        EvaluationSystem,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("evaluation indicator system"),
    )
    position = models.PositiveIntegerField(_("position"))
    category = models.CharField(_("category"), max_length=120)
    category_weight = models.DecimalField(_("category weight"), max_digits=6, decimal_places=4)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("indicator"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=4)
    direction = models.CharField(_("direction"), max_length=12, choices=Direction.choices)
    level_1 = models.DecimalField(
        _("grade 1 benchmark"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    level_2 = models.DecimalField(
        _("grade 2 benchmark"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    level_3 = models.DecimalField(
        _("grade 3 benchmark"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    # The qualitative requirement of each grade, as published.
    requirements = models.JSONField(_("requirements"), default=list, blank=True)
    limiting = models.BooleanField(_("limiting"), default=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["system", "position"]
        verbose_name = _("evaluation indicator")
        verbose_name_plural = _("evaluation indicators")
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="evaluation_indicator_code")
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def benchmark(self, grade: int):
        return getattr(self, f"level_{grade}")


class EvaluationQuerySet(AuditScopedQuerySet):
    pass


class AuditEvaluation(models.Model):
    """The system an audit grades itself by, and who last changed its values."""

    audit = models.OneToOneField(
        Audit, on_delete=models.CASCADE, related_name="evaluation", verbose_name=_("audit")
    )
    system = models.ForeignKey(
        EvaluationSystem,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("evaluation indicator system"),
    )
    # The grades reached (survey/grading.py), kept on every save for the statistics.
    grade_before = models.PositiveSmallIntegerField(_("grade before"), null=True, blank=True)
    grade_after = models.PositiveSmallIntegerField(_("grade after"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("CP level evaluation")
        verbose_name_plural = _("CP level evaluations")
        indexes = [models.Index(fields=["grade_after"], name="evaluation_grade_after")]

    def __str__(self):
        return f"{self.audit}: {self.system}"


class IndicatorValue(models.Model):
    """The audit's value of an indicator before the audit and after its options."""

    evaluation = models.ForeignKey(
        AuditEvaluation,
        on_delete=models.CASCADE,
        related_name="values",
        verbose_name=_("CP level evaluation"),
    )
    indicator = models.ForeignKey(
        EvaluationIndicator,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("evaluation indicator"),
    )
    before = amount(_("before"))
    after = amount(_("after"))

    class Meta:
        ordering = ["evaluation", "indicator__position"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="indicator_value_once")
        ]

    def __str__(self):
        return f"{self.indicator}: {self.before} → {self.after}"
