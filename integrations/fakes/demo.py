"""A realistic data set in a fake Baserow, for demo mode and tests.

Built through the real bootstrap and the real client's batch writes, so the demo exercises the
same code paths as a real deployment. Deterministic: every process builds the same data.
"""

import random
from datetime import date, timedelta
from typing import Any

from integrations.baserow.bootstrap import baserow_bootstrap
from integrations.baserow.client import BaserowClient
from integrations.baserow.schema import SchemaMapping
from integrations.fakes.baserow.fake import FakeBaserow
from integrations.fakes.transport import fake_session

FIRST_NAMES = [
    "Pierre",
    "Marie",
    "Lucas",
    "Camille",
    "Hugo",
    "Léa",
    "Nathan",
    "Chloé",
    "Louis",
    "Emma",
    "Jules",
    "Inès",
    "Arthur",
    "Manon",
    "Gabriel",
    "Sarah",
    "Raphaël",
    "Julie",
    "Adam",
    "Clara",
    "Paul",
    "Zoé",
    "Tom",
    "Lina",
    "Noah",
    "Alice",
    "Ethan",
    "Eva",
    "Victor",
    "Nina",
]
LAST_NAMES = [
    "Dupont",
    "Martin",
    "Bernard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "Andre",
    "Mercier",
    "Blanc",
    "Guerin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "Francois",
    "Legrand",
    "Gauthier",
    "Perrin",
]
FORMATIONS = {
    "Développeur Web Fullstack": {
        "Front-end": ["HTML & CSS", "JS Fondamentaux", "React"],
        "Back-end": ["Python", "Django", "API REST", "PostgreSQL"],
        "Projet": ["Gestion de projet agile", "Projet fil rouge"],
    },
    "Concepteur Développeur d'Applications": {
        "Conception": ["UML", "Architecture logicielle"],
        "Développement": ["Java", "Spring", "Tests automatisés"],
    },
    "Technicien Supérieur Systèmes et Réseaux": {
        "Systèmes": ["Linux", "Windows Server"],
        "Réseaux": ["TCP/IP", "Sécurité réseau", "Virtualisation"],
    },
}
CLIENTS = (
    "Boulangerie Martin",
    "Mairie de Nice",
    "Azur Immobilier",
    "Clinique du Port",
    "Riviera Sport",
)
PROJETS = (
    "Site vitrine", "Application mobile", "Intranet RH", "Refonte e-commerce", "Portail citoyen",
    "Tableau de bord", "API partenaires", "Migration cloud",
)  # fmt: skip
TACHES = ("Maquettes", "Intégration", "Back-office", "Recette", "Mise en production")


def _slug(text: str) -> str:
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(ascii_text.lower().split())


