from django.urls import path

from . import public_views

urlpatterns = [
    path("", public_views.public_keylist_list, name="public-keylist-list"),
    path("lists/<int:pk>/", public_views.public_keylist_detail, name="public-keylist-detail"),
    path("disclosures/", public_views.public_disclosure_list, name="public-disclosure-list"),
    path("disclosures/<int:pk>/", public_views.public_disclosure_detail,
         name="public-disclosure-detail"),
    path("disclosures/<int:pk>/document/", public_views.public_disclosure_document,
         name="public-disclosure-document"),
    # Behind a login (enterprise or admin), though under /public/.
    path("disclosures/new/<int:entry_pk>/", public_views.disclosure_create,
         name="disclosure-create"),
]
