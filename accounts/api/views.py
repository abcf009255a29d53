from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.choices import Role
from accounts.filters import AuditorFilter, OrganizationFilter, UserFilter
from accounts.models import Auditor, Organization, User
from accounts.tokens import token_expires_at, token_issue, token_renew, token_revoke
from core.api.permissions import RolePermission

from .serializers import AuditorSerializer, MeSerializer, OrganizationSerializer, UserSerializer


class TokenView(ObtainAuthToken):
    """`POST {"username","password"}` → `{"token"}`. Failed attempts count towards the
    login lockout (django-axes), like the login page."""

    def get_serializer_context(self):
        # django-axes marks a locked-out request on the HttpRequest its middleware
        # sees, not on DRF's wrapper.
        return {**super().get_serializer_context(), "request": self.request._request}

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key, "expires_at": token_expires_at(token)})

    @extend_schema(responses={204: None})
    def delete(self, request, *args, **kwargs):
        """Revoke the caller's own token (logging out of the API)."""
        if not request.user.is_authenticated:
            return Response(status=status.HTTP_401_UNAUTHORIZED)
        token_revoke(actor=request.user, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "DELETE" else []


TOKEN_RESPONSE = inline_serializer(
    "Token",
    {"token": serializers.CharField(), "expires_at": serializers.DateTimeField()},
)


class TokenRenewView(APIView):
    """`POST` → a new token for the caller, good for another API_TOKEN_TTL_DAYS; the old
    one stops working."""

    @extend_schema(request=None, responses=TOKEN_RESPONSE, tags=["auth"])
    def post(self, request):
        token = token_renew(actor=request.user)
        return Response({"token": token.key, "expires_at": token_expires_at(token)})


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


extend_schema(tags=["auth"])(TokenView)


class UserTokenView(APIView):
    """`DELETE` → an admin revokes the user's API token (204)."""

    permission_classes = [RolePermission]
    read_roles = write_roles = {Role.ADMIN}

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def delete(self, request, pk):
        user = get_object_or_404(User.objects.for_user(request.user), pk=pk)
        token_revoke(actor=request.user, user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)
