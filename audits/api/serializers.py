from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Auditor, Organization
from audits import publishing, services, workflow
from audits.choices import FlowDirection, Indicator
from audits.models import (
    Audit,
    AuditComment,
    Balance,
    BalanceFlow,
    Document,
    Option,
    OptionBenefit,
    Target,
)
from core.api.fields import ScopedPrimaryKeyRelatedField
from enterprises.api.serializers import EnterpriseBriefSerializer
from enterprises.choices import AmendmentAction, Category
from enterprises.models import Enterprise, ListAmendment, ListEntry


def actor(serializer):
    return serializer.context["request"].user


class AuditSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    consultancy = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.filter(kind="consultancy"), allow_null=True, required=False
    )
    # Only auditors the caller may see (another firm's are "not found", their names never
    # echoed back); the service then keeps the engaged firm's and the enterprise's own.
    team = ScopedPrimaryKeyRelatedField(queryset=Auditor.objects.all(), many=True, required=False)
    team_leader = ScopedPrimaryKeyRelatedField(
        queryset=Auditor.objects.all(), allow_null=True, required=False
    )
    is_overdue = serializers.BooleanField(read_only=True)
    overdue = serializers.SerializerMethodField()
    late = serializers.SerializerMethodField(
        help_text="The deadlines met after their due date (start, report, disclosure, acceptance)."
    )
    engagement_warnings = serializers.SerializerMethodField(
        help_text="In the answer to a change of consulting firm: what the registry warns of "
        "(a firm engaged outside its registered industries)."
    )

    class Meta:
        model = Audit
        fields = [
            "id",
            "enterprise",
            "enterprise_name",
            "list_entry",
            "year",
            "round",
            "state",
            "consultancy",
            "team",
            "team_leader",
            "focus",
            "started_on",
            "report_submitted_on",
            "acceptance_applied_on",
            "start_due",
            "report_due",
            "disclosure_due",
            "acceptance_due",
            "next_round_due",
            "is_overdue",
            "overdue",
            "late",
            "engagement_warnings",
        ]
        read_only_fields = [
            "enterprise",
            "list_entry",
            "round",
            "state",
            "started_on",
            "report_submitted_on",
            "acceptance_applied_on",
            "start_due",
            "report_due",
            "disclosure_due",
            "acceptance_due",
            "next_round_due",
            # The list's year, as the database keeps it on the audit (audits/triggers.py).
            "year",
        ]

    def get_overdue(self, audit) -> list[str]:
        return audit.overdue_kinds()

    def get_late(self, audit) -> list[str]:
        return audit.late

    def get_engagement_warnings(self, audit) -> list[str]:
        return getattr(audit, "engagement_warnings", [])

    def update(self, instance, validated_data):
        return services.audit_update(actor=actor(self), audit=instance, **validated_data)


class EventSerializer(serializers.Serializer):
    """`GET /api/v1/audits/{id}/events/`: one line of the audit's record (audits.events.
    timeline: its own events and the rooms above's, e.g. supervision's `urge` and
    `penalty`, whose `params` carry the text, or the decision date, legal basis and
    amount)."""

    at = serializers.DateTimeField()
    actor = serializers.CharField()
    kind = serializers.CharField()
    summary = serializers.CharField()
    params = serializers.JSONField()


class TransitionRequestSerializer(serializers.Serializer):
    to = serializers.CharField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class TransitionOptionSerializer(serializers.Serializer):
    to = serializers.CharField()
    allowed = serializers.BooleanField()
    unmet = serializers.ListField(child=serializers.CharField())


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True)
    author_role = serializers.CharField(source="author.role", read_only=True)

    class Meta:
        model = AuditComment
        fields = ["id", "author", "author_role", "text", "created_at"]


class AuditChildSerializer(serializers.ModelSerializer):
    """Children of an audit: `audit` must be one the caller can see."""

    audit = ScopedPrimaryKeyRelatedField(queryset=Audit.objects.all())

    def validate_audit(self, audit):
        if self.instance is not None and audit.pk != self.instance.audit_id:
            raise serializers.ValidationError(_("An object does not move to another audit."))
        return audit


class TargetSerializer(AuditChildSerializer):
    class Meta:
        model = Target
        fields = [
            "id",
            "audit",
            "indicator",
            "unit",
            "baseline",
            "near_term",
            "long_term",
            "achieved",
        ]

    def create(self, data):
        return services.target_save(actor=actor(self), **data)

    def update(self, instance, data):
        return services.target_save(
            actor=actor(self), target=instance, **{"audit": instance.audit} | data
        )


class FlowSerializer(serializers.ModelSerializer):
    direction = serializers.ChoiceField(choices=FlowDirection.choices)

    class Meta:
        model = BalanceFlow
        fields = ["direction", "name", "quantity"]


class BalanceSerializer(AuditChildSerializer):
    flows = FlowSerializer(many=True, required=False)
    inputs = serializers.SerializerMethodField()
    outputs = serializers.SerializerMethodField()
    closure_pct = serializers.DecimalField(
        max_digits=10, decimal_places=2, read_only=True, allow_null=True
    )
    closes = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Balance
        fields = [
            "id",
            "audit",
            "kind",
            "title",
            "unit",
            "tolerance_pct",
            "closure_note",
            "flows",
            "inputs",
            "outputs",
            "closure_pct",
            "closes",
        ]

    def get_inputs(self, balance) -> str:
        return str(balance.totals()[0])

    def get_outputs(self, balance) -> str:
        return str(balance.totals()[1])

    def create(self, data):
        return services.balance_save(actor=actor(self), **data)

    def update(self, instance, data):
        return services.balance_save(
            actor=actor(self), balance=instance, **{"audit": instance.audit} | data
        )


