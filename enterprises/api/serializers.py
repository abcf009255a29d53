import json

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from core.api.fields import CreditCodeField, ScopedPrimaryKeyRelatedField
from enterprises import services
from enterprises.choices import Category, DischargeMode
from enterprises.models import (
    DisclosedPollutant,
    EmissionDisclosure,
    Enterprise,
    Industry,
    KeyEnterpriseList,
    ListEntry,
    ProvincePolicy,
    Region,
)


class RegionSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Region
        fields = ["code", "name", "name_zh", "name_en", "level", "parent", "retired"]


class IndustrySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Industry
        fields = ["code", "name", "name_zh", "name_en", "level", "section"]


class EnterpriseSerializer(serializers.ModelSerializer):
    credit_code = CreditCodeField(validators=[UniqueValidator(queryset=Enterprise.objects.all())])
    region_name = serializers.CharField(source="region.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    is_sme = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Enterprise
        fields = [
            "id",
            "name",
            "credit_code",
            "region",
            "region_name",
            "industry",
            "industry_name",
            "industry_class",
            "address",
            "employees",
            "annual_sales",
            "total_assets",
            "is_sme",
        ]

    def create(self, validated_data):
        return services.enterprise_create(actor=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return services.enterprise_update(
            actor=self.context["request"].user, enterprise=instance, **validated_data
        )


class KeyListSerializer(serializers.ModelSerializer):
    region = serializers.PrimaryKeyRelatedField(
        source="province", queryset=Region.objects.filter(level="province")
    )
    entry_count = serializers.IntegerField(read_only=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)

    class Meta:
        model = KeyEnterpriseList
        fields = ["id", "year", "region", "title", "status", "published_on", "entry_count"]
        read_only_fields = ["status", "published_on"]

    def validate(self, attrs):
        if self.instance is not None and set(attrs) - {"title"}:
            raise serializers.ValidationError(
                {"region": _("The province and year of a list do not change.")}
            )
        return attrs

    def create(self, validated_data):
        key_list = services.key_list_create(actor=self.context["request"].user, **validated_data)
        key_list.entry_count = 0
        return key_list

    def update(self, instance, validated_data):
        key_list = services.key_list_update(
            actor=self.context["request"].user,
            key_list=instance,
            title=validated_data.get("title", instance.title),
        )
        key_list.entry_count = instance.entry_count
        return key_list


class EnterpriseBriefSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)

    class Meta:
        model = Enterprise
        fields = ["id", "name", "credit_code", "region", "region_name", "industry", "industry_name"]


class EntrySerializer(serializers.ModelSerializer):
    enterprise = ScopedPrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    enterprise_detail = EnterpriseBriefSerializer(source="enterprise", read_only=True)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices), allow_empty=False
    )
    audit = serializers.SerializerMethodField()

    class Meta:
        model = ListEntry
        fields = [
            "id",
            "enterprise",
            "enterprise_detail",
            "categories",
            "reason",
            "open_audit",
            "closing_reason",
            "status",
            "audit",
        ]
        read_only_fields = ["status"]

    def get_audit(self, entry) -> int | None:
        """The audit the entry answers to: the one it opened, or the open audit of an
        earlier list it continues."""
        audit = getattr(entry, "audit", None)
        if audit is not None:
            return audit.pk
        carryover = getattr(entry, "carryover", None)
        return carryover.audit_id if carryover else None

    def save_entry(self, **kwargs):
        return services.entry_save(
            actor=self.context["request"].user, key_list=self.context["key_list"], **kwargs
        )

    def create(self, validated_data):
        return self.save_entry(**validated_data)

    def update(self, instance, validated_data):
        data = {
            "enterprise": instance.enterprise,
            "categories": instance.categories,
            "reason": instance.reason,
        } | validated_data
        return self.save_entry(entry=instance, **data)


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()


class PublicEntrySerializer(serializers.ModelSerializer):
    enterprise = EnterpriseBriefSerializer()
    categories = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = ListEntry
        fields = ["id", "enterprise", "categories", "reason"]


class PublicKeyListSerializer(serializers.ModelSerializer):
    """A published list without its entries (they page at …/{id}/entries/)."""

    region = serializers.CharField(source="province_id")
    region_name = serializers.CharField(source="province.name")
    entry_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = KeyEnterpriseList
        fields = ["id", "year", "region", "region_name", "title", "published_on", "entry_count"]


class PublicListBriefSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="province_id")

    class Meta:
        model = KeyEnterpriseList
        fields = ["id", "year", "region", "title", "published_on"]


class PublicListedEntrySerializer(PublicEntrySerializer):
    """An entry found across the published lists, with the list it is on."""

    key_list = PublicListBriefSerializer()

    class Meta(PublicEntrySerializer.Meta):
        fields = [*PublicEntrySerializer.Meta.fields, "key_list"]


class PollutantSerializer(serializers.ModelSerializer):
    discharge_mode = serializers.ChoiceField(choices=DischargeMode.choices)
    concentration_exceedance_pct = serializers.DecimalField(
        max_digits=10, decimal_places=1, read_only=True, allow_null=True
    )
    quota_exceedance_pct = serializers.DecimalField(
        max_digits=10, decimal_places=1, read_only=True, allow_null=True
    )

    class Meta:
        model = DisclosedPollutant
        fields = [
            "pollutant",
            "discharge_mode",
            "concentration",
            "concentration_unit",
            "total_emitted_t",
            "standard",
            "standard_limit",
            "quota_t",
            "concentration_exceedance_pct",
            "quota_exceedance_pct",
        ]


class DisclosureSerializer(serializers.ModelSerializer):
    entry = ScopedPrimaryKeyRelatedField(queryset=ListEntry.objects.all())
    enterprise = EnterpriseBriefSerializer(source="entry.enterprise", read_only=True)
    pollutants = PollutantSerializer(many=True)
    document = serializers.FileField(write_only=True)
    document_url = serializers.SerializerMethodField()
    disclosure_due = serializers.DateField(source="entry.audit.disclosure_due", read_only=True)

    class Meta:
        model = EmissionDisclosure
        fields = [
            "id",
            "entry",
            "enterprise",
            "legal_representative",
            "address",
            "pollutants",
            "document",
            "document_url",
            "document_sha256",
            "submitted_at",
            "disclosure_due",
        ]
        read_only_fields = ["document_sha256", "submitted_at"]

    def get_document_url(self, disclosure) -> str:
        return f"/api/v1/public/disclosures/{disclosure.pk}/document/"

    def to_internal_value(self, data):
        # Multipart forms carry the pollutant rows as one JSON text field.
        if hasattr(data, "getlist") and isinstance(data.get("pollutants"), str):
            try:
                pollutants = json.loads(data["pollutants"])
            except ValueError as exc:
                raise serializers.ValidationError(
                    {"pollutants": [_("Give the pollutants as a JSON list.")]}
                ) from exc
            data = {key: data.get(key) for key in data} | {"pollutants": pollutants}
        return super().to_internal_value(data)

    @transaction.atomic
    def create(self, validated_data):
        return services.disclosure_submit(actor=self.context["request"].user, **validated_data)


class PolicySerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province_id", read_only=True, allow_null=True)
    is_national_default = serializers.SerializerMethodField()

    class Meta:
        model = ProvincePolicy
        fields = ["province", "is_national_default", *ProvincePolicy.FIGURES, "updated_at"]
        read_only_fields = ["updated_at"]

    def get_is_national_default(self, policy) -> bool:
        return policy.province_id is None
