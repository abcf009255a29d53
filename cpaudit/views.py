"""The roof's own pages: the home redirect and one dashboard per role, each composed
from the selectors of the apps below."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils import timezone

from accounts.choices import Role
from accounts.models import Auditor, Organization, User
from assessments.selectors import awaiting_score, latest_reviews, review_dashboard
from audits.selectors import (
    deadline_board,
    enterprise_timeline,
    next_deadline,
    overdue_audits,
    work_queue,
)
from enterprises.models import Enterprise, Industry, ListEntry
from procedures.selectors import authority_work, expert_work
from supervision.services import can_supervise


def favicon(request):
    """/favicon.ico, which browsers and crawlers ask for whatever the page links: the
    SVG icon under its hashed static name."""
    return redirect(static("favicon.svg"))


def home(request):
    return redirect("dashboard" if request.user.is_authenticated else "login")


@login_required
def dashboard(request):
    """One dashboard per role: templates/dashboard/<role>.html."""
    context = dashboard_context(request.user, page=request.GET.get("page"))
    return render(request, f"dashboard/{request.user.role}.html", context)


def _with_urge(user, audits):
    """Each overdue audit marked with whether the user may urge it (supervision's rule),
    for the board's way to the urge notice."""
    audits = list(audits)
    for audit in audits:
        audit.can_urge = can_supervise(user, audit.enterprise.region_id)
    return audits


def _top_industries(enterprises, count: int = 8) -> list:
    """The `count` industries with the most enterprises in scope, each with its `n`:
    counted over the enterprises alone, then the names of those few."""
    top = list(
        enterprises.values("industry_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "industry_id")[:count]
    )
    names = Industry.objects.in_bulk([row["industry_id"] for row in top])
    industries = []
    for row in top:
        industry = names[row["industry_id"]]
        industry.n = row["n"]
        industries.append(industry)
    return industries


def dashboard_context(user, page=None) -> dict:
    if user.role == Role.ADMIN:
        return {
            "user_counts": dict(User.objects.values_list("role").annotate(n=Count("id"))),
            "organization_count": Organization.objects.count(),
            "enterprise_count": Enterprise.objects.count(),
        }
    if user.role == Role.AUTHORITY:
        enterprises = Enterprise.objects.for_user(user)
        return {
            **enterprises.counts(),
            "by_industry": _top_industries(enterprises),
            **review_dashboard(user),
            "board": deadline_board(user, today=timezone.localdate()),
            "overdue_audits": _with_urge(user, overdue_audits(user, today=timezone.localdate())),
            # The filings to decide and the meetings to hold (procedures).
            "steps": authority_work(user, today=timezone.localdate()),
        }
    if user.role == Role.CONSULTANT:
        return {
            "queue": work_queue(user, today=timezone.localdate(), page=page),
            "auditors": Auditor.objects.for_user(user).order_by("valid_until"),
            "today": timezone.localdate(),
        }
    if user.role == Role.ENTERPRISE:
        return _enterprise_dashboard(user)
    if user.role == Role.EXPERT:
        return {
            "awaiting_score": awaiting_score(user),
            # The invitations to answer and the material released (procedures).
            "steps": expert_work(user, today=timezone.localdate()),
        }
    return {}


def _enterprise_dashboard(user) -> dict:
    today = timezone.localdate()
    # Each entry on a published list, with its list, province, audit and disclosure:
    # one query, whatever the number of lists.
    entries = (
        ListEntry.objects.for_user(user)
        .active()
        .filter(enterprise_id=user.enterprise_id)
        .select_related("key_list__province", "audit", "disclosure")
        .order_by("-key_list__year", "key_list__province_id", "id")
    )
    listings = []
    for entry in entries:
        audit = getattr(entry, "audit", None)
        disclosure = getattr(entry, "disclosure", None)
        listings.append(
            {
                "entry": entry,
                "audit": audit,
                "disclosure": disclosure,
                "timeline": enterprise_timeline(
                    audit, disclosed=disclosure is not None, today=today
                )
                if audit
                else [],
                "deadline": next_deadline(audit, today) if audit else None,
            }
        )
    return {
        "enterprise": Enterprise.objects.select_related("region", "industry").get(
            pk=user.enterprise_id
        ),
        "listings": listings,
        "today": today,
        "reviews": latest_reviews(user),
    }
