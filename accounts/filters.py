import django_filters

from core.api.filters import ScopedFilterSet

from .models import Auditor, Organization, User


class UserFilter(ScopedFilterSet):
    class Meta:
        model = User
        fields = ["role", "organization", "enterprise", "is_active"]


class OrganizationFilter(ScopedFilterSet):
    region = django_filters.CharFilter(field_name="region__code", lookup_expr="startswith")

    class Meta:
        model = Organization
        fields = ["kind", "region"]


class AuditorFilter(ScopedFilterSet):
    valid_on = django_filters.DateFilter(field_name="valid_until", lookup_expr="gte")

    class Meta:
        model = Auditor
        fields = ["organization", "level", "valid_on"]
