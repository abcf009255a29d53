"""The survey app's API (issue 18): thin views over survey.services, the audit found
through Audit.objects.for_user (outside it: 404); a role that may never write gets 403
before the audit is looked up (RolePermission)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.choices import Role
from audits.models import Audit
from core.api.permissions import RolePermission
from survey import selectors, services
from survey.models import EvaluationSystem, MonitoringImport

from .serializers import (
    EvaluationRequestSerializer,
    EvaluationSerializer,
    EvaluationSystemSerializer,
    MonitoringImportSerializer,
    MonitoringUploadSerializer,
    SurveySerializer,
    SystemImportSerializer,
)

READERS = {Role.ADMIN, Role.AUTHORITY, Role.CONSULTANT, Role.ENTERPRISE, Role.EXPERT}
WORKERS = {Role.ADMIN, Role.CONSULTANT, Role.ENTERPRISE}


class AuditPartView(APIView):
    permission_classes = [RolePermission]
    read_roles = READERS
    write_roles = WORKERS

    def audit(self, pk) -> Audit:
        # The path names it `id`, as every other audit path does (api.md).
        return get_object_or_404(
            Audit.objects.for_user(self.request.user).select_related(
                "enterprise", "list_entry__key_list"
            ),
            pk=pk,
        )


class SurveyView(AuditPartView):
    @extend_schema(responses=SurveySerializer)
    def get(self, request, id):
        return Response(SurveySerializer(selectors.survey_or_blank(self.audit(id))).data)

    @extend_schema(request=SurveySerializer, responses=SurveySerializer)
    def put(self, request, id):
        audit = self.audit(id)
        params = SurveySerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        if "table" in data:
            services.survey_paste(
                actor=request.user,
                audit=audit,
                table=data["table"],
                first_year=data.get("first_year"),
                reason=data.get("reason", ""),
            )
        else:
            services.survey_save(
                actor=request.user,
                audit=audit,
                lines=data["lines"],
                first_year=data.get("first_year"),
                intensity_threshold_pct=data.get("intensity_threshold_pct"),
                monitoring_tolerance_pct=data.get("monitoring_tolerance_pct"),
                reason=data.get("reason", ""),
            )
        return Response(SurveySerializer(selectors.survey_of(audit)).data)


class MonitoringView(AuditPartView):
    # The authority in scope imports its own online monitoring (survey.services).
    write_roles = WORKERS | {Role.AUTHORITY}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(responses=MonitoringImportSerializer(many=True))
    def get(self, request, id):
        imports = (
            MonitoringImport.objects.filter(audit=self.audit(id))
            .select_related("imported_by")
            .prefetch_related("figures")
        )
        return Response(MonitoringImportSerializer(imports, many=True).data)

    @extend_schema(request=MonitoringUploadSerializer, responses=MonitoringImportSerializer)
    def post(self, request, id):
        audit = self.audit(id)
        params = MonitoringUploadSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        record = services.monitoring_import(
            actor=request.user,
            audit=audit,
            source=params.validated_data["source"],
            upload=params.validated_data["file"],
        )
        return Response(MonitoringImportSerializer(record).data, status=status.HTTP_201_CREATED)


class EvaluationView(AuditPartView):
    @extend_schema(responses=EvaluationSerializer)
    def get(self, request, id):
        data = selectors.evaluation_data(self.audit(id))
        return Response(None if data is None else EvaluationSerializer(data).data)

    @extend_schema(request=EvaluationRequestSerializer, responses=EvaluationSerializer)
    def put(self, request, id):
        audit = self.audit(id)
        params = EvaluationRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        values = [
            {
                "indicator": int(v["indicator"]) if v["indicator"].isdigit() else v["indicator"],
                "before": v.get("before"),
                "after": v.get("after"),
            }
            for v in params.validated_data["values"]
        ]
        services.evaluation_save(
            actor=request.user, audit=audit, system=params.validated_data["system"], values=values
        )
        return Response(EvaluationSerializer(selectors.evaluation_data(audit)).data)


class EvaluationSystemViewSet(viewsets.ReadOnlyModelViewSet):
    """Published industry systems: read by every role; imported by the admin."""

    serializer_class = EvaluationSystemSerializer
    permission_classes = [RolePermission]
    read_roles = READERS
    action_roles = {"import_system": {Role.ADMIN}}
    filterset_fields = ["industry_code", "grades"]
    # The indicators of every system on the page, in one more query.
    queryset = EvaluationSystem.objects.prefetch_related("indicators").order_by(
        "industry_code", "title", "version"
    )

    @extend_schema(request=SystemImportSerializer, responses=EvaluationSystemSerializer)
    @action(
        detail=False,
        methods=["post"],
        url_path="import",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def import_system(self, request):
        params = SystemImportSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        upload = data.pop("file")
        system = services.evaluation_system_import(actor=request.user, upload=upload, **data)
        return Response(EvaluationSystemSerializer(system).data, status=status.HTTP_201_CREATED)
