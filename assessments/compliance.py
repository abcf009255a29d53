"""Token-compliance signals (domain.md "Why it exists", §7): what in an audit suggests a
report that only re-labels old measures. Shown to the panel and the authority on every
round; each signal says why it was raised. A concluded round shows the signals it was
concluded with (its snapshot)."""

from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audits import fingerprint
from audits.choices import CostClass, DocumentKind, Indicator, OptionStatus
from audits.models import Document, Option, OptionBenefit
from survey import checks

from .choices import ReviewKind, ReviewResult
from .models import Review, Score

# Verified benefits below this share of the claimed ones are "far below" (issue 5).
VERIFIED_FLOOR = Decimal("0.5")
# A report sharing at least this share of its text with another is "largely repeated".
REPEATED_SHARE = 0.5

TITLES = {
    "predates_audit": gettext_lazy("Options implemented before the audit started"),
    "no_mid_high": gettext_lazy("No mid/high-cost option"),
    "benefits_without_evidence": gettext_lazy("Actual benefits without evidence"),
    "not_found_implemented": gettext_lazy("Claimed implemented, not found so"),
    "verified_below_claimed": gettext_lazy("Verified benefits far below the claims"),
    "repeated_report": gettext_lazy("Report repeats another audit's report"),
    # The figures' checks (survey.checks) and the panel's (issue 18).
    "intensity_jump": gettext_lazy("A year's intensity moves without a reason"),
    "balance_exceeds_survey": gettext_lazy("The focus's balance exceeds the plant's totals"),
    "target_differs_from_survey": gettext_lazy("Target baselines differ from the survey"),
    "monitoring_differs": gettext_lazy("Monitoring figures differ from the declared emissions"),
    "benefit_exceeds_survey": gettext_lazy("Benefits beyond what the plant uses"),
    "end_of_pipe": gettext_lazy("End-of-pipe treatment presented as cleaner production"),
    "mid_high_before_assessment": gettext_lazy(
        "Mid/high-cost options implemented before the assessment"
    ),
    "same_experts": gettext_lazy("The same experts scored every round of the enterprise"),
}
# The column headings of the figures shown beside a signal.
FIGURE_LABELS = {
    "line": gettext_lazy("Line"),
    "unit": gettext_lazy("Unit"),
    "year_before": gettext_lazy("Year before"),
    "intensity_before": gettext_lazy("Intensity before"),
    "year": gettext_lazy("Year"),
    "years": gettext_lazy("Years"),
    "intensity": gettext_lazy("Intensity"),
    "change_pct": gettext_lazy("Change (%)"),
    "balance": gettext_lazy("Balance"),
    "inputs": gettext_lazy("Balance inputs"),
    "survey": gettext_lazy("Survey"),
    "target": gettext_lazy("Target"),
    "baseline": gettext_lazy("Baseline"),
    "difference_pct": gettext_lazy("Difference (%)"),
    "pollutant": gettext_lazy("Pollutant"),
    "declared": gettext_lazy("Declared"),
    "monitored": gettext_lazy("Monitored"),
    "source": gettext_lazy("Source"),
    "option": gettext_lazy("Option"),
    "indicator": gettext_lazy("Indicator"),
    "benefit": gettext_lazy("Benefit"),
    "title": gettext_lazy("Title"),
    "cost_class": gettext_lazy("Cost class"),
    "marked": gettext_lazy("Marked end-of-pipe"),
    "matched": gettext_lazy("Word matched"),
    "implemented_on": gettext_lazy("Implemented on"),
    "assessment_on": gettext_lazy("Assessment"),
    "expert": gettext_lazy("Expert"),
    "rounds": gettext_lazy("Earlier rounds"),
    "claimed": gettext_lazy("Claimed"),
    "verified": gettext_lazy("Verified"),
}


def figure_table(figures: list) -> dict:
    """A signal's figures as a table for the page: headings, and rows of text."""
    rows = [row for row in figures if isinstance(row, dict)]
    if not rows:
        return {"columns": [], "rows": []}
    keys = list(rows[0])
    columns = [str(FIGURE_LABELS.get(key, key)) for key in keys]

    def cell(value):
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, list):
            return " · ".join("—" if v is None else str(v) for v in value)
        return "—" if value is None or value == "" else str(value)

    return {"columns": columns, "rows": [[cell(row.get(key)) for key in keys] for row in rows]}


# An expert who scored at least this many earlier rounds of the enterprise, all of them.
SAME_EXPERT_ROUNDS = 2


def _codes(options) -> str:
    return ", ".join(option.code for option in options)