class BenefitSerializer(serializers.ModelSerializer):
    indicator = serializers.ChoiceField(choices=Indicator.choices)

    class Meta:
        model = OptionBenefit
        fields = ["indicator", "expected", "actual"]


class OptionSerializer(AuditChildSerializer):
    benefits = BenefitSerializer(many=True, required=False)
    warnings = serializers.SerializerMethodField()
    next_statuses = serializers.SerializerMethodField()

    class Meta:
        model = Option
        fields = [
            "id",
            "audit",
            "code",
            "title",
            "description",
            "aspect",
            "cost_class",
            "investment",
            "status",
            "reason",
            "implemented_on",
            "end_of_pipe",
            "annual_net_benefit",
            "lifetime_years",
            "discount_rate",
            "payback_years",
            "npv",
            "irr",
            "benefits",
            "warnings",
            "next_statuses",
        ]
        read_only_fields = ["payback_years", "npv", "irr"]
        validators = []  # code uniqueness per audit is checked by the model's full_clean

    def get_warnings(self, option) -> list[str]:
        thresholds = self.context.setdefault("thresholds", {})
        province = option.audit.enterprise.region_id[:2]
        if province not in thresholds:
            thresholds[province] = services.option_threshold(option)
        return services.cost_class_warnings(option, thresholds[province])

    def get_next_statuses(self, option) -> list[str]:
        return sorted(workflow.next_statuses(option))

    def create(self, data):
        return services.option_save(actor=actor(self), **data)

    def update(self, instance, data):
        return services.option_save(
            actor=actor(self), option=instance, **{"audit": instance.audit} | data
        )


class OptionBulkSerializer(serializers.Serializer):
    audit = ScopedPrimaryKeyRelatedField(queryset=Audit.objects.all())
    options = serializers.ListField(child=serializers.DictField(), required=False)
    text = serializers.CharField(
        required=False,
        help_text=(
            "Rows pasted from a spreadsheet: code, title, aspect, cost_class, investment, "
            "description (tab- or comma-separated)"
        ),
    )

    def validate(self, attrs):
        if not attrs.get("options") and not attrs.get("text"):
            raise serializers.ValidationError({"options": _("Give `options` or `text`.")})
        return attrs


class DocumentSerializer(AuditChildSerializer):
    option = ScopedPrimaryKeyRelatedField(
        queryset=Option.objects.all(), required=False, allow_null=True
    )
    file = serializers.FileField(write_only=True)
    supersedes = ScopedPrimaryKeyRelatedField(
        queryset=Document.objects.all(),
        required=False,
        allow_null=True,
        help_text="The earlier document this file is a new version of (it stays downloadable).",
    )
    superseded_by = serializers.SerializerMethodField()
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "audit",
            "kind",
            "option",
            "title",
            "file",
            "original_name",
            "sha256",
            "size",
            "content_type",
            "uploaded_by",
            "uploaded_at",
            "supersedes",
            "version",
            "superseded_by",
            "submitted_at",
            "download_url",
        ]
        read_only_fields = [
            "original_name",
            "sha256",
            "size",
            "content_type",
            "uploaded_at",
            "version",
            "submitted_at",
        ]
        extra_kwargs = {"title": {"required": False}}

    def get_superseded_by(self, document) -> int | None:
        later = getattr(document, "superseded_by", None)
        return later.pk if later else None

    def get_download_url(self, document) -> str:
        return f"/api/v1/documents/{document.pk}/download/"

    def create(self, data):
        return services.document_upload(actor=actor(self), **data)


# --- key lists: publishing and amending (audits.publishing) ---------------------------


class AmendmentSerializer(serializers.ModelSerializer):
    action = serializers.ChoiceField(choices=AmendmentAction.choices)
    enterprise = ScopedPrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(), required=False, write_only=True
    )
    entry = serializers.PrimaryKeyRelatedField(queryset=ListEntry.objects.all(), required=False)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices), required=False, write_only=True
    )
    enterprise_name = serializers.CharField(source="entry.enterprise.name", read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True)

    class Meta:
        model = ListAmendment
        fields = [
            "id",
            "action",
            "enterprise",
            "entry",
            "enterprise_name",
            "categories",
            "reason",
            "actor",
            "created_at",
        ]

    def validate(self, attrs):
        key_list = self.context["key_list"]
        if attrs["action"] == AmendmentAction.ADD:
            if "enterprise" not in attrs:
                raise serializers.ValidationError({"enterprise": _("Name the enterprise to add.")})
            attrs.setdefault("categories", [])
        else:
            entry = attrs.get("entry")
            if entry is None or entry.key_list_id != key_list.pk:
                raise serializers.ValidationError({"entry": _("Name an entry of this list.")})
        return attrs

    def create(self, validated_data):
        actor = self.context["request"].user
        if validated_data["action"] == AmendmentAction.ADD:
            return publishing.amendment_add(
                actor=actor,
                key_list=self.context["key_list"],
                enterprise=validated_data["enterprise"],
                categories=validated_data["categories"],
                reason=validated_data["reason"],
            )
        return publishing.amendment_remove(
            actor=actor, entry=validated_data["entry"], reason=validated_data["reason"]
        )


class SuggestionSerializer(serializers.Serializer):
    enterprise = EnterpriseBriefSerializer()
    reasons = serializers.ListField(child=serializers.CharField())


class PublishSerializer(serializers.Serializer):
    published_on = serializers.DateField(required=False)
