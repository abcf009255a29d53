"""Read queries for the dashboards: counts by SQL aggregation, one query each."""

from django.db.models import Count
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
        }
    if user.role == Role.CONSULTANT:
        today = timezone.localdate()
        return {
            "auditors": Auditor.objects.for_user(user).order_by("valid_until"),
            "today": today,
        }
    if user.role == Role.ENTERPRISE:
        return {"enterprise": Enterprise.objects.select_related("region", "industry")
                .get(pk=user.enterprise_id)}
    return {}