def review_signals(review) -> list[dict]:
    """Every signal as `{"code", "params"}` (plain JSON, kept in the snapshot)."""
    audit = review.audit
    options = list(
        Option.objects.filter(audit=audit)
        .prefetch_related(
            Prefetch("benefits", queryset=OptionBenefit.objects.order_by("indicator"))
        )
        .annotate(has_evidence=Exists(Document.objects.filter(option=OuterRef("pk"))))
        .order_by("code")
    )
    signals = []
    if audit.started_on:
        early = [o for o in options if o.implemented_on and o.implemented_on < audit.started_on]
        if early:
            signals.append(
                {
                    "code": "predates_audit",
                    "params": {"codes": _codes(early), "date": audit.started_on.isoformat()},
                }
            )
    if not any(o.cost_class == CostClass.MID_HIGH for o in options):
        signals.append({"code": "no_mid_high", "params": {}})
    unproven = [
        o
        for o in options
        if not o.has_evidence and any(b.actual is not None for b in o.benefits.all())
    ]
    if unproven:
        signals.append({"code": "benefits_without_evidence", "params": {"codes": _codes(unproven)}})
    if review.kind == ReviewKind.ACCEPTANCE:
        signals += _verification_signals(review, {o.pk: o for o in options})
    repeated = _repeated_report(review)
    if repeated:
        signals.append(repeated)
    signals += checks.figure_signals(audit)
    early_mid_high = _mid_high_before_assessment(review, options)
    if early_mid_high:
        signals.append(early_mid_high)
    same = _same_experts(review)
    if same:
        signals.append(same)
    return signals


def _mid_high_before_assessment(review, options) -> dict | None:
    """Mid/high-cost options dated as implemented after the audit started but before
    the assessment passed (or, at the assessment, at all): domain.md §3, they come
    after it. Older measures are `predates_audit`'s."""
    audit = review.audit
    if review.kind == ReviewKind.ASSESSMENT:
        passed_on = review.concluded_on or review.applied_on
    else:
        passed = (
            audit.reviews.filter(kind=ReviewKind.ASSESSMENT, result=ReviewResult.PASSED)
            .order_by("-round")
            .first()
        )
        passed_on = passed.concluded_on if passed else None
    if passed_on is None:
        return None
    rows = [
        {
            "option": o.code,
            "implemented_on": o.implemented_on.isoformat(),
            "assessment_on": passed_on.isoformat(),
        }
        for o in options
        if o.cost_class == CostClass.MID_HIGH
        and o.implemented_on
        and o.implemented_on < passed_on
        and not (audit.started_on and o.implemented_on < audit.started_on)
    ]
    if not rows:
        return None
    return {
        "code": "mid_high_before_assessment",
        "params": {"codes": ", ".join(r["option"] for r in rows), "figures": rows},
    }


def _same_experts(review) -> dict | None:
    """Panel members who scored every earlier round of the same enterprise (at least
    SAME_EXPERT_ROUNDS of them): domain.md §7, the experts held responsible."""
    earlier = list(
        Review.objects.filter(audit__enterprise_id=review.audit.enterprise_id)
        .exclude(pk=review.pk)
        .filter(applied_on__lte=review.applied_on)
        .values_list("pk", flat=True)
    )
    if len(earlier) < SAME_EXPERT_ROUNDS:
        return None
    members = list(review.panel.select_related("expert"))
    scored = {}
    for expert_id, review_id in Score.objects.filter(
        review_id__in=earlier, expert_id__in=[m.expert_id for m in members]
    ).values_list("expert_id", "review_id"):
        scored.setdefault(expert_id, set()).add(review_id)
    rows = [
        {"expert": str(m.expert), "rounds": len(earlier)}
        for m in members
        if scored.get(m.expert_id, set()) >= set(earlier)
    ]
    if not rows:
        return None
    return {
        "code": "same_experts",
        "params": {
            "experts": ", ".join(r["expert"] for r in rows),
            "rounds": len(earlier),
            "figures": rows,
        },
    }


def _verification_signals(review, options: dict) -> list[dict]:
    missing, below = [], []
    for verification in review.verifications.prefetch_related("benefits"):
        option = options.get(verification.option_id)
        if option is None:
            continue
        if not verification.implemented and option.status == OptionStatus.IMPLEMENTED:
            missing.append(option)
        claimed = {b.indicator: b.actual for b in option.benefits.all() if b.actual}
        for benefit in verification.benefits.all():
            claim = claimed.get(benefit.indicator)
            if claim and claim > 0 and benefit.value < claim * VERIFIED_FLOOR:
                below.append(
                    {
                        "option": option.code,
                        "indicator": benefit.indicator,
                        "claimed": format(claim.normalize(), "f"),
                        "verified": format(benefit.value.normalize(), "f"),
                    }
                )
    signals = []
    if missing:
        signals.append({"code": "not_found_implemented", "params": {"codes": _codes(missing)}})
    if below:
        signals.append({"code": "verified_below_claimed", "params": {"items": below}})
    return signals


