import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.api.filters import ScopedFilterSet
from enterprises.selectors import enterprise_search_q

from .choices import AuditState
from .models import Audit, in_region, overdue_q
from .selectors import deadline_choices, deadline_q


class AuditFilter(ScopedFilterSet):
    # A column of the row itself: no join to de-duplicate, so no DISTINCT (which sorts
    # every row in scope instead of reading the page from the index).
    state = django_filters.MultipleChoiceFilter(choices=AuditState.choices, distinct=False)
    region = django_filters.CharFilter(method="filter_region", label=_("Region code prefix"))
    # The audit's copies of its enterprise's industry and its list's year
    # (audits/triggers.py): no join.
    industry = django_filters.CharFilter(field_name="industry_code")
    year = django_filters.NumberFilter(field_name="year")
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    # The deadline board's drill-down: `report_overdue`, `start_soon`, …
    deadline = django_filters.ChoiceFilter(choices=deadline_choices, method="filter_deadline")
    search = django_filters.CharFilter(method="filter_search", label=_("Name or credit code"))

    class Meta:
        model = Audit
        fields = [
            "enterprise",
            "state",
            "region",
            "industry",
            "consultancy",
            "year",
            "overdue",
            "deadline",
            "search",
        ]

    def filter_region(self, queryset, name, value):
        # The audit's copy of its enterprise's region, as the scope indexes hold it.
        return queryset.filter(in_region(value))

    def filter_overdue(self, queryset, name, value):
        condition = overdue_q(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_deadline(self, queryset, name, value: str):
        kind, _sep, status = value.rpartition("_")
        return queryset.filter(deadline_q(kind, status, timezone.localdate()))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(enterprise_search_q(value, "enterprise")) if value else queryset
