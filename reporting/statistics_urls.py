from django.urls import path

from . import statistics_views

urlpatterns = [
    path("", statistics_views.statistics, name="statistics"),
]
