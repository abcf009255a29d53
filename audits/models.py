import uuid
from collections.abc import Callable
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.choices import Role
from core.files import EXTENSIONS
from core.models import StateChange
from core.regions import province_code
from enterprises.models import ProvincePolicy

from .choices import (
    BEFORE_ACCEPTANCE,
    BEFORE_REPORT,
    CLOSED,
    OWES_DISCLOSURE,
    Aspect,
    AuditState,
    BalanceKind,
    CostClass,
    Deadline,
    DocumentKind,
    EventKind,
    FlowDirection,
    Indicator,
    OptionStatus,
)


class OverdueRule(NamedTuple):
    """A deadline the audit owes in `states` (and, for the disclosure, while its entry
    is on the list and until it is submitted; for a rule another app registers, while
    its `pending` condition holds); passed, it is overdue."""

    kind: str
    field: str
    states: tuple
    until_disclosed: bool = False
    # A condition of another app (register_overdue_rule), `pending(as_of)` as SQL on
    # the audit: still owed now (as_of None) or on the day `as_of`.
    pending: Callable | None = None
    # Whether missing it puts the enterprise on next year's list (audits.publishing).
    carries_over: bool = True

    def owed(self) -> Q:
        """The audits that still owe it, as SQL."""
        condition = Q(state__in=self.states)
        if self.until_disclosed:
            condition &= Q(disclosure_pending=True)
        if self.pending is not None:
            condition &= self.pending(None)
        return condition

    def owed_by(self, audit) -> bool:
        """The same rule for one audit (a registered rule's condition read from the
        annotation of `Audit.objects.with_pending()`, else asked of the database)."""
        if audit.state not in self.states:
            return False
        if self.pending is not None:
            annotated = getattr(audit, f"pending_{self.kind}", None)
            if annotated is not None:
                return annotated
            return Audit.objects.filter(self.pending(None), pk=audit.pk).exists()
        return not self.until_disclosed or audit.disclosure_pending


# An audit is overdue when a deadline it still owes has passed (domain.md §1, §4). One
# rule, used by the SQL filter, the reminders and `Audit.overdue_kinds`; each branch is
# served by a (state, due) index. The apps above add theirs (register_overdue_rule).
OVERDUE_RULES = [
    OverdueRule(Deadline.START, Deadline.START.field, (AuditState.NOT_STARTED,)),
    OverdueRule(Deadline.DISCLOSURE, Deadline.DISCLOSURE.field, tuple(OWES_DISCLOSURE), True),
    OverdueRule(Deadline.REPORT, Deadline.REPORT.field, tuple(BEFORE_REPORT)),
    OverdueRule(Deadline.ACCEPTANCE, Deadline.ACCEPTANCE.field, tuple(BEFORE_ACCEPTANCE)),
]
# The audits' own deadlines (the deadline reminders of reporting send these).
CORE_DEADLINES = tuple(rule.kind for rule in OVERDUE_RULES)


def register_overdue_rule(rule: OverdueRule) -> None:
    """Add the rule of a deadline another app keeps the condition of (procedures: the
    registration and the filing), once; at its app's `ready()`."""
    if all(existing.kind != rule.kind for existing in OVERDUE_RULES):
        OVERDUE_RULES.append(rule)


def overdue_q(today, kinds=None) -> Q:
    condition = Q(pk__in=[])
    for rule in OVERDUE_RULES:
        if kinds is None or rule.kind in kinds:
            condition |= rule.owed() & Q(**{f"{rule.field}__lt": today})
    return condition


def below_one(value) -> None:
    if value is not None and value >= 1:
        raise ValidationError(
            _("A discount rate is a fraction below 1: 0.08 for 8%%."), code="max_value"
        )


# A scope's prefix by its length: the column that holds it (the enterprise's region code,
# copied onto the audit by the database, audits/triggers.py), each indexed with the
# list's default order.
SCOPE_COLUMNS = {2: "province_code", 4: "city_code", 6: "region_code"}
# The columns the scope indexes carry beside their key (the overdue rules' states, dues
# and kept conditions; the board's and the statistics' groups).
SCOPE_INCLUDE = [
    "state",
    "disclosure_pending",
    "disclosure_due",
    "report_due",
    "acceptance_due",
    "registered_on",
    "registration_due",
    "filed",
    "filing_due",
    "city_code",
    "industry_code",
    "year",
]


