from rest_framework import serializers

from accounts import services as accounts
from accounts.choices import STAFF_ROLE_CHOICES
from accounts.models import AccountChange, Organization, User
from audits.models import Audit
from core.api.fields import ScopedPrimaryKeyRelatedField
from enterprises.models import Enterprise, Industry, Region

from ..choices import PenaltyGround, ReportKind
from ..models import ConsultancyRegistration, Penalty, UpwardReport, Urge


class UpwardReportSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())
    recipient_region = serializers.CharField(
        source="recipient_region_id", read_only=True, allow_null=True
    )
    is_late = serializers.BooleanField(read_only=True)
    prepared_by = serializers.CharField(source="prepared_by.username", read_only=True)
    pdf_ready = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField(
        help_text="The figures as of `as_of` in the shape of /api/v1/statistics/summary/, "
        "with `consultancies`: frozen once submitted; a draft's are worked out on reading "
        "one report (null in lists)."
    )

    class Meta:
        model = UpwardReport
        fields = [
            "id",
            "region",
            "kind",
            "year",
            "as_of",
            "due_on",
            "state",
            "is_late",
            "recipient_region",
            "note",
            "return_comment",
            "prepared_by",
            "submitted_on",
            "pdf_ready",
            "figures",
        ]
        read_only_fields = ["due_on", "state", "return_comment", "submitted_on"]
        extra_kwargs = {"as_of": {"required": False}, "kind": {"choices": ReportKind.choices}}

    def get_pdf_ready(self, report) -> bool:
        return bool(report.pdf)

    def get_figures(self, report) -> dict | None:
        return self.context.get("figures", {}).get(report.pk, report.figures)


class UpwardReportUpdateSerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)


class MoveSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReturnSerializer(serializers.Serializer):
    comment = serializers.CharField()


class UrgeSerializer(serializers.ModelSerializer):
    audit = ScopedPrimaryKeyRelatedField(queryset=Audit.objects.all())
    sent_by = serializers.CharField(source="sent_by.username", read_only=True)

    class Meta:
        model = Urge
        fields = ["id", "audit", "text", "overdue", "sent_by", "sent_at"]
        read_only_fields = ["overdue", "sent_at"]


class PenaltySerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
    )
    consultancy = ScopedPrimaryKeyRelatedField(
        queryset=Organization.objects.all(), required=False, allow_null=True
    )
    audit = ScopedPrimaryKeyRelatedField(
        queryset=Audit.objects.all(), required=False, allow_null=True
    )
    ground = serializers.ChoiceField(choices=PenaltyGround.choices)
    document = serializers.FileField(required=False, allow_null=True, write_only=True)
    document_url = serializers.SerializerMethodField()
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = Penalty
        fields = [
            "id",
            "enterprise",
            "consultancy",
            "audit",
            "ground",
            "legal_basis",
            "amount",
            "decided_on",
            "document",
            "document_url",
            "document_sha256",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["document_sha256", "recorded_at"]

    def get_document_url(self, penalty) -> str | None:
        if not penalty.document:
            return None
        return f"/api/v1/penalties/{penalty.pk}/document/"


class ConsultancyRegistrationSerializer(serializers.ModelSerializer):
    industries = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Industry.objects.all()
    )
    region = serializers.SlugRelatedField(slug_field="code", queryset=Region.objects.all())

    class Meta:
        model = ConsultancyRegistration
        fields = ["industries", "region", "updated_at"]
        read_only_fields = ["updated_at"]


class ConsultancySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region_id", read_only=True)

    class Meta:
        model = Organization
        fields = ["id", "name", "region", "credit_code"]


class RecordAuditorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    certificate_no = serializers.CharField()
    level = serializers.CharField()
    issued_on = serializers.DateField()
    valid_until = serializers.DateField()
    expired = serializers.BooleanField()
    expiring = serializers.BooleanField(help_text="Expires within 90 days.")


class RecordUrgeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    audit = serializers.IntegerField(source="audit_id")
    enterprise = serializers.CharField(source="audit.enterprise.name")
    text = serializers.CharField()
    overdue = serializers.ListField(child=serializers.CharField())
    sent_at = serializers.DateTimeField()


class RecordPenaltySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    audit = serializers.IntegerField(source="audit_id", allow_null=True)
    ground = serializers.CharField()
    legal_basis = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    decided_on = serializers.DateField()


def _decimal(places):
    return serializers.DecimalField(max_digits=None, decimal_places=places, allow_null=True)


class FirmRecordSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    region = serializers.CharField()
    registration = ConsultancyRegistrationSerializer(allow_null=True)
    audits = serializers.IntegerField()
    audits_by_state = serializers.DictField(child=serializers.IntegerField())
    first_round_concluded = serializers.IntegerField()
    first_round_passed = serializers.IntegerField()
    first_time_pass_pct = _decimal(1)
    assessment_mean_score = _decimal(2)
    acceptance_mean_score = _decimal(2)
    signals = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Token-compliance signals its concluded rounds were concluded with, by code.",
    )
    urges = RecordUrgeSerializer(many=True)
    penalties = RecordPenaltySerializer(many=True)
    auditors = RecordAuditorSerializer(many=True)


class AccountChangeSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True)

    class Meta:
        model = AccountChange
        fields = ["at", "actor", "action", "fields"]


class StaffAccountSerializer(serializers.ModelSerializer):
    """`/api/v1/staff-accounts/`: an account of the staff of an enterprise or a
    consulting firm of the caller's region (issue 16, item 4). Created without a
    password: the owner is mailed a link to set one."""

    role = serializers.ChoiceField(choices=STAFF_ROLE_CHOICES)
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, allow_null=True
    )
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text="The consulting firm of a consultant account (seated in the region).",
    )
    email = serializers.EmailField(help_text="Where the invitation to set a password goes.")
    changes = AccountChangeSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "phone",
            "role",
            "enterprise",
            "organization",
            "is_active",
            "last_login",
            "changes",
        ]
        read_only_fields = ["is_active", "last_login"]

    def create(self, validated_data):
        return accounts.staff_create(actor=self.context["request"].user, **validated_data)


class StaffAccountUpdateSerializer(serializers.ModelSerializer):
    """`PATCH /api/v1/staff-accounts/{id}/`: the name, email and phone, or `is_active`
    to deactivate or reactivate the account."""

    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "is_active"]

    def update(self, instance, validated_data):
        return accounts.staff_update(
            actor=self.context["request"].user, user=instance, **validated_data
        )
