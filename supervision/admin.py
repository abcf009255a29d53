from django.contrib import admin

from .models import ConsultancyRegistration, Penalty, SupervisionPolicy, UpwardReport, Urge


@admin.register(SupervisionPolicy)
class SupervisionPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "progress_h1_due",
        "progress_h2_due",
        "annual_due",
        "outside_industry",
    ]


@admin.register(UpwardReport)
class UpwardReportAdmin(admin.ModelAdmin):
    list_display = ["region", "kind", "year", "as_of", "due_on", "state", "submitted_on"]
    list_filter = ["state", "kind", "year"]
    readonly_fields = ["figures"]


@admin.register(Urge)
class UrgeAdmin(admin.ModelAdmin):
    list_display = ["audit", "sent_by", "sent_at"]


@admin.register(Penalty)
class PenaltyAdmin(admin.ModelAdmin):
    list_display = ["party", "ground", "amount", "decided_on"]


@admin.register(ConsultancyRegistration)
class ConsultancyRegistrationAdmin(admin.ModelAdmin):
    list_display = ["organization", "region", "updated_at"]
