from django.contrib import admin

from .models import ExpertProfile, Review


@admin.register(ExpertProfile)
class ExpertProfileAdmin(admin.ModelAdmin):
    """Where the operator records an expert's industries and employers (the panel's
    independence rule and the draw read them)."""

    list_display = ["user", "employer", "consultancy"]
    list_select_related = ["user", "employer", "consultancy"]
    search_fields = ["user__username", "user__full_name"]
    raw_id_fields = ["user", "employer", "consultancy"]
    filter_horizontal = ["industries"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Read-only: rounds change only through the review services."""

    list_display = ["audit", "kind", "round", "state", "result", "score", "applied_on"]
    list_filter = ["kind", "state", "result"]
    list_select_related = ["audit__enterprise"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
