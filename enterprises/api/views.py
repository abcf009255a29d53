from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.choices import Role
from core.api.permissions import RolePermission
from core.files import XLSX, download_responses
from enterprises import services
from enterprises.choices import EntryStatus, ListStatus
from enterprises.filters import EnterpriseFilter, IndustryFilter, PublicEntryFilter, RegionFilter
from enterprises.imports import key_list_import, template_workbook
from enterprises.models import (
    EmissionDisclosure,
    Enterprise,
    Industry,
    KeyEnterpriseList,
    ListEntry,
    ProvincePolicy,
    Region,
)

from .serializers import (
    DisclosureSerializer,
    EnterpriseSerializer,
    EntrySerializer,
    ImportResultSerializer,
    ImportSerializer,
    IndustrySerializer,
    KeyListSerializer,
    PolicySerializer,
    PolicyVersionSerializer,
    PublicEntrySerializer,
    PublicKeyListSerializer,
    PublicListedEntrySerializer,
    RegionSerializer,
)


class RegionViewSet(viewsets.ModelViewSet):
    """GB/T 2260 divisions, addressed by code. Reference data: everyone reads."""

    queryset = Region.objects.all()
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    permission_classes = [RolePermission]
    read_roles = None
    write_roles = {Role.ADMIN}


class IndustryViewSet(viewsets.ModelViewSet):
    """GB/T 4754-2017 sections and divisions, addressed by code."""

    queryset = Industry.objects.all()
    serializer_class = IndustrySerializer
    filterset_class = IndustryFilter
    permission_classes = [RolePermission]
    read_roles = None
    write_roles = {Role.ADMIN}


class EnterpriseViewSet(viewsets.ModelViewSet):
    serializer_class = EnterpriseSerializer
    filterset_class = EnterpriseFilter
    permission_classes = [RolePermission]
    read_roles = {Role.ADMIN, Role.AUTHORITY, Role.ENTERPRISE}
    write_roles = {Role.ADMIN, Role.AUTHORITY}

    def get_queryset(self):
        # region and industry names are in every row.
        return Enterprise.objects.for_user(self.request.user).select_related("region", "industry")

    def perform_destroy(self, instance):
        services.enterprise_delete(actor=self.request.user, enterprise=instance)


WRITERS = {Role.ADMIN, Role.AUTHORITY}


