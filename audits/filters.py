import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.api.filters import ScopedFilterSet

from .choices import AuditState
from .models import Audit, in_region, overdue_q


class AuditFilter(ScopedFilterSet):
    # A column of the row itself: no join to de-duplicate, so no DISTINCT (which sorts
    # every row in scope instead of reading the page from the index).
    state = django_filters.MultipleChoiceFilter(choices=AuditState.choices, distinct=False)
    region = django_filters.CharFilter(method="filter_region", label=_("Region code prefix"))
    industry = django_filters.CharFilter(field_name="enterprise__industry_id")
    year = django_filters.NumberFilter(field_name="list_entry__key_list__year")
    overdue = django_filters.BooleanFilter(method="filter_overdue")

    class Meta:
        model = Audit
        fields = ["enterprise", "state", "region", "industry", "consultancy", "year", "overdue"]

    def filter_region(self, queryset, name, value):
        # The audit's copy of its enterprise's region, as the scope indexes hold it.
        return queryset.filter(in_region(value))

    def filter_overdue(self, queryset, name, value):
        condition = overdue_q(timezone.localdate())
        return queryset.filter(condition) if value else queryset.exclude(condition)
