"""Request bodies and answers of the write API (attributions, interventions, projets)."""

from decimal import Decimal

from rest_framework import serializers

from bridge_api.serializers.common import (
    BodySerializer,
    HoursField,
    HoursInputField,
    JustificationField,
    choices,
)

# -- request bodies ------------------------------------------------------------------------------

RG05 = "Missing or blank: 422 RG_VIOLATION (RG-05)."
RG06_HOURS = "In ]0, 24]; outside, 422 RG_VIOLATION (RG-06)."


class ModuleAttribuerInputSerializer(BodySerializer):
    personne_id = serializers.IntegerField(min_value=1)
    heures = HoursInputField(above_zero=True)
    date_debut = serializers.DateField(required=False, allow_null=True, default=None)


class AttributionHeuresRealiseesInputSerializer(BodySerializer):
    heures_realisees = HoursInputField(
        help_text="More than the attributed hours: 422 RG_VIOLATION (RG-03)."
    )


class AttributionAnnulerInputSerializer(BodySerializer):
    justification = JustificationField(help_text=f"Why the attribution is cancelled. {RG05}")


class InterventionCreateInputSerializer(BodySerializer):
    tache_id = serializers.IntegerField(min_value=1)
    personne_id = serializers.IntegerField(min_value=1)
    heures = HoursInputField(
        above_zero=True, at_most=Decimal(24), rule="RG-06", help_text=RG06_HOURS
    )
    date = serializers.DateField(help_text="Not in the future (RG-06).")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class InterventionUpdateInputSerializer(BodySerializer):
    min_properties = 1

    heures = HoursInputField(
        above_zero=True, at_most=Decimal(24), rule="RG-06", required=False, help_text=RG06_HOURS
    )
    date = serializers.DateField(required=False, help_text="Not in the future (RG-06).")
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)

    def validate(self, attrs: dict[str, object]) -> dict[str, object]:
        if not attrs:
            raise serializers.ValidationError("Give at least one of heures, date, notes.")
        return attrs


class InterventionAnnulerInputSerializer(BodySerializer):
    justification = JustificationField(help_text=f"Why the intervention is cancelled. {RG05}")


class NoBodyInputSerializer(BodySerializer):
    """Operations without a body (`cloturer`): any key sent is refused."""


# -- answers -------------------------------------------------------------------------------------


class ModuleRollupSerializer(serializers.Serializer):
    module_id = serializers.IntegerField()
    module_nom = serializers.CharField()
    statut = choices("module", "statut", allow_null=True)
    heures_module = HoursField()
    heures_deja_attribuees = HoursField()
    heures_realisees_total = HoursField()
    heures_restantes = HoursField()


class PersonneFormationRollupSerializer(serializers.Serializer):
    personne_id = serializers.IntegerField()
    nom_prenom = serializers.CharField()
    capacite_formation_h = HoursField()
    heures_attribuees_formation = HoursField()
    heures_restantes_formation = HoursField()


class AttributionWriteSerializer(serializers.Serializer):
    attribution_id = serializers.IntegerField(help_text="0 in a dry run of a creation.")
    nom = serializers.CharField()
    heures_attribuees = HoursField()
    heures_realisees = HoursField()
    statut = choices("attribution", "statut", allow_null=True)
    date_debut = serializers.DateField(allow_null=True)
    justification = serializers.CharField(allow_blank=True)
    module = ModuleRollupSerializer()
    personne = PersonneFormationRollupSerializer()


class TacheWriteRefSerializer(serializers.Serializer):
    tache_id = serializers.IntegerField()
    tache_nom = serializers.CharField()


class PersonneAgenceRollupSerializer(serializers.Serializer):
    personne_id = serializers.IntegerField()
    nom_prenom = serializers.CharField()
    capacite_agence_h = HoursField()
    heures_realisees_agence = HoursField()
    heures_restantes_agence = HoursField()


class InterventionWriteSerializer(serializers.Serializer):
    intervention_id = serializers.IntegerField(help_text="0 in a dry run of a creation.")
    nom = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    heures = HoursField()
    notes = serializers.CharField(allow_blank=True)
    statut = choices("intervention", "statut", allow_null=True)
    tache = TacheWriteRefSerializer(allow_null=True)
    personne = PersonneAgenceRollupSerializer()
    depassement_capacite_agence = serializers.BooleanField(
        help_text="Over agency capacity: allowed, but the admins are alerted."
    )


class ProjetCloturerSerializer(serializers.Serializer):
    projet_id = serializers.IntegerField()
    nom = serializers.CharField()
    statut = choices("projet", "statut", allow_null=True)
    docmost_page_id = serializers.CharField(allow_blank=True)