def seed_demo_data(
    client: BaserowClient, mapping: SchemaMapping, *, today: date, personnes: int = 30
) -> None:
    rng = random.Random(20261122)  # noqa: S311 - demo data, not security
    t = {entity: mapping.table(entity).table_id for entity in mapping.tables}

    def create(entity: str, items: list[dict[str, Any]]) -> list[int]:
        return [row["id"] for row in client.batch_create(t[entity], items)]

    people: list[dict[str, Any]] = []
    for index in range(max(30, personnes)):
        first, last = FIRST_NAMES[index % 30], LAST_NAMES[(index + index // 30) % 30]
        name = f"{first} {last}" + (f" {index // 30 + 1}" if index >= 30 else "")
        slot = index % 30
        roles = ["formateur"] if slot < 14 else ["developpeur"] if slot < 26 else ["admin"]
        if slot in (3, 7, 11):
            roles.append("developpeur")
        people.append(
            {
                "nom_prenom": name,
                "email": f"{_slug(name).replace('-', '.')}@acadenice.fr",
                "slug": _slug(name),
                "roles": roles,
                "statut": "inactif" if slot in (12, 25) else "actif",
                "capacite_formation_h": 750 if "formateur" in roles else 0,
                "capacite_agence_h": 1200 if "developpeur" in roles else 0,
            }
        )
    personne_ids = create("personne", people)
    names = {pid: p["nom_prenom"] for pid, p in zip(personne_ids, people, strict=True)}
    formateurs = [
        pid
        for pid, p in zip(personne_ids, people, strict=True)
        if "formateur" in p["roles"] and p["statut"] == "actif"
    ]
    developpeurs = [
        pid
        for pid, p in zip(personne_ids, people, strict=True)
        if "developpeur" in p["roles"] and p["statut"] == "actif"
    ]

    for f_index, (formation, blocs) in enumerate(FORMATIONS.items()):
        start = today - timedelta(days=120 - 60 * f_index)
        (formation_id,) = create(
            "formation",
            [
                {
                    "nom": formation,
                    "code": f"F{2026}-{f_index + 1:02d}",
                    "statut": "en_cours" if f_index < 2 else "brouillon",
                    "date_debut": start.isoformat(),
                    "date_fin": (start + timedelta(days=300)).isoformat(),
                }
            ],
        )
        bloc_ids = create(
            "bloc",
            [{"nom": b, "formation": [formation_id], "ordre": i + 1} for i, b in enumerate(blocs)],
        )
        for bloc_id, modules in zip(bloc_ids, blocs.values(), strict=True):
            module_rows: list[dict[str, Any]] = [
                {
                    "nom": m,
                    "bloc": [bloc_id],
                    "heures": rng.choice((21, 28, 35, 42, 70)),
                    "statut": "a_attribuer",
                }
                for m in modules
            ]
            module_ids = create("module", module_rows)
            attributions, updates = [], []
            for module_id, module in zip(module_ids, module_rows, strict=True):
                if f_index == 2 or rng.random() < 0.2:
                    continue  # some modules still to assign
                personne_id = rng.choice(formateurs)
                hours = module["heures"] if rng.random() < 0.7 else module["heures"] - 7
                done = rng.choice((0, hours // 2, hours)) if f_index == 0 else 0
                statut = "realise" if done == hours else "en_cours" if done else "prevu"
                attributions.append(
                    {
                        "nom": f"{module['nom']} — {names[personne_id]}",
                        "module": [module_id],
                        "personne": [personne_id],
                        "heures_attribuees": hours,
                        "heures_realisees": done,
                        "statut": statut,
                        "date_debut": (start + timedelta(days=rng.randint(0, 90))).isoformat(),
                    }
                )
                updates.append(
                    {"id": module_id, "statut": "realise" if statut == "realise" else "attribue"}
                )
            if attributions:
                create("attribution", attributions)
                client.batch_update(t["module"], updates)

    client_ids = create(
        "client",
        [
            {
                "nom": c,
                "email": f"contact@{_slug(c)}.fr",
                "telephone": f"04 93 {10 + i:02d} {20 + i:02d} {30 + i:02d}",
            }
            for i, c in enumerate(CLIENTS)
        ],
    )
    projet_rows = [
        {
            "nom": p,
            "client": [client_ids[i % len(client_ids)]],
            "statut": ("en_cours", "en_cours", "livre", "cloture")[i % 4],
            "charge_estimee_h": rng.choice((40, 80, 120, 200)),
        }
        for i, p in enumerate(PROJETS)
    ]
    projet_ids = create("projet", projet_rows)
    interventions = []
    for projet_id, projet in zip(projet_ids, projet_rows, strict=True):
        tache_rows = [
            {
                "nom": name,
                "projet": [projet_id],
                "statut": rng.choice(("a_faire", "en_cours", "terminee")),
                "estimation_h": rng.choice((4, 8, 16, 24)),
            }
            for name in TACHES[: rng.randint(3, 5)]
        ]
        for tache_id, tache in zip(create("tache", tache_rows), tache_rows, strict=True):
            for _ in range(rng.randint(0, 4)):
                day = today - timedelta(days=rng.randint(1, 90))
                personne_id = rng.choice(developpeurs)
                interventions.append(
                    {
                        "nom": f"{projet['nom']} / {tache['nom']} — {day.isoformat()}",
                        "tache": [tache_id],
                        "personne": [personne_id],
                        "date": day.isoformat(),
                        "heures": rng.choice((1, 2, 3.5, 4, 7)),
                        "notes": "",
                        "statut": "annule" if rng.random() < 0.05 else "valide",
                    }
                )
    create("intervention", interventions)


def fake_client(fake: FakeBaserow) -> BaserowClient:
    """A real client whose transport is the in-process fake."""
    return BaserowClient(
        base_url=fake.base_url,
        database_token=fake.database_token,
        email=fake.email,
        password=fake.password,
        session=fake_session(fake),
    )


def build_demo_baserow(
    *, today: date | None = None, personnes: int = 30
) -> tuple[FakeBaserow, SchemaMapping]:
    fake = FakeBaserow(base_url="http://baserow.demo")
    client = fake_client(fake)
    mapping = baserow_bootstrap(client=client, database_id=fake.database_id).mapping
    seed_demo_data(client, mapping, today=today or date.today(), personnes=personnes)
    fake.calls.clear()
    return fake, mapping
