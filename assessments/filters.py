import django_filters

from core.api.filters import ScopedFilterSet

from .choices import ReviewResult, ReviewState
from .models import Review, review_overdue_q


class ReviewFilter(ScopedFilterSet):
    """api.md "Reviews": `audit`, `state`, `result`; also `overdue` for the queue."""

    # By id, not a choice of every audit: an audit outside the caller's scope answers an
    # empty page, as one that does not exist does.
    audit = django_filters.NumberFilter(field_name="audit_id")
    # A column of the row itself: no join to de-duplicate, so no DISTINCT (which sorts
    # every row in scope instead of reading the page from the index).
    state = django_filters.MultipleChoiceFilter(choices=ReviewState.choices, distinct=False)
    result = django_filters.ChoiceFilter(choices=ReviewResult.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Review
        fields = ["audit", "state", "result", "overdue"]

    def filter_overdue(self, queryset, name, value):
        condition = review_overdue_q()
        return queryset.filter(condition) if value else queryset.exclude(condition)
