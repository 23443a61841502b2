"""The read API on the demo data set in the fake Baserow."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django_redis import get_redis_connection

from hub.cache import cache_invalidate_formation, cache_invalidate_personne
from integrations.fakes.baserow.fake import FakeBaserow

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_baserow")]

ROWS = "/api/database/rows/"


@pytest.fixture
def reader(client_for):
    return client_for("read:*")


def rows_calls(fake: FakeBaserow) -> int:
    return fake.count(path_prefix=ROWS)


def table_id(demo_baserow, entity: str) -> int:
    return demo_baserow.mapping.table(entity).table_id


@pytest.fixture
def pierre_750(demo_baserow):
    """The seed's example: capacity 750 h, 80 h attributed (plus a cancelled one), 8 h agency."""
    client, t = demo_baserow.client, lambda e: table_id(demo_baserow, e)
    personne = client.create_row(
        t("personne"),
        {
            "nom_prenom": "Pierre Exemple",
            "email": "p@example.org",
            "slug": "pierre-exemple",
            "roles": ["formateur", "developpeur"],
            "statut": "actif",
            "capacite_formation_h": 750,
            "capacite_agence_h": 100,
        },
    )
    pid = personne["id"]
    client.batch_create(
        t("attribution"),
        [
            {
                "nom": "a",
                "module": [1],
                "personne": [pid],
                "heures_attribuees": 50,
                "statut": "prevu",
            },
            {
                "nom": "b",
                "module": [2],
                "personne": [pid],
                "heures_attribuees": 30,
                "heures_realisees": 3.5,
                "statut": "en_cours",
            },
            {
                "nom": "c",
                "module": [3],
                "personne": [pid],
                "heures_attribuees": 20,
                "statut": "annule",
            },
        ],
    )
    client.batch_create(
        t("intervention"),
        [
            {
                "nom": "i1",
                "tache": [1],
                "personne": [pid],
                "date": "2026-11-02",
                "heures": 5,
                "statut": "valide",
            },
            {
                "nom": "i2",
                "tache": [2],
                "personne": [pid],
                "date": "2026-11-03",
                "heures": 3,
                "statut": "valide",
            },
            {
                "nom": "i3",
                "tache": [2],
                "personne": [pid],
                "date": "2026-11-04",
                "heures": 4,
                "statut": "annule",
            },
        ],
    )
    demo_baserow.fake.calls.clear()
    return pid


def test_personne_detail_has_the_capacity_rollups(reader, pierre_750):
    response = reader.get(f"/api/v1/personnes/{pierre_750}")

    assert response.status_code == 200
    data = response.json()["data"]
    assert data["personne_id"] == pierre_750
    assert data["roles"] == ["formateur", "developpeur"]
    assert data["capacite_formation_h"] == 750
    assert data["heures_attribuees_formation"] == 80
    assert data["heures_restantes_formation"] == 670
    assert data["heures_realisees_agence"] == 8
    assert data["heures_restantes_agence"] == 92
    assert data["capacite_totale_h"] == 850
    assert data["heures_restantes_totales"] == 762


def test_personne_detail_costs_three_calls_then_none_from_cache(reader, fake, pierre_750):
    reader.get(f"/api/v1/personnes/{pierre_750}")
    assert rows_calls(fake) == 3

    second = reader.get(f"/api/v1/personnes/{pierre_750}")
    assert second.status_code == 200
    assert rows_calls(fake) == 3  # served from Redis

    cache_invalidate_personne(pierre_750)
    reader.get(f"/api/v1/personnes/{pierre_750}")
    assert rows_calls(fake) == 6


def test_cached_representation_lives_under_the_documented_key(reader, pierre_750, settings):
    reader.get(f"/api/v1/personnes/{pierre_750}")
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    redis = get_redis_connection("default")
    assert redis.exists(f"{prefix}:personne:{pierre_750}")
    assert 0 < redis.ttl(f"{prefix}:personne:{pierre_750}") <= 300


def test_reads_fall_back_to_baserow_when_redis_is_down(reader, fake, pierre_750, settings):
    dead = dict(settings.CACHES)
    dead["default"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 0.2,
            "SOCKET_TIMEOUT": 0.2,
            "IGNORE_EXCEPTIONS": True,
        },
    }
    with override_settings(CACHES=dead):
        first = reader.get(f"/api/v1/personnes/{pierre_750}")
        second = reader.get(f"/api/v1/personnes/{pierre_750}")

    assert first.status_code == second.status_code == 200
    assert second.json()["data"]["heures_restantes_formation"] == 670
    assert rows_calls(fake) == 6  # uncached: every read went to Baserow


