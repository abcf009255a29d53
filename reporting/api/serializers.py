from django.urls import reverse
from rest_framework import serializers

from audits.models import Audit
from core.api.fields import ScopedPrimaryKeyRelatedField
from enterprises.models import Region
from reporting.models import JobState, ReportFormat, ReportJob, ReportKind


class ReportRequestSerializer(serializers.Serializer):
    """`POST /api/v1/reports/` (api.md "Reports and statistics")."""

    kind = serializers.ChoiceField(choices=ReportKind.choices)
    format = serializers.ChoiceField(choices=ReportFormat.choices)
    audit = ScopedPrimaryKeyRelatedField(
        queryset=Audit.objects.all(), required=False, allow_null=True, default=None
    )
    region = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.all(), required=False, allow_null=True, default=None
    )
    year = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=2003, max_value=2100
    )


class ReportJobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = [
            "id",
            "kind",
            "format",
            "state",
            "error",
            "download_url",
            "audit",
            "review",
            "region",
            "year",
            "created_at",
            "started_at",
            "finished_at",
            "attempts",
            "size",
        ]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if job.state != JobState.DONE:
            return None
        return reverse("api:report-download", args=[job.pk])
