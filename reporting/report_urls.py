from django.urls import path

from . import report_views

urlpatterns = [
    path("", report_views.report_list, name="report-list"),
    path("new/", report_views.report_create, name="report-create"),
    path("<int:pk>/download/", report_views.report_download, name="report-download"),
]
