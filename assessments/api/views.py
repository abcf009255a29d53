from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.choices import Role
from assessments import services
from assessments.choices import ReviewKind
from assessments.filters import ReviewFilter
from assessments.models import (
    Demand,
    ExpertProfile,
    PanelMember,
    Review,
    ScoringSheet,
    Verification,
)
from audits.models import OptionBenefit
from core.api.filters import AS_ARRAY
from core.api.permissions import RolePermission
from core.api.serializers import HistorySerializer

from .serializers import (
    CandidateSerializer,
    ConcludeRequestSerializer,
    DemandResponseSerializer,
    DemandSerializer,
    DrawRequestSerializer,
    ExpertProfileSerializer,
    PanelChangeSerializer,
    PanelRequestSerializer,
    PublicAcceptanceSerializer,
    ReviewDetailSerializer,
    ReviewSerializer,
    RoundSheetSerializer,
    RoundSnapshotSerializer,
    ScoreRequestSerializer,
    ScoreSerializer,
    ScoringSheetSerializer,
    VerificationRequestSerializer,
    VerificationSerializer,
)

SUPERVISORS = {Role.ADMIN, Role.AUTHORITY}


class ReviewViewSet(viewsets.ReadOnlyModelViewSet):
    """api.md "Reviews". Anyone logged in reads the rounds in their scope (an expert:
    the rounds they sit on); the services check who may do what to which round."""

    kind: str = ""
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter
    permission_classes = [RolePermission]
    read_roles = None
    action_roles = {
        "panel": SUPERVISORS,
        "draw": SUPERVISORS,
        "candidates": SUPERVISORS,
        "conclude": SUPERVISORS,
        "scores": None,
        "verifications": None,
        "snapshot": None,
        "demands": None,
    }

    def get_queryset(self):
        # The enterprise name, the sheet's pass mark and the panel are on every row.
        return (
            Review.objects.for_user(self.request.user)
            .filter(kind=self.kind)
            .select_related("audit__enterprise", "sheet")
            .prefetch_related(Prefetch("panel", queryset=PanelMember.objects.order_by("pk")))
            .order_by("-applied_on", "-id")
        )

    def get_serializer_class(self):
        return ReviewDetailSerializer if self.action == "retrieve" else ReviewSerializer

    def _detail(self, review):
        return Response(ReviewDetailSerializer(self.get_queryset().get(pk=review.pk)).data)

    @extend_schema(responses=RoundSheetSerializer)
    @action(detail=True, methods=["get"])
    def sheet(self, request, pk=None):
        return Response(self.get_object().sheet.as_data())

    @extend_schema(request=PanelRequestSerializer, responses=ReviewDetailSerializer)
    @action(detail=True, methods=["post"])
    def panel(self, request, pk=None):
        review = self.get_object()
        params = PanelRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.panel_set(
            actor=request.user, review=review, expert_ids=params.validated_data["experts"]
        )
        return self._detail(review)

    @extend_schema(request=DrawRequestSerializer, responses=ReviewDetailSerializer)
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        review = self.get_object()
        params = DrawRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.panel_draw(actor=request.user, review=review, **params.validated_data)
        return self._detail(review)

    @extend_schema(responses=CandidateSerializer(many=True))
    @action(detail=True, methods=["get"], **AS_ARRAY)
    def candidates(self, request, pk=None):
        review = self.get_object()
        services.require_supervisor(request.user, review)
        return Response(CandidateSerializer(services.candidates(review), many=True).data)

    @extend_schema(responses=PanelChangeSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="panel-history", **AS_ARRAY)
    def panel_history(self, request, pk=None):
        changes = self.get_object().panel_changes.select_related("actor")
        return Response(PanelChangeSerializer(changes, many=True).data)

    @extend_schema(responses=HistorySerializer(many=True))
    @action(detail=True, methods=["get"], **AS_ARRAY)
    def history(self, request, pk=None):
        """Every change of the round's state, with who, when and the comment (a
        conclusion's opinion)."""
        changes = self.get_object().transitions.select_related("actor")
        return Response(HistorySerializer(changes, many=True).data)

    @extend_schema(methods=["get"], responses=ScoreSerializer(many=True))
    @extend_schema(methods=["post"], request=ScoreRequestSerializer, responses=ScoreSerializer)
    @action(detail=True, methods=["get", "post"], **AS_ARRAY)
    def scores(self, request, pk=None):
        review = self.get_object()
        if request.method == "GET":
            earlier = services.earlier_scores(request.user, review)
            return Response(
                ScoreSerializer(
                    services.visible_scores(request.user, review),
                    many=True,
                    context={"earlier": earlier},
                ).data
            )
        params = ScoreRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        score = services.score_submit(actor=request.user, review=review, **params.validated_data)
        return Response(ScoreSerializer(score).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=RoundSnapshotSerializer)
    @action(detail=True, methods=["get"])
    def snapshot(self, request, pk=None):
        """What the panel was given and what it judged, exactly as kept."""
        review = self.get_object()
        return Response(
            {
                "review": review.pk,
                "kind": review.kind,
                "round": review.round,
                "submitted": services.without_withheld_documents(
                    request.user, review, review.submitted
                ),
                "concluded": services.without_withheld_documents(
                    request.user, review, review.snapshot
                ),
                "changes_since_previous": services.without_withheld_documents(
                    request.user, review, services.round_changes(review)
                ),
            }
        )

    @extend_schema(responses=DemandSerializer(many=True))
    @action(detail=True, methods=["get"])
    def demands(self, request, pk=None):
        """The round's rectification demands with their answers."""
        demands = self.get_object().demands.select_related("responded_by")
        return Response(DemandSerializer(demands, many=True).data)

    @extend_schema(request=ConcludeRequestSerializer, responses=ReviewDetailSerializer)
    @action(detail=True, methods=["post"])
    def conclude(self, request, pk=None):
        review = self.get_object()
        params = ConcludeRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.review_conclude(actor=request.user, review=review, **params.validated_data)
        return self._detail(review)


