"""The two-step review (domain.md §3, §4; api.md "Reviews"): rounds, sheets, panels,
scores, verifications and the conclusion that moves the audit.

Submitting the audit opens a round (the workflow's ON_ENTER hook); the authority in scope
forms a panel of independent experts, each expert scores the round, the authority
concludes it, and the conclusion moves the audit on or back.
"""

import random
import secrets
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from audits import totals
from audits.choices import AuditState, CostClass, EventKind, Indicator
from audits.events import record
from audits.models import Audit, Document, Option
from audits.snapshot import audit_content, changes
from audits.workflow import ENTRY_GUARDS, ON_ENTER, audit_transition, can_work_on, parties
from core.errors import StateConflict
from core.regions import province_code, supervising_codes
from core.roles import has_role, require_role
from enterprises.models import ProvincePolicy
from notifications.messages import translated
from notifications.services import notify
from survey import selectors as survey_selectors

from . import compliance, round_checks, workflow
from .choices import ReviewKind, ReviewResult, ReviewState
from .models import (
    VERIFIABLE_OPTIONS,
    Demand,
    PanelChange,
    PanelMember,
    Review,
    Score,
    ScoreVersion,
    ScoringSheet,
    Verification,
    VerifiedBenefit,
)

MIN_PANEL = workflow.MIN_PANEL
ANSWER_MONTHS = 1  # domain.md §3: the authority answers within a month
KIND_OF_STATE = {
    AuditState.UNDER_ASSESSMENT: ReviewKind.ASSESSMENT,
    AuditState.UNDER_ACCEPTANCE: ReviewKind.ACCEPTANCE,
}
# Where the conclusion sends the audit: (passed, failed).
MOVES = {
    ReviewKind.ASSESSMENT: (AuditState.IMPLEMENTATION, AuditState.FEASIBILITY),
    ReviewKind.ACCEPTANCE: (AuditState.COMPLETED, AuditState.IMPLEMENTATION),
}
VERIFIABLE = VERIFIABLE_OPTIONS
POINTS = Decimal("0.01")


def _params(review: Review, **extra) -> dict:
    return {
        "review": translated(review.get_kind_display),
        "enterprise": review.audit.enterprise.name,
        "round": review.round,
        **extra,
    }


def _record(review: Review, actor, kind: str, **params) -> None:
    """An event of the round's audit (audits.events), naming the round."""
    record(
        audit=review.audit_id,
        actor=actor,
        kind=kind,
        review=review.kind,
        round=review.round,
        **params,
    )


def supervisors(audit: Audit):
    """The authorities whose region holds the enterprise: province, city, county."""
    return User.objects.filter(
        role=Role.AUTHORITY,
        is_active=True,
        organization__region_id__in=supervising_codes(audit.enterprise.region_id),
    )


def supervises(user, review: Review) -> bool:
    """Panels and conclusions are the authority's, in its region (domain.md §3)."""
    return user.role == Role.ADMIN or (
        user.role == Role.AUTHORITY and user.in_scope(review.audit.enterprise.region_id)
    )


def require_supervisor(actor, review: Review) -> None:
    if not supervises(actor, review):
        raise PermissionDenied(
            _("Only the authority in charge forms panels and concludes reviews.")
        )


def _require_open(review: Review) -> None:
    if review.state == ReviewState.CONCLUDED:
        raise StateConflict(
            _("The review is concluded."), unmet=[_("A concluded round does not change.")]
        )


def _locked(review: Review) -> Review:
    # The independence checks read the audit's firm; the pass rule the sheet.
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("audit__enterprise", "audit__consultancy", "sheet")
        .get(pk=review.pk)
    )


# -- rounds -----------------------------------------------------------------------------


def review_open(*, audit: Audit, actor) -> Review:
    """Submitting the audit for assessment or acceptance opens the next round, with the
    scoring sheet in force today (the workflow calls this on entering the state)."""
    kind = KIND_OF_STATE[audit.state]
    last = Review.objects.filter(audit=audit, kind=kind).aggregate(n=Max("round"))["n"]
    today = timezone.localdate()
    review = Review.objects.create(
        audit=audit,
        kind=kind,
        round=(last or 0) + 1,
        applied_on=today,
        due_on=today + relativedelta(months=ANSWER_MONTHS),
        sheet=ScoringSheet.objects.current(kind, province_code(audit.enterprise.region_id)),
    )
    review.submitted = submission_snapshot(review)
    review.save(update_fields=["submitted"])
    # What the round raises as applied for, for the statistics (round_checks); kept up
    # to date whenever it is shown, and frozen at conclusion.
    signals(review)
    cp_level(review)
    notify(
        recipients=supervisors(audit),
        kind="review_applied",
        params=_params(review, due=review.due_on.isoformat()),
        url=reverse("review-detail", args=[review.pk]),
    )
    return review


