from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.choices import OrganizationKind, Role
from accounts.models import Organization
from assessments.models import Review
from audits.models import Audit, Document
from core.api.fields import ScopedPrimaryKeyRelatedField
from enterprises.choices import Category, IndustryLevel
from enterprises.models import Enterprise, Industry, KeyEnterpriseList
from procedures.choices import FilingKind
from procedures.models import (
    CityProposal,
    ExpertDeclaration,
    Filing,
    Invitation,
    Meeting,
    Registration,
)


class RegistrationSerializer(serializers.ModelSerializer):
    audit = ScopedPrimaryKeyRelatedField(queryset=Audit.objects.all())
    registered_by = serializers.CharField(source="registered_by.username", read_only=True)
    registration_due = serializers.DateField(source="audit.registration_due", read_only=True)
    late = serializers.BooleanField(read_only=True)

    class Meta:
        model = Registration
        fields = [
            "id",
            "audit",
            "contact_name",
            "contact_phone",
            "contact_email",
            "confirmed_data",
            "registered_by",
            "registered_on",
            "registration_due",
            "late",
        ]
        read_only_fields = ["confirmed_data", "registered_on"]
        # One per audit: the service creates or changes it (no unique validator here).
        validators = []


class FilingSerializer(serializers.ModelSerializer):
    audit = ScopedPrimaryKeyRelatedField(queryset=Audit.objects.all())
    kind = serializers.ChoiceField(choices=FilingKind.choices, default=FilingKind.START)
    documents = ScopedPrimaryKeyRelatedField(queryset=Document.objects.all(), many=True)
    submitted_by = serializers.CharField(source="submitted_by.username", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True, default=None
    )
    filing_due = serializers.DateField(source="audit.filing_due", read_only=True)

    class Meta:
        model = Filing
        fields = [
            "id",
            "audit",
            "kind",
            "documents",
            "note",
            "state",
            "reason",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "decided_on",
            "filing_due",
        ]
        read_only_fields = ["state", "reason", "submitted_at", "decided_on"]
        # One waiting per kind: the service answers that with 409, not a 400 here.
        validators = []


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class InvitationSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.__str__", read_only=True)
    meeting = serializers.PrimaryKeyRelatedField(read_only=True)
    replaced_by = serializers.PrimaryKeyRelatedField(read_only=True)
    withdrawn_by = serializers.CharField(
        source="withdrawn_by.username", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Invitation
        fields = [
            "id",
            "meeting",
            "expert",
            "expert_name",
            "state",
            "conflict",
            "declaration",
            "answered_at",
            "pre_review",
            "pre_review_at",
            "attended",
            "replaced_by",
            "draw",
            "withdrawn_by",
            "withdrawn_at",
            "withdrawal_reason",
        ]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    review = ScopedPrimaryKeyRelatedField(queryset=Review.objects.all())
    invitations = serializers.SerializerMethodField()
    released = serializers.SerializerMethodField()
    scores_open = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "review",
            "held_on",
            "starts_at",
            "place",
            "link",
            "release_on",
            "release_estimated",
            "released",
            "scores_open",
            "minutes",
            "minutes_at",
            "invitations",
        ]
        read_only_fields = ["release_on", "release_estimated", "minutes", "minutes_at"]
        extra_kwargs = {"held_on": {"required": True}}
        validators = []

    @extend_schema_field(InvitationSerializer(many=True))
    def get_invitations(self, meeting):
        """The authority sees the panel's answers; an expert their own; the parties
        none (prefetched `invitations__expert`)."""
        user = self.context["request"].user
        if user.role in (Role.ADMIN, Role.AUTHORITY):
            shown = list(meeting.invitations.all())
        elif user.role == Role.EXPERT:
            shown = [i for i in meeting.invitations.all() if i.expert_id == user.pk]
        else:
            shown = []
        return InvitationSerializer(shown, many=True).data

    def get_released(self, meeting) -> bool:
        return meeting.is_released()

    def get_scores_open(self, meeting) -> bool:
        return meeting.scores_open()


