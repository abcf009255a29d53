from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Each app's pages, under their own prefixes (accounts/, enterprises/, lists/,
    # public/, audits/, reviews/, notifications/, reports/, statistics/).
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("enterprises.urls")),
    path("", include("audits.urls")),
    path("", include("survey.urls")),
    path("", include("assessments.urls")),
    path("", include("procedures.urls")),
    path("", include("reporting.urls")),
    path("", include("supervision.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Namespaced: the router's names (enterprise-list, …) must not shadow the pages'.
    path("api/v1/", include(("cpaudit.api_urls", "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: no inline script (the CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

# Under /api/ in the API's JSON error shape (issue 14), the usual pages elsewhere.
handler400 = "core.api.faults.bad_request"
handler403 = "core.api.faults.permission_denied"
handler404 = "core.api.faults.page_not_found"
handler500 = "core.api.faults.server_error"
