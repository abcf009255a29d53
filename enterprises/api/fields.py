from rest_framework import serializers

from enterprises.credit_code import normalize, validate_credit_code


class CreditCodeField(serializers.CharField):
    """A unified social credit code: trimmed and upper-cased before it is checked."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(**kwargs)
        self.validators.append(validate_credit_code)

    def to_internal_value(self, data):
        return normalize(super().to_internal_value(data))