class KeyListViewSet(viewsets.ModelViewSet):
    serializer_class = KeyListSerializer
    permission_classes = [RolePermission]
    read_roles = None
    write_roles = WRITERS
    filterset_fields = ["year", "status", "province"]

    def get_queryset(self):
        # entry_count on every row, in the same query.
        # Meta.ordering does not apply to GROUP BY queries: order explicitly.
        return (
            KeyEnterpriseList.objects.for_user(self.request.user)
            .annotate(entry_count=Count("entries", filter=Q(entries__status=EntryStatus.ACTIVE)))
            .order_by("-year", "province_id")
        )

    def perform_destroy(self, instance):
        services.key_list_delete(actor=self.request.user, key_list=instance)

    @extend_schema(
        request={"multipart/form-data": ImportSerializer},
        responses={
            200: ImportResultSerializer,
            400: OpenApiResponse(
                description='{"errors": [{"row", "field", "message"}]}; nothing saved'
            ),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        parser_classes=[MultiPartParser, FormParser],
        url_path="import",
    )
    def import_file(self, request, pk=None):
        key_list = self.get_object()
        params = ImportSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        result = key_list_import(
            actor=request.user, key_list=key_list, upload=params.validated_data["file"]
        )
        return Response(result)

    @extend_schema(
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes
        }
    )
    @action(detail=False, methods=["get"], url_path="import-template")
    def import_template(self, request):
        response = HttpResponse(template_workbook(), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="key-list-template.xlsx"'
        return response


class KeyListChildMixin:
    """Views under /key-lists/{list_pk}/: the list must be within the caller's scope."""

    def key_list(self):
        if not hasattr(self, "_key_list"):
            self._key_list = get_object_or_404(
                KeyEnterpriseList.objects.for_user(self.request.user).select_related("province"),
                pk=self.kwargs["list_pk"],
            )
        return self._key_list

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "list_pk" in self.kwargs:
            context["key_list"] = self.key_list()
        return context


class EntryViewSet(KeyListChildMixin, viewsets.ModelViewSet):
    serializer_class = EntrySerializer
    permission_classes = [RolePermission]
    read_roles = None
    write_roles = WRITERS
    filterset_fields = ["status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ListEntry.objects.none()
        # enterprise, its region and industry, and the audit are on every row.
        return (
            ListEntry.objects.for_user(self.request.user)
            .filter(key_list=self.key_list())
            .select_related("enterprise__region", "enterprise__industry", "audit", "carryover")
        )

    def perform_destroy(self, instance):
        services.entry_delete(actor=self.request.user, entry=instance)


def public_entries():
    """The active entries of published lists, enterprise, region and industry on every
    row (anyone may read them, no login)."""
    return (
        ListEntry.objects.active()
        .filter(key_list__status=ListStatus.PUBLISHED)
        .select_related("enterprise__region", "enterprise__industry")
    )


class PublicKeyListViewSet(viewsets.ReadOnlyModelViewSet):
    """Published lists, each with its number of entries, for anyone (no login); the
    entries page at `{id}/entries/?search=&page=`."""

    serializer_class = PublicKeyListSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    filterset_fields = ["year", "province"]
    filterset_class = None  # the entries' own (PublicEntryFilter) on that action

    def get_queryset(self):
        if self.action == "entries":
            return public_entries()
        # entry_count in the same query, a count per list from the index of its active
        # entries (entry_once_per_list) rather than a join of every entry.
        active = ListEntry.objects.filter(key_list=OuterRef("pk"), status=EntryStatus.ACTIVE)
        return (
            KeyEnterpriseList.objects.filter(status=ListStatus.PUBLISHED)
            .select_related("province")
            .annotate(
                entry_count=Coalesce(
                    Subquery(
                        active.order_by().values("key_list").annotate(n=Count("pk")).values("n")
                    ),
                    0,
                )
            )
            .order_by("-year", "province_id", "-id")
        )

    @extend_schema(responses=PublicEntrySerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        serializer_class=PublicEntrySerializer,
        filterset_class=PublicEntryFilter,
    )
    def entries(self, request, pk=None):
        key_list = get_object_or_404(
            KeyEnterpriseList.objects.filter(status=ListStatus.PUBLISHED), pk=pk
        )
        entries = self.filter_queryset(self.get_queryset().filter(key_list=key_list))
        page = self.paginate_queryset(entries.order_by("enterprise__name", "id"))
        return self.get_paginated_response(PublicEntrySerializer(page, many=True).data)


class PublicEntryViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """An enterprise across the published lists (`?search=<name or credit code>`), for
    anyone (no login): each entry with its list."""

    serializer_class = PublicListedEntrySerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    filterset_class = PublicEntryFilter

    def get_queryset(self):
        return (
            public_entries()
            .select_related("key_list")
            .order_by("-key_list__year", "key_list__province_id", "enterprise__name", "id")
        )


class DisclosureViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DisclosureSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    permission_classes = [RolePermission]
    read_roles = None
    write_roles = {Role.ADMIN, Role.ENTERPRISE}

    def get_queryset(self):
        return (
            EmissionDisclosure.objects.for_user(self.request.user)
            .select_related(
                "entry__enterprise__region", "entry__enterprise__industry", "entry__audit"
            )
            .prefetch_related("pollutants")
        )


class PublicDisclosureViewSet(DisclosureViewSet):
    """Submitted disclosures are public (domain.md §1)."""

    http_method_names = ["get", "head", "options"]
    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=download_responses())
    @action(detail=True, methods=["get"])
    def document(self, request, pk=None):
        disclosure = self.get_object()
        return FileResponse(
            disclosure.document.open("rb"),
            as_attachment=True,
            content_type=disclosure.document_content_type,
            filename=disclosure.document.name.rsplit("/", 1)[-1],
        )


class PolicyViewSet(
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """The figures every rule uses, by province code; `national` is the default.
    Reading a province without its own policy gives the national default."""

    serializer_class = PolicySerializer
    permission_classes = [RolePermission]
    read_roles = None
    write_roles = WRITERS
    lookup_field = "province"
    lookup_value_regex = r"\d{6}|national"

    def get_queryset(self):
        return ProvincePolicy.objects.all()

    def get_object(self):
        code = self.kwargs["province"]
        if code == "national":
            return ProvincePolicy.objects.get(province__isnull=True)
        get_object_or_404(Region.objects.filter(level="province"), code=code)
        return ProvincePolicy.for_province(code)

    @extend_schema(responses=PolicyVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request, province=None):
        """Every saved version of the policy, oldest first, with who saved it."""
        policy = self.get_object()
        if policy.pk is None or (province != "national" and policy.province_id is None):
            return Response([])
        versions = policy.versions.select_related("saved_by")
        return Response(PolicyVersionSerializer(versions, many=True).data)

    def perform_update(self, serializer):
        code = self.kwargs["province"]
        serializer.instance = services.policy_save(
            actor=self.request.user,
            province_code=None if code == "national" else code,
            **serializer.validated_data,
        )
