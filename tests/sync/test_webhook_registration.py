"""`manage.py baserow_webhooks` (issue 9, point 16): exactly the webhooks the bridge needs, in
Baserow (the fake, driven through the real client), idempotently."""

import json
import uuid
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import CommandError, call_command

from integrations.baserow.connection import BaserowConnection, use_baserow
from sync.ingress import KIND_ENTITY
from sync.models import WebhookEvent
from sync.orchestration import WEBHOOK_TABLES
from sync.payloads import ROW_EVENTS
from sync.webhook_registration import WEBHOOK_KINDS, baserow_webhooks_ensure
from tests.sync.conftest import OLD_SECRET, SECRET

BRIDGE = "https://bridge.example.org"
HEADER = "X-Bridge-Webhook-Secret"
WEBHOOK_PATHS = "/api/database/webhooks/"


@pytest.fixture
def real(demo_baserow, settings):
    """The bridge configured for a real Baserow (no demo), whose transport is the fake."""
    fake = demo_baserow.fake
    settings.BASEROW_URL = fake.base_url
    settings.BASEROW_DATABASE_TOKEN = fake.database_token
    settings.BASEROW_SCHEMA = json.dumps(demo_baserow.mapping.to_json())
    settings.BASEROW_SCHEMA_FILE = ""
    settings.BASEROW_EMAIL = fake.email
    settings.BASEROW_PASSWORD = fake.password
    settings.BASEROW_WEBHOOK_SECRETS = [SECRET, OLD_SECRET]
    settings.BRIDGE_PUBLIC_URL = BRIDGE
    use_baserow(BaserowConnection(client=demo_baserow.client, mapping=demo_baserow.mapping))
    fake.webhooks.clear()
    fake.calls.clear()
    yield demo_baserow
    use_baserow(demo_baserow)


def ensure(real, **kwargs):
    options = {"bridge_url": BRIDGE, "header": HEADER, "secrets": [SECRET, OLD_SECRET]} | kwargs
    return baserow_webhooks_ensure(client=real.client, mapping=real.mapping, **options)


def table(real, entity):
    return real.mapping.table(entity).table_id


def hooks(real, entity):
    return real.client.list_webhooks(table(real, entity))


def webhook_writes(fake):
    return [
        (c.method, c.path)
        for c in fake.calls
        if c.path.startswith(WEBHOOK_PATHS) and c.method in ("POST", "PATCH", "DELETE")
    ]


def run(*args, **options):
    out, err = StringIO(), StringIO()
    call_command("baserow_webhooks", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


# -- what is registered ----------------------------------------------------------------------------


def test_every_registered_kind_is_one_the_ingress_maps_to_its_table():
    assert set(WEBHOOK_KINDS) == set(WEBHOOK_TABLES)
    for entity, kind in WEBHOOK_KINDS.items():
        assert KIND_ENTITY[kind] == entity


def test_first_run_creates_one_webhook_per_table_with_the_kind_url_secret_and_row_events(real):
    report = ensure(real)

    assert report.changes == len(WEBHOOK_KINDS)
    for entity, kind in WEBHOOK_KINDS.items():
        (webhook,) = hooks(real, entity)
        assert webhook["url"] == f"{BRIDGE}/api/webhooks/baserow/{kind}/"
        assert webhook["headers"] == {HEADER: SECRET}  # the first secret is the one written
        assert webhook["include_all_events"] is False
        assert sorted(webhook["events"]) == sorted(ROW_EVENTS)
        assert webhook["use_user_field_names"] is True
        assert webhook["request_method"] == "POST"
        assert webhook["active"] is True
    assert all(table(real, e) not in real.fake.webhooks for e in ("personne", "bloc"))


def test_module_gets_module_status_changed_and_projet_exactly_one_webhook(real):
    ensure(real)

    assert [w["url"].rsplit("/", 2)[-2] for w in hooks(real, "module")] == ["module-status-changed"]
    assert [w["url"].rsplit("/", 2)[-2] for w in hooks(real, "projet")] == ["projet-changed"]


def test_second_run_changes_nothing(real):
    ensure(real)
    real.fake.calls.clear()

    report = ensure(real)

    assert report.changes == 0
    assert webhook_writes(real.fake) == []
    assert all("up to date" in line for line in report.lines)


def test_registered_webhooks_are_accepted_by_the_bridge_ingress(real, api_client, db):
    """What Baserow will send with these settings (URL, header) lands in the inbox."""
    ensure(real)
    for entity, kind in WEBHOOK_KINDS.items():
        (webhook,) = hooks(real, entity)
        payload = {
            "table_id": table(real, entity),
            "database_id": 1,
            "workspace_id": 1,
            "webhook_id": webhook["id"],
            "event_id": str(uuid.uuid4()),
            "event_type": "rows.deleted",
            "row_ids": [424242],
        }
        headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in webhook["headers"].items()}

        response = api_client.generic(
            "POST",
            urlsplit(webhook["url"]).path,
            json.dumps(payload),
            content_type="application/json",
            **headers,
        )

        assert response.status_code == 200, (entity, response.content)
        event = WebhookEvent.objects.get(webhook_id=webhook["id"])
        assert event.kind == kind
        assert event.status != WebhookEvent.Status.QUARANTINED, event.last_error


