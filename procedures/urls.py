from django.urls import path

from . import views

urlpatterns = [
    path("audits/<int:pk>/procedures/", views.audit_procedures, name="audit-procedures"),
    path("audits/<int:pk>/register/", views.audit_register, name="audit-register"),
    path("audits/<int:pk>/file/", views.audit_file, name="audit-file"),
    path("filings/", views.filing_list, name="filing-list"),
    path("filings/<int:pk>/", views.filing_detail, name="filing-detail"),
    path("filings/<int:pk>/decide/", views.filing_decide, name="filing-decide"),
    path("reviews/<int:pk>/meeting/", views.review_meeting, name="review-meeting"),
    path(
        "reviews/<int:pk>/meeting/schedule/",
        views.review_meeting_schedule,
        name="review-meeting-schedule",
    ),
    path("reviews/<int:pk>/meeting/minutes/", views.meeting_minutes, name="meeting-minutes"),
    path("invitations/<int:pk>/answer/", views.invitation_answer, name="invitation-answer"),
    path(
        "invitations/<int:pk>/pre-review/",
        views.invitation_pre_review,
        name="invitation-pre-review",
    ),
    path("invitations/<int:pk>/replace/", views.invitation_replace, name="invitation-replace"),
    path("meetings/mine/", views.my_meetings, name="my-meetings"),
    path("proposals/", views.proposal_list, name="proposal-list"),
    path("proposals/lists/<int:list_pk>/", views.proposal_create, name="proposal-create"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal-decide"),
    path("experts/", views.expert_pool, name="expert-pool"),
    path("experts/<int:pk>/", views.expert_record, name="expert-record"),
    path("experts/<int:pk>/retire/", views.expert_retire, name="expert-retire"),
    path("experts/<int:pk>/declarations/", views.expert_declare, name="expert-declare"),
]
