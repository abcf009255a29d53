from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from audits.choices import CostClass, Indicator, OptionStatus
from audits.models import Audit, Option, in_region
from core.models import StateChange
from core.regions import province_code

from .choices import QueueStage, ReviewKind, ReviewResult, ReviewState

# Mid/high options the acceptance panel verifies: those found feasible and carried on.
VERIFIABLE_OPTIONS = [OptionStatus.FEASIBLE, OptionStatus.IMPLEMENTING, OptionStatus.IMPLEMENTED]


def localized(entry: dict, key: str = "title") -> str:
    """A sheet entry's title in the reader's language (sheets are data, in both)."""
    zh = (get_language() or "").startswith("zh")
    return entry.get(f"{key}_zh" if zh else f"{key}_en") or entry.get(f"{key}_zh", "")


class ScoringSheetQuerySet(models.QuerySet):
    def for_user(self, user):
        """Admins every sheet; an authority the national ones and its province's."""
        role = getattr(user, "role", None)
        if role == Role.ADMIN:
            return self.all()
        if role == Role.AUTHORITY and user.scope_prefix:
            return self.filter(
                Q(province__isnull=True) | Q(province_id=province_code(user.scope_prefix))
            )
        return self.none()

    def current(self, kind: str, province_code: str) -> "ScoringSheet":
        """The latest version a province published for `kind`, else the national one."""
        sheets = self.filter(
            Q(province_id=province_code) | Q(province__isnull=True), kind=kind, active=True
        )
        return sheets.order_by(models.F("province").asc(nulls_last=True), "-version").first()


class ScoringSheet(models.Model):
    """One version of a scoring sheet (domain.md §3, §7): items summing to 100 points,
    veto items and the pass mark. Published versions never change: a province that
    wants other figures publishes a new version, and a round keeps the one it started
    with."""

    kind = models.CharField(_("review"), max_length=12, choices=ReviewKind.choices)
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
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    # [{"code", "title_zh", "title_en", "max_points"}]; points sum to 100.
    items = models.JSONField(_("items"))
    # [{"code", "title_zh", "title_en"}]
    vetoes = models.JSONField(_("veto items"), default=list, blank=True)
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    # A retired version is no longer given to new rounds; the rounds that used it keep it.
    active = models.BooleanField(_("active"), default=True)

    objects = ScoringSheetQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "province", "-version"]
        verbose_name = _("scoring sheet")
        verbose_name_plural = _("scoring sheets")
        constraints = [
            models.UniqueConstraint(
                "kind",
                Coalesce("province", Value("000000")),
                "version",
                name="sheet_version_unique",
            ),
            models.CheckConstraint(
                condition=Q(pass_mark__gte=0, pass_mark__lte=100), name="sheet_pass_mark_range"
            ),
        ]

    def __str__(self):
        where = self.province or _("National default")
        return f"{self.get_kind_display()} · {where} · v{self.version}"

    def item_max(self) -> dict[str, Decimal]:
        return {item["code"]: Decimal(str(item["max_points"])) for item in self.items}

    def veto_codes(self) -> set[str]:
        return {veto["code"] for veto in self.vetoes}

    def as_data(self) -> dict:
        """The sheet as `GET …/sheet/` shows it, in the reader's language."""
        return {
            "version": self.version,
            "items": [
                {"code": i["code"], "title": localized(i), "max_points": i["max_points"]}
                for i in self.items
            ],
            "vetoes": [{"code": v["code"], "title": localized(v)} for v in self.vetoes],
            "pass_mark": str(self.pass_mark),
        }


