"""Response serializers of the embeds API: what a Docmost node-view (or a script) shows."""

from rest_framework import serializers

from bridge_api.serializers.common import HoursField
from bridge_api.serializers.read import FormationSerializer, ModuleSerializer, ProjetSerializer


class ProjetEmbedSerializer(ProjetSerializer):
    heures_realisees = HoursField(read_only=True, help_text="Σ hours of valid interventions.")
    heures_restantes = HoursField(read_only=True, help_text="charge_estimee_h − heures_realisees.")


class ModulesAAttribuerSerializer(serializers.Serializer):
    formation = FormationSerializer()
    modules = ModuleSerializer(many=True, help_text="Modules with hours attributed to nobody.")
    heures_a_attribuer = HoursField(read_only=True, help_text="Σ of their heures_restantes.")


class CardUrlSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The card's signed URL, for an embed (provider iframe).")
    kind = serializers.CharField()
    key_id = serializers.CharField(help_text="The signing key (CARD_SIGNING_KEYS) it relies on.")
    expires_at = serializers.DateTimeField(allow_null=True, help_text="Null: never expires.")
