from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role

# (url name, label, roles that see it); the dashboard is everyone's.
NAVIGATION = [
    ("dashboard", _("Dashboard"), set(Role)),
    ("keylist-list", _("Key-enterprise lists"), {Role.ADMIN, Role.AUTHORITY}),
    ("enterprise-list", _("Enterprises"), {Role.ADMIN, Role.AUTHORITY}),
    ("audit-list", _("Audits"), {Role.ADMIN, Role.AUTHORITY, Role.CONSULTANT, Role.ENTERPRISE}),
    ("review-list", _("Reviews"), {Role.ADMIN, Role.AUTHORITY, Role.CONSULTANT, Role.ENTERPRISE}),
    # The same queue: for an expert, the rounds they sit on.
    ("review-list", _("My reviews"), {Role.EXPERT}),
    ("filing-list", _("Filings"), {Role.ADMIN, Role.AUTHORITY, Role.CONSULTANT, Role.ENTERPRISE}),
    ("my-meetings", _("My meetings"), {Role.EXPERT}),
    ("proposal-list", _("City proposals"), {Role.ADMIN, Role.AUTHORITY}),
    ("expert-pool", _("Expert pool"), {Role.ADMIN, Role.AUTHORITY}),
    ("statistics", _("Statistics"), {Role.ADMIN, Role.AUTHORITY}),
    ("upward-report-list", _("Supervision"), {Role.ADMIN, Role.AUTHORITY}),
    ("report-list", _("Reports"), set(Role)),
    ("public-keylist-list", _("Public lists"), set(Role)),
    ("api-docs", _("API"), {Role.ADMIN, Role.AUTHORITY, Role.CONSULTANT}),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated):
        return {"nav_items": []}
    return {
        "nav_items": [
            {
                "url": reverse(name),
                "label": label,
                "active": request.resolver_match and request.resolver_match.url_name == name,
            }
            for name, label, roles in NAVIGATION
            if user.role in roles
        ]
    }
