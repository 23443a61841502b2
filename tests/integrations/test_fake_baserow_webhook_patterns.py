"""The fake's webhook deliveries are the real Baserow 1.35.3's, step by step.

`tests/fixtures/baserow_webhooks/real_1.35.3_linked_events.json` is what a real Baserow sent to
a receiver for a scenario run through its API (the bridge's schema and webhooks, a second
webhook on the projet table). The same requests are made here to the fake; every step must give
the same deliveries: which webhooks, which event types and headers, which rows (by name, since
ids differ), whole rows, `total_count`, `old_items` or none, test calls. Arrival order is not
compared: real Baserow calls each webhook from its own queue.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from sync.webhook_registration import baserow_webhooks_ensure

RECORDED = json.loads(
    (
        Path(__file__).parents[1]
        / "fixtures"
        / "baserow_webhooks"
        / "real_1.35.3_linked_events.json"
    ).read_text()
)
RECEIVER = "http://127.0.0.1:19520"
SECRET = "<the webhook secret>"
HEADER = "X-Bridge-Webhook-Secret"


class Scenario:
    """The recorded scenario's requests, made to the fake with its database token."""

    def __init__(self, connection):
        self.fake = connection.fake
        self.mapping = connection.mapping
        self.deliveries: list[Any] = []
        self.fake.webhook_sender = self.deliveries.append
        baserow_webhooks_ensure(
            client=connection.client,
            mapping=connection.mapping,
            bridge_url=RECEIVER,
            header=HEADER,
            secrets=[SECRET],
        )
        projet = self.table("projet")
        connection.client.create_webhook(
            projet,
            {
                "url": f"{RECEIVER}/second/projet-changed/",
                "name": "second",
                "include_all_events": False,
                "events": ["rows.created", "rows.updated", "rows.deleted"],
                "headers": {HEADER: SECRET},
                "use_user_field_names": True,
            },
        )
        self.deliveries.clear()
        self.ids: dict[str, int] = {}

    def table(self, entity: str) -> int:
        return self.mapping.table(entity).table_id

    def api(self, method: str, path: str, body: Any = None, **params: str) -> Any:
        query = "&".join(f"{k}={v}" for k, v in {"user_field_names": "true", **params}.items())
        status, _headers, raw = self.fake.handle(
            method,
            f"{self.fake.base_url}{path}?{query}",
            {"Authorization": f"Token {self.fake.database_token}"},
            json.dumps(body) if body is not None else None,
        )
        assert status < 400, raw
        return json.loads(raw) if raw else None

    def rows(self, entity: str, method: str, suffix: str = "", body: Any = None, **params: str):
        return self.api(
            method, f"/api/database/rows/table/{self.table(entity)}/{suffix}", body, **params
        )

    def test_call(self, event_type: str) -> dict[str, Any]:
        status, _headers, raw = self.fake.handle(
            "POST",
            f"{self.fake.base_url}/api/database/webhooks/table/{self.table('projet')}/test-call/",
            {"Authorization": f"JWT {self.fake._issue_access()}"},
            json.dumps(
                {
                    "url": f"{RECEIVER}/api/webhooks/baserow/projet-changed/",
                    "request_method": "POST",
                    "headers": {HEADER: SECRET},
                    "event_type": event_type,
                    "use_user_field_names": True,
                }
            ),
        )
        assert status == 200, raw
        return json.loads(raw)

    def run(self, step: str) -> None:
        ids = self.ids
        if step == "create client":
            ids["client"] = self.rows("client", "POST", body={"nom": "Client Réel"})["id"]
        elif step == "create projet linked to client":
            ids["projet"] = self.rows(
                "projet",
                "POST",
                body={
                    "nom": "Projet Réel",
                    "client": [ids["client"]],
                    "statut": "en_cours",
                    "charge_estimee_h": "40",
                },
            )["id"]
        elif step == "create tache linked to projet":
            ids["t1"] = self.rows(
                "tache",
                "POST",
                body={
                    "nom": "Tache 1",
                    "projet": [ids["projet"]],
                    "statut": "a_faire",
                    "estimation_h": "2",
                },
            )["id"]
        elif step == "update tache statut":
            self.rows("tache", "PATCH", f"{ids['t1']}/", {"statut": "en_cours"})
        elif step == "update tache nom":
            self.rows("tache", "PATCH", f"{ids['t1']}/", {"nom": "Tache 1 renommée"})
        elif step == "update client nom":
            self.rows("client", "PATCH", f"{ids['client']}/", {"nom": "Client Réel 2"})
        elif step == "batch create 2 taches":
            items = [{"nom": n, "projet": [ids["projet"]]} for n in ("T2", "T3")]
            created = self.rows("tache", "POST", "batch/", {"items": items})["items"]
            ids["t2"], ids["t3"] = (row["id"] for row in created)
        elif step == "delete tache 1":
            self.rows("tache", "DELETE", f"{ids['t1']}/")
        elif step == "update projet charge":
            self.rows("projet", "PATCH", f"{ids['projet']}/", {"charge_estimee_h": "41"})
        elif step == "update projet, send_webhook_events=false":
            self.rows(
                "projet",
                "PATCH",
                f"{ids['projet']}/",
                {"docmost_page_id": "abc"},
                send_webhook_events="false",
            )
        elif step.startswith("test call"):
            self.test_call("rows.created" if "rows.created" in step else "rows.deleted")
        elif step == "create intervention linked to tache 2":
            body = {"nom": "I1", "tache": [ids["t2"]], "heures": "1", "date": "2026-11-01"}
            self.rows("intervention", "POST", body=body)
        elif step.startswith("update tache 2 statut"):
            self.rows("tache", "PATCH", f"{ids['t2']}/", {"statut": "terminee"})
        elif step == "move tache 3 to no projet":
            self.rows("tache", "PATCH", f"{ids['t3']}/", {"projet": []})
        else:
            raise AssertionError(f"unknown step {step!r}")


