"""Reads of the steps around the audit, as SQL aggregation."""

from django.db.models import Count, Q

from .choices import ProposalState
from .models import CityProposal


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
