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

from .choices import ReviewKind

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
}


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
    return signals


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
        text = code
    return {"code": code, "title": str(TITLES.get(code, code)), "text": text}