def _names(deliveries: list[dict[str, Any]]) -> dict[tuple[int, int], str]:
    """(table id, row id) → the row's name, from every row the deliveries show."""
    names: dict[tuple[int, int], str] = {}
    for delivery in deliveries:
        body = delivery["body"]
        for item in [*body.get("items", []), *body.get("old_items", [])]:
            names[(body["table_id"], item["id"])] = item.get("nom") or item.get("titre") or ""
    return names


def _shape(delivery: dict[str, Any], names: dict[tuple[int, int], str]) -> str:
    """A delivery with what differs between two Baserows (ids, uuids, colors) taken out."""
    body, headers = delivery["body"], delivery["headers"]
    assert headers["X-Baserow-Delivery"] == body["event_id"]

    def row(item: dict[str, Any]) -> dict[str, Any]:
        shown = {}
        for key, value in item.items():
            if key in ("id", "order"):
                continue
            if isinstance(value, dict):  # a select option
                value = value["value"]
            elif isinstance(value, list):  # links
                value = sorted(link["value"] for link in value)
            shown[key] = value
        return shown

    shape = {
        "path": delivery["path"],
        "keys": list(body),
        "event_type": body["event_type"],
        "X-Baserow-Event": headers["X-Baserow-Event"],
        "Content-type": headers["Content-type"],
        "secret": headers[HEADER],
        "test call": body["webhook_id"] is None,
        "total_count": body.get("total_count"),
        "row_ids": [names.get((body["table_id"], i), i) for i in body.get("row_ids", [])],
        "items": [row(item) for item in body.get("items", [])],
        "old_items": [row(item) for item in body.get("old_items", [])],
    }
    return json.dumps(shape, sort_keys=True, ensure_ascii=False)


@pytest.fixture
def scenario(demo_baserow):
    return Scenario(demo_baserow)


def test_the_fake_delivers_what_real_baserow_delivered_at_every_step(scenario):
    real_names: dict[tuple[int, int], str] = {}
    fake_names: dict[tuple[int, int], str] = {}
    for recorded in RECORDED["steps"]:
        scenario.run(recorded["step"])
        sent = [
            {"path": d.url.removeprefix(RECEIVER), "headers": d.headers, "body": d.body}
            for d in scenario.deliveries
        ]
        scenario.deliveries.clear()
        real_names |= _names(recorded["deliveries"])
        fake_names |= _names(sent)

        real = sorted(_shape(d, real_names) for d in recorded["deliveries"])
        fake = sorted(_shape(d, fake_names) for d in sent)

        assert fake == real, recorded["step"]


def test_every_delivery_of_one_change_shares_its_event_id_and_names_its_webhook(scenario):
    scenario.run("create client")
    scenario.run("create projet linked to client")
    scenario.deliveries.clear()

    scenario.run("create tache linked to projet")

    deliveries = scenario.deliveries
    assert len({d.body["event_id"] for d in deliveries}) == 1
    assert len({d.webhook_id for d in deliveries}) == len(deliveries) == 3
    for delivery in deliveries:
        assert delivery.body["webhook_id"] == delivery.webhook_id
        assert scenario.fake.webhook(delivery.webhook_id)["url"] == delivery.url