def in_region(prefix: str, path: str = "") -> Q:
    """Audits (at `path`) whose enterprise's region code starts with `prefix`, by the
    column of that prefix, so that a province's or a city's list is read in its order
    from an index, and counted from it, rather than joined, filtered and sorted."""
    column = SCOPE_COLUMNS.get(len(prefix))
    lookup = f"{path}__" if path else ""
    if column:
        return Q(**{f"{lookup}{column}": prefix})
    return Q(**{f"{lookup}region_code__startswith": prefix})


class AuditQuerySet(models.QuerySet):
    def in_region(self, prefix: str):
        return self.filter(in_region(prefix))

    def for_user(self, user):
        """design.md "Roles and scoping": authorities by the enterprise's region code
        prefix; consultants the audits their firm is engaged for; enterprise users their
        own; experts reach audits through the reviews they sit on."""
        role = getattr(user, "role", None)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.AUTHORITY and user.scope_prefix:
            return self.in_region(user.scope_prefix)
        if role == Role.CONSULTANT and user.organization_id:
            return self.filter(consultancy_id=user.organization_id)
        if role == Role.ENTERPRISE and user.enterprise_id:
            return self.filter(enterprise_id=user.enterprise_id)
        if role == Role.EXPERT:
            # The review rounds (the app above) reached by their reverse relation.
            return self.filter(
                pk__in=Audit.objects.filter(reviews__panel__expert=user).values("pk")
            )
        return self.none()

    def overdue(self, today=None):
        return self.filter(overdue_q(today or timezone.localdate()))

    def with_pending(self):
        """Each audit with the conditions of the registered overdue rules
        (`pending_<kind>`), so that `overdue_kinds` of a list asks nothing more."""
        return self.annotate(
            **{
                f"pending_{rule.kind}": ExpressionWrapper(
                    rule.pending(None), output_field=models.BooleanField()
                )
                for rule in OVERDUE_RULES
                if rule.pending is not None
            }
        )