@pytest.mark.parametrize(
    ("path", "calls"),
    [
        ("/api/v1/formations/1", 4),
        ("/api/v1/blocs/1", 3),
        ("/api/v1/modules/1", 2),
        ("/api/v1/attributions/1", 1),
        ("/api/v1/clients/1", 2),
        ("/api/v1/projets/1", 3),
        ("/api/v1/projets/1/timeline", 3),
        ("/api/v1/taches/1", 2),
        ("/api/v1/personnes/1/attributions", 2),
        ("/api/v1/personnes/1/interventions", 2),
        ("/api/v1/personnes?per_page=200", 3),
        ("/api/v1/formations", 1),
        ("/api/v1/projets", 1),
        ("/api/v1/clients", 1),
    ],
)
def test_upstream_calls_are_constant_per_request(reader, fake, path, calls):
    response = reader.get(path)

    assert response.status_code == 200, response.content
    assert rows_calls(fake) == calls


def test_dashboard_costs_five_row_calls(reader, fake):
    reader.get("/api/v1/personnes/16/dashboard")  # a developer with interventions
    assert rows_calls(fake) == 5


def test_formation_detail_rolls_hours_up_from_modules(reader, demo_baserow):
    data = reader.get("/api/v1/formations/1").json()["data"]

    modules = [m for b in data["blocs"] for m in b["modules"]]
    assert modules
    assert (
        data["heures"]
        == sum(b["heures"] for b in data["blocs"])
        == sum(m["heures"] for m in modules)
    )
    assert data["heures_deja_attribuees"] == sum(m["heures_deja_attribuees"] for m in modules)
    for bloc in data["blocs"]:
        assert bloc["formation"]["formation_id"] == 1
        assert bloc["heures_restantes"] == bloc["heures"] - bloc["heures_deja_attribuees"]
    assert [b["ordre"] for b in data["blocs"]] == sorted(b["ordre"] for b in data["blocs"])


def test_module_detail_lists_only_active_attributions(reader, demo_baserow, pierre_750):
    data = reader.get("/api/v1/modules/3").json()["data"]
    assert all(a["statut"] != "annule" for a in data["attributions_actives"])
    assert "c" not in [a["nom"] for a in data["attributions_actives"]]


def test_formation_cache_is_invalidated_by_its_function(reader, fake):
    reader.get("/api/v1/formations/1")
    reader.get("/api/v1/formations/1")
    assert rows_calls(fake) == 4
    cache_invalidate_formation(1)
    reader.get("/api/v1/formations/1")
    assert rows_calls(fake) == 8


def test_projet_detail_sums_valid_interventions_of_its_taches(reader, demo_baserow):
    data = reader.get("/api/v1/projets/1").json()["data"]
    assert data["heures_realisees"] == sum(t["heures_realisees"] for t in data["taches"])
    assert data["heures_restantes"] == data["charge_estimee_h"] - data["heures_realisees"]
    timeline = reader.get("/api/v1/projets/1/timeline").json()["data"]["interventions"]
    valid = sum(Decimal(str(i["heures"])) for i in timeline if i["statut"] == "valide")
    assert Decimal(str(data["heures_realisees"])) == valid
    dates = [i["date"] for i in timeline]
    assert dates == sorted(dates, reverse=True)


def test_filter_role_goes_to_baserow_and_returns_only_matches(reader, fake):
    response = reader.get("/api/v1/personnes", {"filter[role]": "formateur", "per_page": 200})

    data = response.json()
    assert data["data"]
    assert all("formateur" in p["roles"] for p in data["data"])
    assert data["meta"]["total"] == len(data["data"]) == 14
    listing = next(c for c in fake.calls if c.path.startswith(ROWS))
    assert '"type":"multiple_select_has"' in listing.params["filters"]


def test_filter_statut_and_sort(reader):
    data = reader.get("/api/v1/personnes", {"filter[statut]": "inactif"}).json()
    assert {p["statut"] for p in data["data"]} == {"inactif"}
    assert data["meta"]["total"] == 2

    ordered = reader.get(
        "/api/v1/personnes", {"sort": "-capacite_agence_h", "per_page": 200}
    ).json()["data"]
    capacities = [p["capacite_agence_h"] for p in ordered]
    assert capacities == sorted(capacities, reverse=True)


