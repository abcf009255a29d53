from django.urls import path

from . import list_views

urlpatterns = [
    path("", list_views.keylist_list, name="keylist-list"),
]
