from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("accounts/", include("accounts.urls")),
    path("enterprises/", include("enterprises.urls")),
    path("lists/", include("enterprises.list_urls")),
    path("audits/", include("audits.urls")),
    path("reviews/", include("assessments.urls")),
    path("public/acceptances/", include("assessments.public_urls")),
    path("public/", include("enterprises.public_urls")),
    path("notifications/", include("reporting.urls")),
    path("reports/", include("reporting.report_urls")),
    path("statistics/", include("reporting.statistics_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Namespaced: the router's names (enterprise-list, …) must not shadow the pages'.
    path("api/v1/", include(("cpaudit.api.urls", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
