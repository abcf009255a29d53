from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    # Each app's pages, under their own prefixes (accounts/, enterprises/, lists/,
    # public/, audits/, reviews/, notifications/, reports/, statistics/).
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("enterprises.urls")),
    path("", include("audits.urls")),
    path("", include("assessments.urls")),
    path("", include("reporting.urls")),
    path("", include("supervision.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Namespaced: the router's names (enterprise-list, …) must not shadow the pages'.
    path("api/v1/", include(("cpaudit.api_urls", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
