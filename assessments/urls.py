from django.urls import path

from . import views

# `review-list` and `review-detail` are the links of the notifications.
urlpatterns = [
    path("reviews/", views.review_list, name="review-list"),
    path("reviews/<int:pk>/", views.review_detail, name="review-detail"),
    path("reviews/<int:pk>/panel/", views.review_panel, name="review-panel"),
    path("reviews/<int:pk>/draw/", views.review_draw, name="review-draw"),
    path("reviews/<int:pk>/score/", views.review_score, name="review-score"),
    path("reviews/<int:pk>/verify/<int:option_pk>/", views.review_verify, name="review-verify"),
    path("reviews/<int:pk>/conclude/", views.review_conclude, name="review-conclude"),
    path(
        "reviews/<int:pk>/demands/<int:demand_pk>/respond/",
        views.demand_respond,
        name="review-demand-respond",
    ),
    path("reviews/sheets/", views.sheet_list, name="sheet-list"),
    path("reviews/sheets/publish/", views.sheet_publish, name="sheet-publish"),
    path("public/acceptances/", views.public_acceptance_list, name="public-acceptance-list"),
]
