"""Reads of the steps around the audit, as SQL aggregation."""

import datetime

from django.db.models import Count, Q

from audits.models import Document

from .choices import FilingState, InvitationState, ProposalState
from .models import CityProposal, Filing, Invitation, Meeting

# "Meetings to hold" on the authority's dashboard: the next two weeks.
MEETINGS_AHEAD_DAYS = 14
DASHBOARD_ROWS = 10


def authority_work(user, *, today) -> dict:
    """The authority's steps to take (its dashboard): how many filings in its scope wait
    for its decision, and the meetings it holds in the next MEETINGS_AHEAD_DAYS (the
    first DASHBOARD_ROWS with their round and enterprise). Three queries, whatever the
    numbers."""
    soon = (
        Meeting.objects.for_user(user)
        .filter(
            held_on__gte=today,
            held_on__lte=today + datetime.timedelta(days=MEETINGS_AHEAD_DAYS),
            minutes="",
        )
        .select_related("review__audit__enterprise")
        .order_by("held_on", "starts_at", "pk")
    )
    return {
        "filings_waiting": Filing.objects.for_user(user)
        .filter(state=FilingState.SUBMITTED)
        .count(),
        "meetings_soon_count": soon.count(),
        "meetings_soon": list(soon[:DASHBOARD_ROWS]),
        "meetings_ahead_days": MEETINGS_AHEAD_DAYS,
    }


def expert_work(user, *, today) -> dict:
    """The expert's steps (their "my reviews"): the invitations to answer, and the
    meetings whose material is released to them and not yet held, each with how many
    documents it holds. Three queries, whatever the numbers."""
    invitations = (
        Invitation.objects.for_user(user)
        .filter(meeting__minutes="", meeting__held_on__gte=today)
        .select_related("meeting__review__audit__enterprise")
        .order_by("meeting__held_on", "pk")
    )
    to_answer = list(invitations.filter(state=InvitationState.INVITED)[:DASHBOARD_ROWS])
    released = list(
        invitations.filter(
            state__in=[InvitationState.INVITED, InvitationState.ACCEPTED],
            meeting__release_on__lte=today,
        )[:DASHBOARD_ROWS]
    )
    counts = dict(
        Document.objects.for_user(user)
        .filter(audit_id__in=[i.meeting.review.audit_id for i in released])
        .values_list("audit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for invitation in released:
        invitation.documents = counts.get(invitation.meeting.review.audit_id, 0)
    return {"to_answer": to_answer, "released": released}


def proposal_counts_by_city(key_list, user):
    """Per proposing authority (a city or county): proposed, accepted, rejected,
    waiting, over the proposals `user` may see (one query)."""
    return list(
        CityProposal.objects.for_user(user)
        .filter(key_list=key_list)
        .values("proposed_by__organization__name")
        .annotate(
            total=Count("pk"),
            accepted=Count("pk", filter=Q(state=ProposalState.ACCEPTED)),
            rejected=Count("pk", filter=Q(state=ProposalState.REJECTED)),
            waiting=Count("pk", filter=Q(state=ProposalState.PROPOSED)),
        )
        .order_by("proposed_by__organization__name")
    )
