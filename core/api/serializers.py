from rest_framework import serializers


class HistorySerializer(serializers.Serializer):
    """One change of state (api.md "Audits": history): from, to, who, when, why. The
    history rows of audits, options and review rounds share this shape (from_state,
    to_state, actor, at, comment)."""

    # "from" is a Python keyword: declared through get_fields.
    to = serializers.CharField(source="to_state")
    actor = serializers.CharField(source="actor.username")
    at = serializers.DateTimeField()
    comment = serializers.CharField()

    def get_fields(self):
        fields = super().get_fields()
        return {"from": serializers.CharField(source="from_state"), **fields}
