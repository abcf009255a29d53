from django.urls import path

from .views import EvaluationView, MonitoringView, SurveyView

urlpatterns = [
    path("audits/<int:id>/survey/", SurveyView.as_view(), name="audit-survey-api"),
    path("audits/<int:id>/monitoring/", MonitoringView.as_view(), name="audit-monitoring-api"),
    path("audits/<int:id>/evaluation/", EvaluationView.as_view(), name="audit-evaluation-api"),
]
