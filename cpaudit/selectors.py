"""Read queries for the dashboards: counts by SQL aggregation, one query each."""

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Auditor, Organization, User
from enterprises.models import Enterprise, Industry


def dashboard_context(user) -> dict:
    if user.role == Role.ADMIN:
        return {
            "user_counts": dict(User.objects.values_list("role").annotate(n=Count("id"))),
            "organization_count": Organization.objects.count(),
            "enterprise_count": Enterprise.objects.count(),
        }
    if user.role == Role.AUTHORITY:
        enterprises = Enterprise.objects.for_user(user)
        return {
            "enterprise_count": enterprises.count(),
            "sme_count": enterprises.smes().count(),
            "by_industry": Industry.objects.filter(enterprises__in=enterprises)
            .annotate(n=Count("enterprises"))
            .order_by("-n", "code")[:8],
            **review_dashboard(user),
        }
    if user.role == Role.CONSULTANT:
        today = timezone.localdate()
        return {
            "auditors": Auditor.objects.for_user(user).order_by("valid_until"),
            "today": today,
        }
    if user.role == Role.ENTERPRISE:
        from enterprises.models import ListEntry

        today = timezone.localdate()
        # Each entry on a published list, with its list, province, audit and disclosure:
        # one query, whatever the number of lists.
        entries = (ListEntry.objects.for_user(user).active()
                   .filter(enterprise_id=user.enterprise_id)
                   .select_related("key_list__province", "audit", "disclosure")
                   .order_by("-key_list__year", "key_list__province_id", "id"))
        listings = []
        for entry in entries:
            audit = getattr(entry, "audit", None)
            disclosure = getattr(entry, "disclosure", None)
            listings.append({
                "entry": entry, "audit": audit, "disclosure": disclosure,
                "timeline": enterprise_timeline(audit, disclosed=disclosure is not None,
                                                today=today) if audit else [],
            })
        return {"enterprise": Enterprise.objects.select_related("region", "industry")
                .get(pk=user.enterprise_id), "listings": listings, "today": today,
                "reviews": latest_reviews(user)}
    if user.role == Role.EXPERT:
        return {"awaiting_score": awaiting_score(user)}
    return {}


def enterprise_timeline(audit, *, disclosed: bool, today) -> list[dict]:
    """The enterprise dashboard's deadlines by date (design.md "Web UI"): each `done`,
    `overdue` (by the same rule as `Audit.overdue_kinds`), `next` (the first one still
    ahead) or `open`."""
    from django.utils.translation import gettext as _

    from audits.choices import BEFORE_REPORT, AuditState

    state = audit.state
    cancelled = state == AuditState.CANCELLED
    overdue = set(audit.overdue_kinds(today))
    if audit.disclosure_due and not disclosed and not cancelled and audit.disclosure_due < today:
        overdue.add("disclosure")
    deadlines = [
        ("start", _("Start the audit"), audit.start_due,
         state != AuditState.NOT_STARTED and not cancelled),
        ("disclosure", _("Disclose the major pollutant emissions"), audit.disclosure_due,
         disclosed),
        ("report", _("Submit the audit report"), audit.report_due,
         state not in BEFORE_REPORT and not cancelled),
        ("acceptance", _("Apply for acceptance"), audit.acceptance_due,
         state in (AuditState.UNDER_ACCEPTANCE, AuditState.COMPLETED)),
    ]
    timeline = []
    for kind, label, due, done in sorted(
            (d for d in deadlines if d[2]), key=lambda d: d[2]):
        status = "done" if done else "overdue" if kind in overdue else "open"
        timeline.append({"kind": kind, "label": label, "due": due, "status": status})
    if not cancelled:
        ahead = [item for item in timeline if item["status"] == "open"]
        if ahead:
            ahead[0]["status"] = "next"
    return timeline


# --- the review queue (domain.md §3, §4) -----------------------------------------------


def review_counts(user, reviews=None) -> dict:
    """Rounds in the user's scope per queue stage, open and overdue: one aggregate
    query."""
    from assessments.models import Review, stage_conditions

    reviews = Review.objects.for_user(user) if reviews is None else reviews
    return reviews.with_progress().order_by().aggregate(**{
        str(name): Count("pk", filter=condition)
        for name, condition in stage_conditions().items()})


def review_dashboard(user) -> dict:
    """The authority's queue at a glance: rounds per stage, and overdue ones."""
    from assessments.choices import QueueStage

    counts = review_counts(user)
    return {"review_counts": counts, "review_stages": [
        (value, label, counts[value]) for value, label in QueueStage.choices]}


def awaiting_score(user):
    """The open rounds an expert sits on and has not scored yet, the most urgent first
    (enterprise on every row)."""
    from assessments.choices import ReviewState
    from assessments.models import Review, Score

    return (Review.objects.for_user(user).filter(state=ReviewState.PANEL_FORMED)
            .exclude(Exists(Score.objects.filter(review=OuterRef("pk"), expert=user)))
            .select_related("audit__enterprise").order_by("due_on", "pk"))


def latest_reviews(user, count: int = 5):
    """The enterprise's latest review rounds, for its dashboard."""
    from assessments.models import Review

    return Review.objects.for_user(user).select_related("audit")[:count]
