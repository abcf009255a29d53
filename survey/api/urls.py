from django.urls import path

from .views import EvaluationView, MonitoringView, SurveyView

urlpatterns = [
    path("audits/<int:pk>/survey/", SurveyView.as_view(), name="audit-survey-api"),
    path("audits/<int:pk>/monitoring/", MonitoringView.as_view(), name="audit-monitoring-api"),
    path("audits/<int:pk>/evaluation/", EvaluationView.as_view(), name="audit-evaluation-api"),
]
