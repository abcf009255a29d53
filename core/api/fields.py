from rest_framework import serializers

from core.credit_code import normalize, validate_credit_code


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


class CreditCodeField(serializers.CharField):
    """A unified social credit code: trimmed and upper-cased before it is checked."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(**kwargs)
        self.validators.append(validate_credit_code)

    def to_internal_value(self, data):
        return normalize(super().to_internal_value(data))
