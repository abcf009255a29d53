from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.errors import StateConflict
from core.files import PDF, XLSX, download_responses
from reporting.models import JobState, ReportJob
from reporting.services import report_file_response, report_request

from .serializers import ReportJobSerializer, ReportRequestSerializer


class ReportJobViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Report jobs whose subject the caller may see; POST records one and enqueues it
    (202); the file comes from `…/download/` once done."""

    serializer_class = ReportJobSerializer
    filterset_fields = ["kind", "format", "state", "audit"]

    def get_queryset(self):
        return ReportJob.objects.for_user(self.request.user).order_by("-created_at", "-id")

    @extend_schema(request=ReportRequestSerializer, responses={202: ReportJobSerializer})
    def create(self, request, *args, **kwargs):
        params = ReportRequestSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        job = report_request(actor=request.user, **params.validated_data)
        job.refresh_from_db()  # in-process tasks have already rendered it
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=download_responses(PDF, XLSX))
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        job = self.get_object()
        if job.state != JobState.DONE:
            raise StateConflict(
                _("The report is not ready."),
                unmet=[_("The report is “%(state)s”.") % {"state": job.get_state_display()}],
            )
        return report_file_response(job)