class MeetingScheduleSerializer(serializers.Serializer):
    """`POST /api/v1/assessments/{id}/meeting/` (or acceptances): schedule or move the
    round's meeting."""

    held_on = serializers.DateField()
    starts_at = serializers.TimeField(required=False, allow_null=True, default=None)
    place = serializers.CharField(required=False, allow_blank=True, default="")
    link = serializers.URLField(required=False, allow_blank=True, default="")


class AnswerSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    no_conflict = serializers.BooleanField(default=False)
    declaration = serializers.CharField(allow_blank=True, required=False, default="")


class PreReviewSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True)


class MinutesSerializer(serializers.Serializer):
    minutes = serializers.CharField(allow_blank=True)
    attended = serializers.ListField(child=serializers.IntegerField(), default=list)


class ReplaceSerializer(serializers.Serializer):
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)


class ProposalSerializer(serializers.ModelSerializer):
    key_list = ScopedPrimaryKeyRelatedField(queryset=KeyEnterpriseList.objects.all())
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices), allow_empty=False
    )
    evidence = serializers.FileField(write_only=True, required=False)
    proposed_by = serializers.CharField(source="proposed_by.username", read_only=True)
    decided_by = serializers.CharField(
        source="decided_by.username", read_only=True, allow_null=True, default=None
    )
    entry = serializers.PrimaryKeyRelatedField(read_only=True)
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = CityProposal
        fields = [
            "id",
            "key_list",
            "enterprise",
            "categories",
            "reason",
            "evidence",
            "evidence_name",
            "evidence_sha256",
            "evidence_url",
            "state",
            "proposed_by",
            "proposed_at",
            "decision_reason",
            "decided_by",
            "decided_at",
            "entry",
        ]
        read_only_fields = [
            "evidence_name",
            "evidence_sha256",
            "state",
            "proposed_at",
            "decision_reason",
            "decided_at",
        ]
        validators = []

    def get_evidence_url(self, proposal) -> str | None:
        if not proposal.evidence:
            return None
        return f"/api/v1/proposals/{proposal.pk}/evidence/"


class DecisionSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(allow_blank=True, required=False, default="")

    default_error_messages = {"required": _("Accept or reject.")}


def _firms():
    return Organization.objects.filter(kind=OrganizationKind.CONSULTANCY)


class PoolExpertWriteSerializer(serializers.Serializer):
    """Add an expert to the pool (`POST`), or change their industries and employers and
    retire or bring them back (`PATCH`: `industries`, `employer`, `consultancy`,
    `active`); the rules are procedures.pool's."""

    username = serializers.CharField(max_length=150)
    full_name = serializers.CharField(max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(kind=OrganizationKind.EXPERT_BODY),
        help_text=_("An expert body of your region."),
    )
    industries = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.filter(level=IndustryLevel.DIVISION), many=True, required=False
    )
    employer = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), allow_null=True, required=False
    )
    consultancy = serializers.PrimaryKeyRelatedField(
        queryset=_firms(), allow_null=True, required=False
    )
    active = serializers.BooleanField(required=False)


class DeclarationSerializer(serializers.ModelSerializer):
    """A tie an expert declared (回避): to an enterprise or a consulting firm."""

    expert = serializers.PrimaryKeyRelatedField(read_only=True)
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), allow_null=True, required=False
    )
    consultancy = serializers.PrimaryKeyRelatedField(
        queryset=_firms(), allow_null=True, required=False
    )
    note = serializers.CharField(allow_blank=True)
    declared_by = serializers.CharField(source="declared_by.username", read_only=True)

    class Meta:
        model = ExpertDeclaration
        fields = [
            "id",
            "expert",
            "enterprise",
            "consultancy",
            "note",
            "since",
            "until",
            "declared_by",
            "declared_at",
        ]
        read_only_fields = ["declared_at"]


class PoolExpertSerializer(serializers.Serializer):
    """An expert of the pool with their record over concluded rounds."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    active = serializers.BooleanField()
    organization = serializers.CharField(allow_null=True)
    industries = serializers.ListField(child=serializers.CharField())
    employer = serializers.IntegerField(allow_null=True)
    consultancy = serializers.IntegerField(allow_null=True)
    rounds_sat = serializers.IntegerField()
    rounds_scored = serializers.IntegerField()
    vetoes_raised = serializers.IntegerField()
    leniency = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    spread = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
