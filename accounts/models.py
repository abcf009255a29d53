from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.credit_code import validate_credit_code
from core.regions import region_prefix

from .choices import (
    CERTIFICATE_YEARS,
    QUALIFIED_LEVELS,
    ROLE_ORGANIZATION_KIND,
    STAFF_ROLES,
    AccountAction,
    AuditorLevel,
    OrganizationKind,
    Role,
)

ORGANIZATION_ROLES = list(ROLE_ORGANIZATION_KIND)


class OrganizationQuerySet(models.QuerySet):
    def for_user(self, user):
        """Admins see every organisation; others their own and the consulting firms
        (an enterprise chooses one of those)."""
        role = getattr(user, "role", None)
        if role == Role.ADMIN:
            return self.all()
        if role is None:
            return self.none()
        return self.filter(Q(pk=user.organization_id) | Q(kind=OrganizationKind.CONSULTANCY))


class Organization(models.Model):
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=OrganizationKind.choices)
    region = models.ForeignKey(
        "enterprises.Region",
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("region"),
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    # Retired rather than deleted once a submitted audit or a round refers to it: hidden
    # from new choices, kept in the record (issue 11).
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="organization_credit_code_unique",
            ),
        ]

    def __str__(self):
        return self.name


class UserQuerySet(models.QuerySet):
    def for_user(self, user):
        """Admins manage every account; an authority its own and those of the staff of
        the enterprises and consulting firms seated in its region (issue 16, item 4);
        anyone else only their own."""
        role = getattr(user, "role", None)
        if role == Role.ADMIN:
            return self.all()
        if role is None:
            return self.none()
        if role == Role.AUTHORITY and user.scope_prefix:
            prefix = user.scope_prefix
            return self.filter(
                Q(pk=user.pk)
                | Q(role=Role.ENTERPRISE, enterprise__region__code__startswith=prefix)
                | Q(role=Role.CONSULTANT, organization__region__code__startswith=prefix)
            )
        return self.filter(pk=user.pk)

    def staff(self):
        """The enterprises' and consulting firms' accounts (STAFF_ROLES)."""
        return self.filter(role__in=STAFF_ROLES)


class CpauditUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """An account with one role (domain.md "People"). A superuser is an admin."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, default="")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("enterprise"),
    )

    objects = CpauditUserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
            # Authority, consultant and expert users belong to an organisation.
            models.CheckConstraint(
                condition=~Q(role__in=ORGANIZATION_ROLES) | Q(organization__isnull=False),
                name="user_organization_required",
            ),
            # Enterprise users belong to an enterprise, and only they do.
            models.CheckConstraint(
                condition=(
                    Q(role=Role.ENTERPRISE, enterprise__isnull=False, organization__isnull=True)
                    | (~Q(role=Role.ENTERPRISE) & Q(enterprise__isnull=True))
                ),
                name="user_enterprise_required",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.ADMIN, is_superuser=True)
                | (~Q(role=Role.ADMIN) & Q(is_superuser=False)),
                name="user_admin_is_superuser",
            ),
        ]

    def __str__(self):
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        # `createsuperuser` knows nothing of roles; the admin role and the superuser
        # flag are one thing here.
        if self.is_superuser:
            self.role = Role.ADMIN
        if self.role == Role.ADMIN:
            self.is_superuser = self.is_staff = True
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        expected_kind = ROLE_ORGANIZATION_KIND.get(self.role)
        if expected_kind:
            if self.organization_id is None:
                errors["organization"] = _("This role belongs to an organisation.")
            elif self.organization.kind != expected_kind:
                errors["organization"] = _(
                    "A %(role)s belongs to an organisation of the kind “%(kind)s”."
                ) % {"role": Role(self.role).label, "kind": expected_kind.label}
        elif self.organization_id is not None:
            errors["organization"] = _("This role has no organisation.")
        if self.role == Role.ENTERPRISE and self.enterprise_id is None:
            errors["enterprise"] = _("An enterprise user belongs to an enterprise.")
        elif self.role != Role.ENTERPRISE and self.enterprise_id is not None:
            errors["enterprise"] = _("Only enterprise users belong to an enterprise.")
        if errors:
            raise ValidationError(errors)

    @cached_property
    def scope_prefix(self) -> str:
        """Region code prefix of an authority's scope ('' for other roles)."""
        if self.role == Role.AUTHORITY and self.organization_id:
            return region_prefix(self.organization.region_id)
        return ""

    def in_scope(self, region_code: str) -> bool:
        return self.role == Role.ADMIN or (
            bool(self.scope_prefix) and region_code.startswith(self.scope_prefix)
        )