# -- repairs ---------------------------------------------------------------------------------------


def test_webhook_with_the_bridge_url_but_wrong_settings_is_updated_in_place(real):
    projet = table(real, "projet")
    nom = real.client.list_fields(projet)[0]["id"]
    wrong = real.client.create_webhook(
        projet,
        {
            "url": f"{BRIDGE}/api/webhooks/baserow/projet-changed/",
            "name": "made by hand",
            "include_all_events": False,
            "events": ["rows.updated"],
            "event_config": [{"event_type": "rows.updated", "fields": [nom]}],
            "headers": {HEADER: "not-a-configured-secret", "X-Other": "1"},
            "use_user_field_names": False,
        },
    )
    real.fake.calls.clear()

    report = ensure(real)

    (webhook,) = hooks(real, "projet")
    assert webhook["id"] == wrong["id"]
    assert webhook["headers"] == {HEADER: SECRET}
    assert sorted(webhook["events"]) == sorted(ROW_EVENTS)
    assert webhook["event_config"] == [{"event_type": e} for e in webhook["events"]]
    assert webhook["use_user_field_names"] is True
    line = next(line for line in report.lines if f"webhook {wrong['id']}" in line)
    assert "updated (name, events, event_config, headers, use_user_field_names)" in line
    assert "not-a-configured-secret" not in "\n".join(report.lines)
    assert SECRET not in "\n".join(report.lines)
    assert ("PATCH", f"{WEBHOOK_PATHS}{wrong['id']}/") in webhook_writes(real.fake)


def test_readme_literal_two_all_events_webhooks_on_projet_become_one(real):
    projet = table(real, "projet")
    for kind in ("projet-changed", "projet-status-changed"):
        real.client.create_webhook(
            projet,
            {
                "url": f"{BRIDGE}/api/webhooks/baserow/{kind}/",
                "name": kind,
                "headers": {HEADER: SECRET},
            },
        )

    report = ensure(real)

    (webhook,) = hooks(real, "projet")
    assert webhook["url"].endswith("/projet-changed/")
    assert webhook["include_all_events"] is False
    assert any("duplicate webhook" in line and "deleted" in line for line in report.lines)


def test_a_wrong_kind_on_a_table_is_corrected_not_duplicated(real):
    module = table(real, "module")
    created = real.client.create_webhook(
        module, {"url": f"{BRIDGE}/api/webhooks/baserow/module-changed/", "name": "m"}
    )

    ensure(real)

    (webhook,) = hooks(real, "module")
    assert webhook["id"] == created["id"]
    assert webhook["url"] == f"{BRIDGE}/api/webhooks/baserow/module-status-changed/"


def test_webhooks_of_other_integrations_are_left_alone(real):
    projet = table(real, "projet")
    other = real.client.create_webhook(
        projet, {"url": "https://zapier.example.com/hooks/1", "name": "zap"}
    )

    ensure(real)

    urls = {w["id"]: w["url"] for w in hooks(real, "projet")}
    assert urls[other["id"]] == "https://zapier.example.com/hooks/1"
    assert len(urls) == 2


