from django.urls import path

from . import views

urlpatterns = [
    path("", views.review_list, name="review-list"),
    path("<int:pk>/", views.review_detail, name="review-detail"),
]
