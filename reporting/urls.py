from django.urls import path

from . import views

urlpatterns = [
    path("reports/", views.report_list, name="report-list"),
    path("reports/new/", views.report_create, name="report-create"),
    path("reports/<int:pk>/download/", views.report_download, name="report-download"),
    path("statistics/", views.statistics, name="statistics"),
]