class AssessmentViewSet(ReviewViewSet):
    kind = ReviewKind.ASSESSMENT


class AcceptanceViewSet(ReviewViewSet):
    kind = ReviewKind.ACCEPTANCE

    @extend_schema(methods=["get"], responses=VerificationSerializer(many=True))
    @extend_schema(
        methods=["post"], request=VerificationRequestSerializer, responses=VerificationSerializer
    )
    @action(detail=True, methods=["get", "post"], **AS_ARRAY)
    def verifications(self, request, pk=None):
        review = self.get_object()
        if request.method == "POST":
            params = VerificationRequestSerializer(
                data=request.data, context=self.get_serializer_context()
            )
            params.is_valid(raise_exception=True)
            saved = services.verification_save(
                actor=request.user, review=review, **params.validated_data
            )
        # The option's claimed benefits and the verified ones are on every row.
        verifications = (
            Verification.objects.filter(review=review)
            .select_related("option", "verified_by")
            .prefetch_related(
                "benefits", Prefetch("option__benefits", queryset=OptionBenefit.objects.all())
            )
        )
        if request.method == "POST":
            return Response(
                VerificationSerializer(verifications.get(pk=saved.pk)).data,
                status=status.HTTP_201_CREATED,
            )
        return Response(VerificationSerializer(verifications, many=True).data)


class ScoringSheetViewSet(
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Published sheet versions; POST publishes a new one (never an edit); PATCH
    `{"active": false}` retires one; DELETE only a version no round used (409)."""

    serializer_class = ScoringSheetSerializer
    permission_classes = [RolePermission]
    read_roles = SUPERVISORS
    write_roles = SUPERVISORS
    filterset_fields = ["kind", "province"]

    def get_queryset(self):
        return ScoringSheet.objects.for_user(self.request.user).select_related("published_by")

    def perform_destroy(self, instance):
        services.sheet_delete(actor=self.request.user, sheet=instance)


class ExpertProfileViewSet(viewsets.ModelViewSet):
    serializer_class = ExpertProfileSerializer
    permission_classes = [RolePermission]
    read_roles = {Role.ADMIN}
    write_roles = {Role.ADMIN}
    filterset_fields = ["user"]

    def get_queryset(self):
        return ExpertProfile.objects.prefetch_related("industries").order_by("pk")

    def perform_destroy(self, instance):
        services.expert_profile_delete(actor=self.request.user, profile=instance)


class PublicAcceptanceViewSet(viewsets.ReadOnlyModelViewSet):
    """Concluded acceptances, for anyone (no login)."""

    serializer_class = PublicAcceptanceSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    filterset_fields = ["result"]

    def get_queryset(self):
        return (
            Review.objects.public()
            .select_related("audit__enterprise")
            .order_by("-concluded_on", "-id")
        )


class DemandViewSet(viewsets.GenericViewSet):
    """`POST /api/v1/demands/{id}/respond/`: the enterprise or its firm answers a
    rectification demand of a round it can see (the service checks who)."""

    serializer_class = DemandSerializer
    permission_classes = [RolePermission]
    read_roles = None
    action_roles = {"respond": {Role.ADMIN, Role.CONSULTANT, Role.ENTERPRISE}}

    def get_queryset(self):
        return Demand.objects.for_user(self.request.user).select_related(
            "review__audit", "responded_by"
        )

    @extend_schema(request=DemandResponseSerializer, responses=DemandSerializer)
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        demand = self.get_object()
        params = DemandResponseSerializer(data=request.data, context={"request": request})
        params.is_valid(raise_exception=True)
        demand = services.demand_respond(actor=request.user, demand=demand, **params.validated_data)
        return Response(DemandSerializer(demand).data)