def previous_round(review: Review) -> Review | None:
    """The round of the same kind before this one (the failed one it follows)."""
    return (
        Review.objects.filter(audit_id=review.audit_id, kind=review.kind, round__lt=review.round)
        .order_by("-round")
        .first()
    )


def unanswered_demands(audit: Audit) -> list[str]:
    """Re-applying waits until every demand of the last failed round is answered
    (domain.md §3: the enterprise revises and re-applies). A guard on entering a review
    state (audits.workflow.ENTRY_GUARDS)."""
    kind = ReviewKind.ASSESSMENT if audit.state == AuditState.FEASIBILITY else ReviewKind.ACCEPTANCE
    last = Review.objects.filter(audit=audit, kind=kind).order_by("-round").first()
    if last is None or last.result != ReviewResult.FAILED:
        return []
    open_demands = last.demands.filter(responded_at__isnull=True).order_by("position")
    return [
        _("Answer rectification demand %(n)s of round %(round)s: %(text)s")
        % {"n": d.position, "round": last.round, "text": d.text}
        for d in open_demands
    ]


for _state in KIND_OF_STATE:
    ON_ENTER.setdefault(_state, []).append(review_open)
    ENTRY_GUARDS.setdefault(_state, []).append(unanswered_demands)


# -- sheets -----------------------------------------------------------------------------


def can_publish_sheet(actor, province) -> bool:
    """A provincial authority publishes its own province's sheets; the admin any
    province's and the national default (`province` None)."""
    return has_role(actor, Role.ADMIN) or (
        has_role(actor, Role.AUTHORITY)
        and province is not None
        and len(actor.scope_prefix) == 2
        and province.pk[:2] == actor.scope_prefix
    )


def require_sheet_publisher(actor, province) -> None:
    require_role(actor, Role.ADMIN, Role.AUTHORITY)
    if not can_publish_sheet(actor, province):
        raise PermissionDenied(_("A provincial authority publishes its own province's sheets."))


@transaction.atomic
def sheet_publish(
    *, actor, kind: str, province, items: list[dict], vetoes: list[dict], pass_mark
) -> ScoringSheet:
    """A new version of a province's sheet (admin: also the national one). Rounds
    opened before keep the version they started with."""
    require_sheet_publisher(actor, province)
    errors = {}
    items = [_sheet_entry(item, points=True) for item in items or []]
    vetoes = [_sheet_entry(veto) for veto in vetoes or []]
    item_codes = [item["code"] for item in items]
    veto_codes = [veto["code"] for veto in vetoes]
    if not items:
        errors["items"] = [_("A sheet has at least one item.")]
    elif any(not item["code"] or not item["title_zh"] for item in items):
        errors["items"] = [_("Every item needs a code and a Chinese title.")]
    elif any(item["max_points"] is None or item["max_points"] <= 0 for item in items):
        errors["items"] = [_("Every item is worth more than 0 points.")]
    elif len(set(item_codes)) != len(item_codes):
        errors["items"] = [_("Item codes must differ.")]
    elif (total := sum(item["max_points"] for item in items)) != 100:
        errors["items"] = [
            _("The items sum to %(total)s points; they must sum to 100.")
            % {"total": format(total.normalize(), "f")}
        ]
    if any(not veto["code"] or not veto["title_zh"] for veto in vetoes):
        errors["vetoes"] = [_("Every veto item needs a code and a Chinese title.")]
    elif len(set(veto_codes)) != len(veto_codes) or set(veto_codes) & set(item_codes):
        errors["vetoes"] = [_("Veto codes must differ from each other and from item codes.")]
    try:
        pass_mark = Decimal(str(pass_mark))
        if not 0 <= pass_mark <= 100:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["pass_mark"] = [_("A pass mark from 0 to 100.")]
    if errors:
        raise ValidationError(errors)
    last = (
        ScoringSheet.objects.select_for_update()
        .filter(kind=kind, province=province)
        .aggregate(n=Max("version"))["n"]
    )
    for item in items:
        item["max_points"] = _number(item["max_points"])
    return ScoringSheet.objects.create(
        kind=kind,
        province=province,
        version=(last or 0) + 1,
        items=items,
        vetoes=vetoes,
        pass_mark=pass_mark,
        published_by=actor,
    )


