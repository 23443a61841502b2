"""Shared by the write API's test modules: a fresh scenario on the fake Baserow and a client
allowed to write attributions and interventions."""

import pytest


class Scenario:
    """A fresh formation (one bloc, two modules of 30 h and 10 h), people and a tâche."""

    def __init__(self, connection):
        self.connection = connection
        client, t = connection.client, lambda e: connection.mapping.table(e).table_id
        self.t = t
        self.formation = client.create_row(t("formation"), {"nom": "Test", "statut": "en_cours"})[
            "id"
        ]
        self.bloc = client.create_row(
            t("bloc"), {"nom": "B", "formation": [self.formation], "ordre": 1}
        )["id"]
        self.module, self.small = (
            row["id"]
            for row in client.batch_create(
                t("module"),
                [
                    {"nom": "Gros", "bloc": [self.bloc], "heures": 30, "statut": "a_attribuer"},
                    {"nom": "Petit", "bloc": [self.bloc], "heures": 10, "statut": "a_attribuer"},
                ],
            )
        )
        self.spare = client.create_row(
            t("module"), {"nom": "Réserve", "bloc": [self.bloc], "heures": 20, "statut": "realise"}
        )["id"]
        people = client.batch_create(
            t("personne"),
            [
                {
                    "nom_prenom": "Ana Formatrice",
                    "email": "ana@example.org",
                    "roles": ["formateur"],
                    "statut": "actif",
                    "capacite_formation_h": 40,
                    "capacite_agence_h": 0,
                },
                {
                    "nom_prenom": "Ivo Inactif",
                    "email": "ivo@example.org",
                    "roles": ["formateur"],
                    "statut": "inactif",
                    "capacite_formation_h": 100,
                },
                {
                    "nom_prenom": "Dev Eloppeur",
                    "email": "dev@example.org",
                    "roles": ["developpeur"],
                    "statut": "actif",
                    "capacite_agence_h": 10,
                },
            ],
        )
        self.ana, self.ivo, self.dev = (row["id"] for row in people)
        self.tache = client.create_row(
            t("tache"), {"nom": "Intégration", "projet": [1], "statut": "en_cours"}
        )["id"]
        connection.fake.calls.clear()

    def rows(self, entity):
        return self.connection.fake.tables[self.t(entity)].rows

    def count(self, entity):
        return len(self.rows(entity))

    def writes(self):
        return [c for c in self.connection.fake.calls if c.method in ("POST", "PATCH", "DELETE")]


@pytest.fixture
def s(demo_baserow):
    return Scenario(demo_baserow)


@pytest.fixture
def writer(client_for):
    return client_for("write:attributions", "write:interventions", "read:*")
