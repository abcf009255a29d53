from rest_framework import serializers

from survey import energy
from survey.choices import LineCategory, MonitoringSource
from survey.models import (
    EvaluationIndicator,
    EvaluationSystem,
    MonitoringFigure,
    MonitoringImport,
    SurveyLine,
)


def plain(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


class SurveyLineSerializer(serializers.ModelSerializer):
    values = serializers.ListField(
        child=serializers.CharField(allow_null=True, allow_blank=True),
        max_length=3,
        help_text="The three years' values, first year first (decimal strings or null).",
    )
    tce = serializers.SerializerMethodField(help_text="Energy lines: the values in tce.")
    tce_factor = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    carrier = serializers.ChoiceField(
        choices=energy.carrier_choices(), required=False, allow_blank=True
    )
    category = serializers.ChoiceField(choices=LineCategory.choices)

    class Meta:
        model = SurveyLine
        fields = ["category", "name", "unit", "carrier", "tce_factor", "values", "tce", "reason"]

    def get_tce(self, line) -> list[str | None]:
        return [plain(v) for v in line.tce]

    def to_representation(self, line):
        data = super().to_representation(line)
        data["values"] = [plain(v) for v in line.values]
        data["tce_factor"] = plain(line.tce_factor)
        return data


class SurveySerializer(serializers.Serializer):
    """`GET/PUT /api/v1/audits/{id}/survey/`: the status survey as a whole; a PUT gives
    `lines` or a pasted `table` (tab-separated, as copied from a spreadsheet)."""

    first_year = serializers.IntegerField(required=False, min_value=1990, max_value=2100)
    years = serializers.ListField(child=serializers.IntegerField(), read_only=True)
    intensity_threshold_pct = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False
    )
    monitoring_tolerance_pct = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    lines = SurveyLineSerializer(many=True, required=False)
    table = serializers.CharField(required=False, write_only=True)
    updated_by = serializers.CharField(source="updated_by.username", read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def validate(self, data):
        if ("lines" in data) == ("table" in data):
            raise serializers.ValidationError(
                {"lines": ["Give the lines or a pasted table, one of them."]}
            )
        return data

    def to_internal_value(self, data):
        # The line rows are checked by the service, all of them at once (RowErrors).
        lines = data.get("lines") if hasattr(data, "get") else None
        rest = {k: v for k, v in data.items() if k != "lines"} if hasattr(data, "items") else data
        validated = super().to_internal_value(rest)
        if lines is not None:
            if not isinstance(lines, list) or not all(isinstance(r, dict) for r in lines):
                raise serializers.ValidationError({"lines": ["A list of lines."]})
            validated["lines"] = lines
        return validated


class MonitoringFigureSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonitoringFigure
        fields = ["pollutant", "year", "quantity", "unit"]


class MonitoringImportSerializer(serializers.ModelSerializer):
    figures = MonitoringFigureSerializer(many=True, read_only=True)
    imported_by = serializers.CharField(source="imported_by.username", read_only=True)

    class Meta:
        model = MonitoringImport
        fields = ["id", "source", "file_name", "sha256", "imported_by", "imported_at", "figures"]


class MonitoringUploadSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=MonitoringSource.choices)
    file = serializers.FileField()


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationIndicator
        fields = [
            "id",
            "position",
            "category",
            "category_weight",
            "code",
            "name",
            "unit",
            "weight",
            "direction",
            "level_1",
            "level_2",
            "level_3",
            "requirements",
            "limiting",
            "note",
        ]


class EvaluationSystemSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = EvaluationSystem
        fields = [
            "id",
            "industry_code",
            "title",
            "version",
            "grades",
            "score_1",
            "score_2",
            "score_3",
            "source",
            "complete",
            "indicators",
        ]


class SystemImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    industry_code = serializers.CharField(max_length=4)
    title = serializers.CharField(max_length=200)
    version = serializers.CharField(max_length=40)
    grades = serializers.ChoiceField(choices=[2, 3])
    score_1 = serializers.DecimalField(max_digits=5, decimal_places=2)
    score_2 = serializers.DecimalField(max_digits=5, decimal_places=2)
    score_3 = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True
    )
    source = serializers.CharField()
    complete = serializers.BooleanField(required=False, default=True)


class ValueSerializer(serializers.Serializer):
    indicator = serializers.CharField(help_text="The indicator's id or code.")
    before = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    after = serializers.CharField(required=False, allow_null=True, allow_blank=True)


class EvaluationRequestSerializer(serializers.Serializer):
    system = serializers.PrimaryKeyRelatedField(queryset=EvaluationSystem.objects.all())
    values = ValueSerializer(many=True)


class GradeSerializer(serializers.Serializer):
    grade = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    scores = serializers.DictField(child=serializers.CharField())
    capped_by = serializers.ListField(child=serializers.CharField())
    applicable = serializers.IntegerField()
    indicators = serializers.IntegerField()


class EvaluationValueSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(source="indicator_id")
    code = serializers.CharField(source="indicator.code")
    before = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)
    after = serializers.DecimalField(max_digits=20, decimal_places=6, allow_null=True)


class EvaluationSerializer(serializers.Serializer):
    """`GET/PUT /api/v1/audits/{id}/evaluation/`: the CP level against the industry
    system, before the audit and after its options (null when none is chosen)."""

    system = serializers.IntegerField()
    title = serializers.CharField()
    industry_code = serializers.CharField()
    grades = serializers.IntegerField()
    complete = serializers.BooleanField()
    before = GradeSerializer()
    after = GradeSerializer()
    values = EvaluationValueSerializer(many=True)
