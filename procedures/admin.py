from django.contrib import admin

from .models import CityProposal, Filing, Invitation, Meeting, Registration


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["audit", "contact_name", "registered_on"]
    raw_id_fields = ["audit", "registered_by"]


@admin.register(Filing)
class FilingAdmin(admin.ModelAdmin):
    list_display = ["audit", "kind", "state", "submitted_at", "decided_on"]
    list_filter = ["state", "kind"]
    raw_id_fields = ["audit", "submitted_by", "decided_by", "documents"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["review", "held_on", "release_on"]
    raw_id_fields = ["review", "scheduled_by", "minutes_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["meeting", "expert", "state", "conflict", "attended"]
    raw_id_fields = ["meeting", "expert", "replaced_by"]


@admin.register(CityProposal)
class CityProposalAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "key_list", "state", "proposed_by", "decided_by"]
    list_filter = ["state"]
    raw_id_fields = ["key_list", "enterprise", "proposed_by", "decided_by", "entry"]
