from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets
from rest_framework.authtoken.views import ObtainAuthToken

from accounts import services
from accounts.choices import Role
from accounts.filters import AuditorFilter, OrganizationFilter, UserFilter
from accounts.models import Auditor, Organization, User
from core.api.permissions import RolePermission

from .serializers import AuditorSerializer, MeSerializer, OrganizationSerializer, UserSerializer


class TokenView(ObtainAuthToken):
    """`POST {"username","password"}` → `{"token"}`. Failed attempts count towards the
    login lockout (django-axes), like the login page."""

    def get_serializer_context(self):
        # django-axes marks a locked-out request on the HttpRequest its middleware
        # sees, not on DRF's wrapper.
        return {**super().get_serializer_context(), "request": self.request._request}


class MeView(generics.RetrieveAPIView):
    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user


class UserViewSet(viewsets.ModelViewSet):
    serializer_class = UserSerializer
    filterset_class = UserFilter
    permission_classes = [RolePermission]
    read_roles = write_roles = {Role.ADMIN}
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def get_queryset(self):
        return User.objects.for_user(self.request.user)


class OrganizationViewSet(viewsets.ModelViewSet):
    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter
    permission_classes = [RolePermission]
    read_roles = None
    write_roles = {Role.ADMIN}

    def get_queryset(self):
        return Organization.objects.for_user(self.request.user)

    def perform_destroy(self, instance):
        services.organization_delete(actor=self.request.user, organization=instance)


class AuditorViewSet(viewsets.ModelViewSet):
    serializer_class = AuditorSerializer
    filterset_class = AuditorFilter
    permission_classes = [RolePermission]
    # An enterprise reads its own staff auditors and those of the firm it engaged (the
    # audit team is chosen from both).
    read_roles = {Role.ADMIN, Role.AUTHORITY, Role.CONSULTANT, Role.ENTERPRISE}
    write_roles = {Role.ADMIN, Role.AUTHORITY}

    def get_queryset(self):
        return Auditor.objects.for_user(self.request.user)

    def perform_destroy(self, instance):
        services.auditor_delete(actor=self.request.user, auditor=instance)


extend_schema(tags=["auth"])(TokenView)
