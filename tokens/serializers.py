from rest_framework import serializers


class TokenMeSerializer(serializers.Serializer):
    name = serializers.CharField()
    key_id = serializers.CharField(help_text="Public identifier: the part after `brg_`.")
    scopes = serializers.ListField(child=serializers.CharField())
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True, help_text="Null: never expires.")
    last_used_at = serializers.DateTimeField(allow_null=True)
