from rest_framework import serializers


# One change of state (api.md "Audits": history): from, to, who, when, why. The history
# rows of audits, options and review rounds share the shape (from_state, to_state, actor,
# at, comment), so one serializer reads them all.
class HistorySerializer(serializers.Serializer):
    # "from" is a Python keyword: declared through get_fields.
    to = serializers.CharField(source="to_state")
    actor = serializers.CharField(source="actor.username")
    at = serializers.DateTimeField(read_only=True, label="When")
    comment = serializers.CharField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        return {"from": serializers.CharField(source="from_state"), **fields}