def _link_250_projets(scenario) -> list[int]:
    """A client and 250 projets; their ids (the change that links them all is left to do)."""
    scenario.ids["client"] = scenario.rows("client", "POST", body={"nom": "Gros client"})["id"]
    for start in range(0, 250, 125):
        items = [{"nom": f"P{n}"} for n in range(start, start + 125)]
        scenario.rows("projet", "POST", "batch/", {"items": items})
    projets = [
        row["id"]
        for row in scenario.api(
            "GET", f"/api/database/rows/table/{scenario.table('projet')}/", size="200"
        )["results"]
    ]
    page_two = scenario.api(
        "GET", f"/api/database/rows/table/{scenario.table('projet')}/", size="200", page="2"
    )["results"]
    projets += [row["id"] for row in page_two]
    scenario.deliveries.clear()
    return projets


def test_a_linked_event_for_more_than_200_rows_comes_in_batches(scenario):
    projets = _link_250_projets(scenario)

    scenario.rows("client", "PATCH", f"{scenario.ids['client']}/", {"projet": projets})

    linked = [d for d in scenario.deliveries if d.url.endswith("/projet-changed/")]
    first_webhook = [d.body for d in linked if d.webhook_id == linked[0].webhook_id]
    total = len(projets)
    assert [b["batch_id"] for b in first_webhook] == [1, 2]
    assert [b["total_count"] for b in first_webhook] == [total, total]
    assert [(b["offset"], b["batch_size"]) for b in first_webhook] == [(0, 200), (200, total - 200)]
    assert sum(len(b["items"]) for b in first_webhook) == total


# -- the transport: the same for a table's own, linked and batched deliveries ----------------------


def _shown(scenario, webhook_id: int) -> dict[str, Any]:
    """The webhook as the API answers it (JWT)."""
    status, _headers, raw = scenario.fake.handle(
        "GET",
        f"{scenario.fake.base_url}/api/database/webhooks/{webhook_id}/",
        {"Authorization": f"JWT {scenario.fake._issue_access()}"},
        None,
    )
    assert status == 200, raw
    return json.loads(raw)


def test_a_linked_delivery_is_retried_with_its_event_id_logged_and_counted(scenario):
    scenario.run("create client")
    scenario.run("create projet linked to client")
    answers = [500]

    def sender(delivery):
        scenario.deliveries.append(delivery)
        if delivery.body["table_id"] == scenario.table("projet") and answers:
            return answers.pop(0)
        return None

    scenario.fake.webhook_sender = sender
    scenario.deliveries.clear()

    scenario.run("create tache linked to projet")

    linked = [d for d in scenario.deliveries if d.body["table_id"] == scenario.table("projet")]
    assert len(linked) == 3  # the first projet webhook twice, the second once
    first, retry = linked[0], linked[1]
    assert retry == first  # same webhook, URL, headers (X-Baserow-Delivery) and body
    shown = _shown(scenario, first.webhook_id)
    assert shown["failed_triggers"] == 0  # the retry's success reset the failed attempt
    calls = [c for c in shown["calls"] if c["event_id"] == first.body["event_id"]]
    assert [c["response_status"] for c in calls] == [200]  # one entry, overwritten by the retry
    assert calls[0]["event_type"] == "rows.created"  # the originating event
    assert calls[0]["request"].startswith(f"POST {first.url}\r\n")


def test_a_batch_that_keeps_failing_holds_back_the_rest_of_its_event(scenario):
    projets = _link_250_projets(scenario)
    webhooks = scenario.fake.webhooks[scenario.table("projet")]
    failing, healthy = webhooks[0]["id"], webhooks[1]["id"]

    def sender(delivery):
        scenario.deliveries.append(delivery)
        return 500 if delivery.webhook_id == failing else None

    scenario.fake.webhook_sender = sender

    scenario.rows("client", "PATCH", f"{scenario.ids['client']}/", {"projet": projets})

    tried = [d.body["batch_id"] for d in scenario.deliveries if d.webhook_id == failing]
    assert tried == [1] * 9  # the first batch, retries included; never the second
    stopped = _shown(scenario, failing)
    assert (stopped["active"], stopped["failed_triggers"]) == (False, 8)
    sent = [d for d in scenario.deliveries if d.webhook_id == healthy]
    assert [d.body["batch_id"] for d in sent] == [1, 2]
    calls = [
        c for c in _shown(scenario, healthy)["calls"] if c["event_id"] == sent[0].body["event_id"]
    ]
    assert len(calls) == 2  # one entry per batch of the event
    assert all("batch_id" not in call for call in calls)  # the API does not show it


def test_a_test_call_to_an_unreachable_url_says_so(scenario):
    def refuse(delivery):
        raise ConnectionError("Connection refused")

    scenario.fake.webhook_sender = refuse

    answer = scenario.test_call("rows.created")

    assert (answer["status_code"], answer["is_unreachable"], answer["response"]) == (None, True, "")
    assert answer["request"].startswith(f"POST {RECEIVER}/api/webhooks/baserow/projet-changed/")
