"""Supervision's API (issue 16): `/api/v1/upward-reports/`, `/api/v1/urges/`,
`/api/v1/penalties/`, `/api/v1/consultancies/` (`{id}/record/`, `{id}/registration/`).
Thin: each write is one service; scope is the querysets' (outside it, 404)."""

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts import services as accounts
from accounts.choices import Role
from accounts.models import User
from core.api.permissions import RolePermission

from .. import services, workflow
from ..exports import XLSX, download, report_xlsx, xlsx_response
from ..models import ConsultancyRegistration, Penalty, UpwardReport, Urge
from ..selectors import firm_for, firm_record, firms_for
from .serializers import (
    ConsultancyRegistrationSerializer,
    ConsultancySerializer,
    FirmRecordSerializer,
    MoveSerializer,
    PenaltySerializer,
    ReturnSerializer,
    StaffAccountSerializer,
    StaffAccountUpdateSerializer,
    UpwardReportSerializer,
    UpwardReportUpdateSerializer,
    UrgeSerializer,
)

SUPERVISORS = {Role.ADMIN, Role.AUTHORITY}
EVERYONE = {Role.ADMIN, Role.AUTHORITY, Role.CONSULTANT, Role.ENTERPRISE, Role.EXPERT}


class UpwardReportViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Reports upward: the caller's region's own, and those its lower levels sent."""

    serializer_class = UpwardReportSerializer
    permission_classes = [RolePermission]
    read_roles = SUPERVISORS
    write_roles = SUPERVISORS
    filterset_fields = ["state", "kind", "year"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return UpwardReport.objects.for_user(self.request.user).select_related(
            "region", "prepared_by"
        )

    def retrieve(self, request, *args, **kwargs):
        report = self.get_object()
        figures = report.figures
        if figures is None:
            figures = workflow.figures_for(actor=request.user, report=report)
        context = self.get_serializer_context() | {"figures": {report.pk: figures}}
        return Response(UpwardReportSerializer(report, context=context).data)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = workflow.upward_report_create(
            actor=self.request.user,
            region=data["region"],
            kind=data["kind"],
            year=data["year"],
            as_of=data.get("as_of"),
            note=data.get("note", ""),
        )

    @extend_schema(request=UpwardReportUpdateSerializer, responses=UpwardReportSerializer)
    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        params = UpwardReportUpdateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        report = workflow.upward_report_update(
            actor=request.user, report=report, **params.validated_data
        )
        return Response(self.get_serializer(report).data)

    def _move(self, request, service, params_class):
        report = self.get_object()
        params = params_class(data=request.data)
        params.is_valid(raise_exception=True)
        report = service(actor=request.user, report=report, **params.validated_data)
        return Response(self.get_serializer(report).data)

    @extend_schema(request=MoveSerializer, responses=UpwardReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Freeze the figures as of the report's day and send it one level up."""
        return self._move(request, workflow.upward_report_submit, MoveSerializer)

    @extend_schema(request=MoveSerializer, responses=UpwardReportSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        return self._move(request, workflow.upward_report_receive, MoveSerializer)

    @extend_schema(request=ReturnSerializer, responses=UpwardReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_report(self, request, pk=None):
        return self._move(request, workflow.upward_report_return, ReturnSerializer)

    @extend_schema(responses={(200, XLSX): OpenApiResponse(description="The spreadsheet.")})
    @action(detail=True, methods=["get"])
    def xlsx(self, request, pk=None):
        report = self.get_object()
        figures = report.figures or workflow.figures_for(actor=request.user, report=report)
        return xlsx_response(report_xlsx(report, figures), f"upward-report-{report.pk}.xlsx")

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(description="The PDF.")})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The PDF of a submitted report, once rendered (404 before)."""
        report = self.get_object()
        return download(
            report.pdf, filename=f"upward-report-{report.pk}.pdf", content_type="application/pdf"
        )


class UrgeViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Urge notices: sent by authorities, read by whoever sees the audit."""

    serializer_class = UrgeSerializer
    permission_classes = [RolePermission]
    read_roles = EVERYONE
    write_roles = SUPERVISORS
    filterset_fields = ["audit"]

    def get_queryset(self):
        return Urge.objects.for_user(self.request.user).select_related("sent_by")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.urge_send(
            actor=self.request.user, audit=data["audit"], text=data["text"]
        )


class PenaltyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PenaltySerializer
    permission_classes = [RolePermission]
    read_roles = {Role.ADMIN, Role.AUTHORITY, Role.CONSULTANT, Role.ENTERPRISE}
    write_roles = SUPERVISORS
    filterset_fields = ["enterprise", "consultancy", "audit"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return Penalty.objects.for_user(self.request.user).select_related("recorded_by")

    def perform_create(self, serializer):
        serializer.instance = services.penalty_record(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse()})
    @action(detail=True, methods=["get"])
    def document(self, request, pk=None):
        penalty = self.get_object()
        return download(
            penalty.document,
            filename=f"penalty-{penalty.pk}.{penalty.document_extension}",
            content_type=penalty.document_content_type,
        )


class ConsultancyViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The consulting firms an authority watches, each firm's record and registration."""

    serializer_class = ConsultancySerializer
    permission_classes = [RolePermission]
    read_roles = SUPERVISORS
    write_roles = SUPERVISORS

    def get_queryset(self):
        return firms_for(self.request.user).order_by("name", "id")

    @extend_schema(responses=FirmRecordSerializer)
    @action(detail=True, methods=["get"])
    def record(self, request, pk=None):
        firm = firm_for(request.user, pk)
        return Response(FirmRecordSerializer(firm_record(user=request.user, firm=firm)).data)

    @extend_schema(
        methods=["GET"],
        responses=ConsultancyRegistrationSerializer,
        operation_id="consultancy_registration",
    )
    @extend_schema(
        methods=["PUT"],
        request=ConsultancyRegistrationSerializer,
        responses=ConsultancyRegistrationSerializer,
        operation_id="consultancy_registration_update",
    )
    @action(detail=True, methods=["get", "put"])
    def registration(self, request, pk=None):
        firm = firm_for(request.user, pk)
        if request.method == "GET":
            registration = ConsultancyRegistration.objects.filter(organization=firm).first()
            if registration is None:
                raise Http404
            return Response(ConsultancyRegistrationSerializer(registration).data)
        params = ConsultancyRegistrationSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        registration = services.registration_save(
            actor=request.user, organization=firm, **params.validated_data
        )
        return Response(
            ConsultancyRegistrationSerializer(registration).data, status=status.HTTP_200_OK
        )


class StaffAccountViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The accounts of the staff of the enterprises and consulting firms of the caller's
    region (accounts.User.objects.for_user): create (the owner is invited by mail to set
    a password), change the name, email or phone, deactivate or reactivate (`PATCH
    is_active`), `POST {id}/invite/` again. Authorities and admins; outside the region
    404; the admin keeps the other accounts (`/api/v1/users/`)."""

    permission_classes = [RolePermission]
    read_roles = SUPERVISORS
    write_roles = SUPERVISORS
    filterset_fields = ["role", "is_active", "enterprise", "organization"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            User.objects.for_user(self.request.user)
            .staff()
            .prefetch_related("changes__actor")
            .order_by("role", "username", "id")
        )

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return StaffAccountUpdateSerializer
        return StaffAccountSerializer

    @extend_schema(responses=StaffAccountSerializer)
    def partial_update(self, request, *args, **kwargs):
        super().partial_update(request, *args, **kwargs)
        return Response(StaffAccountSerializer(self.get_object()).data)

    @extend_schema(request=None, responses=StaffAccountSerializer)
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        """Mail the owner a new link to set their password."""
        accounts.staff_invite(actor=request.user, user=self.get_object())
        return Response(StaffAccountSerializer(self.get_object()).data)