class AuditorQuerySet(models.QuerySet):
    def for_user(self, user):
        """Admins see all auditors; authorities those of the firms and enterprises in
        their region; consultants their own firm's and the staff auditors of the
        enterprises their firm audits; enterprise users their own staff and the auditors
        of the firms they engaged (a team mixes both, domain.md §6)."""
        role = getattr(user, "role", None)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.AUTHORITY and user.scope_prefix:
            return self.filter(
                Q(organization__region__code__startswith=user.scope_prefix)
                | Q(enterprise__region__code__startswith=user.scope_prefix)
            )
        # The audits (the app above) reached by their reverse relations.
        if role == Role.CONSULTANT and user.organization_id:
            engaged = Auditor.objects.filter(
                enterprise__audits__consultancy_id=user.organization_id
            ).values("pk")
            return self.filter(Q(organization_id=user.organization_id) | Q(pk__in=engaged))
        if role == Role.ENTERPRISE and user.enterprise_id:
            engaged = Auditor.objects.filter(
                organization__audits__enterprise_id=user.enterprise_id
            ).values("pk")
            return self.filter(Q(enterprise_id=user.enterprise_id) | Q(pk__in=engaged))
        return self.none()

    def valid_on(self, day):
        return self.filter(valid_until__gte=day)


class Auditor(models.Model):
    """A certified CP auditor (domain.md §6; seed 004, appendix): employed by a consulting
    firm, or on the staff of an enterprise that audits itself. The certificate has a
    level and an issue date; it is valid 3, 4 or 5 years by level unless given."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    certificate_no = models.CharField(_("certificate number"), max_length=50, unique=True)
    level = models.CharField(_("level"), max_length=16, choices=AuditorLevel.choices)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), blank=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="auditors",
        verbose_name=_("consulting firm"),
        limit_choices_to={"kind": OrganizationKind.CONSULTANCY},
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="auditors",
        verbose_name=_("enterprise (own staff)"),
    )
    # Retired rather than deleted once on a submitted audit's team (issue 11).
    active = models.BooleanField(_("active"), default=True)

    objects = AuditorQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("certified auditor")
        verbose_name_plural = _("certified auditors")
        constraints = [
            # A firm's auditor or an enterprise's own, never both, never neither.
            models.CheckConstraint(
                condition=Q(organization__isnull=False, enterprise__isnull=True)
                | Q(organization__isnull=True, enterprise__isnull=False),
                name="auditor_employed_once",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("issued_on")),
                name="auditor_valid_after_issue",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.certificate_no})"

    def clean(self):
        super().clean()
        if self.issued_on and not self.valid_until and self.level in CERTIFICATE_YEARS:
            self.valid_until = self.default_valid_until()
        errors = {}
        if (self.organization_id is None) == (self.enterprise_id is None):
            errors["organization"] = _(
                "An auditor works for a consulting firm or for an enterprise (its own staff)."
            )
        if self.issued_on and self.valid_until and self.valid_until < self.issued_on:
            errors["valid_until"] = _("The certificate cannot expire before it was issued.")
        if errors:
            raise ValidationError(errors)

    def default_valid_until(self):
        """The issue date plus the years of the level (seed 004, item 18)."""
        return self.issued_on + relativedelta(years=CERTIFICATE_YEARS[self.level])

    @property
    def is_qualified(self) -> bool:
        """Counts towards a team's two qualified auditors (associates do not)."""
        return self.level in QUALIFIED_LEVELS

    def is_valid_on(self, day=None) -> bool:
        return self.valid_until >= (day or timezone.localdate())


class AccountChange(models.Model):
    """Who created, changed, deactivated, reactivated or invited an account, and when
    (issue 16, item 4): written by accounts.services in the change's transaction."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="changes", verbose_name=_("account")
    )
    actor = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=12, choices=AccountAction.choices)
    fields = models.JSONField(_("fields changed"), default=list, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("account change")
        verbose_name_plural = _("account changes")

    def __str__(self):
        return f"{self.user_id} {self.action}"