class Audit(models.Model):
    """One compulsory audit round of an enterprise, created when its list is published."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.PROTECT,
        related_name="audits",
        verbose_name=_("enterprise"),
    )
    list_entry = models.OneToOneField(
        "enterprises.ListEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit",
        verbose_name=_("list entry"),
    )
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    state = models.CharField(
        _("state"), max_length=20, choices=AuditState.choices, default=AuditState.NOT_STARTED
    )
    focus = models.TextField(_("audit focus"), blank=True)
    team = models.ManyToManyField(
        "accounts.Auditor", blank=True, related_name="audits", verbose_name=_("audit team")
    )
    consultancy = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits",
        verbose_name=_("consulting firm"),
        limit_choices_to={"kind": "consultancy"},
    )
    team_leader = models.ForeignKey(
        "accounts.Auditor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_audits",
        verbose_name=_("team leader"),
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    # The first submission for assessment and for acceptance (audits.workflow), which
    # meet the report and acceptance deadlines.
    report_submitted_on = models.DateField(_("report submitted on"), null=True, blank=True)
    acceptance_applied_on = models.DateField(_("acceptance applied for on"), null=True, blank=True)
    start_due = models.DateField(_("start due"))
    # The steps around the audit (the procedures app): registration on the platform and
    # the filing (报备) of the contract and audit plan, from the list's policy.
    registration_due = models.DateField(_("registration due"), null=True, blank=True)
    filing_due = models.DateField(_("filing due"), null=True, blank=True)
    report_due = models.DateField(_("report due"))
    disclosure_due = models.DateField(_("disclosure due"), null=True, blank=True)
    acceptance_due = models.DateField(_("acceptance due"), null=True, blank=True)
    next_round_due = models.DateField(_("next round due"), null=True, blank=True)
    # The enterprise's region code and its city's and province's prefixes, copied onto
    # the audit so that a scope and the list's order are served by one index
    # (`Meta.indexes`). The database keeps them (audits/triggers.py): set from the
    # enterprise on every insert and update of an audit, and followed when an enterprise
    # moves; what is written here is ignored.
    region_code = models.CharField(_("region"), max_length=6, default="", editable=False)
    city_code = models.CharField(_("city"), max_length=4, default="", editable=False)
    province_code = models.CharField(_("province"), max_length=2, default="", editable=False)
    # What the registration and filing rules read (procedures/deadlines.py), kept by the
    # database from the procedures' tables (procedures/triggers.py), so that the overdue
    # lists and counts read the audit's row alone: the day the audit was registered,
    # and whether a filing of the contract and audit plan is waiting or accepted. What
    # is written here is ignored.
    registered_on = models.DateField(_("registered on"), null=True, editable=False)
    filed = models.BooleanField(_("contract and plan filed"), default=False, editable=False)
    # Kept by the database likewise (audits/triggers.py), for the overdue rules and the
    # statistics: whether the audit's entry is on its list and not yet disclosed (the
    # disclosure's rule), its list's year and its enterprise's industry.
    disclosure_pending = models.BooleanField(_("disclosure pending"), default=False, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), null=True, editable=False)
    industry_code = models.CharField(_("industry"), max_length=4, default="", editable=False)
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
            # The scopes (in_region) in the list's default order, carrying what the
            # overdue rules, the deadline board and the statistics read (PostgreSQL):
            # a scope's overdue page, its counts and its board read the index alone.
            models.Index(
                fields=["province_code", "start_due", "id"],
                include=SCOPE_INCLUDE,
                name="audit_province_order",
            ),
            models.Index(
                fields=["city_code", "start_due", "id"],
                include=SCOPE_INCLUDE,
                name="audit_city_order",
            ),
            models.Index(
                fields=["region_code", "start_due", "id"],
                include=SCOPE_INCLUDE,
                name="audit_county_order",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "round"], name="audit_round_unique"),
            # One open audit per enterprise: a later list continues it or cancels it
            # first (audits.publishing).
            models.UniqueConstraint(
                fields=["enterprise"], condition=~Q(state__in=CLOSED), name="audit_one_open"
            ),
        ]

    def __str__(self):
        return _("%(enterprise)s, round %(round)s") % {
            "enterprise": self.enterprise,
            "round": self.round,
        }

    def overdue_kinds(self, today=None) -> list[str]:
        """The deadlines passed and still owed (OVERDUE_RULES)."""
        today = today or timezone.localdate()
        return [
            rule.kind
            for rule in OVERDUE_RULES
            if getattr(self, rule.field)
            and getattr(self, rule.field) < today
            and rule.owed_by(self)
        ]

    @property
    def is_disclosed(self) -> bool:
        entry = self.list_entry
        return entry is not None and getattr(entry, "disclosure", None) is not None

    @property
    def late(self) -> list[str]:
        """The deadlines met, but after their due date (late starters are flagged)."""
        met = {
            Deadline.START: self.started_on,
            Deadline.REPORT: self.report_submitted_on,
            Deadline.ACCEPTANCE: self.acceptance_applied_on,
            Deadline.DISCLOSURE: (
                timezone.localdate(self.list_entry.disclosure.submitted_at)
                if self.is_disclosed
                else None
            ),
        }
        return [
            kind
            for kind in Deadline
            if met.get(kind) and getattr(self, kind.field) and met[kind] > getattr(self, kind.field)
        ]

    @property
    def is_overdue(self) -> bool:
        return bool(self.overdue_kinds())


def audit_policy(audit: Audit):
    """The figures the audit's list was published with, else its province's today."""
    figures = audit.list_entry.key_list.policy if audit.list_entry_id else None
    if figures:
        known = {name: figures[name] for name in ProvincePolicy.FIGURES if name in figures}
        return ProvincePolicy(**known)
    return ProvincePolicy.for_province(province_code(audit.enterprise.region_id))


class Carryover(models.Model):
    """A later list's entry that continues an audit still open from an earlier list
    (domain.md §7: late enterprises roll into the next batch; one open audit per
    enterprise): the entry points at the audit it continues (audits.publishing)."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="carryovers", verbose_name=_("audit")
    )
    entry = models.OneToOneField(
        "enterprises.ListEntry",
        on_delete=models.PROTECT,
        related_name="carryover",
        verbose_name=_("list entry"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("continued audit")
        verbose_name_plural = _("continued audits")

    def __str__(self):
        return f"{self.entry_id} → {self.audit_id}"


class AuditChildQuerySet(models.QuerySet):
    """Everything that belongs to an audit is visible exactly when the audit is."""

    def for_user(self, user):
        return self.filter(audit__in=Audit.objects.for_user(user))


class TransitionLog(StateChange):
    """One row per change of an audit's state: who, when, from, to, why."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("audit")
    )
    from_state = models.CharField(_("from"), max_length=20, choices=AuditState.choices)
    to_state = models.CharField(_("to"), max_length=20, choices=AuditState.choices)

    objects = AuditChildQuerySet.as_manager()

    class Meta(StateChange.Meta):
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")


class AuditComment(models.Model):
    """Remarks on an audit: the authority's supervision, the parties' replies."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="comments", verbose_name=_("audit")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    objects = AuditChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self):
        return self.text[:60]


def decimal_field(label, **kwargs):
    return models.DecimalField(
        label, max_digits=18, decimal_places=4, null=True, blank=True, **kwargs
    )


class Target(models.Model):
    """A CP target (domain.md §2, phase 2): indicator, unit, baseline and goals."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="targets", verbose_name=_("audit")
    )
    indicator = models.CharField(_("indicator"), max_length=120)
    unit = models.CharField(_("unit"), max_length=40)
    baseline = decimal_field(_("baseline"))
    near_term = decimal_field(_("near-term target"))
    long_term = decimal_field(_("long-term target"))
    achieved = decimal_field(_("achieved"))

    objects = AuditChildQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("CP target")
        verbose_name_plural = _("CP targets")

    def __str__(self):
        return f"{self.indicator} ({self.unit})"


class Balance(models.Model):
    """The material, water or energy balance of the audit focus, as data."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="balances", verbose_name=_("audit")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=BalanceKind.choices)
    title = models.CharField(_("title"), max_length=200)
    unit = models.CharField(_("unit"), max_length=40)
    tolerance_pct = models.DecimalField(
        _("tolerance (%)"), max_digits=5, decimal_places=2, default=5
    )
    closure_note = models.TextField(
        _("closure note"),
        blank=True,
        help_text=_("Why the balance does not close within its tolerance, where it does not."),
    )

    objects = AuditChildQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = _("balance")
        verbose_name_plural = _("balances")

    def __str__(self):
        return self.title

    def totals(self):
        """(inputs, outputs) from the prefetched flows."""
        flows = list(self.flows.all())
        total = {
            direction: sum((f.quantity for f in flows if f.direction == direction), 0)
            for direction in FlowDirection.values
        }
        return total[FlowDirection.INPUT], total[FlowDirection.OUTPUT]

    @property
    def closure_pct(self):
        """(inputs − outputs) / inputs × 100; None without inputs."""
        inputs, outputs = self.totals()
        if not inputs:
            return None
        return round((inputs - outputs) / inputs * 100, 2)

    @property
    def closes(self) -> bool | None:
        closure = self.closure_pct
        return None if closure is None else abs(closure) <= self.tolerance_pct


class BalanceFlow(models.Model):
    balance = models.ForeignKey(
        Balance, on_delete=models.CASCADE, related_name="flows", verbose_name=_("balance")
    )
    direction = models.CharField(_("direction"), max_length=3, choices=FlowDirection.choices)
    name = models.CharField(pgettext_lazy("thing", "name"), max_length=120)
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["direction", "id"]
        verbose_name = _("flow")
        verbose_name_plural = _("flows")

    def __str__(self):
        return self.name


class Option(models.Model):
    """A CP option (方案), the heart of the audit (domain.md §2)."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="options", verbose_name=_("audit")
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    aspect = models.CharField(_("aspect"), max_length=20, choices=Aspect.choices)
    cost_class = models.CharField(_("cost class"), max_length=10, choices=CostClass.choices)
    investment = models.DecimalField(
        _("investment (yuan)"), max_digits=16, decimal_places=2, default=0
    )
    status = models.CharField(
        _("status"), max_length=15, choices=OptionStatus.choices, default=OptionStatus.PROPOSED
    )
    reason = models.TextField(_("reason"), blank=True)
    implemented_on = models.DateField(_("implemented on"), null=True, blank=True)
    # Treatment at the end of the pipe is not cleaner production (domain.md §7): marked,
    # it is counted among the token-compliance signals (assessments.compliance).
    end_of_pipe = models.BooleanField(
        _("end-of-pipe treatment"),
        default=False,
        help_text=_("Treats pollution once made (wastewater plant, scrubber, dust filter)."),
    )
    annual_net_benefit = models.DecimalField(
        _("annual net benefit (yuan)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    lifetime_years = models.PositiveSmallIntegerField(
        _("lifetime (years)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    # A fraction: 0.08 is 8 % (a discount rate typed as 8 would read as 800 %).
    discount_rate = models.DecimalField(
        _("discount rate"),
        max_digits=6,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), below_one],
    )
    # Computed from the four figures above on every save (audits/economics.py).
    payback_years = models.DecimalField(
        _("payback (years)"), max_digits=10, decimal_places=2, null=True, blank=True, editable=False
    )
    npv = models.DecimalField(
        _("NPV (yuan)"), max_digits=18, decimal_places=2, null=True, blank=True, editable=False
    )
    irr = models.DecimalField(
        _("IRR"), max_digits=10, decimal_places=4, null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = AuditChildQuerySet.as_manager()

    class Meta:
        ordering = ["audit", "code"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [
            models.UniqueConstraint(fields=["audit", "code"], name="option_code_per_audit"),
            models.CheckConstraint(
                condition=models.Q(investment__gte=0), name="option_investment_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["audit", "status"], name="option_audit_status")]

    def __str__(self):
        return f"{self.code} {self.title}"

    def clean(self):
        super().clean()
        if self.implemented_on and self.implemented_on > timezone.localdate():
            raise ValidationError(
                {"implemented_on": _("The date on which it was implemented, not in the future.")}
            )


class OptionStatusLog(StateChange):
    """One row per change of an option's status (the chain of domain.md §2): who, when,
    from, to, and the reason the move needed."""

    option = models.ForeignKey(
        Option, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("option")
    )
    from_state = models.CharField(_("from"), max_length=15, choices=OptionStatus.choices)
    to_state = models.CharField(_("to"), max_length=15, choices=OptionStatus.choices)

    class Meta(StateChange.Meta):
        verbose_name = _("option status change")
        verbose_name_plural = _("option status changes")


class OptionBenefit(models.Model):
    option = models.ForeignKey(
        Option, on_delete=models.CASCADE, related_name="benefits", verbose_name=_("option")
    )
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    expected = decimal_field(_("expected"))
    actual = decimal_field(_("actual"))

    class Meta:
        ordering = ["option", "indicator"]
        verbose_name = _("benefit")
        verbose_name_plural = _("benefits")
        constraints = [
            models.UniqueConstraint(
                fields=["option", "indicator"], name="benefit_once_per_indicator"
            )
        ]

    def __str__(self):
        return self.get_indicator_display()


def withheld_audits(user):
    """The audits whose documents (files and titles alike) are withheld from `user`: for
    an expert, those of a round they sit on whose meeting's material is not released yet
    (procedures: the policy's working days before the meeting); nothing for anyone
    else. The one rule for the documents, the audit's timeline and the round's
    snapshot."""
    if getattr(user, "role", None) != Role.EXPERT:
        return Audit.objects.none()
    return Audit.objects.filter(
        reviews__panel__expert=user, reviews__meeting__release_on__gt=timezone.localdate()
    )


def documents_withheld(user, audit) -> bool:
    """Whether `audit`'s documents are withheld from `user` (withheld_audits)."""
    if getattr(user, "role", None) != Role.EXPERT:
        return False
    return withheld_audits(user).filter(pk=getattr(audit, "pk", audit)).exists()


class DocumentQuerySet(AuditChildQuerySet):
    def for_user(self, user):
        """As the audit; an expert reads an audit's documents only once the material of
        their round's meeting is released, and whenever their round has no meeting
        (withheld_audits)."""
        visible = super().for_user(user)
        if getattr(user, "role", None) != Role.EXPERT:
            return visible
        return visible.exclude(audit__in=withheld_audits(user).values("pk"))


def document_path(document, filename):
    # Never the uploaded name: a random one under the audit, with the sniffed extension.
    return f"documents/{document.audit_id}/{uuid.uuid4().hex}.{document.extension}"


class Document(models.Model):
    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="documents", verbose_name=_("audit")
    )
    option = models.ForeignKey(
        Option,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("option"),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # A changed file is a new version of the document it replaces, which stays
    # downloadable (issue 11: the record is evidence).
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("supersedes"),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    # Set when the audit is first submitted with it (entering a review state): from then
    # on the document is part of what a panel judged and is never deleted.
    submitted_at = models.DateTimeField(
        pgettext_lazy("time submitted", "submitted"), null=True, blank=True, editable=False
    )
    # Sampled text shingles of a report (audits/fingerprint.py), filled by a task.
    fingerprint = models.JSONField(_("text fingerprint"), default=list, blank=True, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        indexes = [models.Index(fields=["audit", "kind"], name="document_audit_kind")]

    def __str__(self):
        return self.title

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.content_type, "bin")


class OptionTotals(models.Model):
    """An audit's options summed per cost class, kept by `audits.totals.refresh` whenever
    its options change, so that the province's statistics add up 30,000 rows of these
    rather than 300,000 options (issue 6: under 300 ms)."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="option_totals", verbose_name=_("audit")
    )
    cost_class = models.CharField(_("cost class"), max_length=10, choices=CostClass.choices)
    count = models.PositiveIntegerField(_("options"))
    implemented = models.PositiveIntegerField(_("implemented"))
    # Of the implemented options, as the performance table counts it.
    investment = models.DecimalField(_("investment (yuan)"), max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("option totals")
        verbose_name_plural = _("option totals")
        constraints = [
            models.UniqueConstraint(fields=["audit", "cost_class"], name="option_totals_once")
        ]

    def __str__(self):
        return f"{self.audit_id} {self.cost_class}: {self.count}"


class BenefitTotals(models.Model):
    """An audit's expected, actual (as claimed) and verified benefits per indicator, over
    the options that may still bring one; kept as OptionTotals (audits/totals.py)."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="benefit_totals", verbose_name=_("audit")
    )
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    expected = models.DecimalField(_("expected"), max_digits=20, decimal_places=4)
    actual = models.DecimalField(_("actual"), max_digits=20, decimal_places=4)
    verified = models.DecimalField(_("verified"), max_digits=20, decimal_places=4, default=0)

    class Meta:
        verbose_name = _("benefit totals")
        verbose_name_plural = _("benefit totals")
        constraints = [
            models.UniqueConstraint(fields=["audit", "indicator"], name="benefit_totals_once")
        ]

    def __str__(self):
        return f"{self.audit_id} {self.indicator}"


# The events that name a document (its title): withheld as the documents are.
DOCUMENT_EVENTS = (EventKind.DOCUMENT_ADDED, EventKind.DOCUMENT_REMOVED)


class EventQuerySet(AuditChildQuerySet):
    def for_user(self, user):
        """As the audit; the events naming a document are withheld from an expert as
        the documents are (withheld_audits)."""
        visible = super().for_user(user)
        if getattr(user, "role", None) != Role.EXPERT:
            return visible
        return visible.exclude(
            kind__in=DOCUMENT_EVENTS, audit__in=withheld_audits(user).values("pk")
        )


class AuditEvent(models.Model):
    """One change to an audit or one of its parts, with who made it and when, written by
    the service that made the change in the same transaction (the audit's timeline,
    `GET /api/v1/audits/{id}/events/`). `params` holds what the summary names, as plain
    JSON: codes and titles, rendered in the reader's language (audits/events.py)."""

    audit = models.ForeignKey(
        Audit, on_delete=models.CASCADE, related_name="events", verbose_name=_("audit")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    kind = models.CharField(_("kind"), max_length=24, choices=EventKind.choices)
    params = models.JSONField(_("details"), default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["audit", "at"], name="audit_event_audit_at")]

    def __str__(self):
        return f"{self.audit_id} {self.kind}"
