import django_filters

from .models import Auditor, Organization, User


class UserFilter(django_filters.FilterSet):
    class Meta:
        model = User
        fields = ["role", "organization", "enterprise", "is_active"]


class OrganizationFilter(django_filters.FilterSet):
    region = django_filters.CharFilter(field_name="region__code", lookup_expr="startswith")

    class Meta:
        model = Organization
        fields = ["kind", "region"]


class AuditorFilter(django_filters.FilterSet):
    valid_on = django_filters.DateFilter(field_name="valid_until", lookup_expr="gte")

    class Meta:
        model = Auditor
        fields = ["organization", "level", "valid_on"]
