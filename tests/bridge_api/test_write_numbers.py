"""Hours written in each field's own format, refusals before writing, and Baserow's rejections.

Baserow validates a number's text against the field's decimal places (`"2.00"` is refused by a
1-place field); the fake does the same (tests/integrations/test_baserow_numbers.py).
"""

import pytest
from django.core.cache import cache

from integrations.fakes.baserow.fake import FakeError
from tests.bridge_api.test_write_api import attribuer, error

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_baserow")]


def set_number_format(s, entity, name, *, places, negative=False, cached_formats_expire=True):
    """Change a number field in Baserow, as a person would in its field settings (and, unless
    told otherwise, let the bridge's cached field formats expire)."""
    client = s.connection.client
    field = next(f for f in client.list_fields(s.t(entity)) if f["name"] == name)
    client.update_field(field["id"], {"number_decimal_places": places, "number_negative": negative})
    if cached_formats_expire:
        cache.delete_pattern("baserow-fields:*")
    s.connection.fake.calls.clear()


def row_writes(s, entity):
    """Bodies of the row writes sent to `entity`'s table."""
    prefix = f"/api/database/rows/table/{s.t(entity)}/"
    return [
        call.body
        for call in s.connection.fake.calls
        if call.method in ("POST", "PATCH") and call.path.startswith(prefix)
    ]


def intervention(client, s, heures, **extra):
    body = {"tache_id": s.tache, "personne_id": s.dev, "heures": heures, "date": "2026-11-20"}
    return client.post("/api/v1/interventions", body | extra, format="json")


# -- each field's own decimal places ------------------------------------------------------------


@pytest.mark.parametrize(
    ("places", "heures", "sent"),
    [(0, 3, "3"), (1, 2, "2.0"), (1, 2.5, "2.5"), (2, 2, "2.00"), (2, 1.25, "1.25")],
)
def test_attribuer_sends_hours_with_the_fields_decimal_places(writer, s, places, heures, sent):
    set_number_format(s, "attribution", "heures_attribuees", places=places)

    response = attribuer(writer, s, heures)

    assert response.status_code == 201, response.content
    assert response.json()["data"]["heures_attribuees"] == heures
    (created,) = row_writes(s, "attribution")
    assert created["heures_attribuees"] == sent
    assert created["heures_realisees"] == "0.00"  # its own field still has 2 places


def test_a_one_place_database_takes_every_attribution_write(writer, s):
    """The defect: every hour went as "2.00", which a 1-place field refuses, so every
    attribution write failed on such a database."""
    for name in ("heures_attribuees", "heures_realisees"):
        set_number_format(s, "attribution", name, places=1)

    created = attribuer(writer, s, 2)
    assert created.status_code == 201, created.content
    attribution_id = created.json()["data"]["attribution_id"]
    done = writer.patch(
        f"/api/v1/attributions/{attribution_id}/heures-realisees",
        {"heures_realisees": 1.5},
        format="json",
    )

    assert done.status_code == 200, done.content
    assert done.json()["data"]["heures_realisees"] == 1.5
    assert [body["heures_realisees"] for body in row_writes(s, "attribution")][-1] == "1.5"


def test_intervention_create_and_update_use_the_fields_places(writer, s):
    set_number_format(s, "intervention", "heures", places=1)

    created = intervention(writer, s, 2)
    assert created.status_code == 201, created.content
    intervention_id = created.json()["data"]["intervention_id"]
    updated = writer.patch(
        f"/api/v1/interventions/{intervention_id}", {"heures": 3.5}, format="json"
    )

    assert updated.status_code == 200, updated.content
    assert [body["heures"] for body in row_writes(s, "intervention")] == ["2.0", "3.5"]


# -- too precise: a 400 before anything is written ----------------------------------------------


@pytest.mark.parametrize("dry_run", [False, True])
def test_hours_more_precise_than_the_field_are_400_naming_field_and_places(writer, s, dry_run):
    set_number_format(s, "attribution", "heures_attribuees", places=1)
    before = s.count("attribution")

    query = {"dry_run": "true"} if dry_run else {}
    body = error(attribuer(writer, s, 2.25, **query), 400, "VALIDATION_ERROR")

    assert list(body["details"]) == ["heures"]
    (problem,) = body["details"]["heures"]
    assert "attribution.heures_attribuees" in problem
    assert "at most 1 decimal place" in problem
    assert "2.25" in problem
    assert body["message"].startswith("heures: ")
    assert s.writes() == []  # never rounded to 2.3 and written
    assert s.count("attribution") == before


def test_a_whole_number_field_refuses_half_hours(writer, s):
    set_number_format(s, "intervention", "heures", places=0)

    body = error(intervention(writer, s, 1.5), 400, "VALIDATION_ERROR")

    assert "whole numbers only" in body["details"]["heures"][0]
    assert s.writes() == []