def test_filter_projets_by_client_link(reader):
    data = reader.get("/api/v1/projets", {"filter[client]": "2"}).json()["data"]
    assert data
    assert {p["client"]["client_id"] for p in data} == {2}


def test_pagination_meta(reader):
    body = reader.get("/api/v1/personnes", {"per_page": 7, "page": 2}).json()
    assert body["meta"] == {"page": 2, "per_page": 7, "total": 30, "total_pages": 5}
    assert len(body["data"]) == 7
    past = reader.get("/api/v1/personnes", {"per_page": 7, "page": 9}).json()
    assert past["data"] == []
    assert past["meta"]["total"] == 30


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"filter[couleur]": "bleu"}, "filter[couleur]"),
        ({"filter[statut]": "retraite"}, "filter[statut]"),
        ({"filter": "x"}, "filter"),
        ({"sort": "salaire"}, "sort"),
        ({"per_page": "201"}, "per_page"),
        ({"per_page": "abc"}, "per_page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        # Unicode digits pass str.isdigit() but not int(): they were a 500.
        ({"per_page": "²"}, "per_page"),
        ({"page": "٣"}, "page"),
        ({"page": "1" * 5000}, "page"),  # beyond int()'s digit limit
        ({"filter[client]": "²"}, "filter[client]"),
        ({"filter[client]": "9" * 40}, "filter[client]"),
    ],
)
def test_bad_list_parameters_are_400_naming_them(reader, fake, params, field):
    response = reader.get("/api/v1/personnes", params)

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert field in error["details"]
    assert rows_calls(fake) == 0  # nothing asked of Baserow


@pytest.mark.parametrize("path", ["/api/v1/projets", "/api/v1/personnes/1/interventions"])
def test_unicode_digits_in_any_list_are_400_not_500(reader, path):
    response = reader.get(path, {"per_page": "²", "filter[tache]": "¹", "filter[client]": "³"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_link_filter_needs_an_id(reader):
    response = reader.get("/api/v1/projets", {"filter[client]": "Mairie"})
    assert response.status_code == 400
    assert "filter[client]" in response.json()["error"]["details"]


@pytest.mark.parametrize(
    "path", ["/api/v1/personnes/abc", "/api/v1/personnes/1.5", "/api/v1/projets/-1"]
)
def test_non_numeric_id_is_404_in_the_envelope(reader, path):
    response = reader.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/personnes/9999",
        "/api/v1/formations/9999",
        "/api/v1/personnes/9999/attributions",
        "/api/v1/taches/9999",
    ],
)
def test_unknown_id_is_404_naming_the_entity(reader, path):
    response = reader.get(path)
    assert response.status_code == 404
    assert "9999 does not exist" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("scopes", "path", "status"),
    [
        (["read:personnes"], "/api/v1/personnes/1", 200),
        (["read:personnes"], "/api/v1/formations/1", 403),
        (["read:formations"], "/api/v1/modules/1", 200),
        (["read:formations"], "/api/v1/attributions/1", 403),
        (["read:attributions"], "/api/v1/attributions/1", 200),
        (["read:projets"], "/api/v1/clients", 200),
        (["read:projets"], "/api/v1/personnes", 403),
        (["write:attributions"], "/api/v1/personnes/1", 403),
        (["admin:*"], "/api/v1/taches/1", 200),
    ],
)
def test_each_endpoint_requires_its_read_scope(client_for, scopes, path, status):
    assert client_for(*scopes).get(path).status_code == status


def test_no_token_is_401(api_client):
    assert api_client.get("/api/v1/personnes").status_code == 401


def test_baserow_down_is_502_in_the_envelope(reader, fake, caplog):
    fake.fail_next(503, times=5)

    response = reader.get("/api/v1/projets/1")

    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "BASEROW_UNAVAILABLE"
    assert "503" in error["message"]
    assert any(r.getMessage() == "bridge.baserow.unavailable" for r in caplog.records)


def test_baserow_garbage_is_502(reader, fake):
    fake.fail_next(200, body=b"<html>captive portal</html>")
    response = reader.get("/api/v1/formations")
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "BASEROW_UNAVAILABLE"


def test_row_that_does_not_fit_the_schema_is_502_naming_the_field(reader, fake):
    personnes = fake.table_by_name("personne")
    next(f for f in personnes.fields if f.name == "email").name = "courriel"

    response = reader.get("/api/v1/personnes/1")

    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "BASEROW_DATA_INVALID"
    assert error["details"]["field"] == "email"
    assert error["details"]["entity"] == "personne"
