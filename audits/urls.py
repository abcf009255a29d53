from django.urls import path

from . import list_views, views

# The "-save" names take the child's pk to edit it, or none to add one.
urlpatterns = [
    path("audits/", views.audit_list, name="audit-list"),
    path("audits/<int:pk>/", views.audit_detail, name="audit-detail"),
    path("audits/<int:pk>/transition/", views.audit_transition, name="audit-transition"),
    path("audits/<int:pk>/update/", views.audit_update, name="audit-update"),
    path("audits/<int:pk>/targets/", views.audit_target_save, name="audit-target-save"),
    path(
        "audits/<int:pk>/targets/<int:target_pk>/",
        views.audit_target_save,
        name="audit-target-save",
    ),
    path(
        "audits/<int:pk>/targets/<int:target_pk>/delete/",
        views.audit_target_delete,
        name="audit-target-delete",
    ),
    path("audits/<int:pk>/balances/", views.audit_balance_save, name="audit-balance-save"),
    path(
        "audits/<int:pk>/balances/<int:balance_pk>/",
        views.audit_balance_save,
        name="audit-balance-save",
    ),
    path(
        "audits/<int:pk>/balances/<int:balance_pk>/delete/",
        views.audit_balance_delete,
        name="audit-balance-delete",
    ),
    path("audits/<int:pk>/options/", views.audit_option_save, name="audit-option-save"),
    path("audits/<int:pk>/options/bulk/", views.audit_options_bulk, name="audit-options-bulk"),
    path("audits/<int:pk>/options/move/", views.audit_options_move, name="audit-options-move"),
    path(
        "audits/<int:pk>/options/<int:option_pk>/",
        views.audit_option_save,
        name="audit-option-save",
    ),
    path(
        "audits/<int:pk>/options/<int:option_pk>/delete/",
        views.audit_option_delete,
        name="audit-option-delete",
    ),
    path("audits/<int:pk>/documents/", views.audit_document_upload, name="audit-document-upload"),
    path(
        "audits/<int:pk>/documents/<int:document_pk>/delete/",
        views.audit_document_delete,
        name="audit-document-delete",
    ),
    path("audits/<int:pk>/comments/", views.audit_comment, name="audit-comment"),
    # The key-list screens (they open and cancel audits: audits/publishing.py).
    path("lists/", list_views.keylist_list, name="keylist-list"),
    path("lists/new/", list_views.keylist_create, name="keylist-create"),
    path(
        "lists/import-template.xlsx",
        list_views.keylist_import_template,
        name="keylist-import-template",
    ),
    path("lists/<int:pk>/", list_views.keylist_detail, name="keylist-detail"),
    path("lists/<int:pk>/entries/add/", list_views.keylist_entry_add, name="keylist-entry-add"),
    path(
        "lists/<int:pk>/entries/<int:entry_pk>/edit/",
        list_views.keylist_entry_edit,
        name="keylist-entry-edit",
    ),
    path(
        "lists/<int:pk>/entries/<int:entry_pk>/delete/",
        list_views.keylist_entry_delete,
        name="keylist-entry-delete",
    ),
    path("lists/<int:pk>/amend/", list_views.keylist_amend, name="keylist-amend"),
    path(
        "lists/<int:pk>/carry-over/",
        list_views.keylist_carry_over_all,
        name="keylist-carry-over-all",
    ),
    path("lists/<int:pk>/import/", list_views.keylist_import, name="keylist-import"),
    path("lists/<int:pk>/publish/", list_views.keylist_publish, name="keylist-publish"),
]