@transaction.atomic
def sheet_retire(*, actor, sheet: ScoringSheet, active: bool) -> ScoringSheet:
    """Retire a sheet version (or bring it back): new rounds take the latest active
    version; the rounds that used it keep it. Its content never changes."""
    require_sheet_publisher(actor, sheet.province)
    sheet = ScoringSheet.objects.select_for_update().get(pk=sheet.pk)
    if not active and sheet.province_id is None:
        others = ScoringSheet.objects.filter(kind=sheet.kind, province__isnull=True, active=True)
        if not others.exclude(pk=sheet.pk).exists():
            raise StateConflict(
                _("The national default cannot be retired."),
                unmet=[_("Publish another national version first.")],
            )
    sheet.active = active
    sheet.save(update_fields=["active"])
    return sheet


@transaction.atomic
def sheet_delete(*, actor, sheet: ScoringSheet) -> None:
    """A sheet that a round used is not deleted (409 naming the rounds); retire it."""
    require_sheet_publisher(actor, sheet.province)
    rounds = list(sheet.reviews.order_by("pk").values_list("pk", "kind", "round"))
    if rounds:
        raise StateConflict(
            _("Review rounds were scored on this sheet; retire it instead."),
            unmet=[
                _("Review round %(id)s (%(kind)s, round %(round)s).")
                % {"id": pk, "kind": ReviewKind(kind).label, "round": number}
                for pk, kind, number in rounds
            ],
        )
    sheet.delete()


def expert_profile_delete(*, actor, profile) -> None:
    """An expert who sat on a panel keeps the profile the independence check read (409);
    retire the expert's account (`is_active: false`) instead."""
    require_role(actor, Role.ADMIN)
    seats = list(profile.user.panel_seats.order_by("review_id").values_list("review_id", flat=True))
    if seats:
        raise StateConflict(
            _("The expert sat on review panels; retire the account instead."),
            unmet=[_("Review round %(id)s.") % {"id": pk} for pk in seats],
        )
    profile.delete()


def _sheet_entry(entry: dict, points: bool = False) -> dict:
    clean = {key: str(entry.get(key) or "").strip() for key in ("code", "title_zh", "title_en")}
    if points:
        try:
            clean["max_points"] = Decimal(str(entry.get("max_points")))
        except (InvalidOperation, ValueError):
            clean["max_points"] = None
    return clean


def _number(value: Decimal):
    """JSON keeps whole points as integers, others as decimal strings."""
    return int(value) if value == value.to_integral_value() else str(value.normalize())


# -- panels -----------------------------------------------------------------------------


def conflicts(audit: Audit, experts) -> dict[int, list[str]]:
    """Why each of `experts` may not sit on a panel of `audit` (domain.md §3: not
    employed by the enterprise or its consulting firm, as a user of either or through
    the expert's profile); an empty list when independent. Needs `expert_profile`
    selected."""
    firm = audit.consultancy
    reasons = {}
    for expert in experts:
        found = []
        if expert.role != Role.EXPERT:
            found.append(_("not an expert"))
        if not expert.is_active:
            found.append(_("account inactive"))
        profile = getattr(expert, "expert_profile", None)
        if expert.enterprise_id == audit.enterprise_id or (
            profile and profile.employer_id == audit.enterprise_id
        ):
            found.append(_("works for the enterprise under review"))
        if firm and (
            expert.organization_id == firm.pk or (profile and profile.consultancy_id == firm.pk)
        ):
            found.append(_("works for the enterprise's consulting firm"))
        reasons[expert.pk] = found
    return reasons


def _experts(ids) -> list[User]:
    return list(
        User.objects.filter(pk__in=ids)
        .select_related("expert_profile", "organization")
        .order_by("pk")
    )


def candidates(review: Review) -> list[dict]:
    """The province's pool for this round: each expert with their conflicts and whether
    their expertise matches the enterprise's industry (the panel form shows both)."""
    audit = review.audit
    pool = list(
        User.objects.filter(
            role=Role.EXPERT,
            is_active=True,
            organization__region__code__startswith=audit.enterprise.region_id[:2],
        )
        .select_related("expert_profile", "organization")
        .prefetch_related("expert_profile__industries")
        .order_by("pk")
    )
    found = conflicts(audit, pool)
    seated = set(review.panel.values_list("expert_id", flat=True))
    return [
        {
            "expert": expert,
            "conflicts": found[expert.pk],
            "on_panel": expert.pk in seated,
            "matches_industry": _matches(expert, audit),
        }
        for expert in pool
    ]


def _matches(expert: User, audit: Audit) -> bool:
    profile = getattr(expert, "expert_profile", None)
    return bool(profile) and any(
        industry.pk == audit.enterprise.industry_id for industry in profile.industries.all()
    )


