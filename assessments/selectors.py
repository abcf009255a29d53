"""Read queries of the review rounds (domain.md §3, §4): the queue's counts, the
expert's rounds to score, the enterprise's latest rounds."""

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from audits.models import in_region
from core.i18n import localized
from core.regions import region_prefix
from enterprises.models import Region

from .choices import QueueStage, ReviewState
from .compliance import TITLES
from .models import RaisedSignal, Review, Score, stage_conditions


def review_counts(user, reviews=None) -> dict:
    """Rounds in the user's scope per queue stage, open and overdue: one aggregate
    query. A round whose panel is formed is scoring or else ready (stage_conditions):
    the ready ones are those formed less the scoring, so the progress subqueries run
    once per such round, not once for each of the two stages."""
    reviews = Review.objects.for_user(user) if reviews is None else reviews
    conditions = stage_conditions()
    counts = (
        reviews.with_progress(open_only=True)
        .order_by()
        .aggregate(
            **{
                str(name): Count("pk", filter=condition)
                for name, condition in conditions.items()
                if name != QueueStage.READY
            },
            formed=Count("pk", filter=Q(state=ReviewState.PANEL_FORMED)),
        )
    )
    counts[str(QueueStage.READY)] = counts.pop("formed") - counts[str(QueueStage.SCORING)]
    return {str(name): counts[str(name)] for name in conditions}


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


def signal_filter(reviews, filters: dict):
    """The rounds behind a count of the statistics' signals by firm and city
    (reporting.statistics.signal_statistics): those that raised `signal` (their stored
    RaisedSignal), of a `consultancy` ("none": self-audits), in a `region` (six digits,
    by its prefix) and of a key list's `year`; each filter only when given."""
    if signal := filters.get("signal"):
        reviews = reviews.filter(
            Exists(RaisedSignal.objects.filter(review=OuterRef("pk"), code=signal))
        )
    if consultancy := filters.get("consultancy"):
        if consultancy == "none":
            reviews = reviews.filter(audit__consultancy__isnull=True)
        else:
            reviews = reviews.filter(audit__consultancy_id=int(consultancy))
    if region := filters.get("region"):
        reviews = reviews.filter(in_region(region_prefix(region), "audit"))
    if year := filters.get("year"):
        reviews = reviews.filter(audit__list_entry__key_list__year=year)
    return reviews


def narrowed_by(filters: dict, reviews) -> list[str]:
    """What `signal_filter` narrows the list to, in words (a query per named firm or
    region), for the note above the list. A firm is named from the rounds listed (in the
    caller's scope): an id outside it names nobody."""
    notes = []
    if signal := filters.get("signal"):
        notes.append(_("raised “%(signal)s”") % {"signal": TITLES.get(signal, signal)})
    if consultancy := filters.get("consultancy"):
        if consultancy == "none":
            notes.append(_("self-audits (no consulting firm)"))
        else:
            name = reviews.order_by().values_list("audit__consultancy__name", flat=True).first()
            notes.append(_("consulting firm: %(name)s") % {"name": name or consultancy})
    if region := filters.get("region"):
        name = Region.objects.filter(code=region).values_list("name_zh", "name_en").first()
        label = localized(*name) if name else region
        notes.append(_("region: %(name)s") % {"name": label})
    if year := filters.get("year"):
        notes.append(_("key list of %(year)s") % {"year": year})
    return notes
