from django.urls import path

from . import views

urlpatterns = [
    path("supervision/reports/", views.upward_report_list, name="upward-report-list"),
    path("supervision/reports/<int:pk>/", views.upward_report_detail, name="upward-report-detail"),
    path(
        "supervision/reports/<int:pk>/<str:move>/",
        views.upward_report_move,
        name="upward-report-move",
    ),
    path("supervision/reports/<int:pk>.xlsx", views.upward_report_xlsx, name="upward-report-xlsx"),
    path("supervision/reports/<int:pk>.pdf", views.upward_report_pdf, name="upward-report-pdf"),
    path("supervision/overdue/", views.overdue_list, name="overdue-list"),
    path("supervision/audits/<int:pk>/urge/", views.urge_create, name="urge-create"),
    path("supervision/penalties/", views.penalty_list, name="penalty-list"),
    path(
        "supervision/penalties/<int:pk>/document/",
        views.penalty_document,
        name="penalty-document",
    ),
    path("supervision/firms/", views.firm_list, name="firm-list"),
    path("supervision/firms/<int:pk>/", views.firm_detail, name="firm-detail"),
    path("supervision/enterprises/new/", views.enterprise_edit, name="enterprise-create"),
    path("supervision/enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path("supervision/auditors/", views.auditor_list, name="auditor-list"),
    path("supervision/auditors/<int:pk>/", views.auditor_edit, name="auditor-edit"),
    path("supervision/accounts/", views.staff_list, name="staff-list"),
    path("supervision/accounts/<int:pk>/", views.staff_detail, name="staff-detail"),
    path("supervision/accounts/<int:pk>/<str:move>/", views.staff_move, name="staff-move"),
    path("public/penalties/", views.public_penalties, name="public-penalties"),
]
