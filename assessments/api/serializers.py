from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from accounts.models import User
from assessments import services
from assessments.models import (
    Demand,
    ExpertProfile,
    PanelChange,
    Review,
    Score,
    ScoreVersion,
    ScoringSheet,
)
from audits.choices import Indicator
from audits.models import Document, Option
from core.api.fields import ScopedPrimaryKeyRelatedField
from enterprises.models import Industry, Region


class ReviewSerializer(serializers.ModelSerializer):
    """api.md "Reviews": one shape for assessments and acceptances."""

    enterprise_name = serializers.CharField(source="audit.enterprise.name", read_only=True)
    panel = serializers.SerializerMethodField()
    sheet_version = serializers.IntegerField(source="sheet.version", read_only=True)
    pass_mark = serializers.DecimalField(
        source="sheet.pass_mark", max_digits=5, decimal_places=2, read_only=True
    )
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Review
        fields = [
            "id",
            "audit",
            "enterprise_name",
            "round",
            "state",
            "panel",
            "score",
            "vetoed",
            "not_implemented",
            "result",
            "opinion",
            "applied_on",
            "due_on",
            "concluded_on",
            "is_overdue",
            "sheet_version",
            "pass_mark",
        ]
        read_only_fields = fields

    def get_panel(self, review) -> list[int]:
        return [member.expert_id for member in review.panel.all()]


class SignalSerializer(serializers.Serializer):
    """A token-compliance signal: `code`, `title`, `text` as before; `kind`, `message`
    and `figures` (the numbers side by side, issue 18)."""

    code = serializers.CharField()
    title = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.CharField()
    message = serializers.CharField()
    figures = serializers.ListField(child=serializers.DictField())


class ReviewDetailSerializer(ReviewSerializer):
    signals = serializers.SerializerMethodField()
    cp_level = serializers.SerializerMethodField(
        help_text="The CP level against the industry's evaluation system, before and after "
        "(null when the audit has chosen none)."
    )
    snapshot = serializers.JSONField(read_only=True)

    class Meta(ReviewSerializer.Meta):
        fields = [*ReviewSerializer.Meta.fields, "signals", "cp_level", "snapshot"]
        read_only_fields = fields

    @extend_schema_field(SignalSerializer(many=True))
    def get_signals(self, review) -> list[dict]:
        return services.signals(review)

    @extend_schema_field(serializers.JSONField(allow_null=True))
    def get_cp_level(self, review) -> dict | None:
        return services.cp_level(review)


class SheetItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    max_points = serializers.DecimalField(max_digits=6, decimal_places=2, coerce_to_string=False)


class SheetVetoSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class RoundSheetSerializer(serializers.Serializer):
    """`GET …/{id}/sheet/`: the sheet version the round started with."""

    version = serializers.IntegerField()
    items = SheetItemSerializer(many=True)
    vetoes = SheetVetoSerializer(many=True)
    pass_mark = serializers.CharField()


class PanelRequestSerializer(serializers.Serializer):
    experts = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)


class DrawRequestSerializer(serializers.Serializer):
    size = serializers.IntegerField(required=False, default=services.MIN_PANEL)
    seed = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=2**63 - 1
    )


class PanelChangeSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username")

    class Meta:
        model = PanelChange
        fields = ["actor", "at", "added", "removed", "draw"]


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="expert.pk")
    username = serializers.CharField(source="expert.username")
    name = serializers.CharField(source="expert.__str__")
    conflicts = serializers.ListField(child=serializers.CharField())
    on_panel = serializers.BooleanField()
    matches_industry = serializers.BooleanField()


class ScoreRequestSerializer(serializers.Serializer):
    items = serializers.DictField(child=serializers.CharField(allow_blank=True, allow_null=True))
    vetoes = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    comment = serializers.CharField(required=False, allow_blank=True, default="")

    def to_internal_value(self, data):
        # Points arrive as JSON numbers or strings; the service checks them.
        if isinstance(data, dict) and isinstance(data.get("items"), dict):
            data = {
                **data,
                "items": {k: (None if v is None else str(v)) for k, v in data["items"].items()},
            }
        return super().to_internal_value(data)


class ScoreVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoreVersion
        fields = ["items", "vetoes", "total", "comment", "submitted_at", "replaced_at"]


class ScoreSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.__str__", read_only=True)
    earlier = serializers.SerializerMethodField(
        help_text="The scorings this one replaced: for the authority, once concluded."
    )

    def get_earlier(self, score) -> list[dict]:
        versions = self.context.get("earlier", {}).get(score.pk, [])
        return ScoreVersionSerializer(versions, many=True).data

    class Meta:
        model = Score
        fields = [
            "id",
            "expert",
            "expert_name",
            "items",
            "vetoes",
            "total",
            "comment",
            "submitted_at",
            "earlier",
        ]


class ConcludeRequestSerializer(serializers.Serializer):
    opinion = serializers.CharField(allow_blank=True)
    demands = serializers.ListField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=list,
        help_text="The rectification demands: at least one when the round fails, none "
        "when it passes.",
    )