class ExpertProfile(models.Model):
    """What the panel rules need to know of an expert (domain.md §3, §7): industries of
    expertise, for the draw, and where they work, for independence."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="expert_profile",
        limit_choices_to={"role": Role.EXPERT},
        verbose_name=_("expert"),
    )
    industries = models.ManyToManyField(
        "enterprises.Industry",
        blank=True,
        related_name="+",
        verbose_name=_("industries of expertise"),
    )
    employer = models.ForeignKey(
        "enterprises.Enterprise",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("employed by (enterprise)"),
    )
    consultancy = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "consultancy"},
        verbose_name=_("works for (consulting firm)"),
    )

    class Meta:
        verbose_name = _("expert profile")
        verbose_name_plural = _("expert profiles")

    def __str__(self):
        return str(self.user)


def review_overdue_q(today=None) -> Q:
    """An open round whose answer is past due (domain.md §3: within a month)."""
    return ~Q(state=ReviewState.CONCLUDED) & Q(due_on__lt=today or timezone.localdate())


def stage_conditions(today=None) -> dict:
    """Each queue stage (and `open`, `overdue`) as a condition on rounds annotated by
    `Review.objects.with_progress()`: the one rule the queue filters, counts and labels
    each round by."""
    return {
        QueueStage.WAITING_FOR_PANEL: Q(state=ReviewState.APPLIED),
        # The state first: the counts behind it are subqueries, run only when it holds.
        QueueStage.SCORING: Q(state=ReviewState.PANEL_FORMED)
        & (Q(scored_count__lt=F("panel_size")) | Q(unverified_count__gt=0)),
        QueueStage.READY: Q(state=ReviewState.PANEL_FORMED)
        & Q(scored_count__gte=F("panel_size"), unverified_count=0),
        QueueStage.CONCLUDED: Q(state=ReviewState.CONCLUDED),
        "open": ~Q(state=ReviewState.CONCLUDED),
        "overdue": review_overdue_q(today),
    }


class ReviewQuerySet(models.QuerySet):
    def for_user(self, user):
        """Rounds visible exactly as their audit is, except that an expert sees only the
        rounds they sit on (design.md "Roles and scoping")."""
        role = getattr(user, "role", None)
        if role == Role.EXPERT:
            return self.filter(
                Exists(PanelMember.objects.filter(review=OuterRef("pk"), expert=user))
            )
        if role is None:
            return self.none()
        if role == Role.AUTHORITY and user.scope_prefix:
            # As its audits are (Audit.objects.for_user), by the round's own copy of the
            # region: no pass over the audits.
            return self.filter(in_region(user.scope_prefix))
        return self.filter(audit__in=Audit.objects.for_user(user))

    def open(self):
        return self.exclude(state=ReviewState.CONCLUDED)

    def public(self):
        """Concluded acceptances are published (domain.md "People", §4)."""
        return self.filter(kind=ReviewKind.ACCEPTANCE, state=ReviewState.CONCLUDED)

    def with_progress(self, *, open_only: bool = False):
        """Panel size, the number of experts who scored and, at acceptance, the mid/high
        options still to verify, for the queue (correlated subqueries rather than a query
        per row; `order_by()` keeps the models' default orderings, and the joins they
        bring, out of them). `open_only` counts them for the rounds whose stage depends
        on them (panel formed) and gives 0 elsewhere: the counts of a whole province then
        run the subqueries for the few rounds being scored, not for every concluded one."""
        panel = PanelMember.objects.filter(review=OuterRef("pk"))
        scored = Score.objects.filter(review=OuterRef("pk"))
        unverified = Option.objects.filter(
            audit=OuterRef("audit_id"),
            cost_class=CostClass.MID_HIGH,
            status__in=VERIFIABLE_OPTIONS,
        ).exclude(
            Exists(
                Verification.objects.filter(option=OuterRef("pk"), review=OuterRef(OuterRef("pk")))
            )
        )

        def counted(rows, key: str, when: Q | None = None):
            count = Coalesce(
                models.Subquery(
                    rows.order_by().values(key).annotate(n=models.Count("pk")).values("n")
                ),
                0,
            )
            if open_only:
                when = Q(state=ReviewState.PANEL_FORMED) & (when or Q())
            if when is None:
                return count
            return models.Case(models.When(when, then=count), default=0)

        progress = self.annotate(
            panel_size=counted(panel, "review"),
            scored_count=counted(scored, "review"),
            unverified_count=counted(unverified, "audit", Q(kind=ReviewKind.ACCEPTANCE)),
        )
        # The stage of each round, by the same conditions the queue filters by.
        return progress.annotate(
            queue_stage=models.Case(
                *[
                    models.When(condition, then=models.Value(str(stage)))
                    for stage, condition in stage_conditions().items()
                    if stage in QueueStage
                ],
                output_field=models.CharField(),
            )
        )


class Review(models.Model):
    """One round of assessment or acceptance of an audit (domain.md §3, §4; api.md
    "Reviews"): applied → panel formed → concluded (passed | failed). A failed round
    stays as it was; re-applying opens the next round."""

    audit = models.ForeignKey(
        Audit, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("audit")
    )
    kind = models.CharField(_("review"), max_length=12, choices=ReviewKind.choices)
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    sheet = models.ForeignKey(
        ScoringSheet,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("scoring sheet"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ReviewState.choices, default=ReviewState.APPLIED
    )
    # NULL until concluded, as api.md shows it (`result`: passed | failed | null).
    result = models.CharField(  # noqa: DJ001
        _("result"), max_length=8, choices=ReviewResult.choices, null=True, blank=True
    )
    score = models.DecimalField(
        _("mean score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    vetoed = models.BooleanField(_("vetoed"), default=False)
    # At acceptance: the mid/high options the panel verified as not implemented, which fail
    # the round whatever the score (domain.md §4); set at conclusion.
    not_implemented = models.JSONField(
        _("verified as not implemented"), default=list, blank=True, editable=False
    )
    opinion = models.TextField(_("opinion"), blank=True)
    applied_on = models.DateField(_("applied on"))
    # The authority answers within a month of the application (domain.md §3).
    due_on = models.DateField(_("answer due"))
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concluded by"),
    )
    # What the panel was given, frozen when the round opened (the audit's team, firm,
    # focus, targets, balances, options, documents with their hashes, the sheet), and
    # what was judged, frozen at conclusion (the same, with the panel, scores,
    # verifications and signals). Never written again (issue 11).
    submitted = models.JSONField(_("as submitted"), null=True, blank=True, editable=False)
    snapshot = models.JSONField(_("snapshot"), null=True, blank=True, editable=False)
    # The audit's region code and its city's and province's prefixes, copied onto the
    # round so that an authority's rounds are counted and listed from the rounds alone
    # (in_region). The database keeps them (assessments/triggers.py): what is written
    # here is ignored.
    region_code = models.CharField(_("region"), max_length=6, default="", editable=False)
    city_code = models.CharField(_("city"), max_length=4, default="", editable=False)
    province_code = models.CharField(_("province"), max_length=2, default="", editable=False)
    # Concluded, and a later round of its audit and kind concluded too: the audit's result
    # is the latest concluded round's. Kept by the database likewise.
    superseded = models.BooleanField(_("superseded"), default=False, editable=False)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        constraints = [
            models.UniqueConstraint(fields=["audit", "kind", "round"], name="review_round_unique"),
            # At most one open round per audit and kind.
            models.UniqueConstraint(
                fields=["audit", "kind"],
                condition=~Q(state=ReviewState.CONCLUDED),
                name="review_one_open_round",
            ),
            models.CheckConstraint(
                condition=Q(state=ReviewState.CONCLUDED, result__isnull=False)
                | (~Q(state=ReviewState.CONCLUDED) & Q(result__isnull=True)),
                name="review_result_iff_concluded",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_on"], name="review_state_due"),
            # The queue's order (open rounds first, the most urgent on top), read from the
            # index a page at a time rather than sorting every round in scope. PostgreSQL
            # puts NULLs first in a descending index, as the queue orders them.
            models.Index(fields=["-concluded_on", "due_on", "id"], name="review_queue_order"),
            # A city's rounds (a province's are most of the table, read in one pass).
            models.Index(fields=["city_code", "state"], name="review_city_state"),
        ]

    def __str__(self):
        return _("%(kind)s round %(round)s: %(audit)s") % {
            "kind": self.get_kind_display(),
            "audit": self.audit,
            "round": self.round,
        }

    @property
    def is_concluded(self) -> bool:
        return self.state == ReviewState.CONCLUDED

    @property
    def is_overdue(self) -> bool:
        return not self.is_concluded and self.due_on < timezone.localdate()

    @property
    def stage(self) -> QueueStage:
        """Needs `with_progress()` (its `queue_stage` annotation)."""
        return QueueStage(self.queue_stage)


class ReviewTransition(StateChange):
    """One row per change of a round's state (assessments.workflow): who, when, from, to,
    and the comment (a conclusion's opinion)."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("review round")
    )
    from_state = models.CharField(_("from"), max_length=12, choices=ReviewState.choices)
    to_state = models.CharField(_("to"), max_length=12, choices=ReviewState.choices)

    class Meta(StateChange.Meta):
        verbose_name = _("review state change")
        verbose_name_plural = _("review state changes")


