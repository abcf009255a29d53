from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.choices import Role
from accounts.models import User
from assessments.models import Review
from core.api.permissions import RolePermission
from procedures import pool, services
from procedures.models import (
    CityProposal,
    ExpertDeclaration,
    Filing,
    Invitation,
    Meeting,
    Registration,
)

from .serializers import (
    AnswerSerializer,
    DecisionSerializer,
    DeclarationSerializer,
    FilingSerializer,
    InvitationSerializer,
    MeetingScheduleSerializer,
    MeetingSerializer,
    MinutesSerializer,
    PoolExpertSerializer,
    PoolExpertWriteSerializer,
    PreReviewSerializer,
    ProposalSerializer,
    ReasonSerializer,
    RegistrationSerializer,
    ReplaceSerializer,
)

EVERYONE = {Role.ADMIN, Role.AUTHORITY, Role.CONSULTANT, Role.ENTERPRISE, Role.EXPERT}
WORKERS = {Role.ADMIN, Role.CONSULTANT, Role.ENTERPRISE}
SUPERVISORS = {Role.ADMIN, Role.AUTHORITY}


class RegistrationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The enterprise's registration after publication (one per audit: posting again
    changes the contact)."""

    serializer_class = RegistrationSerializer
    permission_classes = [RolePermission]
    read_roles = EVERYONE
    write_roles = {Role.ADMIN, Role.ENTERPRISE}
    filterset_fields = ["audit"]

    def get_queryset(self):
        return Registration.objects.for_user(self.request.user).select_related(
            "audit", "registered_by"
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.registration_save(
            actor=self.request.user,
            audit=data["audit"],
            contact_name=data.get("contact_name", ""),
            contact_phone=data.get("contact_phone", ""),
            contact_email=data.get("contact_email", ""),
        )


class FilingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Filings (报备) of the contract and audit plan; the authority accepts or returns."""

    serializer_class = FilingSerializer
    permission_classes = [RolePermission]
    read_roles = EVERYONE
    write_roles = WORKERS
    action_roles = {"accept": SUPERVISORS, "return_": SUPERVISORS}
    filterset_fields = ["audit", "state", "kind"]

    def get_queryset(self):
        return (
            Filing.objects.for_user(self.request.user)
            .select_related("audit", "submitted_by", "decided_by")
            .prefetch_related("documents")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.filing_submit(
            actor=self.request.user,
            audit=data["audit"],
            kind=data["kind"],
            documents=data["documents"],
            note=data.get("note", ""),
        )

    def _answer(self, filing):
        return Response(self.get_serializer(self.get_queryset().get(pk=filing.pk)).data)

    @extend_schema(request=None, responses=FilingSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._answer(services.filing_accept(actor=request.user, filing=self.get_object()))

    @extend_schema(request=ReasonSerializer, responses=FilingSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        filing = self.get_object()
        params = ReasonSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return self._answer(
            services.filing_return(
                actor=request.user, filing=filing, reason=params.validated_data["reason"]
            )
        )


class MeetingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A round's review meeting: scheduled (or moved) by posting it for the round."""

    serializer_class = MeetingSerializer
    permission_classes = [RolePermission]
    read_roles = EVERYONE
    write_roles = SUPERVISORS
    action_roles = {"minutes": SUPERVISORS}
    filterset_fields = ["review"]

    def get_queryset(self):
        return (
            Meeting.objects.for_user(self.request.user)
            .select_related("review")
            .prefetch_related("invitations__expert", "invitations__withdrawn_by")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        meeting = services.meeting_schedule(
            actor=request.user,
            review=data["review"],
            held_on=data["held_on"],
            starts_at=data.get("starts_at"),
            place=data.get("place", ""),
            link=data.get("link", ""),
        )
        return Response(
            self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=MinutesSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def minutes(self, request, pk=None):
        meeting = self.get_object()
        params = MinutesSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.minutes_record(actor=request.user, meeting=meeting, **params.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=meeting.pk)).data)


class RoundMeetingView(APIView):
    """The meeting on a round (api.md: "meetings on a round"):
    `GET /api/v1/assessments/{id}/meeting/` (or acceptances) reads it, `POST` schedules
    or moves it (the authority in scope; 201 when new); `POST …/meeting/minutes/`
    records the minutes and attendance. The same services as `/api/v1/meetings/`."""

    permission_classes = [RolePermission]
    read_roles = EVERYONE
    write_roles = SUPERVISORS
    kind = ""

    def _review(self, pk) -> Review:
        return get_object_or_404(Review.objects.for_user(self.request.user), pk=pk, kind=self.kind)

    def _meeting(self, review):
        return get_object_or_404(
            Meeting.objects.for_user(self.request.user)
            .select_related("review")
            .prefetch_related("invitations__expert", "invitations__withdrawn_by"),
            review=review,
        )

    def _answer(self, review, code=status.HTTP_200_OK):
        meeting = self._meeting(review)
        return Response(
            MeetingSerializer(meeting, context={"request": self.request}).data, status=code
        )

    @extend_schema(responses=MeetingSerializer)
    def get(self, request, pk):
        return self._answer(self._review(pk))

    @extend_schema(
        request=MeetingScheduleSerializer,
        responses={200: MeetingSerializer, 201: MeetingSerializer},
    )
    def post(self, request, pk):
        review = self._review(pk)
        params = MeetingScheduleSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        new = not Meeting.objects.filter(review=review).exists()
        services.meeting_schedule(actor=request.user, review=review, **params.validated_data)
        return self._answer(review, status.HTTP_201_CREATED if new else status.HTTP_200_OK)


class RoundMeetingMinutesView(RoundMeetingView):
    """`POST /api/v1/assessments/{id}/meeting/minutes/` (or acceptances): the minutes
    and who of the panel attended, on or after the meeting date."""

    http_method_names = ["post", "options"]

    @extend_schema(request=MinutesSerializer, responses=MeetingSerializer)
    def post(self, request, pk):
        review = self._review(pk)
        params = MinutesSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.minutes_record(
            actor=request.user, meeting=self._meeting(review), **params.validated_data
        )
        return self._answer(review)


class InvitationViewSet(viewsets.ReadOnlyModelViewSet):
    """Invitations to the meetings: the expert answers and files a pre-review opinion;
    the authority replaces a decline by a draw."""

    serializer_class = InvitationSerializer
    permission_classes = [RolePermission]
    read_roles = {Role.ADMIN, Role.AUTHORITY, Role.EXPERT}
    action_roles = {
        "answer": {Role.EXPERT},
        "pre_review": {Role.EXPERT},
        "replace": SUPERVISORS,
    }
    filterset_fields = ["meeting", "state"]

    def get_queryset(self):
        return Invitation.objects.for_user(self.request.user).select_related(
            "expert", "withdrawn_by"
        )

    def _answer(self, invitation, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=invitation.pk)).data, code)

    @extend_schema(request=AnswerSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        invitation = self.get_object()
        params = AnswerSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return self._answer(
            services.invitation_answer(
                actor=request.user, invitation=invitation, **params.validated_data
            )
        )

    @extend_schema(request=PreReviewSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"], url_path="pre-review")
    def pre_review(self, request, pk=None):
        invitation = self.get_object()
        params = PreReviewSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        return self._answer(
            services.pre_review_submit(
                actor=request.user, invitation=invitation, text=params.validated_data["text"]
            )
        )

    @extend_schema(request=ReplaceSerializer, responses={201: InvitationSerializer})
    @action(detail=True, methods=["post"])
    def replace(self, request, pk=None):
        invitation = self.get_object()
        params = ReplaceSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        replacement = services.invitation_replace(
            actor=request.user, invitation=invitation, seed=params.validated_data.get("seed")
        )
        return self._answer(replacement, status.HTTP_201_CREATED)


class ProposalViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cities propose entries for the province's draft list; the province decides."""

    serializer_class = ProposalSerializer
    permission_classes = [RolePermission]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    read_roles = SUPERVISORS
    write_roles = {Role.AUTHORITY}
    action_roles = {"decide": SUPERVISORS, "evidence": SUPERVISORS}
    filterset_fields = ["key_list", "state"]

    def get_queryset(self):
        return CityProposal.objects.for_user(self.request.user).select_related(
            "enterprise", "proposed_by", "decided_by"
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.proposal_submit(
            actor=self.request.user,
            key_list=data["key_list"],
            enterprise=data["enterprise"],
            categories=data["categories"],
            reason=data.get("reason", ""),
            evidence=data.get("evidence"),
        )

    @extend_schema(request=DecisionSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        proposal = self.get_object()
        params = DecisionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.proposal_decide(actor=request.user, proposal=proposal, **params.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=proposal.pk)).data)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        proposal = self.get_object()
        if not proposal.evidence:
            raise Http404
        return FileResponse(
            proposal.evidence.open("rb"),
            as_attachment=True,
            filename=proposal.evidence_name,
            content_type=proposal.evidence_content_type,
        )


class ExpertPoolView(viewsets.ViewSet):
    """The authority's pool with each expert's record: rounds sat and scored, vetoes
    raised, leniency and spread (procedures.pool); the authority adds experts of its
    region, changes their industries and employers, retires them and records their
    declared ties, as on the pool's page (the same services)."""

    permission_classes = [RolePermission]
    read_roles = SUPERVISORS
    write_roles = SUPERVISORS
    action_roles = {"declarations": SUPERVISORS}
    serializer_class = PoolExpertSerializer

    def _expert(self, pk):
        """An expert of the caller's pool, else 404."""
        expert = (
            pool.pool_of(self.request.user).filter(pk=pk).first() if str(pk).isdigit() else None
        )
        if expert is None:
            raise Http404
        return expert

    def _row(self, expert):
        return PoolExpertSerializer(self._rows(User.objects.filter(pk=expert.pk))[0]).data

    @extend_schema(request=PoolExpertWriteSerializer, responses={201: PoolExpertSerializer})
    def create(self, request):
        params = PoolExpertWriteSerializer(data=request.data, context={"request": request})
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        data.pop("active", None)
        expert = pool.expert_add(actor=request.user, **data)
        return Response(self._row(expert), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=PoolExpertWriteSerializer,
        responses=PoolExpertSerializer,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    def partial_update(self, request, pk=None):
        expert = self._expert(pk)
        params = PoolExpertWriteSerializer(
            data=request.data, partial=True, context={"request": request}
        )
        params.is_valid(raise_exception=True)
        data = params.validated_data
        unknown = {"username", "full_name", "email", "organization"} & set(data)
        if unknown:
            raise ValidationError(
                {name: [_("The account is changed by the administrator.")] for name in unknown}
            )
        with transaction.atomic():
            if {"industries", "employer", "consultancy"} & set(data):
                profile = getattr(expert, "expert_profile", None)
                pool.expert_update(
                    actor=request.user,
                    expert=expert,
                    industries=data.get("industries"),
                    employer=data.get("employer", profile and profile.employer),
                    consultancy=data.get("consultancy", profile and profile.consultancy),
                )
            if "active" in data:
                pool.expert_retire(actor=request.user, expert=expert, active=data["active"])
        return Response(self._row(expert))

    @extend_schema(
        methods=["get"],
        responses=DeclarationSerializer(many=True),
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    @extend_schema(
        methods=["post"],
        request=DeclarationSerializer,
        responses={201: DeclarationSerializer},
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["get", "post"])
    def declarations(self, request, pk=None):
        """The expert's declared ties; `POST` records one."""
        expert = self._expert(pk)
        if request.method == "GET":
            rows = (
                ExpertDeclaration.objects.for_user(request.user)
                .filter(expert=expert)
                .select_related("declared_by")
            )
            return Response(DeclarationSerializer(rows, many=True).data)
        params = DeclarationSerializer(data=request.data, context={"request": request})
        params.is_valid(raise_exception=True)
        declaration = pool.declaration_add(
            actor=request.user, expert=expert, **params.validated_data
        )
        return Response(DeclarationSerializer(declaration).data, status=status.HTTP_201_CREATED)

    def _rows(self, experts):
        experts = list(
            experts.select_related("organization", "expert_profile")
            .prefetch_related("expert_profile__industries")
            .order_by("pk")
        )
        figures, seats = pool.records(experts), pool.seats(experts)
        rows = []
        for expert in experts:
            profile = getattr(expert, "expert_profile", None)
            record = figures.get(expert.pk, {})
            rows.append(
                {
                    "id": expert.pk,
                    "username": expert.username,
                    "name": str(expert),
                    "active": expert.is_active,
                    "organization": expert.organization.name if expert.organization else None,
                    "industries": [i.code for i in profile.industries.all()] if profile else [],
                    "employer": profile.employer_id if profile else None,
                    "consultancy": profile.consultancy_id if profile else None,
                    "rounds_sat": seats.get(expert.pk, 0),
                    "rounds_scored": record.get("rounds", 0),
                    "vetoes_raised": record.get("vetoes", 0),
                    "leniency": record.get("leniency"),
                    "spread": record.get("spread"),
                }
            )
        return rows

    @extend_schema(responses=PoolExpertSerializer(many=True))
    def list(self, request):
        rows = self._rows(pool.pool_of(request.user))
        return Response(PoolExpertSerializer(rows, many=True).data)

    @extend_schema(
        responses=PoolExpertSerializer,
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH)],
    )
    def retrieve(self, request, pk=None):
        experts = pool.pool_of(request.user).filter(pk=pk) if str(pk).isdigit() else None
        if not experts or not experts.exists():
            raise Http404
        return Response(PoolExpertSerializer(self._rows(experts)[0]).data)
