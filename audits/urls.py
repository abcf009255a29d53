from django.urls import path

from . import views

# The "-save" names take the child's pk to edit it, or none to add one.
urlpatterns = [
    path("", views.audit_list, name="audit-list"),
    path("<int:pk>/", views.audit_detail, name="audit-detail"),
    path("<int:pk>/transition/", views.audit_transition, name="audit-transition"),
    path("<int:pk>/update/", views.audit_update, name="audit-update"),
    path("<int:pk>/targets/", views.audit_target_save, name="audit-target-save"),
    path("<int:pk>/targets/<int:target_pk>/", views.audit_target_save,
         name="audit-target-save"),
    path("<int:pk>/targets/<int:target_pk>/delete/", views.audit_target_delete,
         name="audit-target-delete"),
    path("<int:pk>/balances/", views.audit_balance_save, name="audit-balance-save"),
    path("<int:pk>/balances/<int:balance_pk>/", views.audit_balance_save,
         name="audit-balance-save"),
    path("<int:pk>/balances/<int:balance_pk>/delete/", views.audit_balance_delete,
         name="audit-balance-delete"),
    path("<int:pk>/options/", views.audit_option_save, name="audit-option-save"),
    path("<int:pk>/options/bulk/", views.audit_options_bulk, name="audit-options-bulk"),
    path("<int:pk>/options/<int:option_pk>/", views.audit_option_save,
         name="audit-option-save"),
    path("<int:pk>/options/<int:option_pk>/delete/", views.audit_option_delete,
         name="audit-option-delete"),
    path("<int:pk>/documents/", views.audit_document_upload, name="audit-document-upload"),
    path("<int:pk>/documents/<int:document_pk>/delete/", views.audit_document_delete,
         name="audit-document-delete"),
    path("<int:pk>/comments/", views.audit_comment, name="audit-comment"),
]