class PanelMember(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="panel", verbose_name=_("review round")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="panel_seats",
        verbose_name=_("expert"),
    )

    class Meta:
        ordering = ["review", "expert__username"]
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        constraints = [
            models.UniqueConstraint(fields=["review", "expert"], name="panel_member_once")
        ]

    def __str__(self):
        return str(self.expert)


class PanelChange(models.Model):
    """Every change of a panel, by whom; a draw keeps its seed and pool, so anyone can
    repeat it and see it was fair (domain.md §7)."""

    review = models.ForeignKey(
        Review,
        on_delete=models.CASCADE,
        related_name="panel_changes",
        verbose_name=_("review round"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)
    added = models.JSONField(_("added"), default=list)  # expert user ids
    removed = models.JSONField(_("removed"), default=list)
    # For a draw: {"seed", "size", "pool": [ids], "matching": [ids], "drawn": [ids]}
    draw = models.JSONField(_("draw"), null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("panel change")
        verbose_name_plural = _("panel changes")

    def __str__(self):
        return f"{self.review_id} +{self.added} -{self.removed}"


class Score(models.Model):
    """One expert's scoring of a round: points per sheet item, vetoes, a comment.
    Replaced, not added to, until the round is concluded."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("review round")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("expert"),
    )
    items = models.JSONField(_("points per item"))  # {code: "points"}
    vetoes = models.JSONField(_("vetoes raised"), default=list, blank=True)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(pgettext_lazy("time submitted", "submitted"), auto_now=True)

    class Meta:
        ordering = ["review", "expert__username"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "expert"], name="score_once_per_expert")
        ]

    def __str__(self):
        return f"{self.expert}: {self.total}"


class ScoreVersion(models.Model):
    """An expert's earlier scoring of a round, kept when they replace it (issue 11): the
    authority reads them after conclusion."""

    score = models.ForeignKey(
        Score, on_delete=models.CASCADE, related_name="versions", verbose_name=_("score")
    )
    items = models.JSONField(_("points per item"))
    vetoes = models.JSONField(_("vetoes raised"), default=list, blank=True)
    total = models.DecimalField(_("total"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(pgettext_lazy("time submitted", "submitted"))
    replaced_at = models.DateTimeField(_("replaced"), auto_now_add=True)

    class Meta:
        ordering = ["score", "submitted_at", "id"]
        verbose_name = _("earlier score")
        verbose_name_plural = _("earlier scores")

    def __str__(self):
        return f"{self.score_id}: {self.total}"


class DemandQuerySet(models.QuerySet):
    def for_user(self, user):
        """Visible exactly when their round is."""
        return self.filter(review__in=Review.objects.for_user(user))


class Demand(models.Model):
    """A rectification demand of a failed round (domain.md §3: it fails with
    rectification demands, and the enterprise revises and re-applies), answered by the
    enterprise or its firm before it re-applies; the next round shows the answers."""

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="demands", verbose_name=_("review round")
    )
    position = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("demand"))
    response = models.TextField(_("response"), blank=True)
    document = models.ForeignKey(
        "audits.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        ordering = ["review", "position"]
        verbose_name = _("rectification demand")
        verbose_name_plural = _("rectification demands")
        constraints = [
            models.UniqueConstraint(fields=["review", "position"], name="demand_position_once")
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def is_answered(self) -> bool:
        return self.responded_at is not None


class Verification(models.Model):
    """The panel's on-site check of one mid/high-cost option at acceptance (domain.md §4):
    implemented or not, the benefits it found, a note and optional evidence."""

    review = models.ForeignKey(
        Review,
        on_delete=models.CASCADE,
        related_name="verifications",
        verbose_name=_("review round"),
    )
    option = models.ForeignKey(
        "audits.Option",
        on_delete=models.PROTECT,
        related_name="verifications",
        verbose_name=_("option"),
    )
    implemented = models.BooleanField(_("implemented"))
    note = models.TextField(_("note"), blank=True)
    evidence = models.ForeignKey(
        "audits.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("evidence"),
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), auto_now=True)

    class Meta:
        ordering = ["review", "option__code"]
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        constraints = [
            models.UniqueConstraint(
                fields=["review", "option"], name="verification_once_per_option"
            )
        ]

    def __str__(self):
        return f"{self.option}: {self.implemented}"


class VerifiedBenefit(models.Model):
    verification = models.ForeignKey(
        Verification,
        on_delete=models.CASCADE,
        related_name="benefits",
        verbose_name=_("verification"),
    )
    indicator = models.CharField(_("indicator"), max_length=20, choices=Indicator.choices)
    value = models.DecimalField(_("verified value"), max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["verification", "indicator"]
        verbose_name = _("verified benefit")
        verbose_name_plural = _("verified benefits")
        constraints = [
            models.UniqueConstraint(
                fields=["verification", "indicator"], name="verified_benefit_once"
            )
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value}"


# --- what each round raised, for the province's statistics (issue 18) ---------------------


class RoundCheck(models.Model):
    """The token-compliance signals and the CP level of a round as last computed, kept
    so that the statistics count them by SQL aggregation (reporting.statistics) instead
    of recomputing every round: a concluded round's as concluded (its snapshot, written
    at conclusion), an open round's as last shown (its page or the API computes them
    live and writes what changed; `manage.py record_round_checks` refreshes every open
    round). `signal_codes` repeats the codes of `raised_signals` so that showing a round
    compares one row, not a query of rows."""

    review = models.OneToOneField(
        Review,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="round_check",
        verbose_name=_("review round"),
    )
    signals_at = models.DateTimeField(_("signals recorded"), null=True, blank=True)
    signal_codes = models.JSONField(_("signals"), default=list, blank=True)
    # The CP level reached (survey.grading): the system's scheme (2 or 3 grades) and the
    # grade before and after the options (None: no grade reached, or no system).
    cp_level_at = models.DateTimeField(_("CP level recorded"), null=True, blank=True)
    grades = models.PositiveSmallIntegerField(_("grades"), null=True, blank=True)
    grade_before = models.PositiveSmallIntegerField(_("grade before"), null=True, blank=True)
    grade_after = models.PositiveSmallIntegerField(_("grade after"), null=True, blank=True)

    class Meta:
        verbose_name = _("round check")
        verbose_name_plural = _("round checks")

    def __str__(self):
        return f"{self.review_id}: {', '.join(self.signal_codes)}"


class RaisedSignal(models.Model):
    """A signal kind a round raised (one row per round and kind)."""

    review = models.ForeignKey(
        Review,
        on_delete=models.CASCADE,
        related_name="raised_signals",
        verbose_name=_("review round"),
    )
    code = models.CharField(_("signal"), max_length=40)

    class Meta:
        ordering = ["review", "code"]
        verbose_name = _("raised signal")
        verbose_name_plural = _("raised signals")
        constraints = [
            models.UniqueConstraint(fields=["review", "code"], name="raised_signal_once")
        ]
        indexes = [models.Index(fields=["code", "review"], name="raised_signal_code")]

    def __str__(self):
        return f"{self.review_id}: {self.code}"
