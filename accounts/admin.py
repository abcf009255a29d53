from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Auditor, Organization, User
from .services import auditor_references


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "organization", "enterprise", "is_active"]
    list_filter = ["role", "is_active"]
    list_select_related = ["organization", "enterprise"]
    search_fields = ["username", "full_name", "email"]
    raw_id_fields = ["enterprise"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Role"), {"fields": ["role", "full_name", "organization", "enterprise"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Role"), {"fields": ["role", "full_name", "organization", "enterprise"]}),
    )


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "credit_code"]
    list_filter = ["kind"]
    search_fields = ["name", "credit_code"]
    raw_id_fields = ["region"]


@admin.register(Auditor)
class AuditorAdmin(admin.ModelAdmin):
    list_display = ["name", "certificate_no", "level", "valid_until", "organization"]
    list_filter = ["level", "active"]
    search_fields = ["name", "certificate_no"]

    def has_delete_permission(self, request, obj=None):
        # The team of a submitted audit keeps its auditors (issue 11): retire instead.
        if obj is not None and auditor_references(obj):
            return False
        return super().has_delete_permission(request, obj)
