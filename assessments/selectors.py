"""Read queries of the review rounds (domain.md §3, §4): the queue's counts, the
expert's rounds to score, the enterprise's latest rounds."""

from django.db.models import Count, Exists, OuterRef

from .choices import QueueStage, ReviewState
from .models import Review, Score, stage_conditions


def review_counts(user, reviews=None) -> dict:
    """Rounds in the user's scope per queue stage, open and overdue: one aggregate
    query."""
    reviews = Review.objects.for_user(user) if reviews is None else reviews
    return (
        reviews.with_progress(open_only=True)
        .order_by()
        .aggregate(
            **{
                str(name): Count("pk", filter=condition)
                for name, condition in stage_conditions().items()
            }
        )
    )


def review_dashboard(user) -> dict:
    """The authority's queue at a glance: rounds per stage, and overdue ones."""
    counts = review_counts(user)
    return {
        "review_counts": counts,
        "review_stages": [(value, label, counts[value]) for value, label in QueueStage.choices],
    }


def awaiting_score(user):
    """The open rounds an expert sits on and has not scored yet, the most urgent first
    (enterprise on every row)."""
    return (
        Review.objects.for_user(user)
        .filter(state=ReviewState.PANEL_FORMED)
        .exclude(Exists(Score.objects.filter(review=OuterRef("pk"), expert=user)))
        .select_related("audit__enterprise")
        .order_by("due_on", "pk")
    )


def latest_reviews(user, count: int = 5):
    """The enterprise's latest review rounds, for its dashboard."""
    return Review.objects.for_user(user).select_related("audit")[:count]
