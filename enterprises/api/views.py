from rest_framework import viewsets

from accounts.choices import Role
from cpaudit.api.permissions import RolePermission
from enterprises.filters import EnterpriseFilter, IndustryFilter, RegionFilter
from enterprises.models import Enterprise, Industry, Region
from enterprises.services import enterprise_delete

from .serializers import EnterpriseSerializer, IndustrySerializer, RegionSerializer


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
        return Enterprise.objects.for_user(self.request.user).select_related(
            "region", "industry"
        )

    def perform_destroy(self, instance):
        enterprise_delete(actor=self.request.user, enterprise=instance)