def test_webhook_left_at_an_old_bridge_address_is_recognised_by_its_secret_and_moved(real):
    projet = table(real, "projet")
    old = real.client.create_webhook(
        projet,
        {
            "url": "https://old-bridge.example.org/api/webhooks/baserow/projet-changed/",
            "name": "old",
            "headers": {HEADER: OLD_SECRET},
        },
    )

    ensure(real)

    (webhook,) = hooks(real, "projet")
    assert webhook["id"] == old["id"]
    assert webhook["url"] == f"{BRIDGE}/api/webhooks/baserow/projet-changed/"
    assert webhook["headers"] == {HEADER: SECRET}  # rotated to the first secret


def test_deactivated_webhook_is_reported_and_reactivated_only_with_the_flag(real):
    ensure(real)
    (webhook,) = hooks(real, "formation")
    real.fake.deactivate_webhook(webhook["id"])
    real.fake.calls.clear()

    reported = ensure(real)
    assert webhook_writes(real.fake) == []
    assert any(f"webhook {webhook['id']} is deactivated (8 failed calls)" in line
               for line in reported.inactive)  # fmt: skip

    reactivated = ensure(real, reactivate=True)

    (after,) = hooks(real, "formation")
    assert after["active"] is True
    assert after["failed_triggers"] == 0
    assert reactivated.inactive == []
    assert any("re-activated" in line for line in reactivated.lines)


def test_dry_run_changes_nothing_and_says_what_it_would_do(real):
    real.client.create_webhook(
        table(real, "projet"),
        {"url": f"{BRIDGE}/api/webhooks/baserow/projet-status-changed/", "name": "x"},
    )
    real.fake.calls.clear()

    report = ensure(real, dry_run=True)

    assert webhook_writes(real.fake) == []
    assert report.changes == len(WEBHOOK_KINDS)
    assert sum("would be created" in line for line in report.lines) == len(WEBHOOK_KINDS) - 1
    assert any("would be updated (url, name" in line for line in report.lines)


# -- the command -----------------------------------------------------------------------------------


def test_command_registers_and_reports_then_has_nothing_to_change(real):
    out, err = run(skip_checks=False)  # the system checks run, as under manage.py
    again_out, again_err = run()

    assert out.count(" created → ") == len(WEBHOOK_KINDS)
    assert f"{BRIDGE}/api/webhooks/baserow/module-status-changed/" in out
    assert f"{len(WEBHOOK_KINDS)} change(s) made" in err
    assert "Nothing to change" in again_err
    assert SECRET not in out + err + again_out + again_err


def test_command_bridge_url_option_wins_over_the_setting(real):
    run("--bridge-url", "https://other.example.org/bridge/")

    (webhook,) = hooks(real, "projet")
    assert webhook["url"] == "https://other.example.org/bridge/api/webhooks/baserow/projet-changed/"


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("BRIDGE_PUBLIC_URL", "", "--bridge-url"),
        ("BRIDGE_PUBLIC_URL", "bridge.example.org", "is not an http"),
        ("BASEROW_WEBHOOK_SECRETS", [], "BASEROW_WEBHOOK_SECRETS is empty"),
        ("BASEROW_PASSWORD", "", "needs a JWT"),
    ],
)
def test_command_refuses_an_incomplete_configuration(real, settings, setting, value, message):
    setattr(settings, setting, value)

    with pytest.raises(CommandError, match=message):
        run()
    assert webhook_writes(real.fake) == []


def test_command_in_demo_mode_refuses(demo_baserow):
    with pytest.raises(CommandError, match="demo mode"):
        run("--bridge-url", BRIDGE)


def test_command_explains_a_url_baserow_cannot_reach(real):
    real.fake.webhook_url_reachable = lambda url: False

    with pytest.raises(CommandError) as caught:
        run()

    message = str(caught.value)
    assert "invalid_url" in message
    assert "BASEROW_WEBHOOKS_ALLOW_PRIVATE_ADDRESS" in message


def test_command_never_shows_the_secret_in_an_error(real, settings):
    settings.BASEROW_WEBHOOK_SECRETS = ["bad\r\nsecret-value-0123456789"]

    with pytest.raises(CommandError) as caught:
        run()

    assert "invalid_http_header_value" in str(caught.value)
    assert "secret-value-0123456789" not in str(caught.value)
