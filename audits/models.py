from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role

from .choices import BEFORE_ACCEPTANCE, BEFORE_REPORT, AuditState

# An audit is overdue when a deadline of its current stage has passed (domain.md §1, §4):
# (kind, the deadline field, the states in which it applies). One rule, used by the SQL
# filter and by `Audit.overdue_kinds`; each branch is served by a (state, due) index.
OVERDUE_RULES = (
    ("start", "start_due", (AuditState.NOT_STARTED,)),
    ("report", "report_due", tuple(BEFORE_REPORT)),
    ("acceptance", "acceptance_due", tuple(BEFORE_ACCEPTANCE)),
)


def overdue_q(today, kinds=None) -> Q:
    condition = Q(pk__in=[])
    for kind, field, states in OVERDUE_RULES:
        if kinds is None or kind in kinds:
            condition |= Q(state__in=states, **{f"{field}__lt": today})
    return condition


class AuditQuerySet(models.QuerySet):
    def for_user(self, user):
        """design.md "Roles and scoping": authorities by the enterprise's region code
        prefix; consultants the audits their firm is engaged for; enterprise users their
        own; experts reach audits through the reviews they sit on."""
        role = getattr(user, "role", None)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.AUTHORITY and user.scope_prefix:
            return self.filter(enterprise__region__code__startswith=user.scope_prefix)
        if role == Role.CONSULTANT and user.organization_id:
            return self.filter(consultancy_id=user.organization_id)
        if role == Role.ENTERPRISE and user.enterprise_id:
            return self.filter(enterprise_id=user.enterprise_id)
        return self.none()

    def overdue(self, today=None):
        return self.filter(overdue_q(today or timezone.localdate()))


class Audit(models.Model):
    """One compulsory audit round of an enterprise, created when its list is published."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.PROTECT, related_name="audits",
        verbose_name=_("enterprise"))
    list_entry = models.OneToOneField(
        "enterprises.ListEntry", on_delete=models.PROTECT, null=True, blank=True,
        related_name="audit", verbose_name=_("list entry"))
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    state = models.CharField(
        _("state"), max_length=20, choices=AuditState.choices, default=AuditState.NOT_STARTED)
    consultancy = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, null=True, blank=True,
        related_name="audits", verbose_name=_("consulting firm"),
        limit_choices_to={"kind": "consultancy"})
    started_on = models.DateField(_("started on"), null=True, blank=True)
    start_due = models.DateField(_("start due"))
    report_due = models.DateField(_("report due"))
    disclosure_due = models.DateField(_("disclosure due"), null=True, blank=True)
    acceptance_due = models.DateField(_("acceptance due"), null=True, blank=True)
    next_round_due = models.DateField(_("next round due"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["start_due", "id"]
        verbose_name = _("audit")
        verbose_name_plural = _("audits")
        indexes = [
            models.Index(fields=["state", "start_due"], name="audit_state_start_due"),
            models.Index(fields=["state", "report_due"], name="audit_state_report_due"),
            models.Index(fields=["state", "acceptance_due"], name="audit_state_acceptance_due"),
            models.Index(fields=["next_round_due"], name="audit_next_round_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "round"], name="audit_round_unique"),
        ]

    def __str__(self):
        return _("%(enterprise)s, round %(round)s") % {
            "enterprise": self.enterprise, "round": self.round}

    def overdue_kinds(self, today=None) -> list[str]:
        today = today or timezone.localdate()
        return [kind for kind, field, states in OVERDUE_RULES
                if self.state in states and getattr(self, field) and getattr(self, field) < today]

    @property
    def is_overdue(self) -> bool:
        return bool(self.overdue_kinds())
