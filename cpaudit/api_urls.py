from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api.views import (
    AuditorViewSet,
    MeView,
    OrganizationViewSet,
    TokenRenewView,
    TokenView,
    UserTokenView,
    UserViewSet,
)
from assessments.api.views import (
    AcceptanceViewSet,
    AssessmentViewSet,
    DemandViewSet,
    ExpertProfileViewSet,
    PublicAcceptanceViewSet,
    ScoringSheetViewSet,
)
from audits.api.views import (
    AmendmentViewSet,
    AuditViewSet,
    BalanceViewSet,
    DocumentViewSet,
    KeyListViewSet,
    OptionViewSet,
    TargetViewSet,
)
from enterprises.api.views import (
    DisclosureViewSet,
    EnterpriseViewSet,
    EntryViewSet,
    IndustryViewSet,
    PolicyViewSet,
    PublicDisclosureViewSet,
    PublicEntryViewSet,
    PublicKeyListViewSet,
    RegionViewSet,
)
from notifications.api.views import NotificationViewSet
from procedures.api.views import (
    ExpertPoolView,
    FilingViewSet,
    InvitationViewSet,
    MeetingViewSet,
    ProposalViewSet,
    RegistrationViewSet,
)
from reporting.api.statistics import StatisticsSummaryView
from reporting.api.views import ReportJobViewSet
from supervision.api.views import (
    ConsultancyViewSet,
    PenaltyViewSet,
    StaffAccountViewSet,
    UpwardReportViewSet,
    UrgeViewSet,
)
from survey.api.views import EvaluationSystemViewSet

router = DefaultRouter()
router.register("users", UserViewSet, basename="user")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("regions", RegionViewSet, basename="region")
router.register("industries", IndustryViewSet, basename="industry")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("auditors", AuditorViewSet, basename="auditor")
router.register("policies", PolicyViewSet, basename="policy")
router.register("key-lists", KeyListViewSet, basename="key-list")
router.register(r"key-lists/(?P<list_pk>\d+)/entries", EntryViewSet, basename="key-list-entry")
router.register(
    r"key-lists/(?P<list_pk>\d+)/amendments", AmendmentViewSet, basename="key-list-amendment"
)
router.register("audits", AuditViewSet, basename="audit")
router.register("targets", TargetViewSet, basename="target")
router.register("balances", BalanceViewSet, basename="balance")
router.register("options", OptionViewSet, basename="option")
router.register("documents", DocumentViewSet, basename="document")
router.register("disclosures", DisclosureViewSet, basename="disclosure")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("acceptances", AcceptanceViewSet, basename="acceptance")
router.register("sheets", ScoringSheetViewSet, basename="sheet")
router.register("demands", DemandViewSet, basename="demand")
router.register("expert-profiles", ExpertProfileViewSet, basename="expert-profile")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("registrations", RegistrationViewSet, basename="registration")
router.register("filings", FilingViewSet, basename="filing-api")
router.register("meetings", MeetingViewSet, basename="meeting")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("expert-pool", ExpertPoolView, basename="expert-pool")
router.register("reports", ReportJobViewSet, basename="report")
router.register("evaluation-systems", EvaluationSystemViewSet, basename="evaluation-system")
router.register("upward-reports", UpwardReportViewSet, basename="upward-report")
router.register("urges", UrgeViewSet, basename="urge")
router.register("penalties", PenaltyViewSet, basename="penalty")
router.register("consultancies", ConsultancyViewSet, basename="consultancy")
router.register("staff-accounts", StaffAccountViewSet, basename="staff-account")
router.register("public/key-lists", PublicKeyListViewSet, basename="public-key-list")
router.register("public/entries", PublicEntryViewSet, basename="public-entry")
router.register("public/disclosures", PublicDisclosureViewSet, basename="public-disclosure")
router.register("public/acceptances", PublicAcceptanceViewSet, basename="public-acceptance")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/token/renew/", TokenRenewView.as_view(), name="api-token-renew"),
    path("users/<int:pk>/token/", UserTokenView.as_view(), name="api-user-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("statistics/summary/", StatisticsSummaryView.as_view(), name="statistics-summary"),
    path("", include("survey.api.urls")),
    path("", include(router.urls)),
]
