from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api.views import (
    AuditorViewSet,
    MeView,
    OrganizationViewSet,
    TokenView,
    UserViewSet,
)
from enterprises.api.views import EnterpriseViewSet, IndustryViewSet, RegionViewSet

router = DefaultRouter()
router.register("users", UserViewSet, basename="user")
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("regions", RegionViewSet, basename="region")
router.register("industries", IndustryViewSet, basename="industry")
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("auditors", AuditorViewSet, basename="auditor")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    path("", include(router.urls)),
]
