"""List filters that tell nothing of what lies outside the caller's scope (issue 14,
item 6). django-filter's default for a foreign key is a choice among *every* row of the
related model, so `?audit=3` (out of scope) answered 200 with an empty page and
`?audit=99999` (missing) 400: an existence oracle. Here a foreign key filters by its key
alone, so out of scope and missing both answer the same empty page."""

import django_filters
from django.db import models
from django_filters.rest_framework import DjangoFilterBackend

INTEGER_FIELDS = (models.AutoField, models.BigAutoField, models.IntegerField)


class ScopedFilterSet(django_filters.FilterSet):
    """A FilterSet whose foreign keys (and one-to-ones) filter by the related key: a
    number, or text for the reference tables keyed by code (regions, industries)."""

    @classmethod
    def filter_for_lookup(cls, field, lookup_type):
        if isinstance(field, models.ForeignKey | models.OneToOneField) and lookup_type == "exact":
            target = field.target_field
            return (
                django_filters.NumberFilter
                if isinstance(target, INTEGER_FIELDS)
                else django_filters.CharFilter
            ), {}
        return super().filter_for_lookup(field, lookup_type)


class ScopedFilterBackend(DjangoFilterBackend):
    """The API's filter backend: a view's `filterset_fields` build a ScopedFilterSet."""

    filterset_base = ScopedFilterSet
