from django.urls import path

from . import views

urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("lists/policy/", views.policy_edit, name="policy-edit"),
    # The public pages (no login).
    path("public/", views.public_keylist_list, name="public-keylist-list"),
    path("public/lists/<int:pk>/", views.public_keylist_detail, name="public-keylist-detail"),
    path("public/disclosures/", views.public_disclosure_list, name="public-disclosure-list"),
    path(
        "public/disclosures/<int:pk>/",
        views.public_disclosure_detail,
        name="public-disclosure-detail",
    ),
    path(
        "public/disclosures/<int:pk>/document/",
        views.public_disclosure_document,
        name="public-disclosure-document",
    ),
    # Behind a login (enterprise or admin), though under /public/.
    path(
        "public/disclosures/new/<int:entry_pk>/", views.disclosure_create, name="disclosure-create"
    ),
]