def _seat(review: Review, actor, experts: list[User], draw: dict | None = None) -> Review:
    before = set(review.panel.values_list("expert_id", flat=True))
    after = {expert.pk for expert in experts}
    added, removed = sorted(after - before), sorted(before - after)
    PanelMember.objects.filter(review=review, expert_id__in=removed).delete()
    # A removed expert's scores go with the seat; the change log keeps who left.
    Score.objects.filter(review=review, expert_id__in=removed).delete()
    PanelMember.objects.bulk_create(PanelMember(review=review, expert_id=pk) for pk in added)
    PanelChange.objects.create(review=review, actor=actor, added=added, removed=removed, draw=draw)
    names = {u.pk: str(u) for u in User.objects.filter(pk__in=[*added, *removed])}
    _record(
        review,
        actor,
        EventKind.PANEL_CHANGED,
        added=[names[pk] for pk in added],
        removed=[names[pk] for pk in removed],
        seed=draw["seed"] if draw else None,
    )
    if review.state == ReviewState.APPLIED:
        workflow.review_move(review=review, to=ReviewState.PANEL_FORMED, actor=actor)
    if added:
        notify(
            recipients=User.objects.filter(pk__in=added),
            kind="review_panel",
            params=_params(review, due=review.due_on.isoformat()),
            url=reverse("review-detail", args=[review.pk]),
        )
    return review


@transaction.atomic
def panel_set(*, actor, review: Review, expert_ids: list[int]) -> Review:
    """Seat exactly `expert_ids` (≥ 3, each an independent expert); a 400 names each
    refused expert and why. Scores of experts who leave are dropped."""
    require_supervisor(actor, review)
    review = _locked(review)
    _require_open(review)
    ids = list(dict.fromkeys(expert_ids))
    experts = _experts(ids)
    refused = [
        _("No user with id %(id)s.") % {"id": pk}
        for pk in sorted(set(ids) - {e.pk for e in experts})
    ]
    for expert in experts:
        if reasons := conflicts(review.audit, [expert])[expert.pk]:
            refused.append(
                _("%(name)s (%(username)s): %(reasons)s.")
                % {"name": expert, "username": expert.username, "reasons": "; ".join(reasons)}
            )
    if len(ids) < MIN_PANEL:
        refused.insert(
            0,
            _("A panel has at least %(n)d experts; %(count)d were named.")
            % {"n": MIN_PANEL, "count": len(ids)},
        )
    if refused:
        raise ValidationError({"experts": refused})
    return _seat(review, actor, experts)


@transaction.atomic
def panel_draw(*, actor, review: Review, size: int = MIN_PANEL, seed: int | None = None) -> Review:
    """Draw the panel at random from the province's pool (domain.md §7), experts of the
    enterprise's industry first, skipping conflicts. The seed, the pool and the draw are
    recorded: `random.Random(seed)` over the same pool gives the same panel."""
    require_supervisor(actor, review)
    review = _locked(review)
    _require_open(review)
    if size < MIN_PANEL:
        raise ValidationError(
            {"size": [_("A panel has at least %(n)d experts.") % {"n": MIN_PANEL}]}
        )
    pool = [c for c in candidates(review) if not c["conflicts"]]
    if len(pool) < size:
        raise StateConflict(
            _("Not enough independent experts to draw from."),
            unmet=[
                _("The province's pool has %(count)d independent experts; the draw needs %(size)d.")
                % {"count": len(pool), "size": size}
            ],
        )
    seed = secrets.randbelow(2**31) if seed is None else seed
    rng = random.Random(seed)
    matching = [c["expert"].pk for c in pool if c["matches_industry"]]
    others = [c["expert"].pk for c in pool if not c["matches_industry"]]
    drawn = rng.sample(matching, min(size, len(matching)))
    drawn += rng.sample(others, size - len(drawn))
    return _seat(
        review,
        actor,
        _experts(drawn),
        draw={
            "seed": seed,
            "size": size,
            "pool": [c["expert"].pk for c in pool],
            "matching": matching,
            "drawn": drawn,
        },
    )


# -- scores -----------------------------------------------------------------------------

# Conditions of scoring that other apps add (the round's meeting: scores open on its
# date; procedures), each giving the reasons it is not met.
SCORE_GUARDS: list = []


