from django.urls import path

from . import views

# `review-list` and `review-detail` are the links of the notifications.
urlpatterns = [
    path("", views.review_list, name="review-list"),
    path("<int:pk>/", views.review_detail, name="review-detail"),
    path("<int:pk>/panel/", views.review_panel, name="review-panel"),
    path("<int:pk>/draw/", views.review_draw, name="review-draw"),
    path("<int:pk>/score/", views.review_score, name="review-score"),
    path("<int:pk>/verify/<int:option_pk>/", views.review_verify, name="review-verify"),
    path("<int:pk>/conclude/", views.review_conclude, name="review-conclude"),
    path("sheets/", views.sheet_list, name="sheet-list"),
    path("sheets/publish/", views.sheet_publish, name="sheet-publish"),
]
