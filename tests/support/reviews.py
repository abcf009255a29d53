"""Review rounds for tests, made through the services as the authority and the
experts would (domain.md §3, §4).

    review = submitted(cast)                      # audit under assessment, round applied
    seat_panel(cast, review)                      # cast's expert + two more, independent
    score_all(cast, review, [80, 80, 80])         # each expert's total
    services.review_conclude(actor=officer(cast), review=review, opinion="…")
"""

from decimal import Decimal

from accounts.choices import Role
from accounts.models import User
from assessments import services
from assessments.models import Demand, ExpertProfile, Review
from audits.choices import AuditState, CostClass, OptionStatus
from audits.models import Audit

from .audits import add_option, bring_to, engaged_audit, move_option
from .cast import user

PASS_TOTAL, FAIL_TOTAL = 80, 60


def officer(cast):
    return cast.user("province_officer")


def expert_pool(cast, count: int = 3, industry: str | None = "22") -> list[User]:
    """`count` experts of the Jiangsu pool, the cast's expert first, each with a profile
    (industry of expertise: the Nanjing enterprise's, paper, unless told otherwise)."""
    experts = [cast.user("expert")]
    for number in range(2, count + 1):
        experts.append(
            User.objects.filter(username=f"expert{number}").first()
            or user(f"expert{number}", Role.EXPERT, organization=cast.experts)
        )
    for expert in experts:
        profile, _created = ExpertProfile.objects.get_or_create(user=expert)
        if industry:
            profile.industries.add(industry)
    return experts


def submitted(cast, kind: str = "assessment", audit: Audit | None = None) -> Review:
    """The Nanjing enterprise's audit, submitted for `kind`, with one mid/high option
    (M1, found feasible and, for acceptance, implemented with an actual benefit)."""
    audit = audit or engaged_audit(cast)
    bring_to(cast, audit, AuditState.OPTION_GENERATION)
    if not audit.options.filter(cost_class=CostClass.MID_HIGH).exists():
        add_option(cast, audit, code="M1", cost_class=CostClass.MID_HIGH, investment=2_000_000)
    state = AuditState.UNDER_ASSESSMENT if kind == "assessment" else AuditState.UNDER_ACCEPTANCE
    if kind == "acceptance":
        bring_to(cast, audit, AuditState.IMPLEMENTATION)
        for option in audit.options.filter(
            cost_class=CostClass.MID_HIGH, status=OptionStatus.FEASIBLE
        ):
            move_option(
                cast,
                option,
                OptionStatus.IMPLEMENTING,
                OptionStatus.IMPLEMENTED,
                benefits=[{"indicator": "water_t", "expected": 5000, "actual": 4800}],
            )
    bring_to(cast, audit, state)
    return Review.objects.get(audit=audit, kind=kind, state__in=["applied", "panel_formed"])


def seat_panel(cast, review: Review, experts: list[User] | None = None) -> list[User]:
    experts = experts or expert_pool(cast)
    services.panel_set(actor=officer(cast), review=review, expert_ids=[e.pk for e in experts])
    return experts


def items_for(review: Review, total) -> dict:
    """Points per item of the round's sheet adding up to `total`, filling items in turn."""
    left = Decimal(str(total))
    points = {}
    for code, top in review.sheet.item_max().items():
        points[code] = str(min(top, left))
        left -= min(top, left)
    assert left == 0, "the total is more than the sheet allows"
    return points


def score_all(cast, review: Review, totals, vetoes: dict | None = None) -> None:
    """Each panel expert (in username order) scores `totals[i]`; `vetoes` maps an
    expert's index to the veto codes they raise."""
    vetoes = vetoes or {}
    members = list(review.panel.select_related("expert").order_by("expert__username"))
    for index, (member, total) in enumerate(zip(members, totals, strict=True)):
        services.score_submit(
            actor=member.expert,
            review=review,
            items=items_for(review, total),
            vetoes=vetoes.get(index, []),
            comment=f"Scored {total}",
        )


def verify_all(cast, review: Review, implemented: bool = True) -> None:
    for option in review.audit.options.filter(
        cost_class=CostClass.MID_HIGH, status__in=services.VERIFIABLE
    ):
        services.verification_save(
            actor=officer(cast),
            review=review,
            option=option,
            implemented=implemented,
            verified_benefits=[
                {"indicator": b.indicator, "value": b.actual or b.expected}
                for b in option.benefits.all()
            ],
            note="Seen on site",
        )


def conclude_round(cast, audit: Audit, to: str, comment: str = "") -> Audit:
    """Conclude the audit's open round so that it moves to `to`: a pass (80 each) when
    `to` is where a pass leads, else a fail (60 each)."""
    review = Review.objects.get(audit=audit, state__in=["applied", "panel_formed"])
    if not review.panel.exists():
        seat_panel(cast, review)
    passed_to = services.MOVES[review.kind][0]
    total = PASS_TOTAL if to == passed_to else FAIL_TOTAL
    score_all(cast, review, [total] * review.panel.count())
    if review.kind == "acceptance":
        verify_all(cast, review)
    services.review_conclude(
        actor=officer(cast),
        review=review,
        opinion=comment or f"Concluded with {total}",
        demands=[] if total == PASS_TOTAL else ["Reconcile the water data of the three years."],
    )
    return Audit.objects.get(pk=audit.pk)


def answer_demands(
    cast, audit: Audit, response: str = "Reconciled; see the revised report."
) -> None:
    """The consultant answers every open demand of the audit's failed rounds (what
    re-applying waits for)."""
    for demand in Demand.objects.filter(review__audit=audit, responded_at__isnull=True):
        services.demand_respond(actor=cast.user("consultant"), demand=demand, response=response)


def round_reads(ok=200) -> dict:
    """Role matrix row: reading a round (or its audit's record) is for whoever sees its
    audit and the experts on its panel (the cast's expert sits on it); out of scope reads
    as missing."""
    return {
        "admin": ok,
        "province_officer": ok,
        "other_province_officer": 404,
        "city_officer": ok,
        "consultant": ok,
        "other_consultant": 404,
        "enterprise_user": ok,
        "other_enterprise_user": 404,
        "expert": ok,
        "anonymous": 401,
    }