@transaction.atomic
def score_submit(
    *, actor, review: Review, items: dict, vetoes: list[str], comment: str = ""
) -> Score:
    """A panel expert's points for every item (0..max) and any vetoes; submitting again
    replaces them until the round is concluded."""
    review = _locked(review)
    if not review.panel.filter(expert=actor).exists():
        raise PermissionDenied(_("Only the experts on the panel score this round."))
    _require_open(review)
    if unmet := [reason for guard in SCORE_GUARDS for reason in guard(review)]:
        raise StateConflict(_("Scoring has not opened yet."), unmet=unmet)
    sheet = review.sheet
    maxima = sheet.item_max()
    errors = []
    points = {}
    items = items if isinstance(items, dict) else {}
    for code in items.keys() - maxima.keys():
        errors.append(_("“%(code)s” is not an item of the sheet.") % {"code": code})
    for code, top in maxima.items():
        if code not in items or items[code] in (None, ""):
            errors.append(_("“%(code)s”: give a score.") % {"code": code})
            continue
        try:
            value = Decimal(str(items[code]))
            if not value.is_finite() or value != value.quantize(POINTS):
                raise InvalidOperation
        except (InvalidOperation, ValueError):
            errors.append(
                _("“%(code)s”: a number of points, at most two decimals.") % {"code": code}
            )
            continue
        if not 0 <= value <= top:
            errors.append(
                _("“%(code)s”: give 0 to %(max)s points.")
                % {"code": code, "max": format(top.normalize(), "f")}
            )
            continue
        points[code] = value
    found = {}
    if errors:
        found["items"] = errors
    unknown = sorted(set(vetoes or []) - sheet.veto_codes())
    if unknown:
        found["vetoes"] = [
            _("Not a veto item of the sheet: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
        ]
    if found:
        raise ValidationError(found)
    earlier = Score.objects.select_for_update().filter(review=review, expert=actor).first()
    if earlier is not None:
        # The replaced scoring is kept (issue 11), for the authority after conclusion.
        ScoreVersion.objects.create(
            score=earlier,
            items=earlier.items,
            vetoes=earlier.vetoes,
            total=earlier.total,
            comment=earlier.comment,
            submitted_at=earlier.submitted_at,
        )
    score, _created = Score.objects.update_or_create(
        review=review,
        expert=actor,
        defaults={
            "items": {code: _number(value) for code, value in points.items()},
            "vetoes": sorted(set(vetoes or [])),
            "comment": comment.strip(),
            "total": sum(points.values(), Decimal(0)),
        },
    )
    # The event says that an expert scored, never the points (experts do not see each
    # other's scores before conclusion).
    _record(
        review,
        actor,
        EventKind.SCORE_REPLACED if earlier else EventKind.SCORE_SUBMITTED,
    )
    return score


def earlier_scores(user, review: Review) -> dict[int, list[ScoreVersion]]:
    """The replaced scorings of each score, for the authority once the round is
    concluded (empty otherwise)."""
    if not (review.is_concluded and has_role(user, Role.ADMIN, Role.AUTHORITY)):
        return {}
    found: dict[int, list[ScoreVersion]] = {}
    for version in ScoreVersion.objects.filter(score__review=review).order_by("submitted_at"):
        found.setdefault(version.score_id, []).append(version)
    return found


def visible_scores(user, review: Review):
    """Experts see only their own until the round is concluded; the authority sees the
    panel's progress; the enterprise and its firm see the scores once concluded."""
    scores = review.scores.select_related("expert")
    if review.state == ReviewState.CONCLUDED or user.role in {Role.ADMIN, Role.AUTHORITY}:
        return scores
    if user.role == Role.EXPERT:
        return scores.filter(expert=user)
    return scores.none()


# -- verification (acceptance) ----------------------------------------------------------


@transaction.atomic
def verification_save(
    *,
    actor,
    review: Review,
    option: Option,
    implemented: bool,
    verified_benefits: list[dict],
    note: str = "",
    evidence: Document | None = None,
) -> Verification:
    """The panel's on-site check of a mid/high-cost option (domain.md §4), by a panel
    expert or the authority; saving again replaces it."""
    review = _locked(review)
    on_panel = review.panel.filter(expert=actor).exists()
    if not on_panel:
        require_supervisor(actor, review)
    if review.kind != ReviewKind.ACCEPTANCE:
        raise StateConflict(
            _("Options are verified at acceptance."), unmet=[_("This round is an assessment.")]
        )
    _require_open(review)
    errors = {}
    if option.audit_id != review.audit_id or option.cost_class != CostClass.MID_HIGH:
        errors["option"] = [_("Choose a mid/high-cost option of this audit.")]
    if evidence is not None and evidence.audit_id != review.audit_id:
        errors["evidence"] = [_("The evidence must be a document of this audit.")]
    rows, benefit_errors = {}, []
    for row in verified_benefits or []:
        indicator = row.get("indicator")
        if indicator not in Indicator.values:
            benefit_errors.append(_("Unknown indicator “%(code)s”.") % {"code": indicator})
        elif indicator in rows:
            benefit_errors.append(_("“%(code)s” is given twice.") % {"code": indicator})
        else:
            try:
                rows[indicator] = Decimal(str(row.get("value")))
                if not rows[indicator].is_finite():
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                benefit_errors.append(_("“%(code)s”: give a number.") % {"code": indicator})
    if benefit_errors:
        errors["verified_benefits"] = benefit_errors
    if errors:
        raise ValidationError(errors)
    verification, _created = Verification.objects.update_or_create(
        review=review,
        option=option,
        defaults={
            "implemented": implemented,
            "note": note.strip(),
            "evidence": evidence,
            "verified_by": actor,
        },
    )
    verification.benefits.all().delete()
    VerifiedBenefit.objects.bulk_create(
        VerifiedBenefit(verification=verification, indicator=indicator, value=value)
        for indicator, value in rows.items()
    )
    _record(
        review,
        actor,
        EventKind.VERIFIED,
        code=option.code,
        implemented=implemented,
    )
    # The statistics count verified benefits and investment where verified.
    totals.refresh([review.audit_id])
    return verification


def benefit_comparison(verification: Verification) -> list[dict]:
    """Claimed (the audit's actual, else expected) against verified, per indicator.
    Needs `option__benefits` and `benefits` prefetched."""
    claimed = {
        b.indicator: (b.actual if b.actual is not None else b.expected)
        for b in verification.option.benefits.all()
    }
    verified = {b.indicator: b.value for b in verification.benefits.all()}
    rows = []
    for indicator in sorted(claimed.keys() | verified.keys()):
        claim, found = claimed.get(indicator), verified.get(indicator)
        rows.append(
            {
                "indicator": indicator,
                "claimed": claim,
                "verified": found,
                "difference": None if claim is None or found is None else found - claim,
            }
        )
    return rows


# -- conclusion -------------------------------------------------------------------------


@transaction.atomic
def review_conclude(*, actor, review: Review, opinion: str, demands=None) -> Review:
    """Passed ⇔ mean score ≥ the sheet's pass mark, nobody raised a veto and, at
    acceptance, the panel found every feasible mid/high option implemented (a verified
    "not implemented" fails the round as a veto does, domain.md §4). Keeps a snapshot of
    what was judged, moves the audit (api.md "Audits"), sets its next due date from the
    province policy and tells the enterprise, its firm and the panel. A failed round
    names its rectification demands (at least one; none for a pass), each answered
    before the enterprise re-applies."""
    require_supervisor(actor, review)
    review = _locked(review)
    if unmet := workflow.conclusion_unmet(review):
        raise StateConflict(_("The review cannot be concluded yet."), unmet=unmet)
    if not opinion.strip():
        raise ValidationError(
            {
                "opinion": [
                    _("Write the opinion (with the rectification demands when the review fails).")
                ]
            }
        )
    mean, review.vetoed, review.not_implemented = _outcome(review)
    # The rule compares the exact mean (69.9967 fails a pass mark of 70); the stored
    # score is rounded for display.
    review.score = mean.quantize(POINTS, rounding=ROUND_HALF_UP)
    passed = mean >= review.sheet.pass_mark and not review.vetoed and not review.not_implemented
    review.result = ReviewResult.PASSED if passed else ReviewResult.FAILED
    demands = [str(text).strip() for text in demands or [] if str(text).strip()]
    if not passed and not demands:
        raise ValidationError(
            {"demands": [_("A failed round names at least one rectification demand.")]}
        )
    if passed and demands:
        raise ValidationError({"demands": [_("A passed round has no rectification demands.")]})
    Demand.objects.bulk_create(
        Demand(review=review, position=number, text=text)
        for number, text in enumerate(demands, start=1)
    )
    review.opinion = opinion.strip()
    review.concluded_on = timezone.localdate()
    review.concluded_by = actor
    # Evidence added while the round was open was judged too: from now on it is kept.
    Document.objects.filter(audit_id=review.audit_id, submitted_at__isnull=True).update(
        submitted_at=timezone.now()
    )
    review.snapshot = snapshot(review)
    workflow.review_move(
        review=review, to=ReviewState.CONCLUDED, actor=actor, comment=review.opinion
    )
    # What the round raised and reached, as concluded, for the statistics.
    round_checks.record_snapshot(review)
    _record(
        review,
        actor,
        EventKind.CONCLUDED,
        result=review.result,
        score=str(review.score),
        demands=demands,
    )
    audit = audit_transition(
        audit=review.audit,
        to=MOVES[review.kind][0 if passed else 1],
        actor=actor,
        comment=review.opinion,
        by_review=True,
    )
    if passed:
        _set_next_due(audit, review)
    recipients = parties(audit) | User.objects.filter(panel_seats__review=review)
    notify(
        recipients=recipients,
        kind="review_concluded",
        params=_params(
            review, result=translated(review.get_result_display), score=str(review.score)
        ),
        url=reverse("review-detail", args=[review.pk]),
    )
    return review


def _outcome(review: Review) -> tuple[Decimal, bool, list[str]]:
    scores = list(review.scores.all())
    mean = sum((s.total for s in scores), Decimal(0)) / (len(scores) or 1)
    return mean, any(s.vetoes for s in scores), not_implemented(review)


def would_pass(review: Review) -> bool:
    """What concluding now would decide (the conclusion form asks for demands on a fail)."""
    mean, vetoed, missing = _outcome(review)
    return mean >= review.sheet.pass_mark and not vetoed and not missing


def not_implemented(review: Review) -> list[str]:
    """The codes of the mid/high options an acceptance panel verified as not implemented
    (none at assessment)."""
    if review.kind != ReviewKind.ACCEPTANCE:
        return []
    return list(
        review.verifications.filter(
            implemented=False,
            option__cost_class=CostClass.MID_HIGH,
            option__status__in=VERIFIABLE,
        )
        .order_by("option__code")
        .values_list("option__code", flat=True)
    )


def policy_of(audit: Audit) -> ProvincePolicy:
    """The figures the audit's list was published with, else the province's today."""
    figures = audit.list_entry.key_list.policy if audit.list_entry_id else None
    if figures:
        known = {name: figures[name] for name in ProvincePolicy.FIGURES if name in figures}
        return ProvincePolicy(**known)
    return ProvincePolicy.for_province(province_code(audit.enterprise.region_id))


def _set_next_due(audit: Audit, review: Review) -> None:
    policy = policy_of(audit)
    if review.kind == ReviewKind.ASSESSMENT:
        audit.acceptance_due = policy.acceptance_due(review.concluded_on)
        audit.save(update_fields=["acceptance_due", "updated_at"])
    else:
        entry = audit.list_entry
        years = policy.cycle_years(
            toxic_hazardous=bool(entry and entry.toxic_hazardous),
            industry_code=audit.enterprise.industry_code,
        )
        audit.next_round_due = review.concluded_on + relativedelta(years=years)
        audit.save(update_fields=["next_round_due", "updated_at"])


def _sheet_data(review: Review) -> dict:
    return {
        "id": review.sheet_id,
        "version": review.sheet.version,
        "province": review.sheet.province_id,
        "items": review.sheet.items,
        "vetoes": review.sheet.vetoes,
        "pass_mark": str(review.sheet.pass_mark),
    }


def _demand_data(demands) -> list[dict]:
    return [
        {
            "id": d.pk,
            "position": d.position,
            "text": d.text,
            "response": d.response,
            "document": d.document_id,
            "document_sha256": d.document.sha256 if d.document_id else None,
            "responded_by": d.responded_by.username if d.responded_by_id else None,
            "responded_at": d.responded_at.isoformat() if d.responded_at else None,
        }
        for d in demands
    ]


def previous_demands(review: Review):
    """The demands of the round before, with their answers (the panel reads them)."""
    before = previous_round(review)
    if before is None:
        return Demand.objects.none()
    return before.demands.select_related("document", "responded_by")


def demand_open(demand: Demand) -> bool:
    """Answerable until the enterprise re-applies (the next round exists)."""
    review = demand.review
    return not Review.objects.filter(
        audit_id=review.audit_id, kind=review.kind, round__gt=review.round
    ).exists()


def _previous_demands(review: Review) -> list[dict]:
    before = previous_round(review)
    if before is None:
        return []
    return _demand_data(before.demands.select_related("document", "responded_by"))


def submission_snapshot(review: Review) -> dict:
    """What the panel is given when the round opens: the audit as submitted, the sheet,
    and the previous round's demands with their answers."""
    return {
        "taken_at": timezone.now().isoformat(),
        "stage": "submitted",
        "review": {"id": review.pk, "kind": review.kind, "round": review.round},
        **audit_content(review.audit),
        "sheet": _sheet_data(review),
        "previous_demands": _previous_demands(review),
    }


def snapshot(review: Review) -> dict:
    """What the round judged, as plain JSON (domain.md §7: keep what was judged, and by
    whom, exactly as it was): the audit as at conclusion, the sheet, the panel, every
    score, the verifications, the demands and the signals."""
    verifications = review.verifications.select_related("option", "evidence").prefetch_related(
        "benefits", "option__benefits"
    )

    def text(value):
        return None if value is None else str(value)

    return {
        "taken_at": timezone.now().isoformat(),
        "stage": "concluded",
        "review": {"id": review.pk, "kind": review.kind, "round": review.round},
        **audit_content(review.audit),
        "sheet": _sheet_data(review),
        "previous_demands": _previous_demands(review),
        "panel": [
            {"id": m.expert_id, "name": str(m.expert), "username": m.expert.username}
            for m in review.panel.select_related("expert")
        ],
        "scores": [
            {
                "expert": s.expert_id,
                "name": str(s.expert),
                "items": s.items,
                "vetoes": s.vetoes,
                "total": str(s.total),
                "comment": s.comment,
                "submitted_at": s.submitted_at.isoformat(),
            }
            for s in review.scores.select_related("expert")
        ],
        "verifications": [
            {
                "option": v.option.code,
                "implemented": v.implemented,
                "note": v.note,
                "evidence": v.evidence.sha256 if v.evidence_id else None,
                "evidence_document": v.evidence_id,
                "benefits": [
                    {key: text(value) for key, value in row.items()}
                    for row in benefit_comparison(v)
                ],
            }
            for v in verifications
        ],
        "result": review.result,
        "score": text(review.score),
        "vetoed": review.vetoed,
        "opinion": review.opinion,
        "demands": _demand_data(review.demands.select_related("document", "responded_by")),
        "not_implemented": review.not_implemented,
        "signals": compliance.review_signals(review),
        "cp_level": survey_selectors.evaluation_result_of(review.audit),
    }


def round_changes(review: Review) -> dict | None:
    """This round as submitted against the round before as judged (None for a first
    round): what changed since the failed round."""
    before = previous_round(review)
    if before is None:
        return None
    return changes(before.snapshot or before.submitted, review.submitted)


# -- rectification demands --------------------------------------------------------------


def can_respond(user, demand: Demand) -> bool:
    """The enterprise or its firm answers, until the next round is applied for."""
    return can_work_on(user, demand.review.audit)


@transaction.atomic
def demand_respond(*, actor, demand: Demand, response: str, document: Document | None = None):
    """Answer a rectification demand (with a document of the audit, optionally); it can
    be answered again until the enterprise re-applies (a later round exists: 409)."""
    demand = (
        Demand.objects.select_for_update(of=("self",))
        .select_related("review__audit")
        .get(pk=demand.pk)
    )
    if not can_respond(actor, demand):
        raise PermissionDenied(_("The enterprise or its consulting firm answers the demands."))
    review = demand.review
    later = Review.objects.filter(
        audit_id=review.audit_id, kind=review.kind, round__gt=review.round
    )
    if later.exists():
        raise StateConflict(
            _("The demand cannot be answered any more."),
            unmet=[_("The enterprise has re-applied; the next round shows the answer.")],
        )
    errors = {}
    if not (response or "").strip():
        errors["response"] = [_("Write the response.")]
    if document is not None and document.audit_id != review.audit_id:
        errors["document"] = [_("The document must be one of this audit.")]
    if errors:
        raise ValidationError(errors)
    demand.response = response.strip()
    demand.document = document
    demand.responded_by = actor
    demand.responded_at = timezone.now()
    demand.save(update_fields=["response", "document", "responded_by", "responded_at"])
    _record(
        review,
        actor,
        EventKind.DEMAND_ANSWERED,
        text=demand.text,
        response=demand.response,
        document=document.pk if document else None,
    )
    return demand


def cp_level(review: Review) -> dict | None:
    """The CP level the audit reaches against its industry's system, before and after
    (survey.grading): as concluded for a concluded round, as of now for an open one."""
    if review.is_concluded and review.snapshot and "cp_level" in review.snapshot:
        return review.snapshot["cp_level"]
    found = survey_selectors.evaluation_result_of(review.audit)
    if not review.is_concluded:
        round_checks.record_cp_level(review, found)
    return found


def signals(review: Review) -> list[dict]:
    """The round's token-compliance signals, described in the reader's language: as
    concluded for a concluded round, as of now for an open one."""
    found = (review.snapshot or {}).get("signals") if review.is_concluded else None
    if found is None:
        found = compliance.review_signals(review)
        if not review.is_concluded:
            # Kept for the statistics (round_checks): written only when it changed.
            round_checks.record_signals(review, found)
    return [compliance.describe(signal) for signal in found]


def failed_rounds(audits) -> dict[int, Review]:
    """The latest round of each of `audits` when it failed and was not re-applied for
    (carry-over to next year's list, domain.md §7)."""
    latest = {}
    for review in Review.objects.filter(audit__in=audits).order_by("audit_id", "kind", "round"):
        latest[(review.audit_id, review.kind)] = review
    return {
        review.audit_id: review
        for review in latest.values()
        if review.result == ReviewResult.FAILED
    }
