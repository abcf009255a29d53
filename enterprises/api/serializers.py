from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from enterprises.models import Enterprise, Industry, Region
from enterprises.services import enterprise_create, enterprise_update

from .fields import CreditCodeField


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
    credit_code = CreditCodeField(
        validators=[UniqueValidator(queryset=Enterprise.objects.all())]
    )
    region_name = serializers.CharField(source="region.name", read_only=True)
    industry_name = serializers.CharField(source="industry.name", read_only=True)
    is_sme = serializers.BooleanField(read_only=True, allow_null=True)

    class Meta:
        model = Enterprise
        fields = [
            "id", "name", "credit_code", "region", "region_name", "industry", "industry_name",
            "address", "employees", "annual_sales", "total_assets", "is_sme",
        ]

    def create(self, validated_data):
        return enterprise_create(actor=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return enterprise_update(
            actor=self.context["request"].user, enterprise=instance, **validated_data
        )