class DemandSerializer(serializers.ModelSerializer):
    responded_by = serializers.CharField(
        source="responded_by.username", read_only=True, default=None
    )

    class Meta:
        model = Demand
        fields = ["id", "text", "response", "document", "responded_by", "responded_at"]
        read_only_fields = fields


class DemandResponseSerializer(serializers.Serializer):
    response = serializers.CharField(allow_blank=True)
    document = ScopedPrimaryKeyRelatedField(
        queryset=Document.objects.all(), required=False, allow_null=True, default=None
    )


class RoundSnapshotSerializer(serializers.Serializer):
    """`GET …/{id}/snapshot/`: the round as submitted and as concluded (each as stored,
    never recomputed), and what changed since the round before."""

    review = serializers.IntegerField()
    kind = serializers.CharField()
    round = serializers.IntegerField()
    submitted = serializers.JSONField(allow_null=True)
    concluded = serializers.JSONField(allow_null=True)
    changes_since_previous = serializers.JSONField(allow_null=True)


class VerifiedBenefitInput(serializers.Serializer):
    indicator = serializers.ChoiceField(choices=Indicator.choices)
    value = serializers.DecimalField(max_digits=18, decimal_places=4)


class VerificationRequestSerializer(serializers.Serializer):
    option = ScopedPrimaryKeyRelatedField(queryset=Option.objects.all())
    implemented = serializers.BooleanField()
    verified_benefits = VerifiedBenefitInput(many=True, required=False, default=list)
    note = serializers.CharField(required=False, allow_blank=True, default="")
    evidence = ScopedPrimaryKeyRelatedField(
        queryset=Document.objects.all(), required=False, allow_null=True, default=None
    )


class ComparisonSerializer(serializers.Serializer):
    indicator = serializers.CharField()
    claimed = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    verified = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)
    difference = serializers.DecimalField(max_digits=18, decimal_places=4, allow_null=True)


class VerificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    option = serializers.IntegerField(source="option_id")
    option_code = serializers.CharField(source="option.code")
    implemented = serializers.BooleanField()
    note = serializers.CharField()
    evidence = serializers.IntegerField(source="evidence_id", allow_null=True)
    verified_by = serializers.CharField(source="verified_by.username")
    verified_at = serializers.DateTimeField()
    benefits = serializers.SerializerMethodField()

    def get_benefits(self, verification) -> list[dict]:
        return ComparisonSerializer(services.benefit_comparison(verification), many=True).data


class SheetEntrySerializer(serializers.Serializer):
    code = serializers.CharField()
    title_zh = serializers.CharField()
    title_en = serializers.CharField(required=False, allow_blank=True, default="")


class SheetItemEntrySerializer(SheetEntrySerializer):
    max_points = serializers.DecimalField(max_digits=6, decimal_places=2)


class ScoringSheetSerializer(serializers.ModelSerializer):
    """`/api/v1/sheets/`: published versions; POST publishes the next version."""

    province = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.filter(level="province"),
        allow_null=True,
        required=False,
        default=None,
    )
    items = SheetItemEntrySerializer(many=True)
    vetoes = SheetEntrySerializer(many=True, required=False, default=list)
    published_by = serializers.CharField(
        source="published_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = ScoringSheet
        fields = [
            "id",
            "kind",
            "province",
            "version",
            "items",
            "vetoes",
            "pass_mark",
            "published_at",
            "published_by",
            "active",
        ]
        read_only_fields = ["version", "published_at"]

    def create(self, validated_data):
        validated_data.pop("active", None)
        return services.sheet_publish(actor=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        # A published version never changes; only whether new rounds take it.
        changed = set(validated_data) - {"active"}
        if changed:
            message = _("A published sheet does not change; publish a new version.")
            raise serializers.ValidationError({name: [message] for name in sorted(changed)})
        return services.sheet_retire(
            actor=self.context["request"].user,
            sheet=instance,
            active=validated_data.get("active", instance.active),
        )


class ExpertProfileSerializer(serializers.ModelSerializer):
    """`/api/v1/expert-profiles/`: an expert's industries and employers (admin)."""

    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role="expert"),
        validators=[UniqueValidator(ExpertProfile.objects.all())],
    )
    industries = serializers.PrimaryKeyRelatedField(
        queryset=Industry.objects.all(), many=True, required=False
    )

    class Meta:
        model = ExpertProfile
        fields = ["id", "user", "industries", "employer", "consultancy"]

    def validate_consultancy(self, value):
        if value is not None and value.kind != "consultancy":
            raise serializers.ValidationError(_("Choose a consulting firm."))
        return value


class PublicAcceptanceSerializer(serializers.ModelSerializer):
    """A concluded acceptance as the public sees it (domain.md "People")."""

    enterprise = serializers.CharField(source="audit.enterprise.name")
    credit_code = serializers.CharField(source="audit.enterprise.credit_code")
    region = serializers.CharField(source="audit.enterprise.region_id")
    industry = serializers.CharField(source="audit.enterprise.industry_id")
    audit_round = serializers.IntegerField(source="audit.round")

    class Meta:
        model = Review
        fields = [
            "id",
            "enterprise",
            "credit_code",
            "region",
            "industry",
            "audit_round",
            "round",
            "result",
            "score",
            "concluded_on",
        ]
