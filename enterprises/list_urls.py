from django.urls import path

from . import list_views

urlpatterns = [
    path("", list_views.keylist_list, name="keylist-list"),
    path("new/", list_views.keylist_create, name="keylist-create"),
    path("import-template.xlsx", list_views.keylist_import_template,
         name="keylist-import-template"),
    path("policy/", list_views.policy_edit, name="policy-edit"),
    path("<int:pk>/", list_views.keylist_detail, name="keylist-detail"),
    path("<int:pk>/entries/add/", list_views.keylist_entry_add, name="keylist-entry-add"),
    path("<int:pk>/entries/<int:entry_pk>/edit/", list_views.keylist_entry_edit,
         name="keylist-entry-edit"),
    path("<int:pk>/entries/<int:entry_pk>/delete/", list_views.keylist_entry_delete,
         name="keylist-entry-delete"),
    path("<int:pk>/amend/", list_views.keylist_amend, name="keylist-amend"),
    path("<int:pk>/import/", list_views.keylist_import, name="keylist-import"),
    path("<int:pk>/publish/", list_views.keylist_publish, name="keylist-publish"),
]
