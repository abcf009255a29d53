import django_filters

from core.api.filters import ScopedFilterSet

from .models import Enterprise, Industry, ListEntry, Region
from .selectors import enterprise_search_q


class RegionFilter(ScopedFilterSet):
    class Meta:
        model = Region
        fields = ["level", "parent", "retired"]


class IndustryFilter(ScopedFilterSet):
    class Meta:
        model = Industry
        fields = ["level", "section"]


def filter_search(queryset, value: str, path: str = ""):
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(enterprise_search_q(value, path))


class PublicEntryFilter(ScopedFilterSet):
    """The public entries: `search` by any part of the enterprise's name or credit code."""

    search = django_filters.CharFilter(method="filter_search", label="Name or credit code")

    class Meta:
        model = ListEntry
        fields = ["search"]

    def filter_search(self, queryset, name, value):
        return filter_search(queryset, value, "enterprise")


class EnterpriseFilter(ScopedFilterSet):
    region = django_filters.CharFilter(
        field_name="region__code", lookup_expr="startswith", label="Region code prefix"
    )
    industry = django_filters.CharFilter(field_name="industry_id")
    search = django_filters.CharFilter(method="filter_search", label="Name or credit code")

    class Meta:
        model = Enterprise
        fields = ["region", "industry", "search"]

    def filter_search(self, queryset, name, value):
        return filter_search(queryset, value)
