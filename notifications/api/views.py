from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from notifications.models import Notification
from notifications.services import notification_mark_read

from .serializers import MarkReadSerializer, NotificationSerializer


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications, newest first; `?unread=true` for the bell."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        queryset = Notification.objects.for_user(self.request.user)
        if self.request.query_params.get("unread") in {"1", "true"}:
            queryset = queryset.unread()
        return queryset

    @extend_schema(
        request=MarkReadSerializer,
        responses={200: {"type": "object", "properties": {"marked": {"type": "integer"}}}},
    )
    @action(detail=False, methods=["post"])
    def read(self, request):
        params = MarkReadSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        marked = notification_mark_read(user=request.user, ids=params.validated_data.get("ids"))
        return Response({"marked": marked})
