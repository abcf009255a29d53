from rest_framework import serializers


class ScopedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A reference that resolves only within the caller's scope.

    An id outside it reads as "does not exist", as a 404 would: the same answer for
    objects you may not see and objects that are not there.
    """

    def get_queryset(self):
        request = self.context.get("request")
        queryset = super().get_queryset()
        if request is None:
            return queryset.none()
        return queryset.for_user(request.user)