def _repeated_report(review) -> dict | None:
    """The review's report against the reports the same consultancy wrote for other
    audits (the sampled shingles of audits/fingerprint.py)."""
    audit = review.audit
    kind = (
        DocumentKind.AUDIT_REPORT
        if review.kind == ReviewKind.ASSESSMENT
        else DocumentKind.ACCEPTANCE_REPORT
    )
    ours = audit.documents.filter(kind=kind).order_by("-uploaded_at", "-id").first()
    if ours is None or not ours.fingerprint or audit.consultancy_id is None:
        return None
    best = None
    others = (
        Document.objects.filter(
            kind__in=[DocumentKind.AUDIT_REPORT, DocumentKind.ACCEPTANCE_REPORT],
            audit__consultancy_id=audit.consultancy_id,
        )
        .exclude(audit=audit)
        .exclude(fingerprint=[])
        .select_related("audit__enterprise")
        .only("fingerprint", "audit__round", "audit__enterprise__name")
    )
    for other in others.iterator(chunk_size=50):
        share = fingerprint.containment(ours.fingerprint, other.fingerprint)
        if share is not None and share >= REPEATED_SHARE and (best is None or share > best[0]):
            best = (share, other)
    if best is None:
        return None
    share, other = best
    return {
        "code": "repeated_report",
        "params": {
            "share": round(share * 100),
            "enterprise": other.audit.enterprise.name,
            "round": other.audit.round,
            "title": ours.title,
        },
    }


def describe(signal: dict) -> dict:
    """A signal with its title and explanation in the reader's language."""
    params = signal["params"]
    code = signal["code"]
    if code == "predates_audit":
        text = (
            _(
                "%(codes)s were implemented before the audit started on %(date)s: the "
                "report may only re-label measures taken earlier."
            )
            % params
        )
    elif code == "no_mid_high":
        text = _(
            "The audit proposes no mid/high-cost option at all: only housekeeping "
            "measures, nothing that changes the process."
        )
    elif code == "benefits_without_evidence":
        text = (
            _("%(codes)s claim actual benefits, but no evidence document is attached to them.")
            % params
        )
    elif code == "not_found_implemented":
        text = (
            _(
                "The audit reports %(codes)s as implemented; the panel did not find them "
                "implemented."
            )
            % params
        )
    elif code == "verified_below_claimed":
        text = _("The panel verified less than half of the claimed benefit: %(items)s.") % {
            "items": "; ".join(
                _("%(option)s %(indicator)s: %(verified)s of %(claimed)s claimed")
                % (item | {"indicator": Indicator(item["indicator"]).label})
                for item in params["items"]
            )
        }
    elif code == "repeated_report":
        text = (
            _(
                "%(share)s%% of the text of “%(title)s” also appears in the report of "
                "%(enterprise)s (round %(round)s) by the same consulting firm."
            )
            % params
        )
    else:
        text = _figure_text(code, params)
    # `kind`, `message` and `figures` (issue 18) beside the fields clients already read.
    figures = params.get("figures") or params.get("items") or ([params] if params else [])
    return {
        "code": code,
        "title": str(TITLES.get(code, code)),
        "text": text,
        "kind": code,
        "message": text,
        "figures": figures,
    }


def _figure_text(code: str, params: dict) -> str:
    """The question each figure signal puts to the panel (the figures come beside it)."""
    count = len(params.get("figures", []))
    if code == "intensity_jump":
        return _(
            "%(count)s year-on-year changes of intensity per unit of output exceed "
            "%(threshold)s%% with no reason stated: are the three years' figures right?"
        ) % {"count": count, "threshold": params["threshold"]}
    if code == "balance_exceeds_survey":
        return _(
            "The balance of the audit focus takes in more than the status survey shows the "
            "whole plant using in any year: which figure is right?"
        )
    if code == "target_differs_from_survey":
        return _(
            "The baselines of %(count)s targets differ from the status survey's figure for "
            "the last year by more than 5%%: where does each baseline come from?"
        ) % {"count": count}
    if code == "monitoring_differs":
        return _(
            "The imported monitoring or permit figures differ from the declared emissions by "
            "more than %(tolerance)s%%, or were not declared at all: why?"
        ) % {"tolerance": params["tolerance"]}
    if code == "benefit_exceeds_survey":
        return _(
            "Options claim to save more than the status survey shows the plant using or "
            "emitting in any year: can the benefit be real?"
        )
    if code == "end_of_pipe":
        return _(
            "%(count)s options are end-of-pipe treatment (marked so, or so named): treating "
            "pollution once made is not cleaner production."
        ) % {"count": params["count"]}
    if code == "mid_high_before_assessment":
        return (
            _(
                "%(codes)s are mid/high-cost options dated as implemented before the assessment "
                "passed: were they part of this audit?"
            )
            % params
        )
    if code == "same_experts":
        return (
            _("%(experts)s scored every one of the enterprise's %(rounds)s earlier rounds too.")
            % params
        )
    return code
