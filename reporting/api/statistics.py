"""`GET /api/v1/statistics/summary/?region=&year=&as_of=` (api.md "Reports and statistics").

Beside the performance table: `signals` (the token-compliance signals by consulting
firm and city) and `cp_grades` (the CP level reached at acceptance), issue 18; both as
they are now, so absent with `as_of`.

The figures and what they count are `reporting.statistics.summary`'s. A `region` that does
not exist or lies outside the caller's jurisdiction is a 404, the same answer for both;
a malformed one (not six digits) or a year outside 2003–2100 is a 400 with field errors.
With `as_of` (a past or present day), the figures as they stood at the end of that day,
from the history (`reporting.as_of`); a day in the future is a 400.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.choices import Role
from core.api.permissions import RolePermission
from reporting.as_of import summary_as_of
from reporting.statistics import cp_grade_statistics, signal_statistics, summary


class SummaryParamsSerializer(serializers.Serializer):
    region = serializers.RegexField(
        r"^\d{6}$",
        required=False,
        allow_blank=True,
        help_text=_("A six-digit GB/T 2260 region code within your jurisdiction."),
        error_messages={"invalid": _("A region is given by its six-digit code.")},
    )
    # The compulsory audits began with the 2003 law (domain.md "Why it exists").
    year = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=2003,
        max_value=2100,
        help_text=_("The key list's year."),
    )
    as_of = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("The figures as they stood at the end of this day (YYYY-MM-DD)."),
    )

    def validate_as_of(self, value):
        if value and value > timezone.localdate():
            raise serializers.ValidationError(_("The figures of a day still to come are unknown."))
        return value


def _decimal(places: int):
    return serializers.DecimalField(max_digits=None, decimal_places=places, coerce_to_string=True)


class RoundCountsSerializer(serializers.Serializer):
    passed = serializers.IntegerField()
    failed = serializers.IntegerField()
    pending = serializers.IntegerField()


class ReviewCountsSerializer(RoundCountsSerializer):
    """Audits by their latest concluded round (passed, failed) and with an open round
    (pending); `rounds` counts the rounds themselves."""

    rounds = RoundCountsSerializer()


class OverdueSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    disclosure = serializers.IntegerField()
    report = serializers.IntegerField()
    acceptance = serializers.IntegerField()


class CostClassFiguresSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    implemented = serializers.IntegerField()
    investment = _decimal(2)


class OptionFiguresSerializer(serializers.Serializer):
    no_low = CostClassFiguresSerializer()
    mid_high = CostClassFiguresSerializer()


class BenefitSumSerializer(serializers.Serializer):
    expected = _decimal(4)
    actual = _decimal(4)
    verified = _decimal(4)


class BreakdownRowSerializer(serializers.Serializer):
    """One city or industry: its code and name, then the columns of
    `reporting.statistics.COLUMN_LABELS`."""

    code = serializers.CharField()
    name = serializers.CharField()
    listed = serializers.IntegerField()
    started = serializers.IntegerField()
    overdue = serializers.IntegerField()
    submitted = serializers.IntegerField(help_text=_("Reports submitted."))
    assessed_passed = serializers.IntegerField()
    assessed_failed = serializers.IntegerField()
    accepted_passed = serializers.IntegerField()
    accepted_failed = serializers.IntegerField()
    no_low_count = serializers.IntegerField()
    no_low_implemented = serializers.IntegerField()
    no_low_investment = _decimal(2)
    mid_high_count = serializers.IntegerField()
    mid_high_implemented = serializers.IntegerField()
    mid_high_investment = _decimal(2)


class SignalKindSerializer(serializers.Serializer):
    kind = serializers.CharField()
    title = serializers.CharField(help_text=_("In the reader's language."))


class SignalCountsSerializer(serializers.Serializer):
    rounds = serializers.IntegerField(
        help_text=_("Rounds checked: the concluded ones and the open ones as last shown.")
    )
    signals = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=_("For every signal kind, the number of those rounds that raised it."),
    )


class SignalFirmSerializer(SignalCountsSerializer):
    id = serializers.IntegerField(
        allow_null=True, help_text=_("The consulting firm; null for the self-audits.")
    )
    name = serializers.CharField()


class SignalCitySerializer(SignalCountsSerializer):
    code = serializers.CharField()
    name = serializers.CharField()


class SignalStatisticsSerializer(serializers.Serializer):
    """`reporting.statistics.signal_statistics`: the rounds in scope that raised each
    token-compliance signal, by consulting firm and by city. The rounds behind a count
    are listed at `/reviews/?signal=<kind>&consultancy=<id|none>` or
    `&region=<city code>` (with `&year=` for a year's key list)."""

    kinds = SignalKindSerializer(many=True)
    total = SignalCountsSerializer()
    by_consultancy = SignalFirmSerializer(many=True)
    by_city = SignalCitySerializer(many=True)


class CpGradeRowSerializer(serializers.Serializer):
    grades = serializers.IntegerField(help_text=_("The grading scheme: 2 or 3 grades."))
    grade = serializers.IntegerField(
        allow_null=True, help_text=_("1 the best; null: no grade reached.")
    )
    label = serializers.CharField()
    before = serializers.IntegerField(help_text=_("Audits at this grade before the options."))
    after = serializers.IntegerField(help_text=_("Audits at this grade after the options."))


class SummarySerializer(serializers.Serializer):
    as_of = serializers.DateField(
        required=False, help_text=_("The day of the figures, when asked for; absent for today's.")
    )
    listed = serializers.IntegerField()
    by_state = serializers.DictField(child=serializers.IntegerField())
    overdue = OverdueSerializer()
    assessments = ReviewCountsSerializer()
    acceptances = ReviewCountsSerializer()
    options = OptionFiguresSerializer()
    benefits = serializers.DictField(child=BenefitSumSerializer())
    by_city = BreakdownRowSerializer(many=True)
    by_industry = BreakdownRowSerializer(many=True)
    signals = SignalStatisticsSerializer(
        required=False,
        help_text=_("Token-compliance signals by consulting firm and city; absent with as_of."),
    )
    cp_grades = CpGradeRowSerializer(
        many=True,
        required=False,
        help_text=_(
            "The CP level reached before and after the options by the audits at acceptance "
            "(their latest acceptance round); absent with as_of."
        ),
    )


class StatisticsSummaryView(APIView):
    """The performance table of the caller's jurisdiction (domain.md §5): authorities
    and admins; other roles 403."""

    permission_classes = [RolePermission]
    read_roles = {Role.ADMIN, Role.AUTHORITY}

    @extend_schema(
        operation_id="statistics_summary",
        parameters=[SummaryParamsSerializer],
        responses=SummarySerializer,
        tags=["statistics"],
    )
    def get(self, request):
        params = SummaryParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        arguments = {
            "user": request.user,
            "region": params.validated_data.get("region") or None,
            "year": params.validated_data.get("year"),
        }
        if as_of := params.validated_data.get("as_of"):
            data = summary_as_of(as_of=as_of, **arguments)
        else:
            data = summary(**arguments)
            # Kept per round (assessments.round_checks) as they are now, not as of a day.
            data["signals"] = signal_statistics(**arguments)
            data["cp_grades"] = cp_grade_statistics(**arguments)
        return Response(SummarySerializer(data).data)
