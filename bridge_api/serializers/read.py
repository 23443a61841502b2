"""Response serializers of the read API. Views render through them, so the OpenAPI schema
documents exactly what is sent."""

from rest_framework import serializers

from bridge_api.serializers.common import HoursField, choices


def _hours(help_text: str = "") -> HoursField:
    return HoursField(read_only=True, help_text=help_text)


class FormationRefSerializer(serializers.Serializer):
    formation_id = serializers.IntegerField()
    nom = serializers.CharField()


class BlocRefSerializer(serializers.Serializer):
    bloc_id = serializers.IntegerField()
    nom = serializers.CharField()


class ModuleRefSerializer(serializers.Serializer):
    module_id = serializers.IntegerField()
    nom = serializers.CharField()


class PersonneRefSerializer(serializers.Serializer):
    personne_id = serializers.IntegerField()
    nom_prenom = serializers.CharField()


class ClientRefSerializer(serializers.Serializer):
    client_id = serializers.IntegerField()
    nom = serializers.CharField()


class ProjetRefSerializer(serializers.Serializer):
    projet_id = serializers.IntegerField()
    nom = serializers.CharField()


class TacheRefSerializer(serializers.Serializer):
    tache_id = serializers.IntegerField()
    nom = serializers.CharField()


class PersonneSerializer(serializers.Serializer):
    personne_id = serializers.IntegerField()
    nom_prenom = serializers.CharField()
    email = serializers.CharField()
    slug = serializers.CharField()
    roles = serializers.ListField(child=choices("personne", "roles"))
    statut = choices("personne", "statut", allow_null=True)
    capacite_formation_h = _hours("Training capacity in hours.")
    capacite_agence_h = _hours("Agency capacity in hours.")
    heures_attribuees_formation = _hours("Σ hours of its non-cancelled attributions.")
    heures_restantes_formation = _hours("capacite_formation_h − heures_attribuees_formation.")
    heures_realisees_agence = _hours("Σ hours of its valid interventions.")
    heures_restantes_agence = _hours("capacite_agence_h − heures_realisees_agence.")
    capacite_totale_h = _hours()
    heures_engagees_totales = _hours()
    heures_restantes_totales = _hours()


class AttributionSerializer(serializers.Serializer):
    attribution_id = serializers.IntegerField()
    nom = serializers.CharField()
    module = ModuleRefSerializer(allow_null=True)
    personne = PersonneRefSerializer(allow_null=True)
    heures_attribuees = _hours()
    heures_realisees = _hours()
    statut = choices("attribution", "statut", allow_null=True)
    date_debut = serializers.DateField(allow_null=True)
    justification = serializers.CharField(allow_blank=True)


class InterventionSerializer(serializers.Serializer):
    intervention_id = serializers.IntegerField()
    nom = serializers.CharField()
    tache = TacheRefSerializer(allow_null=True)
    personne = PersonneRefSerializer(allow_null=True)
    date = serializers.DateField(allow_null=True)
    heures = _hours()
    notes = serializers.CharField(allow_blank=True)
    statut = choices("intervention", "statut", allow_null=True)


class HoursRollupSerializer(serializers.Serializer):
    heures = _hours("Capacity in hours (Σ of the modules for a bloc or a formation).")
    heures_deja_attribuees = _hours("Σ of non-cancelled attributions.")
    heures_realisees_total = _hours("Σ of realised hours of non-cancelled attributions.")
    heures_restantes = _hours("heures − heures_deja_attribuees.")


class ModuleBaseSerializer(serializers.Serializer):
    module_id = serializers.IntegerField()
    nom = serializers.CharField()
    bloc = BlocRefSerializer(allow_null=True)
    statut = choices("module", "statut", allow_null=True)


class ModuleSerializer(ModuleBaseSerializer, HoursRollupSerializer):
    """A module and its hours."""


class ModuleDetailSerializer(ModuleSerializer):
    attributions_actives = AttributionSerializer(many=True)


class BlocSerializer(serializers.Serializer):
    bloc_id = serializers.IntegerField()
    nom = serializers.CharField()
    ordre = _hours("Position of the bloc in its formation.")
    formation = FormationRefSerializer(allow_null=True)
    docmost_page_id = serializers.CharField(allow_blank=True)


class BlocDetailSerializer(BlocSerializer, HoursRollupSerializer):
    modules = ModuleSerializer(many=True)


class FormationSerializer(serializers.Serializer):
    formation_id = serializers.IntegerField()
    nom = serializers.CharField()
    code = serializers.CharField(allow_blank=True)
    statut = choices("formation", "statut", allow_null=True)
    date_debut = serializers.DateField(allow_null=True)
    date_fin = serializers.DateField(allow_null=True)
    docmost_space_id = serializers.CharField(allow_blank=True)
    docmost_page_id = serializers.CharField(allow_blank=True)


class FormationDetailSerializer(FormationSerializer, HoursRollupSerializer):
    blocs = BlocDetailSerializer(many=True)


class ClientSerializer(serializers.Serializer):
    client_id = serializers.IntegerField()
    nom = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    telephone = serializers.CharField(allow_blank=True)


class ProjetSerializer(serializers.Serializer):
    projet_id = serializers.IntegerField()
    nom = serializers.CharField()
    client = ClientRefSerializer(allow_null=True)
    statut = choices("projet", "statut", allow_null=True)
    charge_estimee_h = _hours()
    docmost_page_id = serializers.CharField(allow_blank=True)


class ClientDetailSerializer(ClientSerializer):
    projets = ProjetSerializer(many=True)


class TacheSerializer(serializers.Serializer):
    tache_id = serializers.IntegerField()
    nom = serializers.CharField()
    projet = ProjetRefSerializer(allow_null=True)
    statut = choices("tache", "statut", allow_null=True)
    estimation_h = _hours()
    heures_realisees = _hours("Σ hours of its valid interventions.")


class TacheDetailSerializer(TacheSerializer):
    interventions = InterventionSerializer(many=True)


class ProjetDetailSerializer(ProjetSerializer):
    heures_realisees = _hours("Σ hours of valid interventions on its tâches.")
    heures_restantes = _hours("charge_estimee_h − heures_realisees.")
    taches = TacheSerializer(many=True)


class ProjetTimelineSerializer(serializers.Serializer):
    projet = ProjetSerializer()
    interventions = InterventionSerializer(many=True, help_text="Newest first.")


class ProjetEnCoursSerializer(ProjetSerializer):
    heures_realisees_personne = _hours("Hours this personne logged on the projet.")


class PersonneDashboardSerializer(serializers.Serializer):
    personne = PersonneSerializer()
    attributions_actives = AttributionSerializer(many=True, help_text="Prévues or en cours.")
    interventions_recentes = InterventionSerializer(many=True, help_text="The 10 latest.")
    projets_en_cours = ProjetEnCoursSerializer(many=True)
