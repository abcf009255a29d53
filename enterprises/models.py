from decimal import Decimal

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role

from .choices import IndustryLevel, RegionLevel
from .credit_code import validate_credit_code


def localized(zh: str, en: str) -> str:
    """The Chinese name in a Chinese UI, else the English one (falling back to Chinese)."""
    language = get_language() or ""
    return zh if language.startswith("zh") or not en else en


def region_prefix(code: str) -> str:
    """The code prefix that a region's scope covers: 320000 → 32, 320100 → 3201.

    domain.md "People": a scope is a code prefix of 2, 4 or 6 digits.
    """
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


class Region(models.Model):
    """A GB/T 2260 administrative division. Retired codes stay (design.md pitfalls)."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=64)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    level = models.CharField(_("level"), max_length=8, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
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
        return self.code[:2] + "0000"


class Industry(models.Model):
    """A GB/T 4754-2017 section (A–T) or division (two digits)."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    name_zh = models.CharField(_("Chinese name"), max_length=128)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=8, choices=IndustryLevel.choices)
    section = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="divisions",
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

        Consultants and experts see none here; the audit and review apps let them
        reach the enterprises they work on through those objects.
        """
        role = getattr(user, "role", None)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.AUTHORITY and user.scope_prefix:
            return self.filter(region__code__startswith=user.scope_prefix)
        if role == Role.ENTERPRISE and user.enterprise_id:
            return self.filter(pk=user.enterprise_id)
        return self.none()

    def smes(self):
        """SMEs by the same rule as `Enterprise.is_sme`, in SQL (NULL never matches)."""
        return self.filter(
            models.Q(employees__lt=SME_MAX_EMPLOYEES)
            | models.Q(annual_sales__lt=SME_MAX_ANNUAL_SALES)
            | models.Q(total_assets__lt=SME_MAX_TOTAL_ASSETS)
        )


# SME thresholds (domain.md §1): under any one of these makes an enterprise an SME.
SME_MAX_EMPLOYEES = 2000
SME_MAX_ANNUAL_SALES = Decimal("300000000")
SME_MAX_TOTAL_ASSETS = Decimal("400000000")


class Enterprise(models.Model):
    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True,
        validators=[validate_credit_code],
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("region")
    )
    industry = models.ForeignKey(
        Industry, on_delete=models.PROTECT, related_name="enterprises",
        verbose_name=_("industry"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    annual_sales = models.DecimalField(
        _("annual sales (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    total_assets = models.DecimalField(
        _("total assets (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
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
                fields=["region"], name="enterprise_region_prefix",
                opclasses=["varchar_pattern_ops"],
            ),
        ]

    def __str__(self):
        return self.name

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