def test_realised_hours_too_precise_are_refused_before_any_write(writer, s):
    attribution_id = attribuer(writer, s, 4).json()["data"]["attribution_id"]
    set_number_format(s, "attribution", "heures_realisees", places=0)

    body = error(
        writer.patch(
            f"/api/v1/attributions/{attribution_id}/heures-realisees",
            {"heures_realisees": 2.5},
            format="json",
        ),
        400,
        "VALIDATION_ERROR",
    )

    assert list(body["details"]) == ["heures_realisees"]
    assert s.writes() == []


def test_intervention_update_too_precise_is_refused(writer, s):
    intervention_id = intervention(writer, s, 2).json()["data"]["intervention_id"]
    set_number_format(s, "intervention", "heures", places=1)

    body = error(
        writer.patch(f"/api/v1/interventions/{intervention_id}", {"heures": 1.25}, format="json"),
        400,
        "VALIDATION_ERROR",
    )

    assert "at most 1 decimal place" in body["details"]["heures"][0]
    assert s.writes() == []


# -- Baserow's own refusals: 502 BASEROW_REJECTED, not "unavailable" ----------------------------


def test_a_baserow_400_on_a_write_is_502_rejected_with_its_code_and_detail(writer, s, caplog):
    """Field formats cached at 2 places, then the field narrowed to 1 in Baserow: the write
    Baserow refuses is BASEROW_REJECTED carrying its answer, and drops the stale formats."""
    assert attribuer(writer, s, 1).status_code == 201  # caches the field formats
    set_number_format(s, "attribution", "heures_attribuees", places=1, cached_formats_expire=False)

    body = error(attribuer(writer, s, 2.25), 502, "BASEROW_REJECTED")

    assert body["details"]["baserow_status"] == 400
    assert body["details"]["baserow_error"] == "ERROR_REQUEST_BODY_VALIDATION"
    assert body["details"]["baserow_detail"] == {
        "heures_attribuees": [
            {
                "error": "Ensure that there are no more than 1 decimal places.",
                "code": "max_decimal_places",
            }
        ]
    }
    assert "unavailable" not in body["message"].lower()
    assert any(r.getMessage() == "bridge.baserow.refused" for r in caplog.records)
    # The formats were forgotten: the same request is now refused before writing.
    again = error(attribuer(writer, s, 2.25), 400, "VALIDATION_ERROR")
    assert "at most 1 decimal place" in again["details"]["heures"][0]


def test_a_missing_table_on_a_write_is_rejected_not_not_found(writer, s, monkeypatch):
    fake = s.connection.fake

    def table_gone(table_id, **_kwargs):
        raise FakeError(404, "ERROR_TABLE_DOES_NOT_EXIST", "The requested table does not exist.")

    monkeypatch.setattr(fake, "_create_row", table_gone)

    body = error(attribuer(writer, s, 1), 502, "BASEROW_REJECTED")

    assert body["details"]["baserow_status"] == 404
    assert body["details"]["baserow_error"] == "ERROR_TABLE_DOES_NOT_EXIST"
    assert body["details"]["baserow_detail"] == "The requested table does not exist."


def test_a_row_deleted_before_the_write_is_404_not_found(writer, s, monkeypatch):
    """Baserow's row 404 on the update itself (the row went between the read and the write)
    stays a 404 NOT_FOUND for the caller, not a rejection."""
    attribution_id = attribuer(writer, s, 2).json()["data"]["attribution_id"]
    fake = s.connection.fake
    original = fake._update_row

    def gone_meanwhile(table_id, row_id, **kwargs):
        fake.tables[table_id].rows.pop(row_id, None)
        return original(table_id, row_id, **kwargs)

    monkeypatch.setattr(fake, "_update_row", gone_meanwhile)

    body = error(
        writer.patch(
            f"/api/v1/attributions/{attribution_id}/heures-realisees",
            {"heures_realisees": 1},
            format="json",
        ),
        404,
        "NOT_FOUND",
    )

    assert body["details"] == {"entity": "attribution", "id": attribution_id}


def test_reading_a_missing_table_is_rejected_not_not_found(client_for, fake):
    fake.fail_next(
        404,
        body={
            "error": "ERROR_TABLE_DOES_NOT_EXIST",
            "detail": "The requested table does not exist.",
        },
    )

    response = client_for("read:*").get("/api/v1/attributions/1")

    assert response.status_code == 502
    assert response.json()["error"]["code"] == "BASEROW_REJECTED"


def test_a_refusal_is_checked_on_fresh_formats_not_cached_ones(writer, s):
    """Widened in Baserow after the formats were cached: 2.25 fits now, so it is written."""
    set_number_format(s, "attribution", "heures_attribuees", places=1)
    assert attribuer(writer, s, 1).status_code == 201  # caches the 1-place format
    set_number_format(s, "attribution", "heures_attribuees", places=2, cached_formats_expire=False)

    response = attribuer(writer, s, 2.25)

    assert response.status_code == 201, response.content
    assert row_writes(s, "attribution")[0]["heures_attribuees"] == "2.25"
