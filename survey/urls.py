from django.urls import path

from . import views

urlpatterns = [
    path("audits/<int:pk>/survey/", views.survey_detail, name="audit-survey"),
    path("audits/<int:pk>/survey/paste/", views.survey_paste, name="audit-survey-paste"),
    path("audits/<int:pk>/survey/lines/", views.survey_line, name="audit-survey-line-add"),
    path(
        "audits/<int:pk>/survey/lines/<int:line_pk>/",
        views.survey_line,
        name="audit-survey-line",
    ),
    path(
        "audits/<int:pk>/survey/monitoring/",
        views.survey_monitoring,
        name="audit-survey-monitoring",
    ),
    path(
        "audits/<int:pk>/survey/evaluation/",
        views.survey_evaluation,
        name="audit-survey-evaluation",
    ),
]
