from django.db.models import Prefetch
from django.http import FileResponse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts.choices import Role
from audits import events, publishing, services, workflow
from audits.filters import AuditFilter
from audits.models import (
    Audit,
    Balance,
    Document,
    Option,
    OptionBenefit,
    Target,
)
from core.api.filters import AS_ARRAY
from core.api.pagination import IdsFirstPagination
from core.api.permissions import RolePermission
from core.api.serializers import HistorySerializer
from core.files import download_responses
from enterprises.api.serializers import KeyListSerializer
from enterprises.api.views import WRITERS, KeyListChildMixin
from enterprises.api.views import KeyListViewSet as DraftKeyListViewSet
from enterprises.models import ListAmendment

from .serializers import (
    AmendmentSerializer,
    AuditSerializer,
    BalanceSerializer,
    CommentSerializer,
    DocumentSerializer,
    EventSerializer,
    OptionBulkSerializer,
    OptionSerializer,
    PublishSerializer,
    SuggestionSerializer,
    TargetSerializer,
    TransitionOptionSerializer,
    TransitionRequestSerializer,
)

# Authorities read and comment; the enterprise and its firm do the work (the services
# check which audit is whose). Experts read the audits of the rounds they sit on.
READERS = {Role.ADMIN, Role.AUTHORITY, Role.CONSULTANT, Role.ENTERPRISE, Role.EXPERT}
WORKERS = {Role.ADMIN, Role.CONSULTANT, Role.ENTERPRISE}


class AuditViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AuditSerializer
    filterset_class = AuditFilter
    pagination_class = IdsFirstPagination
    permission_classes = [RolePermission]
    read_roles = READERS
    write_roles = WORKERS
    action_roles = {"transition": WORKERS, "comments": READERS, "events": READERS}

    def get_queryset(self):
        # The enterprise name, the list year and the team ids are on every row.
        return (
            Audit.objects.for_user(self.request.user)
            # the disclosure for `late` (the list's year is the audit's own).
            .select_related("enterprise", "list_entry__disclosure")
            .prefetch_related("team")
            .with_pending()
            .order_by("start_due", "id")
        )

    @extend_schema(responses=TransitionOptionSerializer(many=True))
    @action(detail=True, methods=["get"], **AS_ARRAY)
    def transitions(self, request, pk=None):
        return Response(workflow.available_transitions(self.get_object()))

    @extend_schema(request=TransitionRequestSerializer, responses=AuditSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        audit = self.get_object()
        params = TransitionRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        workflow.audit_transition(audit=audit, actor=request.user, **params.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(responses=HistorySerializer(many=True))
    @action(detail=True, methods=["get"], **AS_ARRAY)
    def history(self, request, pk=None):
        logs = self.get_object().transitions.select_related("actor")
        return Response(HistorySerializer(logs, many=True).data)

    @extend_schema(responses=EventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def events(self, request, pk=None):
        """Every change to the audit and its parts, oldest first, with who and when."""
        return Response(
            EventSerializer(events.timeline(self.get_object(), request.user), many=True).data
        )

    @extend_schema(methods=["get"], responses=CommentSerializer(many=True))
    @extend_schema(methods=["post"], request=CommentSerializer, responses=CommentSerializer)
    @action(detail=True, methods=["get", "post"], **AS_ARRAY)
    def comments(self, request, pk=None):
        audit = self.get_object()
        if request.method == "GET":
            return Response(
                CommentSerializer(audit.comments.select_related("author"), many=True).data
            )
        params = CommentSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        comment = services.comment_add(
            actor=request.user, audit=audit, text=params.validated_data["text"]
        )
        return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


class AuditChildViewSet(viewsets.ModelViewSet):
    permission_classes = [RolePermission]
    read_roles = READERS
    write_roles = WORKERS
    filterset_fields = ["audit"]
    model = None

    def get_queryset(self):
        return self.model.objects.for_user(self.request.user).select_related("audit")


class TargetViewSet(AuditChildViewSet):
    serializer_class = TargetSerializer
    model = Target

    def perform_destroy(self, instance):
        services.target_delete(actor=self.request.user, target=instance)


class BalanceViewSet(AuditChildViewSet):
    serializer_class = BalanceSerializer
    model = Balance

    def get_queryset(self):
        return super().get_queryset().prefetch_related("flows")  # totals per row

    def perform_destroy(self, instance):
        services.balance_delete(actor=self.request.user, balance=instance)


class OptionViewSet(AuditChildViewSet):
    serializer_class = OptionSerializer
    model = Option
    filterset_fields = ["audit", "status", "cost_class", "aspect"]

    def get_queryset(self):
        # The province (for the cost-class warning) and the benefits are on every row.
        return (
            super()
            .get_queryset()
            .select_related("audit__enterprise")
            .prefetch_related(Prefetch("benefits", queryset=OptionBenefit.objects.all()))
            .order_by("audit_id", "code")
        )

    def perform_destroy(self, instance):
        services.option_delete(actor=self.request.user, option=instance)

    @extend_schema(responses=HistorySerializer(many=True))
    @action(detail=True, methods=["get"], **AS_ARRAY)
    def history(self, request, pk=None):
        """Every change of the option's status, with who, when and the reason."""
        changes = self.get_object().status_changes.select_related("actor")
        return Response(HistorySerializer(changes, many=True).data)

    @extend_schema(request=OptionBulkSerializer, responses=OptionSerializer(many=True))
    @action(detail=False, methods=["post"])
    def bulk(self, request):
        params = OptionBulkSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        rows = data.get("options") or services.parse_option_text(data["text"])
        options = services.options_bulk_create(actor=request.user, audit=data["audit"], rows=rows)
        queryset = self.get_queryset().filter(pk__in=[o.pk for o in options])
        return Response(
            self.get_serializer(queryset, many=True).data, status=status.HTTP_201_CREATED
        )


class DocumentViewSet(
    mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet
):
    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser, FormParser]
    permission_classes = [RolePermission]
    read_roles = READERS
    write_roles = WORKERS
    action_roles = {"download": READERS}
    filterset_fields = ["audit", "kind", "option"]

    def get_queryset(self):
        # The uploader and the later version (`superseded_by`) are on every row.
        return Document.objects.for_user(self.request.user).select_related(
            "uploaded_by", "superseded_by"
        )

    def perform_destroy(self, instance):
        services.document_delete(actor=self.request.user, document=instance)

    @extend_schema(responses=download_responses())
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        document = self.get_object()
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )


# --- key lists: publishing and amending (audits.publishing) -----------------------------


# The key-list API of `enterprises` (drafting, import) with what opens audits here:
# publishing, and the carry-over suggestions.
class KeyListViewSet(DraftKeyListViewSet):
    @extend_schema(request=PublishSerializer, responses=KeyListSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        key_list = self.get_object()
        params = PublishSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        publishing.key_list_publish(actor=request.user, key_list=key_list, **params.validated_data)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(responses=SuggestionSerializer(many=True))
    @action(detail=True, methods=["get"], **AS_ARRAY)
    def suggestions(self, request, pk=None):
        key_list = self.get_object()
        return Response(
            SuggestionSerializer(
                publishing.carry_over_suggestions(key_list=key_list, actor=request.user), many=True
            ).data
        )


class AmendmentViewSet(
    KeyListChildMixin, mixins.CreateModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    serializer_class = AmendmentSerializer
    permission_classes = [RolePermission]
    read_roles = None
    write_roles = WRITERS

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ListAmendment.objects.none()
        return self.key_list().amendments.select_related("entry__enterprise", "actor")
