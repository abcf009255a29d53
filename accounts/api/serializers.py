from django.contrib.auth.password_validation import validate_password
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from accounts.models import Auditor, Organization, User
from accounts.services import auditor_save, user_create, user_update
from core.api.fields import CreditCodeField, ScopedPrimaryKeyRelatedField


class UserSerializer(serializers.ModelSerializer):
    password = serializers.CharField(
        write_only=True,
        required=False,
        style={"input_type": "password"},
        help_text="Write-only. Without it the account cannot log in until one is set.",
    )

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "password",
            "full_name",
            "email",
            "phone",
            "role",
            "organization",
            "enterprise",
            "is_active",
        ]

    def validate(self, attrs):
        password = attrs.get("password")
        if password:
            candidate = User(**{k: v for k, v in attrs.items() if k != "password"})
            try:
                validate_password(password, candidate)
            except Exception as exc:  # django ValidationError, reported on the field
                raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs

    def create(self, validated_data):
        return user_create(actor=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return user_update(actor=self.context["request"].user, user=instance, **validated_data)


class MeSerializer(serializers.ModelSerializer):
    organization = serializers.SerializerMethodField()
    enterprise = serializers.SerializerMethodField()
    region = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "role",
            "organization",
            "enterprise",
            "region",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string"},
                "kind": {"type": "string"},
            },
        }
    )
    def get_organization(self, user):
        org = user.organization
        return org and {"id": org.id, "name": org.name, "kind": org.kind}

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        }
    )
    def get_enterprise(self, user):
        ent = user.enterprise
        return ent and {"id": ent.id, "name": ent.name}

    @extend_schema_field(
        {"type": "string", "nullable": True, "description": "GB/T 2260 code of the user's region"}
    )
    def get_region(self, user):
        holder = user.organization or user.enterprise
        return holder.region_id if holder else None


class OrganizationSerializer(serializers.ModelSerializer):
    credit_code = CreditCodeField(
        required=False,
        allow_blank=True,
        validators=[UniqueValidator(queryset=Organization.objects.filter(~Q(credit_code="")))],
    )

    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "region", "credit_code", "active"]


class AuditorSerializer(serializers.ModelSerializer):
    # The firm and the enterprise resolve within the caller's scope (the model's own
    # relations, the firm's limited to consultancies).
    serializer_related_field = ScopedPrimaryKeyRelatedField
    valid_until = serializers.DateField(
        required=False,
        help_text="Default: the issue date plus 3, 4 or 5 years by level (seed 004).",
    )
    is_valid = serializers.SerializerMethodField()
    is_qualified = serializers.BooleanField(read_only=True)

    class Meta:
        model = Auditor
        fields = [
            "id",
            "name",
            "certificate_no",
            "level",
            "issued_on",
            "valid_until",
            "organization",
            "enterprise",
            "active",
            "is_valid",
            "is_qualified",
        ]
        extra_kwargs = {
            "organization": {
                "help_text": "The consulting firm; or give `enterprise` for an "
                "enterprise's own staff."
            }
        }

    def get_is_valid(self, auditor) -> bool:
        return auditor.is_valid_on()

    def create(self, validated_data):
        return auditor_save(actor=self.context["request"].user, **validated_data)

    def update(self, instance, validated_data):
        return auditor_save(actor=self.context["request"].user, auditor=instance, **validated_data)
